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
async fn healthz_answers_503_with_a_reason_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.database.take_away(&app.db).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], "the database is unreachable");
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
