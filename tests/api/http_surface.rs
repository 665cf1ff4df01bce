use crate::helpers::spawn_app;

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    for path in ["/healthz", "/metrics", "/graphql", "/no-such-route"] {
        let response = app.get(path).await;
        let id = response.headers().get("x-request-id").unwrap_or_else(|| panic!("{path} has no x-request-id"));
        assert!(uuid::Uuid::parse_str(id.to_str().expect("ascii")).is_ok(), "{path}: {id:?} is not a UUID");
    }
}

#[tokio::test]
async fn a_request_id_sent_by_the_caller_is_kept() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).header("x-request-id", "trace-me-42").send().await.expect("GET");
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn get_graphql_serves_graphiql_to_browsers() {
    let app = spawn_app().await;
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let response = app.client.get(app.url("/graphql")).header("accept", browser).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/html"));
    let page = response.text().await.expect("html");
    assert!(page.contains("graphiql"), "the page loads GraphiQL");
    assert!(page.contains("/graphql"), "the page points GraphiQL at /graphql");
}

#[tokio::test]
async fn a_malformed_graphql_body_is_a_client_error() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 400);
}
