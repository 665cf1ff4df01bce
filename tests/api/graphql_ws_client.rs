//! Subscriptions through a client nobody here wrote: the `graphql-ws` npm package (pinned in
//! `tests/live/package.json`, installed by `.ci/run` with `npm ci --prefix tests/live`), driven
//! from Node by `tests/live/client.mjs`, which prints what it receives as JSON lines.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::helpers::{demo_catalog, spawn_demo_app, TestApp, DEMO_CUSTOMER, DEMO_MERCHANT, RIVAL_MERCHANT};
use crate::orders::CREATE_ORDER;
use crate::subscriptions::following;

/// One `graphql-ws` client process with one subscription.
struct GraphqlWs {
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl GraphqlWs {
    async fn subscribe(app: &TestApp, token: &str, query: &str, variables: Value) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live/client.mjs");
        let modules = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live/node_modules/graphql-ws");
        assert!(
            std::path::Path::new(modules).exists(),
            "graphql-ws is not installed: run `npm ci --prefix tests/live` (.ci/run does)"
        );
        let mut child = Command::new("node")
            .args([script, &format!("ws://{}/graphql", app.address), token, query, &variables.to_string()])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut client = Self { _child: child, lines: BufReader::new(stdout).lines() };
        assert_eq!(client.line().await, json!({ "connected": true }));
        client
    }

    /// The next thing the client printed.
    async fn line(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(15), self.lines.next_line())
            .await
            .expect("the client printed nothing in time")
            .expect("read")
            .expect("the client ended without a word");
        serde_json::from_str(&line).expect("JSON")
    }
}

const ORDER_EVENTS: &str = "subscription($s: UUID!) { orderEvents(storeId: $s) { type order { id customerEmail } } }";

#[tokio::test]
async fn the_graphql_ws_client_subscribes_hears_orders_and_is_closed_on_revocation() {
    let app = spawn_demo_app().await;
    let merchant = app.token(DEMO_MERCHANT).await;
    let catalog = demo_catalog(&app, &merchant).await;
    let key = app.api_key(&merchant, &["stores.orders.view"], None).await;
    let customer = app.token(DEMO_CUSTOMER).await;
    let rival = app.token(RIVAL_MERCHANT).await;

    let mut staff = GraphqlWs::subscribe(&app, &key, ORDER_EVENTS, json!({ "s": catalog.store })).await;
    let mut buyer =
        GraphqlWs::subscribe(&app, &customer, "subscription { myOrderUpdates { type order { id } } }", json!({})).await;
    following(&app, 2).await;
    let mut foreign = GraphqlWs::subscribe(&app, &rival, ORDER_EVENTS, json!({ "s": catalog.store })).await;
    let refused = foreign.line().await;
    assert_eq!(refused["next"]["errors"][0]["extensions"]["code"], "NOT_FOUND", "another tenant's store: {refused}");
    assert_eq!(foreign.line().await, json!({ "complete": true }));

    let order = |email: Option<&str>| {
        let mut input = json!({ "items": [{ "variantId": catalog.plain_variant, "quantity": 1 }] });
        if let Some(email) = email {
            input["customerEmail"] = json!(email);
        }
        json!({ "s": catalog.store, "input": input })
    };
    let someone = app.graphql_as(&merchant, CREATE_ORDER, order(Some("someone@example.com"))).await;
    let own = app.graphql_as(&customer, CREATE_ORDER, order(None)).await;
    let (someone, own) = (&someone["data"]["createOrder"]["id"], &own["data"]["createOrder"]["id"]);
    assert!(someone.is_string() && own.is_string());

    for expected in [someone, own] {
        let heard = staff.line().await;
        assert_eq!(heard["next"]["data"]["orderEvents"]["type"], "order.created", "{heard}");
        assert_eq!(&heard["next"]["data"]["orderEvents"]["order"]["id"], expected, "{heard}");
    }
    let mine = buyer.line().await;
    assert_eq!(&mine["next"]["data"]["myOrderUpdates"]["order"]["id"], own, "the customer's own order only: {mine}");

    let keys = app.graphql_as(&merchant, "{ apiKeys { id name } }", json!({})).await;
    let id = keys["data"]["apiKeys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["name"] == "test key"))
        .map(|k| k["id"].clone())
        .expect("the test key");
    app.graphql_as(&merchant, "mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": id })).await;
    let mut closed = staff.line().await;
    while closed.get("closed").is_none() {
        closed = staff.line().await;
    }
    assert_eq!(closed["closed"], 4403, "{closed}");
    assert!(closed["reason"].as_str().is_some_and(|r| r.contains("revoked")), "{closed}");
}
