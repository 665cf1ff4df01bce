//! The GraphQL transport's defences: content types, body and query size, batching, mutations
//! over GET, aliases and root fields, introspection and suggestions, CORS and security headers.
//! Every refusal is decided before the database is touched.

use commerce_gateway::cli::AppEnv;
use commerce_gateway::limits::GraphqlOptions;
use serde_json::{json, Value};

use crate::helpers::{error_codes, spawn_app, spawn_with, TestApp, TestDatabase};

async fn post_raw(
    app: &TestApp,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("POST");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, response.json().await.unwrap_or(Value::Null), headers)
}

/// Asserts a refusal: status, a JSON GraphQL error with a code, and no SQL executed.
async fn assert_refused(app: &TestApp, content_type: Option<&str>, body: Vec<u8>, status: u16) -> Value {
    let before = app.statements.get();
    let (got, json, _) = post_raw(app, content_type, body).await;
    assert_eq!(got, status, "{json}");
    assert_eq!(error_codes(&json), ["VALIDATION"], "{json}");
    assert_eq!(app.statements.get(), before, "refused without touching the database");
    json
}

#[tokio::test]
async fn only_json_bodies_are_accepted() {
    let app = spawn_app().await;
    let query = br#"{"query":"{ __typename }"}"#.to_vec();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        None,
    ] {
        assert_refused(&app, content_type, query.clone(), 415).await;
    }
    let (status, body, _) = post_raw(&app, Some("application/json; charset=utf-8"), query).await;
    assert_eq!((status, &body["data"]["__typename"]), (200, &json!("Query")));
}

#[tokio::test]
async fn malformed_oversized_and_batched_bodies_are_refused() {
    let app = spawn_app().await;
    assert_refused(&app, Some("application/json"), b"{ not json".to_vec(), 400).await;
    assert_refused(&app, Some("application/json"), br#"{"variables": {}}"#.to_vec(), 400).await;
    let huge = format!(r#"{{"query":"{{ __typename }}","variables":{{"pad":"{}"}}}}"#, "x".repeat(2 << 20));
    assert_refused(&app, Some("application/json"), huge.into_bytes(), 413).await;
    let long_query = format!("{{ __typename {} }}", "__typename ".repeat(2000));
    let body = json!({ "query": long_query }).to_string().into_bytes();
    assert_refused(&app, Some("application/json"), body, 400).await;
    let batch = br#"[{"query":"{ __typename }"},{"query":"{ __typename }"}]"#.to_vec();
    let refused = assert_refused(&app, Some("application/json"), batch, 400).await;
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("batched"));
}

#[tokio::test]
async fn batches_work_when_enabled() {
    let app = spawn_with(TestDatabase::new().await, false, |c| c.transport.batching = true).await;
    let batch = br#"[{"query":"{ __typename }"},{"query":"{ stores { id } }"}]"#.to_vec();
    let (status, body, _) = post_raw(&app, Some("application/json"), batch).await;
    assert_eq!(status, 200);
    let answers = body.as_array().expect("one answer per request");
    assert_eq!(answers.len(), 2, "{body}");
    assert_eq!(answers[0]["data"], json!({ "__typename": "Query" }), "{body}");
    assert_eq!(error_codes(&answers[1]), ["UNAUTHENTICATED"], "{body}");
    // Each is measured alone: the free one is not charged for the other.
    assert_eq!(answers[0]["extensions"]["cost"]["requestedQueryCost"], 0, "{body}");
    let second = answers[1]["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap_or_default();
    assert!(second > 0, "{body}");
}

#[tokio::test]
async fn get_runs_queries_but_refuses_mutations() {
    let app = spawn_app().await;
    let query = app.client.get(app.url("/graphql")).query(&[("query", "{ __typename }")]).send().await.expect("GET");
    assert_eq!(query.status(), 200);
    assert_eq!(query.json::<Value>().await.expect("json")["data"]["__typename"], "Query");

    let before = app.statements.get();
    let mutation = r#"mutation { login(email: "demo@example.com", password: "demo-password") { accessToken } }"#;
    let response = app.client.get(app.url("/graphql")).query(&[("query", mutation)]).send().await.expect("GET");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["VALIDATION"]);
    assert_eq!(app.statements.get(), before, "no login was attempted");

    let named = "query Q { __typename } mutation M { logout }";
    let picked = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", named), ("operationName", "M")])
        .send()
        .await
        .expect("GET");
    assert_eq!(picked.status(), 405, "the selected operation counts");
}

#[tokio::test]
async fn too_many_aliases_or_root_fields_are_refused() {
    let app = spawn_app().await;
    let aliases: String = (0..31).map(|n| format!("a{n}: __typename ")).collect();
    let body = json!({ "query": format!("{{ {aliases} }}") }).to_string().into_bytes();
    let refused = assert_refused(&app, Some("application/json"), body, 400).await;
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("aliases"));

    let fragment = format!(
        "query {{ ...F }} fragment F on Query {{ {} }}",
        (0..16).map(|n| format!("r{n}: __typename ")).collect::<String>()
    );
    let body = json!({ "query": fragment }).to_string().into_bytes();
    assert_refused(&app, Some("application/json"), body, 400).await;

    // Fragments count where they are spread: nested, and again at every spread.
    let nested = format!(
        "query {{ ...A }} fragment A on Query {{ ...B }} fragment B on Query {{ {} }}",
        (0..16).map(|n| format!("r{n}: __typename ")).collect::<String>()
    );
    let refused =
        assert_refused(&app, Some("application/json"), json!({ "query": nested }).to_string().into_bytes(), 400).await;
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("16 root fields"), "{refused}");
    let repeated = format!(
        "query {{ stores {{ ...S ...S ...S ...S }} }} fragment S on Store {{ {} }}",
        (0..8).map(|n| format!("a{n}: id ")).collect::<String>()
    );
    let refused =
        assert_refused(&app, Some("application/json"), json!({ "query": repeated }).to_string().into_bytes(), 400)
            .await;
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("32 aliases"), "{refused}");
    // Fragments that spread each other twice over: 2^30 fields in 1.5 KB. Refused by counting,
    // before a validation that would expand every one of them.
    let fragments: String =
        (1..=30).map(|n| format!(" fragment S{n} on Store {{ ...S{} ...S{} }}", n - 1, n - 1)).collect();
    let doubling =
        json!({ "query": format!("query {{ stores {{ ...S30 }} }} fragment S0 on Store {{ id }}{fragments}") });
    let refused = assert_refused(&app, Some("application/json"), doubling.to_string().into_bytes(), 400).await;
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("fragments expanded") && message.contains("at most 25000"), "{refused}");
    // A spread cycle is not counted forever: validation refuses it.
    let cycle = json!({ "query": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }" });
    let (status, body, _) = post_raw(&app, Some("application/json"), cycle.to_string().into_bytes()).await;
    assert_eq!(status, 200);
    let codes = error_codes(&body);
    assert!(!codes.is_empty() && codes.iter().all(|c| c == "VALIDATION"), "{body}");

    let fine: String = (0..15).map(|n| format!("r{n}: __typename ")).collect();
    let (status, _, _) =
        post_raw(&app, Some("application/json"), json!({ "query": format!("{{ {fine} }}") }).to_string().into_bytes())
            .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn production_hides_introspection_and_suggestions() {
    let production = spawn_with(TestDatabase::new().await, false, |c| {
        c.environment = AppEnv::Production;
        c.graphql = GraphqlOptions { introspection: false, suggestions: false, ..GraphqlOptions::default() };
    })
    .await;
    let development = spawn_app().await;
    const INTROSPECT: &str = "{ __schema { queryType { name } } }";
    const TYPO: &str = "{ storez { id } }";

    let open = development.graphql(INTROSPECT, json!({})).await;
    assert_eq!(open["data"]["__schema"]["queryType"]["name"], "Query");
    let closed = production.graphql(INTROSPECT, json!({})).await;
    assert_eq!(closed["data"]["__schema"], Value::Null, "{closed}");
    assert!(!closed.to_string().contains("\"Query\""), "{closed}");

    let hinted = development.graphql(TYPO, json!({})).await;
    assert!(hinted.to_string().contains("Did you mean"), "{hinted}");
    let silent = production.graphql(TYPO, json!({})).await;
    assert!(!silent.to_string().contains("Did you mean"), "{silent}");
    assert_eq!(error_codes(&silent), ["VALIDATION"]);
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let allowed = preflight("https://shop.example").await.expect("OPTIONS");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://shop.example");
    let other = preflight("https://evil.example").await.expect("OPTIONS");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/metrics", "/graphql?query=%7B__typename%7D", "/graphql", "/missing"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(headers.contains_key("strict-transport-security"), "{path}");
    }
}
