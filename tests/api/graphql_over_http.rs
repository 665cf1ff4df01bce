//! GraphQL over HTTP as tools nobody here wrote check it: graphql-http's server audits (the
//! conformance suite of the GraphQL-over-HTTP specification) and graphql-js's client schema,
//! both pinned in `tests/live/package.json` and run through Node; then the media types and
//! statuses one by one.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_demo_app, TestApp};

/// Runs `tests/live/<script>` with `args` to its end; its standard output.
pub async fn node(script: &str, args: &[&str]) -> String {
    let live = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live");
    assert!(
        std::path::Path::new(live).join("node_modules/graphql-http").exists(),
        "the Node test clients are not installed: run `npm ci --prefix tests/live` (.ci/run does)"
    );
    let output = tokio::process::Command::new("node")
        .arg(format!("{live}/{script}"))
        .args(args)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(output.status.success(), "{script} failed: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test]
async fn the_graphql_over_http_audit_finds_no_failing_must_or_should() {
    let app = spawn_app().await;
    let out = node("audit.mjs", &[&app.url("/graphql")]).await;
    let results: Vec<Value> = out.lines().map(|line| serde_json::from_str(line).expect("JSON line")).collect();
    assert!(results.len() > 40, "the audit ran {} checks: {out}", results.len());
    let failing: Vec<&Value> = results.iter().filter(|r| r["status"] != "ok").collect();
    assert!(failing.is_empty(), "audits not passed: {failing:#?}");
}

#[tokio::test]
async fn graphql_js_builds_from_the_served_introspection_the_schema_of_schema_graphql() {
    let app = spawn_app().await;
    let sdl = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let out = node("schema_check.mjs", &[&app.url("/graphql"), sdl]).await;
    let report: Value = serde_json::from_str(out.trim()).expect("JSON report");
    assert!(report["types"].as_u64().is_some_and(|n| n > 60), "the served schema has its types: {report}");
    // Two differences are not ours: async-graphql lists the built-in scalars Float and ID in
    // introspection although no field uses them, and graphql-js's own @deprecated takes one
    // location more than async-graphql's. Every other difference fails the test.
    let upstream = |change: &&Value| {
        let text = change.as_str().unwrap_or_default();
        text.contains("Standard scalar Float was removed")
            || text.contains("Standard scalar ID was removed")
            || text.contains("DIRECTIVE_DEFINITION was removed from deprecated")
    };
    let breaking: Vec<&Value> = report["breaking"].as_array().expect("list").iter().filter(|c| !upstream(c)).collect();
    assert!(breaking.is_empty(), "breaking differences: {breaking:#?}");
    assert_eq!(report["dangerous"], json!([]), "dangerous differences");
}

async fn post(app: &TestApp, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut request = app.client.post(app.url("/graphql")).json(&body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("POST");
    read(response).await
}

async fn get(app: &TestApp, accept: &str, query_string: &str) -> (u16, String, String) {
    let response =
        app.client.get(app.url(&format!("/graphql{query_string}"))).header("accept", accept).send().await.expect("GET");
    let status = response.status().as_u16();
    let media = content_type(&response);
    (status, media, response.text().await.expect("body"))
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn read(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let media = content_type(&response);
    (status, media, response.json().await.expect("JSON body"))
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn graphql_response_json_answers_request_errors_with_400_and_no_data() {
    let app = spawn_demo_app().await;
    let refused = [
        json!({ "query": "{ stores { id" }),
        json!({ "query": "{ noSuchField }" }),
        json!({ "query": "query($s: UUID!) { store(id: $s) { id } }" }),
        json!({ "query": "query($s: UUID!) { store(id: $s) { id } }", "variables": { "s": null } }),
        json!({ "query": "query($n: Int) { __typename }", "variables": { "n": "x" } }),
        json!({ "query": "query($s: UUID!) { store(id: $s) { id } }", "variables": { "s": "not-a-uuid" } }),
        json!({ "query": "{ store(id: \"not-a-uuid\") { id } }" }),
        json!({ "query": "{ stores { analytics(top: -2147483649) { __typename } } }" }),
    ];
    for body in refused {
        let (status, media, answer) = post(&app, Some(GRAPHQL_RESPONSE), body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(media.starts_with(GRAPHQL_RESPONSE), "{body}: {media}");
        assert!(answer.get("data").is_none(), "{body}: no data entry before execution: {answer}");
        assert_eq!(answer["errors"][0]["extensions"]["code"], "VALIDATION", "{body}: {answer}");

        // The same request accepting application/json: 200, the errors in the body.
        let (status, media, answer) = post(&app, Some("application/json"), body.clone()).await;
        assert_eq!((status, media.as_str()), (200, "application/json"), "{body}: {answer}");
        assert_eq!(answer["errors"][0]["extensions"]["code"], "VALIDATION", "{body}: {answer}");
    }

    // Execution started: 200, also when a field is refused. The refused field is null (it
    // used to vanish from its object), its error has its path and location.
    let (status, _, answer) = app_post_as(&app, &app.merchant, "{ stores { name } }").await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["data"]["stores"].as_array().is_some_and(|s| !s.is_empty()), "{answer}");
    let key = app.api_key(&app.merchant, &["stores.view"], None).await;
    let (status, media, answer) = app_post_as(&app, &key, "{ stores {\n name webhookSecret } }").await;
    assert_eq!(status, 200, "{answer}");
    assert!(media.starts_with(GRAPHQL_RESPONSE));
    let store = &answer["data"]["stores"][0];
    assert!(store["name"].is_string(), "{answer}");
    assert_eq!(store.get("webhookSecret"), Some(&Value::Null), "the refused field is there, null: {answer}");
    let error = &answer["errors"][0];
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{answer}");
    assert_eq!(error["path"], json!(["stores", 0, "webhookSecret"]), "{answer}");
    assert_eq!(error["locations"], json!([{ "line": 2, "column": 7 }]), "{answer}");

    // A refused connection is null and the store keeps its other fields.
    let (_, _, answer) = app_post_as(&app, &key, "{ stores { name products { totalCount } } }").await;
    assert!(answer["data"]["stores"][0]["name"].is_string(), "{answer}");
    assert_eq!(answer["data"]["stores"][0].get("products"), Some(&Value::Null), "{answer}");
    assert_eq!(answer["errors"][0]["path"], json!(["stores", 0, "products"]), "{answer}");

    // A refused non-null root field nulls the whole answer, as the specification has it.
    let (status, _, answer) =
        post(&app, Some(GRAPHQL_RESPONSE), json!({ "query": "{ __typename me { email } }" })).await;
    assert_eq!(status, 200, "execution started: {answer}");
    assert_eq!(answer["data"], Value::Null, "{answer}");
    assert_eq!(answer["errors"][0]["path"], json!(["me"]), "{answer}");

    // A transport limit keeps its status under both media types.
    let long = format!("{{ {} }}", "__typename ".repeat(2_000));
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let (status, _, answer) = post(&app, Some(accept), json!({ "query": long })).await;
        assert_eq!(status, 400, "{accept}: {answer}");
        assert!(answer.get("data").is_none());
    }
}

async fn app_post_as(app: &TestApp, token: &str, query: &str) -> (u16, String, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .header("accept", GRAPHQL_RESPONSE)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("POST");
    read(response).await
}

#[tokio::test]
async fn accept_chooses_the_media_type_and_a_missing_or_unknown_one_is_handled() {
    let app = spawn_app().await;
    let query = json!({ "query": "{ __typename }" });
    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json, application/graphql-response+json;q=0.5"), "application/json"),
        (Some("application/graphql-response+json, application/json;q=0.9"), GRAPHQL_RESPONSE),
    ] {
        let (status, media, answer) = post(&app, accept, query.clone()).await;
        assert_eq!(status, 200, "{accept:?}");
        assert!(media.starts_with(expected), "Accept {accept:?} answered in {media}");
        assert_eq!(answer["data"]["__typename"], "Query");
    }
    for accept in ["text/plain", "application/json;q=0", "application/xml, text/html"] {
        let (status, _, answer) = post(&app, Some(accept), query.clone()).await;
        assert_eq!(status, 406, "Accept {accept}: {answer}");
        assert!(answer["errors"][0]["message"].as_str().is_some_and(|m| m.contains("application/json")), "{answer}");
    }
    // Oversized Accept: still negotiated, nothing breaks.
    let huge = format!("{}application/json", "x/y, ".repeat(1000));
    let (status, media, _) = post(&app, Some(&huge), query).await;
    assert_eq!((status, media.as_str()), (200, "application/json"));
}

#[tokio::test]
async fn get_graphql_is_a_graphql_request_unless_a_browser_asks_for_the_page() {
    let app = spawn_app().await;
    let (status, media, body) = get(&app, "application/json", "").await;
    assert_eq!((status, media.as_str()), (400, "application/json"), "{body}");
    assert!(body.contains("the request has no query"), "{body}");

    let (status, media, body) = get(&app, GRAPHQL_RESPONSE, "?query=%7B__typename%7D").await;
    assert_eq!(status, 200, "{body}");
    assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["data"]["__typename"], "Query");

    let (status, _, body) = get(&app, GRAPHQL_RESPONSE, "?query=%7BnoSuchField%7D").await;
    assert_eq!(status, 400, "{body}");

    let (status, _, body) = get(&app, "text/plain", "?query=%7B__typename%7D").await;
    assert_eq!(status, 406, "{body}");

    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let (status, media, page) = get(&app, browser, "").await;
    assert_eq!(status, 200);
    assert!(media.starts_with("text/html"), "{media}");
    assert!(page.contains("graphiql"), "the page loads GraphiQL");
}

#[tokio::test]
async fn the_answer_keeps_the_order_of_the_selection() {
    let app = spawn_demo_app().await;
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let text = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&app.merchant)
            .header("accept", accept)
            .json(&json!({ "query": "{ stores { url name id } }" }))
            .send()
            .await
            .expect("POST")
            .text()
            .await
            .expect("body");
        let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap_or_else(|| panic!("{key} missing: {text}"));
        assert!(at("url") < at("name") && at("name") < at("id"), "{accept}: {text}");
    }
}
