//! No password, refresh token, access token or API key secret is stored in clear anywhere.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use crate::helpers::{spawn_demo_app, TestApp, DEMO_MERCHANT};

/// Everything the database holds, as text: PostgreSQL rows as JSON; SQLite's files byte for byte.
async fn dump(app: &TestApp) -> String {
    let db = &app.db;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                ))
                .await
                .expect("tables");
            let mut text = String::new();
            for row in tables {
                let table: String = row.try_get("", "tablename").expect("name");
                let sql = format!("SELECT COALESCE(string_agg(row_to_json(t)::text, ' '), '') AS dump FROM {table} t");
                let rows = db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.expect("dump");
                text.push_str(&rows.expect("row").try_get::<String>("", "dump").expect("text"));
            }
            text
        }
        _ => {
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint");
            let path = app.database.url.trim_start_matches("sqlite://").split('?').next().expect("path").to_owned();
            let mut bytes = std::fs::read(&path).expect("database file");
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

#[tokio::test]
async fn no_secret_is_stored_in_clear() {
    let app = spawn_demo_app().await;
    let tokens = app.login(DEMO_MERCHANT).await;
    let refreshed = app
        .graphql(
            "mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }",
            json!({ "t": tokens["refreshToken"] }),
        )
        .await;
    let key = app.api_key(&app.merchant, &["stores.view"], None).await;
    let secrets = [
        "demo-password".to_owned(),
        "customer-password".to_owned(),
        "rival-password".to_owned(),
        tokens["refreshToken"].as_str().expect("refresh").to_owned(),
        refreshed["data"]["refreshSession"]["refreshToken"].as_str().expect("rotated").to_owned(),
        tokens["accessToken"].as_str().expect("access").to_owned(),
        key.clone(),
        // The secret without its shown prefix: a stored remainder would be as bad.
        key[12..].to_owned(),
    ];
    let text = dump(&app).await;
    assert!(text.len() > 10_000, "the dump holds the demo data");
    assert!(text.contains("Trail Runner Shoes"), "the dump is readable");
    for secret in secrets {
        assert!(!text.contains(&secret), "found a secret in the database: {}…", &secret[..8]);
    }
}
