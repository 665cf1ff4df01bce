//! The GraphiQL page as an explorer meets it: headless Chromium (Debian's, driven by
//! playwright-core from `tests/live`) opens the page of a `--demo` server whose pinned assets
//! come from a local folder (`scripts/graphiql-assets.sh`), runs the example document it opens
//! with, and finds the demo catalog in the result pane, with no refused script, failed request
//! or integrity error on the way. A screenshot goes to `target/test-artifacts/graphiql.png`.

use serde_json::Value;

use crate::graphql_over_http::node;
use crate::helpers::{spawn_app, spawn_with, TestApp, TestDatabase};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// A demo server serving GraphiQL's pinned files from a folder the script fills.
async fn demo_with_local_assets() -> (TestApp, tempfile::TempDir) {
    let assets = tempfile::tempdir().expect("dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/graphiql-assets.sh");
    let fetched = tokio::process::Command::new("bash").arg(script).arg(assets.path()).output().await.expect("bash");
    assert!(fetched.status.success(), "fetching the assets: {}", String::from_utf8_lossy(&fetched.stderr));
    let dir = assets.path().to_owned();
    let app = spawn_with(TestDatabase::new().await, true, |config| config.graphiql.dir = Some(dir)).await;
    (app, assets)
}

async fn page(app: &TestApp) -> (String, String) {
    let response = app.client.get(app.url("/graphql")).header("accept", BROWSER).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    (csp, response.text().await.expect("html"))
}

#[tokio::test]
async fn chromium_runs_the_demo_document_in_graphiql_served_with_local_assets() {
    let (app, _assets) = demo_with_local_assets().await;
    let artifacts = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-artifacts");
    std::fs::create_dir_all(artifacts).expect("artifact dir");
    let screenshot = format!("{artifacts}/graphiql.png");
    let out = node("graphiql.mjs", &[&app.url("/graphql"), &screenshot]).await;
    let report: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["problems"], serde_json::json!([]), "{report:#}");
    let result = report["result"].as_str().unwrap_or_default();
    // The pane renders what is in view: the store, its first product, a variant's custom field
    // and its options (every level of the example document).
    for seen in ["\"Demo Store\"", "\"Trail Runner Shoes\"", "\"Lace colour\"", "\"Black\""] {
        assert!(result.contains(seen), "{seen} is not in the result pane: {result}");
    }
    assert!(!result.contains("\"errors\""), "the result pane: {result}");
    assert!(std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000), "a screenshot was kept");
}

#[tokio::test]
async fn local_assets_are_served_pinned_and_nothing_else() {
    let (app, _assets) = demo_with_local_assets().await;
    let (csp, html) = page(&app).await;
    assert!(csp.contains("script-src 'self' 'sha256-"), "{csp}");
    assert!(!csp.contains("unpkg"), "{csp}");
    assert!(html.contains("src=\"/graphiql/assets/graphiql@4.0.3/graphiql.min.js\" integrity=\"sha384-"), "{html}");

    let response = app.get("/graphiql/assets/graphiql@4.0.3/graphiql.min.js").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/javascript"));
    assert!(response.headers()["cache-control"].to_str().expect("ascii").contains("immutable"));
    for path in [
        "/graphiql/assets/graphiql@4.0.3/package.json",
        "/graphiql/assets/../../etc/passwd",
        "/graphiql/assets/graphiql@4.0.3/%2e%2e/%2e%2e/graphiql@4.0.3/graphiql.min.js",
        &format!("/graphiql/assets/{}", "x/".repeat(2000)),
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn without_demo_the_page_holds_no_key_and_loads_pinned_assets_from_unpkg() {
    let app = spawn_app().await;
    let (csp, html) = page(&app).await;
    assert!(!html.contains("cgk_"), "no credential in the page: {html}");
    assert!(html.contains("https://unpkg.com/react@18.3.1/umd/react.production.min.js\" integrity=\"sha384-"));
    assert!(csp.contains("script-src https://unpkg.com 'sha256-"), "{csp}");
    // Assets served from a URL are not served here.
    assert_eq!(app.get("/graphiql/assets/graphiql@4.0.3/graphiql.min.js").await.status(), 404);
}
