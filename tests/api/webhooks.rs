//! Webhooks end to end: a real HTTP receiver on 127.0.0.1, the delivery worker of the server,
//! signatures checked by the Python `standardwebhooks` package (installed by `.ci/run`), the
//! outbox's atomicity, retries and the log, the SSRF guard (with a resolver seam for DNS),
//! tenancy, scopes and bad input.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use commerce_gateway::config::{Config, WebhookSettings};
use commerce_gateway::egress::{Egress, StaticResolver};
use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_with, TestApp, TestDatabase, RIVAL_MERCHANT};

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// What the receiver answers, in turn; after the script, 200.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

#[derive(Clone)]
enum Reply {
    Status(u16),
    Redirect(&'static str),
    Hang,
    /// 200 after this long.
    Slow(Duration),
}

impl Receiver {
    async fn start(script: Vec<Reply>) -> (Self, String) {
        Self::start_on("127.0.0.1", script).await
    }

    async fn start_on(ip: &str, script: Vec<Reply>) -> (Self, String) {
        let receiver = Self { script: Arc::new(Mutex::new(script.into())), ..Self::default() };
        let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.expect("bind receiver");
        let address = listener.local_addr().expect("receiver address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, format!("http://{address}/hook"))
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().expect("receiver lock").clone()
    }

    /// Waits (up to 20 s) until `count` requests arrived.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.got();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the receiver got {} of {count} requests", self.got().len());
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> axum::response::Response {
    let reply = receiver.script.lock().expect("script lock").pop_front().unwrap_or(Reply::Status(200));
    receiver.got.lock().expect("receiver lock").push(Received { headers, body: String::from_utf8_lossy(&body).into() });
    match reply {
        Reply::Status(code) => (StatusCode::from_u16(code).expect("status"), "received").into_response(),
        Reply::Redirect(to) => (StatusCode::FOUND, [("location", to)], "elsewhere").into_response(),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        Reply::Slow(wait) => {
            tokio::time::sleep(wait).await;
            StatusCode::OK.into_response()
        }
    }
}

/// Settings for tests: a fast worker, plain http and loopback allowed, a compressed schedule.
fn fast(config: &mut Config) {
    config.webhooks = WebhookSettings {
        egress: Egress {
            allow_http: true,
            allowed_networks: vec!["127.0.0.0/8".parse().expect("network")],
            ..Egress::default()
        },
        retry_schedule: vec![Duration::from_millis(100), Duration::from_millis(100)],
        timeout: Duration::from_secs(2),
        poll_interval: Duration::from_millis(50),
        worker: true,
        ..WebhookSettings::default()
    };
}

async fn demo_app(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_with(TestDatabase::new().await, true, configure).await
}

const CREATE: &str = "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url eventTypes storeIds isEnabled } } }";
const PLACE: &str = "mutation($s: UUID!, $v: UUID!, $q: Int!) { createOrder(storeId: $s, input: { items: [{ variantId: $v, quantity: $q }], customerEmail: \"hooks@example.com\" }) { id status } }";

/// Registers an endpoint as the merchant; returns (id, secret).
async fn register(app: &TestApp, url: &str, types: &[&str]) -> (String, String) {
    let body = app.as_merchant(CREATE, json!({ "input": { "url": url, "eventTypes": types } })).await;
    let created = &body["data"]["createWebhook"];
    assert!(created["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{body}");
    (created["webhook"]["id"].as_str().expect("id").to_owned(), created["secret"].as_str().expect("secret").to_owned())
}

/// Verifies one received request with the Python `standardwebhooks` package and `secret`.
fn verified_by_python(received: &Received, secret: &str) -> bool {
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let script = "import os, sys\nfrom standardwebhooks.webhooks import Webhook\n\
        headers = {k: os.environ['WH_' + k.replace('-', '_').upper()] for k in ['webhook-id', 'webhook-timestamp', 'webhook-signature']}\n\
        Webhook(os.environ['WH_SECRET']).verify(os.environ['WH_BODY'], headers)\n";
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("WH_SECRET", secret)
        .env("WH_BODY", &received.body)
        .env("WH_WEBHOOK_ID", header("webhook-id"))
        .env("WH_WEBHOOK_TIMESTAMP", header("webhook-timestamp"))
        .env("WH_WEBHOOK_SIGNATURE", header("webhook-signature"))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs (install standardwebhooks: .ci/run does)");
    status.success()
}

#[tokio::test]
async fn events_arrive_signed_to_the_standard_and_survive_a_secret_rotation() {
    let app = demo_app(fast).await;
    let (receiver, url) = Receiver::start(vec![]).await;
    let (id, secret) = register(&app, &url, &["order.created", "order.confirmed"]).await;
    let catalog = demo_catalog(&app, &app.merchant).await;
    let placed = app.as_merchant(PLACE, json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 1 })).await;
    let order = placed["data"]["createOrder"]["id"].clone();
    assert!(order.is_string(), "{placed}");

    let got = receiver.wait_for(1).await;
    let payload: Value = serde_json::from_str(&got[0].body).expect("JSON payload");
    assert_eq!(payload["type"], "order.created");
    assert_eq!(payload["storeId"], catalog.store);
    assert_eq!(payload["data"]["id"], order, "data is the order in the Komerza shape: {payload}");
    assert!(payload["data"]["total"].is_number() && payload["data"]["items"].is_array(), "{payload}");
    assert!(payload["id"].is_string() && payload["timestamp"].is_string());
    assert!(verified_by_python(&got[0], &secret), "the Python library accepts the signature");
    assert!(!verified_by_python(&got[0], "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "and refuses another secret");

    let rotated = app
        .as_merchant(
            "mutation($id: UUID!) { rotateWebhookSecret(id: $id) { secret webhook { previousSecretExpiresAt } } }",
            json!({ "id": id }),
        )
        .await;
    let new_secret = rotated["data"]["rotateWebhookSecret"]["secret"].as_str().expect("new secret").to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated["data"]["rotateWebhookSecret"]["webhook"]["previousSecretExpiresAt"].is_string());
    app.as_merchant("mutation($id: UUID!) { confirmOrder(id: $id) { status } }", json!({ "id": order })).await;
    let got = receiver.wait_for(2).await;
    let confirmed: Value = serde_json::from_str(&got[1].body).expect("JSON payload");
    assert_eq!(confirmed["type"], "order.confirmed");
    let signatures = got[1].headers["webhook-signature"].to_str().expect("header");
    assert_eq!(signatures.split(' ').count(), 2, "new and old secret both sign: {signatures}");
    assert!(verified_by_python(&got[1], &new_secret) && verified_by_python(&got[1], &secret));
    assert_ne!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
}

#[tokio::test]
async fn an_order_that_fails_announces_nothing_and_one_that_succeeds_exactly_its_events() {
    let app = demo_app(|_| {}).await;
    let catalog = demo_catalog(&app, &app.merchant).await;
    let one_left = "mutation($v: UUID!) { updateVariant(id: $v, input: { stock: 1, stockMode: FIXED }) { stock } }";
    app.as_merchant(one_left, json!({ "v": catalog.plain_variant })).await;
    let before = event_types_in(&app).await;
    // Short stock is found when the order's customer row is already written in its transaction.
    let short = app.as_merchant(PLACE, json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 2 })).await;
    assert_eq!(error_codes(&short), ["INSUFFICIENT_STOCK"], "{short}");
    assert_eq!(event_types_in(&app).await, before, "a failed order leaves no event");
    let placed = app.as_merchant(PLACE, json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 1 })).await;
    assert!(placed["data"]["createOrder"]["id"].is_string(), "{placed}");
    let after = event_types_in(&app).await;
    assert_eq!(
        after[before.len()..],
        ["customer.created", "order.created", "variant.stock_changed"],
        "a new buyer, then the order, then the stock it took"
    );
}

/// The types of the events in the outbox, oldest first.
async fn event_types_in(app: &TestApp) -> Vec<String> {
    use sea_orm::{EntityTrait, QueryOrder};
    let events =
        entity::event::Entity::find().order_by_asc(entity::event::Column::Id).all(&app.db).await.expect("events");
    events.into_iter().map(|e| e.event_type).collect()
}

#[tokio::test]
async fn every_event_type_is_announced_by_its_operation() {
    let app = demo_app(fast).await;
    let (receiver, url) = Receiver::start(vec![]).await;
    let all: Vec<&str> = commerce_gateway::domain::events::EVENT_TYPES.iter().map(|k| k.name).collect();
    register(&app, &url, &all).await;
    let catalog = demo_catalog(&app, &app.merchant).await;
    let ids = catalog.variables();
    let steps = [
        "mutation($s: UUID!) { updateStore(id: $s, input: { lowStockThreshold: 5 }) { id } }",
        "mutation($pv: UUID!) { updateVariant(id: $pv, input: { stock: 6, stockMode: FIXED }) { id } }",
        "mutation($s: UUID!) { createCustomer(storeId: $s, input: { email: \"new-buyer@example.com\" }) { id } }",
        "mutation($s: UUID!) { p: createProduct(storeId: $s, input: { name: \"Short-lived\", variants: [{ name: \"Only\", cost: 1 }] }) { id } }",
    ];
    let mut answers = Vec::new();
    for step in steps {
        let body = app.as_merchant(step, ids.clone()).await;
        assert!(body.get("errors").is_none(), "{step}: {body}");
        answers.push(body);
    }
    let product = &answers[3]["data"]["p"]["id"];
    app.as_merchant("mutation($p: UUID!) { deleteProduct(id: $p) }", json!({ "p": product })).await;
    let open = "mutation($s: UUID!, $cu: UUID!) { t: openTicket(storeId: $s, input: { customerId: $cu, subject: \"Sizes\", message: \"Do you stock XL?\" }) { id } }";
    let ticket = app.as_merchant(open, ids.clone()).await["data"]["t"]["id"].clone();
    let reply = "mutation($t: UUID!) { replyToTicket(id: $t, message: \"Next week.\") { id } }";
    let replied = app.as_merchant(reply, json!({ "t": ticket })).await;
    assert!(replied.get("errors").is_none(), "{replied}");

    let order = app.as_merchant(PLACE, json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 2 })).await;
    let order = order["data"]["createOrder"]["id"].clone();
    for step in [
        "mutation($o: UUID!) { confirmOrder(id: $o) { id } }",
        "mutation($o: UUID!) { shipOrder(id: $o) { id } }",
        "mutation($o: UUID!) { deliverOrder(id: $o) { id } }",
        "mutation($o: UUID!) { refundOrder(id: $o, reason: \"faulty\") { id } }",
    ] {
        let body = app.as_merchant(step, json!({ "o": order })).await;
        assert!(body.get("errors").is_none(), "{step}: {body}");
    }
    let second = app.as_merchant(PLACE, json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 1 })).await;
    let cancelled = app
        .as_merchant(
            "mutation($o: UUID!) { cancelOrder(id: $o, reason: \"changed mind\") { id } }",
            json!({ "o": second["data"]["createOrder"]["id"] }),
        )
        .await;
    assert!(cancelled.get("errors").is_none(), "{cancelled}");
    let sam = "query($s: UUID!) { customers: store(id: $s) { customers(search: \"sam@\") { nodes { id } } } }";
    let sam = app.as_merchant(sam, ids.clone()).await["data"]["customers"]["customers"]["nodes"][0]["id"].clone();
    let made = "mutation($s: UUID!, $c: UUID!) { createAffiliate(storeId: $s, input: { customerId: $c, code: \"SAM5\" }) { id } }";
    let made = app.as_merchant(made, json!({ "s": catalog.store, "c": sam })).await;
    assert!(made.get("errors").is_none(), "{made}");
    // The customer reviews a line of an order delivered to it; the merchant flags the review.
    let customer = app.token(crate::helpers::DEMO_CUSTOMER).await;
    let buy = "mutation($s: UUID!, $pv: UUID!) { createOrder(storeId: $s, input: { items: [{ variantId: $pv, quantity: 1 }] }) { id items { id } } }";
    let bought = app.graphql_as(&customer, buy, ids.clone()).await;
    let bought = &bought["data"]["createOrder"];
    for step in ["confirmOrder", "shipOrder", "deliverOrder"] {
        app.as_merchant(&format!("mutation($o: UUID!) {{ {step}(id: $o) {{ id }} }}"), json!({ "o": bought["id"] }))
            .await;
    }
    let review = "mutation($s: UUID!, $line: UUID!) { createReview(storeId: $s, input: { orderItemId: $line, rating: 1 }) { id } }";
    let review =
        app.graphql_as(&customer, review, json!({ "s": catalog.store, "line": bought["items"][0]["id"] })).await;
    let review = review["data"]["createReview"]["id"].clone();
    let flagged = app
        .as_merchant("mutation($r: UUID!) { flagReview(id: $r, reason: \"rude\") { id } }", json!({ "r": review }))
        .await;
    assert!(flagged.get("errors").is_none(), "{flagged}");

    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..200 {
        for received in receiver.got() {
            let payload: Value = serde_json::from_str(&received.body).expect("payload");
            seen.insert(payload["type"].as_str().unwrap_or_default().to_owned(), payload);
        }
        if seen.len() == all.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut expected: Vec<String> = all.iter().map(|t| (*t).to_owned()).collect();
    expected.sort();
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), expected);
    let low = &seen["variant.stock_low"]["data"];
    // `data` is rendered when the event is fanned out: 6 - 2 = 4 left, or 3 if the second order
    // came first.
    assert_eq!(low["id"], catalog.plain_variant, "{low}");
    assert!(matches!(low["stock"].as_i64(), Some(3 | 4)), "{low}");
    assert_eq!(seen["product.deleted"]["data"], json!({ "id": product, "storeId": catalog.store, "deleted": true }));
    assert_eq!(seen["customer.created"]["data"]["email"].as_str().map(|e| e.ends_with("@example.com")), Some(true));
    assert_eq!(seen["order.refunded"]["data"]["id"], order);
    let thread = &seen["ticket.replied"]["data"];
    assert_eq!(
        (&thread["id"], &thread["status"], &thread["messages"][1]["body"]),
        (&ticket, &json!("answered"), &json!("Next week."))
    );
    assert_eq!(seen["affiliate.created"]["data"]["code"], "SAM5");
    let flagged = &seen["review.flagged"]["data"];
    assert_eq!(
        (&flagged["id"], &flagged["isFlagged"], &flagged["flagReason"]),
        (&review, &json!(true), &json!("rude"))
    );
}

#[tokio::test]
async fn every_change_to_a_products_fields_and_options_announces_product_updated() {
    let app = demo_app(fast).await;
    let catalog = demo_catalog(&app, &app.merchant).await;
    let created = |field: &str, body: &Value| -> Value {
        assert!(body.get("errors").is_none(), "{body}");
        body["data"][field]["id"].clone()
    };
    let before = event_types_in(&app).await;
    let body = app
        .as_merchant(
            "mutation($v: UUID!) { createCustomField(variantId: $v, input: { label: \"Colour\", identifier: \"colour\", type: SELECT }) { id } }",
            json!({ "v": catalog.plain_variant }),
        )
        .await;
    let field = created("createCustomField", &body);
    let body = app
        .as_merchant(
            "mutation($f: UUID!) { createCustomFieldOption(customFieldId: $f, input: { label: \"Red\", value: \"red\" }) { id } }",
            json!({ "f": field }),
        )
        .await;
    let option = created("createCustomFieldOption", &body);
    for (step, variables) in [
        (
            "mutation($o: UUID!) { updateCustomFieldOption(id: $o, input: { label: \"Crimson\" }) { id } }",
            json!({ "o": option }),
        ),
        ("mutation($o: UUID!) { deleteCustomFieldOption(id: $o) }", json!({ "o": option })),
        ("mutation($f: UUID!) { deleteCustomField(id: $f) }", json!({ "f": field })),
    ] {
        let body = app.as_merchant(step, variables).await;
        assert!(body.get("errors").is_none(), "{step}: {body}");
    }
    let after = event_types_in(&app).await;
    assert_eq!(after[before.len()..], ["product.updated"; 5], "one event for each of the five changes");
}

/// The delivery log of an endpoint as the merchant sees it.
async fn deliveries(app: &TestApp, id: &str) -> Value {
    let body = app
        .as_merchant(
            "query($id: UUID!) { webhook(id: $id) { isEnabled disabledReason deliveries(first: 10) { totalCount nodes { id status attemptCount attempts { responseStatus error responseBody } } } } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["webhook"].clone()
}

#[tokio::test]
async fn failures_are_retried_on_the_schedule_with_one_webhook_id_and_logged() {
    let app = demo_app(fast).await;
    let (receiver, url) = Receiver::start(vec![Reply::Status(500), Reply::Status(503)]).await;
    let (id, _) = register(&app, &url, &["product.updated"]).await;
    let test =
        app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id status } }", json!({ "id": id })).await;
    let delivery = test["data"]["sendTestWebhook"]["id"].clone();
    let got = receiver.wait_for(3).await;
    let ids: Vec<_> = got.iter().map(|r| r.headers["webhook-id"].clone()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "one webhook-id across retries");
    assert_eq!(ids[0].to_str().expect("id"), delivery.as_str().expect("delivery id"));
    let mut log = Value::Null;
    for _ in 0..40 {
        log = deliveries(&app, &id).await;
        if log["deliveries"]["nodes"][0]["status"] == "SUCCEEDED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let node = &log["deliveries"]["nodes"][0];
    assert_eq!(node["status"], "SUCCEEDED", "{log}");
    assert_eq!(node["attemptCount"], 3);
    let statuses: Vec<_> =
        node["attempts"].as_array().expect("attempts").iter().map(|a| a["responseStatus"].clone()).collect();
    assert_eq!(statuses, [json!(200), json!(503), json!(500)], "newest first");
    assert_eq!(node["attempts"][2]["responseBody"], "received");
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    for line in [
        "commerce_webhook_attempts_total{outcome=\"retrying\"} 2",
        "commerce_webhook_attempts_total{outcome=\"succeeded\"} 1",
        "commerce_webhook_deliveries_total{outcome=\"succeeded\"} 1",
        "commerce_webhook_delivery_latency_seconds_count 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
}

#[tokio::test]
async fn an_endpoint_that_never_answers_fails_for_good_is_disabled_and_can_be_resent() {
    let app = demo_app(|config| {
        fast(config);
        config.webhooks.retry_schedule = vec![Duration::from_millis(50)];
        config.webhooks.timeout = Duration::from_secs(1);
        // The first failure starts the span; the second, a second later, ends it.
        config.webhooks.disable_after = Duration::from_millis(300);
    })
    .await;
    let (receiver, url) = Receiver::start(vec![Reply::Hang, Reply::Hang]).await;
    let (id, _) = register(&app, &url, &["order.created"]).await;
    app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    let mut log = Value::Null;
    for _ in 0..100 {
        log = deliveries(&app, &id).await;
        if log["deliveries"]["nodes"][0]["status"] == "FAILED" {
            // The query read the endpoint before its deliveries, so it may have read the
            // endpoint just before the worker's commit; everything is committed now.
            log = deliveries(&app, &id).await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let node = &log["deliveries"]["nodes"][0];
    assert_eq!(node["status"], "FAILED", "{log}");
    assert_eq!(node["attemptCount"], 2);
    assert!(node["attempts"][0]["error"].as_str().is_some_and(|e| e.contains("timed out")), "{log}");
    assert_eq!(log["isEnabled"], false, "failing past disableAfter disables the endpoint");
    assert!(log["disabledReason"].as_str().is_some_and(|r| r.contains("failed since")), "{log}");

    assert_eq!(receiver.got().len(), 2);
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    for line in [
        "commerce_webhook_attempts_total{outcome=\"retrying\"} 1",
        "commerce_webhook_attempts_total{outcome=\"failed\"} 1",
        "commerce_webhook_deliveries_total{outcome=\"failed\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    // Enabled again and resent: a new attempt with the same webhook-id, which now succeeds.
    let enabled = app
        .as_merchant(
            "mutation($id: UUID!) { updateWebhook(id: $id, input: { isEnabled: true }) { isEnabled disabledReason } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(enabled["data"]["updateWebhook"], json!({ "isEnabled": true, "disabledReason": null }));
    let resent = app
        .as_merchant(
            "mutation($w: UUID!, $d: UUID!) { resendWebhookDelivery(webhookId: $w, deliveryId: $d) { status } }",
            json!({ "w": id, "d": node["id"] }),
        )
        .await;
    assert_eq!(resent["data"]["resendWebhookDelivery"]["status"], "PENDING", "{resent}");
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].headers["webhook-id"], got[0].headers["webhook-id"]);
}

/// The value of a metric without labels on `/metrics`.
async fn metric(app: &TestApp, name: &str) -> Option<f64> {
    let text = app.get("/metrics").await.text().await.expect("metrics");
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// Polls `/metrics` (up to 10 s) until `name` reads `value`; answers what it read last.
async fn metric_reaches(app: &TestApp, name: &str, value: f64) -> Option<f64> {
    let mut read = None;
    for _ in 0..200 {
        read = metric(app, name).await;
        if read == Some(value) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    read
}

#[tokio::test]
async fn the_queue_depth_counts_what_waits_at_enabled_endpoints_only() {
    let app = demo_app(|config| {
        fast(config);
        config.webhooks.retry_schedule = vec![Duration::from_secs(600)];
    })
    .await;
    let (receiver, url) = Receiver::start(vec![Reply::Status(500)]).await;
    let (id, _) = register(&app, &url, &["order.created"]).await;
    app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    receiver.wait_for(1).await;
    assert_eq!(metric_reaches(&app, "commerce_webhook_queue_depth", 1.0).await, Some(1.0), "the retry waits");
    let disabled = app
        .as_merchant(
            "mutation($id: UUID!) { updateWebhook(id: $id, input: { isEnabled: false }) { isEnabled } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(disabled["data"]["updateWebhook"]["isEnabled"], false, "{disabled}");
    assert_eq!(
        metric_reaches(&app, "commerce_webhook_queue_depth", 0.0).await,
        Some(0.0),
        "no worker attempts a disabled endpoint's deliveries"
    );
    let log = deliveries(&app, &id).await;
    assert_eq!(log["deliveries"]["nodes"][0]["status"], "PENDING", "kept for when it is enabled again: {log}");
}

#[tokio::test]
async fn deliveries_an_endpoint_disabled_for_failing_leaves_waiting_are_counted_as_abandoned() {
    let app = demo_app(|config| {
        fast(config);
        config.webhooks.retry_schedule = vec![Duration::from_millis(50), Duration::from_millis(50)];
        config.webhooks.timeout = Duration::from_secs(1);
        config.webhooks.disable_after = Duration::from_millis(300);
        // One attempt at a time: the second delivery waits while the first times out.
        config.webhooks.concurrency = 1;
    })
    .await;
    let (_receiver, url) = Receiver::start(vec![Reply::Hang, Reply::Hang, Reply::Hang]).await;
    let (id, _) = register(&app, &url, &["order.created"]).await;
    for _ in 0..2 {
        app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    }
    let abandoned = metric_reaches(&app, "commerce_webhook_deliveries_total{outcome=\"abandoned\"}", 2.0).await;
    assert_eq!(abandoned, Some(2.0), "both deliveries waited for a retry when the endpoint was disabled");
    let log = deliveries(&app, &id).await;
    assert_eq!(log["isEnabled"], false, "{log}");
    let statuses: Vec<_> = log["deliveries"]["nodes"].as_array().expect("nodes").iter().map(|n| &n["status"]).collect();
    assert_eq!(statuses, [&json!("FAILED"), &json!("FAILED")], "{log}");
    assert_eq!(metric(&app, "commerce_webhook_queue_depth").await, Some(0.0));
}

#[tokio::test]
async fn internal_addresses_are_refused_at_registration_and_at_delivery() {
    let resolver = Arc::new(StaticResolver::default());
    // Only 127.0.0.2, where the receiver listens, is let through.
    resolver.set("hooks.test", vec!["127.0.0.2".parse().expect("ip")]);
    resolver.set("internal.test", vec!["93.184.216.34".parse().expect("ip"), "10.0.0.7".parse().expect("ip")]);
    let seam = resolver.clone();
    let app = demo_app(move |config| {
        fast(config);
        config.webhooks.egress.resolver = seam;
        config.webhooks.egress.allowed_networks = vec!["127.0.0.2/32".parse().expect("network")];
    })
    .await;
    for url in [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://192.168.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://internal.test/hook",
        "https://user:secret@hooks.test/hook",
        "ftp://hooks.test/hook",
        "not a url",
    ] {
        let body = app.as_merchant(CREATE, json!({ "input": { "url": url, "eventTypes": ["order.created"] } })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{url}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "url", "{url}: {body}");
    }
    assert_eq!(count_rows(&app.db, "webhooks").await, 0);

    // Registered while the name pointed at an allowed address; DNS then moves it inside.
    let (receiver, url) = Receiver::start_on("127.0.0.2", vec![]).await;
    let port = url.trim_start_matches("http://127.0.0.2:").trim_end_matches("/hook");
    let (id, _) = register(&app, &format!("http://hooks.test:{port}/hook"), &["order.created"]).await;
    app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    receiver.wait_for(1).await;
    resolver.set("hooks.test", vec!["10.9.8.7".parse().expect("ip")]);
    app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    let mut refused = Value::Null;
    for _ in 0..60 {
        let log = deliveries(&app, &id).await;
        let newest = &log["deliveries"]["nodes"][0];
        if newest["attemptCount"].as_i64() >= Some(1) {
            refused = newest.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let error = refused["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("private address") && !error.contains("10.9.8.7"),
        "refused, without naming the address: {refused}"
    );
    assert_eq!(receiver.got().len(), 1, "nothing more reached the receiver");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let app = demo_app(fast).await;
    let (target, target_url) = Receiver::start(vec![]).await;
    let leaked: &'static str = Box::leak(target_url.into_boxed_str());
    let (receiver, url) = Receiver::start(vec![Reply::Redirect(leaked)]).await;
    let (id, _) = register(&app, &url, &["order.created"]).await;
    app.as_merchant("mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    receiver.wait_for(1).await;
    let mut log = Value::Null;
    for _ in 0..40 {
        log = deliveries(&app, &id).await;
        if log["deliveries"]["nodes"][0]["attemptCount"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log["deliveries"]["nodes"][0]["attempts"][0]["responseStatus"], 302, "{log}");
    assert!(target.got().is_empty(), "the redirect target was never called");
}

#[tokio::test]
async fn another_users_endpoints_are_not_found_and_scopes_and_store_limits_hold() {
    let app = demo_app(fast).await;
    let (_, url) = Receiver::start(vec![]).await;
    let (id, _) = register(&app, &url, &["order.created"]).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let seen = app
        .graphql_as(&rival, "query($id: UUID!) { webhook(id: $id) { id } webhooks { id } }", json!({ "id": id }))
        .await;
    assert_eq!(seen["data"], json!({ "webhook": null, "webhooks": [] }), "{seen}");
    for mutation in [
        "mutation($id: UUID!) { updateWebhook(id: $id, input: { description: \"mine\" }) { id } }",
        "mutation($id: UUID!) { deleteWebhook(id: $id) }",
        "mutation($id: UUID!) { rotateWebhookSecret(id: $id) { secret } }",
        "mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }",
    ] {
        let body = app.graphql_as(&rival, mutation, json!({ "id": id })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{mutation}: {body}");
    }

    let catalog = demo_catalog(&app, &app.merchant).await;
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    let viewer = app.api_key(&app.merchant, &["user.webhooks.view"], None).await;
    let refused =
        app.graphql_as(&viewer, CREATE, json!({ "input": { "url": url, "eventTypes": ["order.created"] } })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");

    let store = catalog.store.as_str().expect("store id").to_owned();
    let limited =
        app.api_key(&app.merchant, &["user.webhooks.view", "user.webhooks.create"], Some(vec![store.clone()])).await;
    let whole =
        app.graphql_as(&limited, CREATE, json!({ "input": { "url": url, "eventTypes": ["order.created"] } })).await;
    assert_eq!(whole["errors"][0]["extensions"]["details"][0]["field"], "storeIds", "{whole}");
    let other = app
        .graphql_as(
            &limited,
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["order.created"], "storeIds": [rival_store] } }),
        )
        .await;
    assert_eq!(other["errors"][0]["extensions"]["details"][0]["field"], "storeIds[0]", "{other}");
    // The merchant's own second store is outside the key's stores too.
    let created = app.as_merchant("mutation { createStore(input: { name: \"Second Shop\" }) { id } }", json!({})).await;
    let second = created["data"]["createStore"]["id"].clone();
    assert!(second.is_string(), "{created}");
    let beside = app
        .graphql_as(
            &limited,
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["order.created"], "storeIds": [second] } }),
        )
        .await;
    assert_eq!(beside["errors"][0]["extensions"]["details"][0]["field"], "storeIds[0]", "{beside}");
    let own = app
        .graphql_as(
            &limited,
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["order.created"], "storeIds": [store] } }),
        )
        .await;
    assert!(own["data"]["createWebhook"]["secret"].is_string(), "{own}");
    let outside = app.graphql_as(&limited, "query($id: UUID!) { webhook(id: $id) { id } }", json!({ "id": id })).await;
    assert_eq!(outside["data"]["webhook"], Value::Null, "the account-wide endpoint is not the key's: {outside}");
    let listed = app.graphql_as(&limited, "{ webhooks { id } }", json!({})).await;
    assert_eq!(
        listed["data"]["webhooks"].as_array().map(Vec::len),
        Some(1),
        "the account-wide endpoint is outside the key's wall: {listed}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_every_problem_and_the_cap_holds() {
    let app = demo_app(|config| {
        fast(config);
        config.accounts.max_webhooks = 2;
    })
    .await;
    let (_, url) = Receiver::start(vec![]).await;
    let bad = app
        .as_merchant(
            CREATE,
            json!({ "input": { "url": "https://", "eventTypes": ["order.paid", "order.created", "order.created"], "description": "x".repeat(257) } }),
        )
        .await;
    let mut fields: Vec<String> = bad["errors"][0]["extensions"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    fields.sort();
    assert_eq!(fields, ["description", "eventTypes[0]", "eventTypes[2]", "url"], "{bad}");
    let empty = app.as_merchant(CREATE, json!({ "input": { "url": url, "eventTypes": [] } })).await;
    assert_eq!(empty["errors"][0]["extensions"]["details"][0]["field"], "eventTypes", "{empty}");
    let missing = app.as_merchant(CREATE, json!({ "input": { "eventTypes": ["order.created"] } })).await;
    assert_eq!(error_codes(&missing), ["VALIDATION"], "{missing}");
    let long = app
        .as_merchant(
            CREATE,
            json!({ "input": { "url": format!("{url}?{}", "a".repeat(2100)), "eventTypes": ["order.created"] } }),
        )
        .await;
    assert_eq!(long["errors"][0]["extensions"]["details"][0]["field"], "url", "{long}");
    assert_eq!(count_rows(&app.db, "webhooks").await, 0, "nothing half-written");

    register(&app, &url, &["order.created"]).await;
    register(&app, &url, &["order.created"]).await;
    let third = app.as_merchant(CREATE, json!({ "input": { "url": url, "eventTypes": ["order.created"] } })).await;
    assert_eq!(error_codes(&third), ["CONFLICT"], "{third}");
    let types = app.as_merchant("{ webhookEventTypes { name description } }", json!({})).await;
    let names: Vec<_> =
        types["data"]["webhookEventTypes"].as_array().expect("types").iter().map(|t| t["name"].clone()).collect();
    let all = commerce_gateway::domain::events::EVENT_TYPES.len();
    assert!(names.contains(&json!("variant.stock_low")) && names.len() == all, "{types}");
}

#[tokio::test]
async fn two_gateways_on_one_database_deliver_every_event_once() {
    let database = TestDatabase::new().await;
    let replica = database.replica();
    let first = spawn_with(database, true, fast).await;
    let second = spawn_with(replica, false, fast).await;
    let (receiver, url) = Receiver::start(vec![]).await;
    register(&first, &url, &["order.created"]).await;
    let catalog = demo_catalog(&first, &first.merchant).await;
    let stocked = first
        .as_merchant(
            "mutation($v: UUID!) { updateVariant(id: $v, input: { stock: 100000 }) { stock } }",
            json!({ "v": catalog.plain_variant }),
        )
        .await;
    assert_eq!(stocked["data"]["updateVariant"]["stock"], 100000, "{stocked}");
    let orders = 200;
    let placing = (0..orders).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        let token = first.merchant.clone();
        let variables = json!({ "s": catalog.store, "v": catalog.plain_variant, "q": 1 });
        async move { app.graphql_as(&token, PLACE, variables).await }
    });
    use futures::StreamExt;
    let placed: Vec<Value> = futures::stream::iter(placing).buffer_unordered(16).collect().await;
    for placed in placed {
        assert!(placed["data"]["createOrder"]["id"].is_string(), "{placed}");
    }
    let got = receiver.wait_for(orders).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = if receiver.got().len() > got.len() { receiver.got() } else { got };
    let mut ids: Vec<String> = got.iter().map(|r| r.headers["webhook-id"].to_str().expect("id").to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), orders, "every event delivered");
    assert_eq!(got.len(), orders, "none twice");
}

#[tokio::test]
async fn the_komerza_routes_manage_endpoints_behind_the_same_walls() {
    use reqwest::Method;
    let app = demo_app(fast).await;
    let (receiver, url) = Receiver::start(vec![]).await;
    let (status, created) = app
        .rest(
            Method::POST,
            "/webhooks",
            Some(&app.merchant),
            Some(json!({ "url": url, "eventTypes": ["order.created"] })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["success"], true);
    assert!(created["data"]["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{created}");
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let (status, listed) = app.rest(Method::GET, "/webhooks", Some(&app.merchant), None).await;
    assert_eq!((status, listed["data"][0]["id"].as_str()), (200, Some(id.as_str())), "{listed}");
    assert!(listed["data"][0].get("secret").is_none(), "a read never shows the secret");

    let path = format!("/webhooks/{id}");
    let (status, bad) =
        app.rest(Method::PUT, &path, Some(&app.merchant), Some(json!({ "url": "https://10.0.0.1/x" }))).await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("ValidationError")), "{bad}");
    let (status, unknown) = app.rest(Method::PUT, &path, Some(&app.merchant), Some(json!({ "secret": "mine" }))).await;
    assert_eq!(status, 400, "unknown fields are refused: {unknown}");
    let (status, _) = app.rest(Method::POST, &format!("{path}/test"), Some(&app.merchant), None).await;
    assert_eq!(status, 201);
    receiver.wait_for(1).await;
    let (status, log) =
        app.rest(Method::GET, &format!("{path}/deliveries?PageSize=5"), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(log["pages"], 1);
    let delivery = log["data"][0]["id"].as_str().expect("delivery").to_owned();

    let rival = app.token(RIVAL_MERCHANT).await;
    for (method, route) in [
        (Method::GET, path.clone()),
        (Method::PUT, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::GET, format!("{path}/deliveries")),
        (Method::POST, format!("{path}/test")),
        (Method::POST, format!("{path}/secret")),
        (Method::POST, format!("{path}/deliveries/{delivery}/resend")),
    ] {
        let body = (method == Method::PUT).then(|| json!({ "description": "mine" }));
        let (status, answer) = app.rest(method.clone(), &route, Some(&rival), body).await;
        assert_eq!(status, 404, "{method} {route}: {answer}");
    }
    let viewer = app.api_key(&app.merchant, &["user.webhooks.view"], None).await;
    let (status, _) = app.rest(Method::DELETE, &path, Some(&viewer), None).await;
    assert_eq!(status, 403);

    let (status, resent) =
        app.rest(Method::POST, &format!("{path}/deliveries/{delivery}/resend"), Some(&app.merchant), None).await;
    assert_eq!((status, resent["data"]["id"].as_str()), (200, Some(delivery.as_str())), "{resent}");
    let (status, _) = app.rest(Method::DELETE, &path, Some(&app.merchant), None).await;
    assert_eq!(status, 200);
    let (status, _) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!(status, 404);
}

/// A gateway process serving `database` with the demo data, webhooks to loopback allowed and
/// attempts limited to one second; with its base URL and the demo merchant's token.
pub async fn gateway_process(database: &TestDatabase) -> (std::process::Child, String, String) {
    gateway_process_with(database, &[]).await
}

/// [`gateway_process`] with more settings in its environment.
pub async fn gateway_process_with(
    database: &TestDatabase,
    settings: &[(&str, &str)],
) -> (std::process::Child, String, String) {
    // The process binds port 0 itself and its banner says which port it got: choosing a free
    // port here and handing it over would race with every other test's servers.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_commerce-gateway"))
        .args(["serve", "--demo"])
        .envs(settings.iter().copied())
        .env_remove("APP_ENV")
        .env("RUST_LOG", "warn")
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", &database.url)
        .env("WEBHOOK_ALLOW_HTTP", "true")
        .env("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
        .env("WEBHOOK_TIMEOUT_SECS", "3")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().expect("stdout");
    let (found, port) = std::sync::mpsc::channel();
    // Reads the banner for the port, then drains the rest so the process never blocks writing.
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(address) = line.split("http://127.0.0.1:").nth(1) {
                let _ = found.send(address.split('/').next().unwrap_or_default().to_owned());
            }
        }
    });
    let port = port.recv_timeout(Duration::from_secs(60)).expect("the banner names the port");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = post(
        &base,
        None,
        "mutation { login(email: \"demo@example.com\", password: \"demo-password\") { accessToken } }",
        json!({}),
    )
    .await;
    let token = login["data"]["login"]["accessToken"].as_str().expect("token").to_owned();
    (child, base, token)
}

pub async fn post(base: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request =
        reqwest::Client::new().post(format!("{base}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("POST").json::<Value>().await.expect("JSON")
}

/// Registers an endpoint at `url` on a gateway process and sends it a test delivery.
async fn test_delivery(base: &str, token: &str, url: &str) {
    let created =
        post(base, Some(token), CREATE, json!({ "input": { "url": url, "eventTypes": ["order.created"] } })).await;
    let id = created["data"]["createWebhook"]["webhook"]["id"].clone();
    let sent =
        post(base, Some(token), "mutation($id: UUID!) { sendTestWebhook(id: $id) { id } }", json!({ "id": id })).await;
    assert!(sent["data"]["sendTestWebhook"]["id"].is_string(), "{sent}");
}

#[tokio::test]
async fn a_gateway_killed_mid_attempt_leaves_the_delivery_to_the_next_one_with_the_same_webhook_id() {
    let database = TestDatabase::new().await;
    let replica = database.replica();
    let (mut child, base, token) = gateway_process(&database).await;
    // The receiver keeps the first attempt waiting, so the process dies in the middle of it.
    let (receiver, url) = Receiver::start(vec![Reply::Hang]).await;
    test_delivery(&base, &token, &url).await;
    receiver.wait_for(1).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    // Another gateway on the same database takes the delivery once the dead one's claim expires.
    let _next = spawn_with(replica, false, fast).await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].headers["webhook-id"], got[0].headers["webhook-id"], "at-least-once, under one webhook-id");
    assert_eq!(got[1].body, got[0].body);
}

#[tokio::test]
async fn sigterm_lets_an_attempt_in_flight_finish_and_records_it() {
    use sea_orm::EntityTrait;
    let database = TestDatabase::new().await;
    let (mut child, base, token) = gateway_process(&database).await;
    let (receiver, url) = Receiver::start(vec![Reply::Slow(Duration::from_millis(1500))]).await;
    test_delivery(&base, &token, &url).await;
    receiver.wait_for(1).await;
    let terminated =
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(terminated.success());
    let status = tokio::task::spawn_blocking(move || child.wait()).await.expect("join").expect("wait");
    assert!(status.success(), "exit status {status}");
    let db = sea_orm::Database::connect(database.url.as_str()).await.expect("connect");
    let deliveries = entity::webhook_delivery::Entity::find().all(&db).await.expect("deliveries");
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (deliveries[0].status.as_str(), deliveries[0].attempts, deliveries[0].claimed_until),
        ("succeeded", 1, None),
        "the attempt finished and was recorded before the process exited"
    );
}

/// A receiver answering 200, for other test modules: how many requests it got, and its URL.
pub async fn receiver() -> (impl Fn() -> usize, String) {
    let (receiver, url) = Receiver::start(vec![]).await;
    (move || receiver.got().len(), url)
}

#[test]
fn the_readme_lists_every_event_type() {
    let readme = include_str!("../../README.md");
    for kind in commerce_gateway::domain::events::EVENT_TYPES {
        assert!(readme.contains(&format!("`{}`", kind.name)), "README.md: add {} to the event table", kind.name);
    }
}
