use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_is_ok_while_the_database_answers() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn healthz_and_readyz_answer_503_with_a_reason_when_the_database_is_gone() {
    let app = spawn_app().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<serde_json::Value>().await.expect("json")["database"], "ok");
    app.database.take_away(&app.db).await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 503, "{path}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "unavailable", "{path}");
        assert_eq!(body["database"], "the database is unreachable", "{path}");
    }
}

#[tokio::test]
async fn metrics_count_sql_statements() {
    let app = spawn_app().await;
    let before = app.statements.get();
    let body = app
        .graphql(
            r#"mutation { login(email: "nobody@example.com", password: "wrong-password") { accessToken } }"#,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain"));
    let text = response.text().await.expect("text");
    let line = text.lines().find(|l| l.starts_with("commerce_db_statements_total ")).expect("counter line");
    let value: u64 = line.rsplit(' ').next().and_then(|v| v.parse().ok()).expect("a number");
    assert_eq!(value, before + 1, "one statement: looking the user up");
}

#[tokio::test]
async fn metrics_count_requests_and_latency_per_operation_type() {
    let app = spawn_app().await;
    app.graphql("{ __typename }", serde_json::json!({})).await;
    app.graphql("{ __typename }", serde_json::json!({})).await;
    app.graphql(
        r#"mutation { login(email: "a@example.com", password: "wrong-password") { accessToken } }"#,
        serde_json::json!({}),
    )
    .await;
    let refused = app.client.post(app.url("/graphql")).body("query").send().await.expect("POST");
    assert_eq!(refused.status(), 415);
    let text = app.get("/metrics").await.text().await.expect("text");
    let value = |series: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(value(r#"commerce_http_requests_total{operation="query",status="200",surface="graphql"}"#), 2);
    assert_eq!(value(r#"commerce_http_requests_total{operation="mutation",status="200",surface="graphql"}"#), 1);
    assert_eq!(value(r#"commerce_http_requests_total{operation="none",status="415",surface="graphql"}"#), 1);
    assert_eq!(value(r#"commerce_http_request_duration_seconds_count{operation="query",surface="graphql"}"#), 2);
}

#[tokio::test]
async fn a_stopping_server_answers_readyz_503_and_still_serves_while_it_drains_then_exits() {
    use std::time::Duration;

    let database = crate::helpers::TestDatabase::new().await;
    let (mut child, base, token) =
        crate::webhooks::gateway_process_with(&database, &[("SHUTDOWN_DRAIN_SECS", "3")]).await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{base}/readyz")).send().await.expect("readyz").status(), 200);
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    let mut ready = None;
    for _ in 0..40 {
        let response = client.get(format!("{base}/readyz")).send().await.expect("readyz while draining");
        if response.status() == 503 {
            ready = Some(response.json::<serde_json::Value>().await.expect("json"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(ready.expect("readyz turned 503")["status"], "stopping");
    let stores = crate::webhooks::post(&base, Some(&token), "{ stores { id } }", serde_json::json!({})).await;
    assert!(stores["data"]["stores"][0]["id"].is_string(), "requests are still served: {stores}");
    for _ in 0..150 {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            assert!(client.get(format!("{base}/readyz")).send().await.is_err(), "no longer listening");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    panic!("the server did not exit after draining");
}
