//! Every route of both REST families replayed once with a valid body, in table order, on the
//! demo store's objects (deletions last, each on an object the walk made), and every answer
//! checked against what `/openapi.json` documents for it: the success status, and the object
//! with every documented field present and of its type (the tables of `src/rest/schemas.rs`,
//! taken from the seed documents). A route the walk cannot reach yet (it needs an object a later
//! route makes) waits for it.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_catalog, spawn_with, TestApp, TestDatabase, DEMO_CUSTOMER};

/// The body each route takes, with `{name}` standing for an id or token the walk knows.
const BODIES: &[(&str, &str, &str)] = &[
    ("POST", "/v2/auth/login", r#"{"email": "demo@example.com", "password": "demo-password"}"#),
    ("POST", "/v2/auth/refresh", r#"{"refreshToken": "{refreshToken}"}"#),
    (
        "POST",
        "/v2/products",
        r#"{"sku": "REPLAY-1", "name": "Replay Tee", "price": 12.5, "currency": "USD", "stock": 4, "category": "apparel"}"#,
    ),
    ("PATCH", "/v2/products/{productId}", r#"{"stock": 9}"#),
    (
        "POST",
        "/v2/orders",
        r#"{"customerId": "{customerId}", "items": [{"productId": "{plainProductId}", "quantity": 1}]}"#,
    ),
    ("PATCH", "/v2/orders/{orderId}/status", r#"{"status": "confirmed"}"#),
    ("POST", "/stores", r#"{"name": "Replay Store"}"#),
    (
        "PUT",
        "/stores/{storeId}",
        r#"{"name": "Demo Store", "description": "Replayed", "prependProductNameToReceipt": true, "currencyCode": "USD", "isAutomaticReviewsEnabled": true}"#,
    ),
    ("POST", "/stores/{storeId}/products", r#"{"name": "Replay Mug", "variants": [{"name": "Large", "cost": 8}]}"#),
    ("PUT", "/stores/{storeId}/products/{productId}", r#"{"isBestSeller": true}"#),
    ("POST", "/stores/{storeId}/categories", r#"{"name": "Replay"}"#),
    ("PUT", "/stores/{storeId}/categories/{categoryId}", r#"{"order": 3}"#),
    ("POST", "/stores/{storeId}/coupons", r#"{"code": "REPLAY5", "percentageDecrease": 5}"#),
    ("PUT", "/stores/{storeId}/coupons/{couponId}", r#"{"maximumUses": 10}"#),
    ("POST", "/stores/{storeId}/customers", r#"{"email": "replay@example.com", "name": "Rae Play"}"#),
    ("PUT", "/stores/{storeId}/customers/{customerId}", r#"{"name": "Casey C."}"#),
    ("POST", "/stores/{storeId}/customers/{customerId}/balance", r#"{"amount": 2.5, "reason": "Replay"}"#),
    (
        "POST",
        "/stores/{storeId}/orders",
        r#"{"customerEmail": "customer@example.com", "affiliateCode": "ALEX10", "items": [{"variantId": "{plainVariantId}", "quantity": 1}]}"#,
    ),
    ("POST", "/stores/{storeId}/orders/{orderId}/refund", r#"{"reason": "Replay"}"#),
    ("POST", "/stores/{storeId}/tickets", r#"{"subject": "Replay", "message": "Hello", "customerId": "{customerId}"}"#),
    ("POST", "/stores/{storeId}/tickets/{ticketId}/messages", r#"{"message": "And again"}"#),
    ("POST", "/stores/{storeId}/reviews", r#"{"orderItemId": "{deliveredItem}", "rating": 4, "text": "Replayed"}"#),
    ("POST", "/stores/{storeId}/reviews/{reviewId}/reply", r#"{"reply": "Thank you"}"#),
    ("POST", "/stores/{storeId}/reviews/{reviewId}/flag", r#"{"reason": "Checking"}"#),
    ("POST", "/stores/{storeId}/affiliates", r#"{"customerId": "{newCustomerId}"}"#),
    ("PUT", "/stores/{storeId}/affiliates/{affiliateId}", r#"{"code": "ALEX11"}"#),
    ("POST", "/stores/{storeId}/products/{productId}/variants", r#"{"name": "Replay variant", "cost": 3}"#),
    ("PUT", "/stores/{storeId}/products/{productId}/variants/{variantId}", r#"{"stock": 7}"#),
    ("POST", "/stores/{storeId}/products/{productId}/variants/{variantId}/files", r#"{"friendlyName": "Replay.pdf"}"#),
    (
        "POST",
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields",
        r#"{"label": "Gift note", "identifier": "replay_note", "type": "select"}"#,
    ),
    ("PUT", "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}", r#"{"hint": "Replayed"}"#),
    (
        "POST",
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options",
        r#"{"label": "Teal", "value": "teal"}"#,
    ),
    (
        "PUT",
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options/{optionId}",
        r#"{"label": "Jet"}"#,
    ),
    ("POST", "/webhooks", r#"{"url": "{hookUrl}", "eventTypes": ["order.created"]}"#),
    ("PUT", "/webhooks/{webhookId}", r#"{"description": "Replayed"}"#),
];

/// Which path id an object an answer made stands for, by its schema.
const MADE: &[(&str, &str)] = &[
    ("Store", "newStoreId"),
    ("Product", "newProductId"),
    ("Category", "newCategoryId"),
    ("Coupon", "newCouponId"),
    ("Customer", "newCustomerId"),
    ("Order", "newOrderId"),
    ("Ticket", "newTicketId"),
    ("Variant", "newVariantId"),
    ("VariantFile", "newFileId"),
    ("CustomField", "newFieldId"),
    ("Option", "newOptionId"),
    ("Webhook", "webhookId"),
    ("WebhookDelivery", "deliveryId"),
    ("CommerceProduct", "newCommerceProductId"),
];

/// Routes whose path ids are not the demo's: `(method, path, parameter, name the walk knows)`.
/// Deletions take what the walk made; delivery takes the order it placed; the refund a
/// confirmed demo order.
const OVERRIDES: &[(&str, &str, &str, &str)] = &[
    ("POST", "/stores/{storeId}/orders/{orderId}/deliver", "orderId", "newOrderId"),
    ("POST", "/stores/{storeId}/orders/{orderId}/refund", "orderId", "confirmedOrderId"),
    ("DELETE", "/v2/products/{productId}", "productId", "newCommerceProductId"),
    ("DELETE", "/stores/{storeId}/products/{productId}", "productId", "newProductId"),
    ("DELETE", "/stores/{storeId}/categories/{categoryId}", "categoryId", "newCategoryId"),
    ("DELETE", "/stores/{storeId}/coupons/{couponId}", "couponId", "newCouponId"),
    ("DELETE", "/stores/{storeId}/tickets/{ticketId}", "ticketId", "newTicketId"),
    ("DELETE", "/stores/{storeId}/products/{productId}/variants/{variantId}", "variantId", "newVariantId"),
    ("DELETE", "/stores/{storeId}/products/{productId}/variants/{variantId}/files/{fileId}", "fileId", "newFileId"),
    ("DELETE", "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}", "fieldId", "newFieldId"),
    (
        "DELETE",
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options/{optionId}",
        "optionId",
        "newOptionId",
    ),
];

struct Walk<'a> {
    app: &'a TestApp,
    document: Value,
    known: HashMap<String, String>,
    customer: String,
}

impl Walk<'_> {
    /// `text` with every `{name}` the walk knows filled in, or `None` while one is unknown.
    fn fill(&self, text: &str, overrides: &[(&str, &str)]) -> Option<String> {
        let mut filled = text.to_owned();
        let mut from = 0;
        while let Some(start) = filled[from..].find('{').map(|at| from + at) {
            let Some(end) = filled[start..].find('}').map(|at| start + at) else { break };
            let name = &filled[start + 1..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                from = start + 1;
                continue;
            }
            let known = overrides.iter().find(|(param, _)| *param == name).map_or(name, |(_, alias)| alias);
            let value = self.known.get(known)?.clone();
            filled.replace_range(start..=end, &value);
            from = start + value.len();
        }
        Some(filled)
    }

    /// Calls the route once and checks the answer; `false` while it waits for an id.
    async fn replay(&mut self, method: &str, path: &'static str) -> bool {
        let overrides: Vec<(&str, &str)> = OVERRIDES
            .iter()
            .filter(|(m, p, ..)| *m == method && *p == path)
            .map(|(_, _, param, alias)| (*param, *alias))
            .collect();
        let Some(url) = self.fill(path, &overrides) else { return false };
        let body = match BODIES.iter().find(|(m, p, _)| *m == method && *p == path) {
            Some((.., template)) => match self.fill(template, &[]) {
                Some(text) => Some(serde_json::from_str::<Value>(&text).expect("a JSON body")),
                None => return false,
            },
            None => None,
        };
        let token = match (method, path) {
            ("DELETE", "/v2/auth/logout") => self.known["accessToken"].clone(),
            ("POST", "/stores/{storeId}/reviews") => self.customer.clone(),
            _ => self.app.merchant.clone(),
        };
        let method_kind = Method::from_bytes(method.as_bytes()).expect("method");
        // The walk makes a second store, so the Commerce API is told which one.
        let store = self.known["storeId"].clone();
        let headers: &[(&str, &str)] = if path.starts_with("/v2") { &[("x-store-id", &store)] } else { &[] };
        let (status, answer) = self.app.rest_with(method_kind, &url, Some(&token), body.clone(), headers).await;
        let operation = &self.document["paths"][path][method.to_lowercase()];
        let documented = operation["responses"].as_object().expect("responses");
        let success = documented.keys().find(|s| s.starts_with('2')).expect("a success status");
        assert_eq!(status.to_string(), *success, "{method} {url} {body:?}: {answer}");
        let schema = &documented[success.as_str()]["content"]["application/json"]["schema"];
        if !schema.is_null() {
            let problems = conforms(&self.document, schema, &answer, "answer");
            assert!(problems.is_empty(), "{method} {path}: {problems:?} in {answer}");
        }
        self.learn(path, &answer);
        true
    }

    /// Remembers the ids and tokens an answer holds.
    fn learn(&mut self, path: &str, answer: &Value) {
        if path == "/v2/auth/login" {
            for key in ["accessToken", "refreshToken"] {
                self.known.insert(key.into(), answer[key].as_str().expect("token").into());
            }
        }
        if path == "/stores/{storeId}/orders/{orderId}/deliver" {
            self.known.insert("deliveredItem".into(), answer["data"]["items"][0]["id"].as_str().expect("line").into());
        }
        let made = answer.get("data").filter(|d| d.is_object()).unwrap_or(answer);
        if let (Some(id), Some(kind)) = (made["id"].as_str().or(made["productId"].as_str()), kind_of(path)) {
            if let Some((_, name)) = MADE.iter().find(|(schema, _)| *schema == kind) {
                self.known.insert((*name).into(), id.into());
            }
        }
    }
}

/// The schema of the object a route that makes one answers with, from its path.
fn kind_of(path: &str) -> Option<&'static str> {
    commerce_gateway::rest::all_routes().filter(|r| r.path == path && r.method == "POST").find_map(|route| match route
        .answer
    {
        commerce_gateway::rest::route::Answer::Created(schema) => Some(schema),
        _ => None,
    })
}

/// Every way `value` departs from `schema` (the subset of JSON Schema the document uses).
fn conforms(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return conforms(document, &document["components"]["schemas"][name], value, at);
    }
    if let Some(options) = schema["anyOf"].as_array() {
        let fits = options.iter().any(|option| conforms(document, option, value, at).is_empty());
        return if fits { vec![] } else { vec![format!("{at}: fits none of {schema}")] };
    }
    let mut problems = Vec::new();
    if let Some(expected) = schema.get("const") {
        if expected != value {
            problems.push(format!("{at}: {value} is not {expected}"));
        }
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let kind_fits = |kind: &&str| match *kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !kinds.is_empty() && !kinds.iter().any(kind_fits) {
        problems.push(format!("{at}: {value} is not {kinds:?}"));
        return problems;
    }
    if let (Some(allowed), false) = (schema["enum"].as_array(), value.is_null()) {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(text) = value.as_str() {
        let fits = match schema["format"].as_str() {
            Some("uuid") => uuid::Uuid::parse_str(text).is_ok(),
            Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            Some("uri") => text.starts_with("http://") || text.starts_with("https://"),
            _ => true,
        };
        if !fits {
            problems.push(format!("{at}: {text} is not a {}", schema["format"]));
        }
    }
    if let Some(number) = value.as_f64() {
        if schema["minimum"].as_f64().is_some_and(|min| number < min)
            || schema["maximum"].as_f64().is_some_and(|max| number > max)
        {
            problems.push(format!("{at}: {number} is out of range"));
        }
    }
    if let Some(object) = value.as_object() {
        for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(required) {
                problems.push(format!("{at}.{required} is missing"));
            }
        }
        for (key, field) in object {
            let rule =
                schema["properties"].get(key).or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
            if let Some(rule) = rule {
                problems.extend(conforms(document, rule, field, &format!("{at}.{key}")));
            }
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for (index, item) in values.iter().enumerate() {
            problems.extend(conforms(document, items, item, &format!("{at}[{index}]")));
        }
    }
    problems
}

#[tokio::test]
async fn every_route_of_both_families_answers_what_the_document_says() {
    let app = spawn_with(TestDatabase::new().await, true, |config| {
        config.webhooks.egress.allow_http = true;
        config.webhooks.egress.allowed_networks = vec!["127.0.0.0/8".parse().expect("network")];
    })
    .await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let set = app
        .as_merchant(
            "mutation($s: UUID!) { updateAffiliateOptions(storeId: $s, input: { isEnabled: true, canConvertAffiliateBalance: true }) { isEnabled } }",
            json!({ "s": ids.store }),
        )
        .await;
    assert!(set["errors"].is_null(), "{set}");
    let text = |value: &Value| value.as_str().expect("an id").to_owned();
    let known: HashMap<String, String> = [
        ("storeId", text(&ids.store)),
        ("productId", text(&ids.product)),
        ("variantId", text(&ids.variant)),
        ("fieldId", text(&ids.field)),
        ("optionId", text(&ids.option)),
        ("fileId", text(&ids.file)),
        ("categoryId", text(&ids.category)),
        ("couponId", text(&ids.coupon)),
        ("customerId", text(&ids.customer)),
        ("orderId", text(&ids.orders[0])),
        ("confirmedOrderId", text(&ids.orders[1])),
        ("ticketId", text(&ids.ticket)),
        ("reviewId", text(&ids.review)),
        ("affiliateId", text(&ids.affiliate)),
        ("plainProductId", text(&ids.plain_product)),
        ("plainVariantId", text(&ids.plain_variant)),
        ("hookUrl", format!("http://{}/replay-hook", app.address)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let (_, document) = app.rest(Method::GET, "/openapi.json", None, None).await;
    let customer = app.token(DEMO_CUSTOMER).await;
    let mut walk = Walk { app: &app, document, known, customer };

    let routes: Vec<_> = commerce_gateway::rest::all_routes().collect();
    // Logging out ends the walk's own session, so it goes last; deletions just before it.
    let last = |method: &str, path: &str| (path == "/v2/auth/logout", method == "DELETE");
    let mut waiting: Vec<(&str, &'static str)> = Vec::new();
    let mut ordered: Vec<(&str, &'static str)> = routes.iter().map(|r| (r.method.as_str(), r.path)).collect();
    ordered.sort_by_key(|(method, path)| last(method, path));
    for (method, path) in ordered {
        if !walk.replay(method, path).await {
            waiting.push((method, path));
        }
        // A route that waited goes as soon as what it needs exists.
        let mut still = Vec::new();
        for (method, path) in std::mem::take(&mut waiting) {
            if !walk.replay(method, path).await {
                still.push((method, path));
            }
        }
        waiting = still;
    }
    assert!(waiting.is_empty(), "never reached: {waiting:?}");
    assert!(routes.len() > 80, "every route: {}", routes.len());
}
