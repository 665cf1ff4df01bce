//! Replicas of one deployment on one PostgreSQL database tell each other through
//! LISTEN/NOTIFY: a revoked key, an ended session and committed events reach every replica at
//! once, not after its caches' 30 s or its worker's poll. SQLite deployments are one process,
//! so these tests need PostgreSQL (`TEST_DATABASE_URL`) and say so when they skip.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{error_codes, spawn_with, TestApp, TestDatabase, DEMO_MERCHANT};

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

/// Waits (up to `within`) until `token` is refused by `app`; returns how long that took.
async fn refused_within(app: &TestApp, token: &str, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < within {
        let (status, body) = app.post_graphql(Some(token), "{ me { id } }", json!({})).await;
        if status == 401 && error_codes(&body) == ["UNAUTHENTICATED"] {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn a_key_revoked_or_a_session_ended_on_one_replica_is_refused_by_another_within_a_second() {
    if !on_postgres() {
        eprintln!("skipped: replicas share signals through PostgreSQL");
        return;
    }
    let database = TestDatabase::new().await;
    let replica = database.replica();
    let first = spawn_with(database, true, |_| {}).await;
    let second = spawn_with(replica, false, |_| {}).await;
    let key = first.api_key(&first.merchant, &["user.view"], None).await;
    let session = second.token(DEMO_MERCHANT).await;
    // Both credentials are now in the other replica's cache.
    for (app, token) in [(&second, &key), (&first, &session)] {
        let me = app.graphql_as(token, "{ me { id } }", json!({})).await;
        assert!(me["data"]["me"]["id"].is_string(), "{me}");
    }

    let keys = first.as_merchant("{ apiKeys { id } }", json!({})).await;
    let id = keys["data"]["apiKeys"][0]["id"].clone();
    let revoked = first.as_merchant("mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": id })).await;
    assert!(revoked.get("errors").is_none(), "{revoked}");
    let took = refused_within(&second, &key, Duration::from_secs(1)).await;
    assert!(took.is_some(), "the other replica refuses the revoked key within a second");

    // A change to a key's scopes, made on one replica, holds on the other within a second.
    let changed = first.api_key(&first.merchant, &["user.view"], None).await;
    assert!(second.graphql_as(&changed, "{ me { id } }", json!({})).await["data"]["me"]["id"].is_string());
    let keys = first.as_merchant("{ apiKeys { id revokedAt } }", json!({})).await;
    let live = keys["data"]["apiKeys"].as_array().and_then(|k| k.iter().find(|k| k["revokedAt"].is_null()).cloned());
    let update = first
        .as_merchant(
            "mutation($id: UUID!) { updateApiKey(id: $id, input: { scopes: [\"stores.view\"] }) { id } }",
            json!({ "id": live.expect("the live key")["id"] }),
        )
        .await;
    assert!(update.get("errors").is_none(), "{update}");
    let started = Instant::now();
    let mut forbidden = false;
    while !forbidden && started.elapsed() < Duration::from_secs(1) {
        forbidden = error_codes(&second.graphql_as(&changed, "{ me { id } }", json!({})).await) == ["FORBIDDEN"];
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(forbidden, "the other replica holds the key to its new scopes within a second");

    let logout = second.graphql_as(&session, "mutation { logout }", json!({})).await;
    assert_eq!(logout["data"]["logout"], true, "{logout}");
    let took = refused_within(&first, &session, Duration::from_secs(1)).await;
    assert!(took.is_some(), "the other replica refuses the ended session within a second");
}

#[tokio::test]
async fn an_event_committed_on_one_replica_wakes_the_worker_of_another() {
    if !on_postgres() {
        eprintln!("skipped: replicas share signals through PostgreSQL");
        return;
    }
    let database = TestDatabase::new().await;
    let replica = database.replica();
    // The first replica runs no worker; the second polls only every minute.
    let first = spawn_with(database, true, |config| {
        config.webhooks.egress.allow_http = true;
        config.webhooks.egress.allowed_networks = vec!["127.0.0.0/8".parse().expect("network")];
    })
    .await;
    let _second = spawn_with(replica, false, |config| {
        config.webhooks.worker = true;
        config.webhooks.poll_interval = Duration::from_secs(60);
        config.webhooks.egress.allow_http = true;
        config.webhooks.egress.allowed_networks = vec!["127.0.0.0/8".parse().expect("network")];
    })
    .await;
    let (got, url) = crate::webhooks::receiver().await;
    let created = first
        .as_merchant(
            "mutation($url: String!) { createWebhook(input: { url: $url, eventTypes: [\"product.updated\"] }) { secret } }",
            json!({ "url": url }),
        )
        .await;
    assert!(created["data"]["createWebhook"]["secret"].is_string(), "{created}");
    // Let the second replica's worker finish its first pass and wait.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let catalog = crate::helpers::demo_catalog(&first, &first.merchant).await;
    let started = Instant::now();
    first
        .as_merchant(
            "mutation($p: UUID!) { updateProduct(id: $p, input: { isBestSeller: true }) { id } }",
            json!({ "p": catalog.product }),
        )
        .await;
    while got() == 0 {
        assert!(started.elapsed() < Duration::from_secs(5), "the event waited for the other replica's poll");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_subscriber_on_one_replica_hears_orders_placed_on_another_in_commit_order_and_its_revocation() {
    use crate::subscriptions::{following, Socket};
    if !on_postgres() {
        eprintln!("skipped: replicas share events through PostgreSQL");
        return;
    }
    let database = TestDatabase::new().await;
    let replica = database.replica();
    let first = spawn_with(database, true, |_| {}).await;
    let second = spawn_with(replica, false, |_| {}).await;
    let key = first.api_key(&first.merchant, &["stores.orders.view", "stores.orders.create"], None).await;
    let catalog = crate::helpers::demo_catalog(&first, &first.merchant).await;
    let (store, variant) = (catalog.store, catalog.plain_variant);

    let mut socket = Socket::ready(&second, &key).await;
    socket
        .subscribe(
            "o",
            "subscription($s: UUID!) { orderEvents(storeId: $s) { type order { id } } }",
            json!({ "s": store }),
        )
        .await;
    following(&second, 1).await;
    let mut placed = Vec::new();
    for n in 0..5 {
        let input =
            json!({ "items": [{ "variantId": variant, "quantity": 1 }], "customerEmail": format!("r{n}@example.com") });
        let body = first.graphql_as(&key, crate::orders::CREATE_ORDER, json!({ "s": store, "input": input })).await;
        assert!(body["data"]["createOrder"]["id"].is_string(), "{body}");
        placed.push(body["data"]["createOrder"]["id"].clone());
    }
    let mut heard = Vec::new();
    for _ in 0..5 {
        let message = socket.message().await;
        assert_eq!(message["payload"]["data"]["orderEvents"]["type"], "order.created", "{message}");
        heard.push(message["payload"]["data"]["orderEvents"]["order"]["id"].clone());
    }
    assert_eq!(heard, placed, "in commit order");

    let keys = first.as_merchant("{ apiKeys { id name } }", json!({})).await;
    let id = keys["data"]["apiKeys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["name"] == "test key"))
        .map(|k| k["id"].clone())
        .expect("the test key");
    first.as_merchant("mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": id })).await;
    let (code, reason) = socket.closed().await;
    assert_eq!(code, 4403, "the other replica closes the revoked key's socket: {reason}");
}
