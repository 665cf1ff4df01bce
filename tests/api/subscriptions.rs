//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`), spoken by a plain WebSocket
//! client (tokio-tungstenite) so every message and close code of the protocol can be checked,
//! and by the `graphql-ws` npm client (see `graphql_ws_client.rs`).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{demo_catalog, spawn_demo_app, spawn_with, TestApp, TestDatabase, DEMO_CUSTOMER, RIVAL_MERCHANT};
use crate::orders::{product_with_stock, CREATE_ORDER};

const WAIT: Duration = Duration::from_secs(10);

pub struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

/// What the server did next.
#[derive(Debug)]
pub enum Heard {
    Message(Value),
    Closed(u16, String),
}

impl Socket {
    /// Opens `/graphql` offering `protocol`.
    pub async fn open(app: &TestApp, protocol: Option<&str>) -> Self {
        Self::open_at(&app.address.to_string(), protocol).await
    }

    /// Opens `/graphql` on the server at `address` (host:port) offering `protocol`.
    pub async fn open_at(address: &str, protocol: Option<&str>) -> Self {
        let mut request = format!("ws://{address}/graphql").into_client_request().expect("request");
        if let Some(protocol) = protocol {
            request.headers_mut().insert("sec-websocket-protocol", protocol.parse().expect("header"));
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await.expect("connect");
        Self(socket)
    }

    /// Opens a connection and authenticates it with `token`.
    pub async fn ready(app: &TestApp, token: &str) -> Self {
        Self::ready_at(&app.address.to_string(), token).await
    }

    /// Opens a connection to the server at `address` and authenticates it with `token`.
    pub async fn ready_at(address: &str, token: &str) -> Self {
        let mut socket = Self::open_at(address, Some("graphql-transport-ws")).await;
        socket
            .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }))
            .await;
        match socket.hear().await {
            Heard::Message(ack) => assert_eq!(ack, json!({ "type": "connection_ack" })),
            closed => panic!("not acknowledged: {closed:?}"),
        }
        socket
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.0.send(Message::Text(text.into())).await.expect("send");
    }

    /// The next protocol message (server pings answered and skipped) or the close.
    pub async fn hear(&mut self) -> Heard {
        loop {
            let frame = tokio::time::timeout(WAIT, self.0.next()).await.expect("the server said nothing in time");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(text.as_str()).expect("JSON");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Heard::Message(message);
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) =
                        frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    return Heard::Closed(code, reason);
                }
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Heard::Closed(1006, error.to_string()),
                None => return Heard::Closed(1006, "ended".to_owned()),
            }
        }
    }

    /// The next message, which must not be a close.
    pub async fn message(&mut self) -> Value {
        match self.hear().await {
            Heard::Message(message) => message,
            closed => panic!("closed instead: {closed:?}"),
        }
    }

    /// The close code and reason, skipping messages before it.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            if let Heard::Closed(code, reason) = self.hear().await {
                return (code, reason);
            }
        }
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id, "payload": { "query": query, "variables": variables } }))
            .await;
    }
}

/// Waits until the server has `n` subscriptions following events (`/metrics`): events
/// committed from then on reach them.
pub async fn following(app: &TestApp, n: usize) {
    let line = format!("commerce_live_subscriptions {n}\n");
    for _ in 0..200 {
        let metrics = app.get("/metrics").await.text().await.expect("metrics");
        if metrics.contains(&line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{n} subscriptions did not start");
}

const ORDER_EVENTS: &str =
    "subscription($s: UUID!) { orderEvents(storeId: $s) { eventId type occurredAt order { id status customerEmail } } }";
const MY_ORDERS: &str = "subscription { myOrderUpdates { type order { id status customerEmail } } }";
const STOCK: &str = "subscription($s: UUID!) { stockChanges(storeId: $s) { eventId variant { id stock } } }";

/// Places an order of one unit of `variant` as `token`; returns its id.
async fn place(app: &TestApp, token: &str, store: &Value, variant: &Value, email: Option<&str>) -> Value {
    let mut input = json!({ "items": [{ "variantId": variant, "quantity": 1 }] });
    if let Some(email) = email {
        input["customerEmail"] = json!(email);
    }
    let body = app.graphql_as(token, CREATE_ORDER, json!({ "s": store, "input": input })).await;
    body["data"]["createOrder"]["id"].clone()
}

#[tokio::test]
async fn order_events_reach_the_merchant_in_commit_order_and_a_customer_only_their_own() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let (_, variant) = product_with_stock(&app, &ids.store, "3.00", 10).await;
    let customer = app.token(DEMO_CUSTOMER).await;

    let mut staff = Socket::ready(&app, &merchant).await;
    staff.subscribe("orders", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let mut buyer = Socket::ready(&app, &customer).await;
    buyer.subscribe("mine", MY_ORDERS, json!({})).await;
    let mut stock = Socket::ready(&app, &merchant).await;
    stock.subscribe("stock", STOCK, json!({ "s": ids.store })).await;
    following(&app, 3).await;

    let own = place(&app, &customer, &ids.store, &variant, None).await;
    let other = place(&app, &merchant, &ids.store, &variant, Some("someone@example.com")).await;
    let confirmed =
        app.as_merchant("mutation($o: UUID!) { confirmOrder(id: $o) { status } }", json!({ "o": own })).await;
    assert_eq!(confirmed["data"]["confirmOrder"]["status"], "CONFIRMED", "{confirmed}");

    // In commit order; each order as it is when the event is delivered.
    let mut seen = Vec::new();
    for _ in 0..3 {
        let message = staff.message().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "orders");
        let event = &message["payload"]["data"]["orderEvents"];
        assert!(event["eventId"].is_string() && event["occurredAt"].is_string(), "{message}");
        seen.push((event["type"].clone(), event["order"]["id"].clone()));
        if event["type"] == "order.confirmed" {
            assert_eq!(event["order"]["status"], "CONFIRMED");
        }
    }
    let expected = [("order.created", &own), ("order.created", &other), ("order.confirmed", &own)];
    assert_eq!(seen, expected.map(|(t, o)| (json!(t), o.clone())));

    // The customer hears of their own order only: created, then confirmed.
    for expected in ["order.created", "order.confirmed"] {
        let message = buyer.message().await;
        let update = &message["payload"]["data"]["myOrderUpdates"];
        assert_eq!(update["type"], expected, "{message}");
        assert_eq!(update["order"]["id"], own, "{message}");
        assert_eq!(update["order"]["customerEmail"], "customer@example.com");
    }
    buyer.send(json!({ "type": "ping" })).await;
    assert_eq!(buyer.message().await["type"], "pong", "nothing else for the customer");

    // Each order took one unit. An event shows the variant as it is when the event is read, so
    // the first shows 9, or already 8 when both orders committed before the feed read it.
    let mut seen = Vec::new();
    for _ in 0..2 {
        let message = stock.message().await;
        let change = &message["payload"]["data"]["stockChanges"];
        assert_eq!(change["variant"]["id"], variant, "{message}");
        seen.push(change["variant"]["stock"].as_i64().expect("stock"));
    }
    assert!(seen == [9, 8] || seen == [8, 8], "{seen:?}");

    // The client completes; the server stops sending and the connection stays usable.
    staff.send(json!({ "type": "complete", "id": "orders" })).await;
    place(&app, &merchant, &ids.store, &variant, Some("later@example.com")).await;
    // The stock subscription hears this order, so the feed has handed its events out.
    let later = stock.message().await;
    assert_eq!(later["payload"]["data"]["stockChanges"]["variant"]["stock"], 7, "{later}");
    staff.send(json!({ "type": "ping" })).await;
    assert_eq!(staff.message().await["type"], "pong", "no event after complete");
}

#[tokio::test]
async fn a_customer_hears_of_stock_only_for_products_it_may_buy() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let (_, public) = product_with_stock(&app, &ids.store, "3.00", 10).await;
    let (hidden_product, hidden) = product_with_stock(&app, &ids.store, "4.00", 10).await;
    let body = app
        .as_merchant(
            "mutation($p: UUID!) { updateProduct(id: $p, input: { visibility: PRIVATE }) { visibility } }",
            json!({ "p": hidden_product }),
        )
        .await;
    assert_eq!(body["data"]["updateProduct"]["visibility"], "PRIVATE", "{body}");
    let customer = app.token(DEMO_CUSTOMER).await;

    let mut buyer = Socket::ready(&app, &customer).await;
    buyer.subscribe("stock", STOCK, json!({ "s": ids.store })).await;
    let mut staff = Socket::ready(&app, &merchant).await;
    staff.subscribe("stock", STOCK, json!({ "s": ids.store })).await;
    following(&app, 2).await;

    place(&app, &merchant, &ids.store, &hidden, Some("a@example.com")).await;
    place(&app, &merchant, &ids.store, &public, Some("b@example.com")).await;

    // The merchant hears both, in commit order; the customer only the product it may buy.
    for variant in [&hidden, &public] {
        let message = staff.message().await;
        assert_eq!(message["payload"]["data"]["stockChanges"]["variant"]["id"], *variant, "{message}");
    }
    let message = buyer.message().await;
    assert_eq!(message["payload"]["data"]["stockChanges"]["variant"], json!({ "id": public, "stock": 9 }), "{message}");
    buyer.send(json!({ "type": "ping" })).await;
    assert_eq!(buyer.message().await["type"], "pong", "nothing of the PRIVATE product: {message}");
}

#[tokio::test]
async fn another_tenants_store_and_a_customer_asking_for_staff_events_are_refused() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let customer = app.token(DEMO_CUSTOMER).await;

    let mut socket = Socket::ready(&app, &rival).await;
    socket.subscribe("a", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let refused = socket.message().await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND", "{refused}");
    assert_eq!(socket.message().await, json!({ "type": "complete", "id": "a" }));
    socket.subscribe("b", STOCK, json!({ "s": ids.store })).await;
    let refused = socket.message().await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND", "{refused}");

    let mut socket = Socket::ready(&app, &customer).await;
    socket.subscribe("a", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let refused = socket.message().await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    // A merchant asking for a customer's feed.
    let mut socket = Socket::ready(&app, &merchant).await;
    socket.subscribe("a", MY_ORDERS, json!({})).await;
    let refused = socket.message().await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    // A key without the scope.
    let key = app.api_key(&merchant, &["stores.products.view"], None).await;
    let mut socket = Socket::ready(&app, &key).await;
    socket.subscribe("a", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let refused = socket.message().await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
}

#[tokio::test]
async fn the_protocol_closes_with_its_codes() {
    let app = spawn_with(TestDatabase::new().await, true, |config| {
        config.live.init_timeout = Duration::from_millis(300);
    })
    .await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let init =
        |token: &str| json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });

    let mut socket = Socket::open(&app, None).await;
    assert_eq!(socket.closed().await.0, 4406, "no subprotocol");

    let cases: Vec<(Vec<Value>, u16, &str)> = vec![
        (
            vec![json!({ "type": "subscribe", "id": "1", "payload": { "query": "{ me { id } }" } })],
            4401,
            "subscribe before init",
        ),
        (vec![json!({ "type": "connection_init" })], 4403, "no credential"),
        (
            vec![json!({ "type": "connection_init", "payload": { "Authorization": "Bearer cgk_made_up" } })],
            4403,
            "a made-up key",
        ),
        (
            vec![json!({ "type": "connection_init", "payload": { "Authorization": 7 } })],
            4403,
            "a credential of the wrong type",
        ),
        (vec![json!({ "type": "hello" })], 4400, "an unknown message type"),
        (vec![json!({ "type": "subscribe", "payload": {} })], 4400, "a subscribe without id or query"),
        (vec![init(&merchant), init(&merchant)], 4429, "a second connection_init"),
        (
            vec![
                init(&merchant),
                json!({ "type": "subscribe", "id": "x".repeat(129), "payload": { "query": "{ me { id } }" } }),
            ],
            4400,
            "an oversized id",
        ),
    ];
    for (messages, code, what) in cases {
        let mut socket = Socket::open(&app, Some("graphql-transport-ws")).await;
        for message in messages {
            socket.send(message).await;
        }
        assert_eq!(socket.closed().await.0, code, "{what}");
    }

    let mut socket = Socket::open(&app, Some("graphql-transport-ws")).await;
    socket.send_text("{not json").await;
    assert_eq!(socket.closed().await.0, 4400, "malformed JSON");

    let mut socket = Socket::open(&app, Some("graphql-transport-ws")).await;
    assert_eq!(socket.closed().await.0, 4408, "no connection_init in time");

    let mut socket = Socket::ready(&app, &merchant).await;
    let ids = demo_catalog(&app, &merchant).await;
    socket.subscribe("same", ORDER_EVENTS, json!({ "s": ids.store })).await;
    socket.subscribe("same", ORDER_EVENTS, json!({ "s": ids.store })).await;
    assert_eq!(socket.closed().await.0, 4409, "an id already running");
}

#[tokio::test]
async fn limits_hold_per_connection_and_per_credential_and_queries_work_too() {
    let app = spawn_with(TestDatabase::new().await, true, |config| {
        config.live.max_subscriptions = 3;
        config.live.max_connections = 2;
        config.graphql.cost.max_depth = 4;
    })
    .await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let store = app.graphql_as(&merchant, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    let mut socket = Socket::ready(&app, &merchant).await;
    // A query and a mutation answer once, then complete.
    socket.subscribe("q", "{ me { email } }", json!({})).await;
    assert_eq!(socket.message().await["payload"]["data"]["me"]["email"], "demo@example.com");
    assert_eq!(socket.message().await, json!({ "type": "complete", "id": "q" }));

    for n in 0..1000 {
        socket.subscribe(&format!("s{n}"), ORDER_EVENTS, json!({ "s": store })).await;
    }
    let mut refused = 0;
    while refused < 997 {
        let message = socket.message().await;
        assert_eq!(message["type"], "error", "{message}");
        assert_eq!(message["payload"][0]["extensions"]["code"], "FORBIDDEN", "{message}");
        refused += 1;
    }
    socket.send(json!({ "type": "ping" })).await;
    assert_eq!(socket.message().await["type"], "pong", "still open after 1 000 subscribes");

    // Over the cost limits: an error message for that operation, with the limit named.
    socket.send(json!({ "type": "complete", "id": "s0" })).await;
    let deep = "subscription($s: UUID!) { stockChanges(storeId: $s) { variant { customFields { options { id } } } } }";
    socket.subscribe("deep", deep, json!({ "s": store })).await;
    let message = socket.message().await;
    assert_eq!(message["type"], "error", "{message}");
    assert_eq!(message["payload"][0]["extensions"]["limit"], "depth", "{message}");
    socket.subscribe("bad", "subscription { orderEvents(storeId: \"nope\") { type } }", json!({})).await;
    // A literal its scalar refuses is refused before the subscription starts.
    let message = socket.message().await;
    assert_eq!(message["type"], "error", "{message}");
    assert_eq!(message["payload"][0]["extensions"]["details"][0]["field"], "storeId", "{message}");

    let _second = Socket::ready(&app, &merchant).await;
    let mut third = Socket::open(&app, Some("graphql-transport-ws")).await;
    third
        .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {merchant}") } }))
        .await;
    let (code, reason) = third.closed().await;
    assert_eq!((code, reason.as_str()), (1008, "at most 2 open connections per credential"));
    drop(socket);
    // The place is given back when a connection ends.
    let mut again = None;
    for _ in 0..50 {
        let mut fourth = Socket::open(&app, Some("graphql-transport-ws")).await;
        fourth
            .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {merchant}") } }))
            .await;
        if let Heard::Message(ack) = fourth.hear().await {
            again = Some(ack);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(again, Some(json!({ "type": "connection_ack" })));
}

#[tokio::test]
async fn a_revoked_key_or_an_ended_session_closes_its_sockets() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let key = app.api_key(&merchant, &["stores.orders.view"], None).await;
    let mut keyed = Socket::ready(&app, &key).await;
    keyed.subscribe("o", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let session = app.login(DEMO_CUSTOMER).await;
    let customer = session["accessToken"].as_str().expect("token").to_owned();
    let mut buyer = Socket::ready(&app, &customer).await;
    // An unrelated session ending does not touch either.
    let other = app.token(crate::helpers::DEMO_MERCHANT).await;
    app.graphql_as(&other, "mutation { logout }", json!({})).await;
    keyed.send(json!({ "type": "ping" })).await;
    assert_eq!(keyed.message().await["type"], "pong");

    let keys = app.graphql_as(&merchant, "{ apiKeys { id name } }", json!({})).await;
    let id = keys["data"]["apiKeys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["name"] == "test key"))
        .map(|k| k["id"].clone())
        .expect("the test key");
    let revoked =
        app.graphql_as(&merchant, "mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": id })).await;
    assert!(revoked["errors"].is_null(), "{revoked}");
    let (code, reason) = keyed.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("revoked"), "{reason}");

    app.graphql_as(&customer, "mutation { logout }", json!({})).await;
    let (code, reason) = buyer.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("session has ended"), "{reason}");
}

#[tokio::test]
async fn a_key_whose_access_changes_has_its_sockets_closed_and_a_rename_does_not() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let key = app.api_key(&merchant, &["stores.orders.view", "stores.view"], None).await;
    let mut keyed = Socket::ready(&app, &key).await;
    keyed.subscribe("o", ORDER_EVENTS, json!({ "s": ids.store })).await;
    let keys = app.graphql_as(&merchant, "{ apiKeys { id name } }", json!({})).await;
    let id = keys["data"]["apiKeys"][0]["id"].clone();
    const UPDATE: &str =
        "mutation($id: UUID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }";
    let renamed = app.graphql_as(&merchant, UPDATE, json!({ "id": id, "input": { "name": "renamed" } })).await;
    assert!(renamed["errors"].is_null(), "{renamed}");
    keyed.send(json!({ "type": "ping" })).await;
    assert_eq!(keyed.message().await["type"], "pong", "the same access keeps its connection");
    let narrowed = app.graphql_as(&merchant, UPDATE, json!({ "id": id, "input": { "scopes": ["stores.view"] } })).await;
    assert!(narrowed["errors"].is_null(), "{narrowed}");
    let (code, reason) = keyed.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("access changed"), "{reason}");
}

#[tokio::test]
async fn every_subscription_guard_refuses_without_its_scope() {
    let app = spawn_demo_app().await;
    let merchant = app.token(crate::helpers::DEMO_MERCHANT).await;
    let ids = demo_catalog(&app, &merchant).await;
    let (_, variant) = product_with_stock(&app, &ids.store, "1.00", 50).await;
    let everything = app.api_key(&merchant, commerce_gateway::auth::scope::ALL, None).await;
    let customer = app.token(DEMO_CUSTOMER).await;
    // (field, its scope, the document, who holds every scope and may subscribe)
    let probes = [
        ("Subscription.orderEvents", "stores.orders.view", ORDER_EVENTS, &everything),
        ("Subscription.stockChanges", "stores.products.view", STOCK, &everything),
        ("Subscription.myOrderUpdates", "stores.orders.view", MY_ORDERS, &customer),
    ];
    for (target, scope, query, holder) in probes {
        assert!(crate::policy::PROBED_OVER_WEBSOCKET.contains(&target), "{target}");
        let others: Vec<&str> = commerce_gateway::auth::scope::ALL.iter().copied().filter(|s| *s != scope).collect();
        let lacking = app.api_key(&merchant, &others, None).await;
        let mut socket = Socket::ready(&app, &lacking).await;
        socket.subscribe("p", query, json!({ "s": ids.store })).await;
        let refused = socket.message().await;
        assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{target}: {refused}");
        let message = refused["payload"]["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(scope), "{target}: the message names {scope}: {message}");

        let mut socket = Socket::ready(&app, holder).await;
        socket.subscribe("p", query, json!({ "s": ids.store })).await;
        following(&app, 1).await;
        place(&app, &customer, &ids.store, &variant, None).await;
        let event = socket.message().await;
        assert_eq!(event["type"], "next", "{target}: {event}");
        assert!(event["payload"]["errors"].is_null(), "{target}: with the scope: {event}");
        drop(socket);
        following(&app, 0).await;
    }
}

#[tokio::test]
async fn sigterm_closes_open_sockets_with_going_away_and_the_process_exits() {
    let database = TestDatabase::new().await;
    let (mut child, base, token) = crate::webhooks::gateway_process(&database).await;
    let stores = crate::webhooks::post(&base, Some(&token), "{ stores { id } }", json!({})).await;
    let mut socket = Socket::ready_at(base.trim_start_matches("http://"), &token).await;
    socket.subscribe("o", ORDER_EVENTS, json!({ "s": stores["data"]["stores"][0]["id"] })).await;
    socket.send(json!({ "type": "ping" })).await;
    assert_eq!(socket.message().await["type"], "pong");
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    let (code, reason) = socket.closed().await;
    assert_eq!((code, reason.as_str()), (1001, "the server is stopping"));
    for _ in 0..100 {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    panic!("the server did not exit after closing its sockets");
}
