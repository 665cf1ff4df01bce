//! The README's shell examples run as printed: every ```sh block that calls `curl` runs under
//! bash against a demo server (its address in place of 127.0.0.1:8080; `$DEMO_KEY`, `$TOKEN` and
//! `$STORE_ID` set as the README tells the reader to set them), and every answer must be JSON
//! with a 2xx status and no `errors`. The `cargo` commands are what CI itself runs.

use commerce_gateway::auth::scope;
use serde_json::Value;

use crate::helpers::{demo_catalog, spawn_demo_app};

/// The ```sh blocks of `markdown` that call curl.
fn curl_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence.starts_with("```sh") => current = Some(String::new()),
            (Some(block), fence) if fence.starts_with("```") => {
                if block.contains("curl ") {
                    blocks.push(std::mem::take(block));
                }
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[tokio::test]
async fn every_curl_example_of_the_readme_runs_as_printed() {
    let readme = include_str!("../../README.md");
    let blocks = curl_blocks(readme);
    assert!(blocks.len() >= 2, "the README's curl examples were not found");

    let app = spawn_demo_app().await;
    let key = app.api_key(&app.merchant, scope::ALL, None).await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let store = store.as_str().expect("store id");
    let base = format!("http://{}", app.address);
    // Each curl prints its body, then its status on a line of its own.
    let prelude = "set -euo pipefail\ncurl() { command curl -sS -w '\\n%{http_code}\\n' \"$@\"; }\n";
    for block in blocks {
        let script = format!("{prelude}{}", block.replace("http://127.0.0.1:8080", &base));
        let output = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("DEMO_KEY", &key)
            .env("TOKEN", &app.merchant)
            .env("STORE_ID", store)
            .output()
            .await
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{block}\nexited {}: {stdout}", output.status);
        let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(!lines.is_empty() && lines.len().is_multiple_of(2), "{block}\nprinted: {stdout}");
        for answer in lines.chunks(2) {
            let (body, status) = (answer[0], answer[1]);
            assert!(status.starts_with('2'), "{block}\nanswered {status}: {body}");
            let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{block}\nnot JSON ({e}): {body}"));
            assert!(json.get("errors").is_none(), "{block}\nanswered with errors: {body}");
        }
    }
}

#[test]
fn curl_blocks_are_found_with_their_continuations() {
    let markdown = "text\n```sh\ncurl -s a \\\n  -d 'x'\n```\n```sh\ncargo run\n```\n```\ncurl b\n```\n";
    assert_eq!(curl_blocks(markdown), vec!["curl -s a \\\n  -d 'x'\n".to_owned()]);
}
