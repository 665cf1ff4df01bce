//! The Commerce API 2.4.0 shim under `/v2`: the documented bodies, envelopes and status codes,
//! the seed's examples, and for every route a missing credential, a missing scope, another
//! tenant's ids and bad input.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{
    assert_documented, count_rows, demo_catalog, spawn_demo_app, TestApp, DEMO_CUSTOMER, RIVAL_MERCHANT,
};

fn assert_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].is_string() && body["details"].is_array(), "Commerce error envelope: {body}");
}

fn detail_fields(body: &Value) -> Vec<String> {
    body["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Jane of the seed's examples, with the seed's password (shorter than `users create` allows,
/// so she is inserted directly).
pub async fn add_jane(app: &TestApp) {
    let now = chrono::Utc::now();
    let hash = commerce_gateway::auth::password::hash("s3cr3t!").await.expect("hash");
    use sea_orm::{ActiveModelTrait, Set};
    entity::user::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        email: Set("jane@example.com".into()),
        password_hash: Set(hash),
        name: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("jane");
}

#[tokio::test]
async fn login_list_and_order_return_every_documented_field() {
    let app = spawn_demo_app().await;
    add_jane(&app).await;
    // curl -X POST …/v2/auth/login -H 'Content-Type: application/json' -d '{"email":"jane@example.com","password":"s3cr3t!"}'
    let response = app
        .client
        .post(app.url("/v2/auth/login"))
        .header("Content-Type", "application/json")
        .body(r#"{"email":"jane@example.com","password":"s3cr3t!"}"#)
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("json");
    assert!(tokens["accessToken"].is_string() && tokens["tokenType"].is_string(), "{tokens}");
    assert!(tokens["expiresIn"].as_u64().is_some_and(|s| (3590..=3600).contains(&s)), "an hour: {tokens}");

    // curl -G …/v2/products -H 'Authorization: Bearer <token>' -d page=1 -d pageSize=20 -d category=footwear
    let (status, page) =
        app.rest(Method::GET, "/v2/products?page=1&pageSize=20&category=footwear", Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{page}");
    let data = page["data"].as_array().expect("data");
    assert!(!data.is_empty() && data.iter().all(|p| p["category"] == "footwear"), "{page}");
    assert_eq!((page["page"].clone(), page["pageSize"].clone()), (json!(1), json!(20)));
    assert_eq!(page["total"].as_u64(), Some(data.len() as u64));
    assert_eq!(page["pages"], 1);
    for product in data {
        assert_documented(product, PRODUCT_FIELDS, "product");
        assert!(product["currency"] == "USD");
    }

    // POST /v2/orders {customerId, items: [{productId, quantity: 2}]} (with real ids for the placeholders)
    let ids = demo_catalog(&app, &app.merchant).await;
    let customer = app
        .as_merchant("query($c: UUID!) { order(id: $c) { customerId } }", json!({ "c": ids.orders[0] }))
        .await["data"]["order"]["customerId"]
        .clone();
    let product = &ids.plain_product;
    let (status, order) = app
        .rest(
            Method::POST,
            "/v2/orders",
            Some(&app.merchant),
            Some(json!({ "customerId": customer, "items": [{ "productId": product, "quantity": 2 }] })),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "pending");
    assert_eq!(order["customerId"], customer);
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_documented(&order, ORDER_FIELDS, "order");
    for item in order["items"].as_array().expect("items") {
        assert_documented(item, ORDER_ITEM_FIELDS, "order item");
    }
    let (status, listed) = app.rest(Method::GET, "/v2/orders?pageSize=5", Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{listed}");
    for order in listed["data"].as_array().expect("data") {
        assert_documented(order, ORDER_FIELDS, "listed order");
    }
}

/// Seed 002's product object with the JSON types it documents (`sku` is null for a variant
/// without one, as the issue asks, rather than an empty string).
const PRODUCT_FIELDS: &[(&str, &str)] = &[
    ("productId", "string"),
    ("sku", "null|string"),
    ("name", "string"),
    ("description", "null|string"),
    ("price", "number"),
    ("currency", "string"),
    ("stock", "number"),
    ("category", "string"),
    ("imageUrl", "null|string"),
    ("active", "boolean"),
    ("createdAt", "string"),
    ("updatedAt", "null|string"),
];
/// Seed 002's order object and its lines.
const ORDER_FIELDS: &[(&str, &str)] = &[
    ("orderId", "string"),
    ("customerId", "string"),
    ("items", "array"),
    ("subtotal", "number"),
    ("discount", "null|number"),
    ("total", "number"),
    ("currency", "string"),
    ("status", "string"),
    ("notes", "null|string"),
    ("createdAt", "string"),
    ("updatedAt", "null|string"),
];
const ORDER_ITEM_FIELDS: &[(&str, &str)] = &[
    ("productId", "string"),
    ("sku", "null|string"),
    ("name", "string"),
    ("quantity", "number"),
    ("unitPrice", "number"),
    ("lineTotal", "number"),
];

#[tokio::test]
async fn sessions_refresh_and_log_out_in_the_commerce_envelopes() {
    let app = spawn_demo_app().await;
    let (status, tokens) = app
        .rest(
            Method::POST,
            "/v2/auth/login",
            None,
            Some(json!({ "email": "demo@example.com", "password": "demo-password", "remember": true })),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    let (status, wrong) = app
        .rest(
            Method::POST,
            "/v2/auth/login",
            None,
            Some(json!({ "email": "demo@example.com", "password": "nope-nope" })),
        )
        .await;
    assert_error(status, &wrong, 401, "UNAUTHENTICATED");
    let (status, missing) =
        app.rest(Method::POST, "/v2/auth/login", None, Some(json!({ "email": "demo@example.com" }))).await;
    assert_error(status, &missing, 400, "VALIDATION");
    assert_eq!(detail_fields(&missing), ["password"]);

    let (status, refreshed) =
        app.rest(Method::POST, "/v2/auth/refresh", None, Some(json!({ "refreshToken": tokens["refreshToken"] }))).await;
    assert_eq!(status, 200, "{refreshed}");
    assert_ne!(refreshed["refreshToken"], tokens["refreshToken"], "rotated");
    let (status, reused) =
        app.rest(Method::POST, "/v2/auth/refresh", None, Some(json!({ "refreshToken": tokens["refreshToken"] }))).await;
    assert_error(status, &reused, 401, "UNAUTHENTICATED");

    let (status, body) = app.rest(Method::DELETE, "/v2/auth/logout", None, None).await;
    assert_error(status, &body, 401, "UNAUTHENTICATED");
    // An API key has no session: one of the documented statuses, and the key keeps working.
    let key = app.api_key(&app.merchant, &["stores.view", "stores.products.view"], None).await;
    let (status, body) = app.rest(Method::DELETE, "/v2/auth/logout", Some(&key), None).await;
    assert_error(status, &body, 401, "UNAUTHENTICATED");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("revokeApiKey")), "{body}");
    assert_eq!(app.rest(Method::GET, "/v2/products", Some(&key), None).await.0, 200);
    let login = app.login(crate::helpers::DEMO_MERCHANT).await;
    let token = login["accessToken"].as_str().expect("token");
    let (status, body) = app.rest(Method::DELETE, "/v2/auth/logout", Some(token), None).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, body) = app.rest(Method::GET, "/v2/products", Some(token), None).await;
    assert_error(status, &body, 401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn product_lists_page_filter_and_sort() {
    let app = spawn_demo_app().await;
    let get = |path: String| {
        let app = &app;
        async move { app.rest(Method::GET, &path, Some(&app.merchant), None).await }
    };
    let (_, all) = get("/v2/products?pageSize=100".into()).await;
    let total = all["total"].as_u64().expect("total");
    let (_, page2) = get("/v2/products?page=2&pageSize=5".into()).await;
    assert_eq!(page2["data"].as_array().map(Vec::len), Some(5));
    assert_eq!(page2["data"][0], all["data"][5], "page 2 starts at the sixth");
    assert_eq!(page2["pages"].as_u64(), Some(total.div_ceil(5)));
    let (_, by_price) = get("/v2/products?pageSize=100&sort=price&order=desc".into()).await;
    let prices: Vec<f64> =
        by_price["data"].as_array().expect("data").iter().filter_map(|p| p["price"].as_f64()).collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{prices:?}");
    let (_, inactive) = get("/v2/products?pageSize=100&active=false".into()).await;
    assert!(inactive["data"].as_array().is_some_and(|d| !d.is_empty() && d.iter().all(|p| p["active"] == false)));
    let (_, found) = get("/v2/products?search=mug".into()).await;
    assert_eq!(found["total"], 1);
    for (query, field) in [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=popularity", "sort"),
        ("order=up", "order"),
        ("active=maybe", "active"),
        ("search=", "search"),
    ] {
        let (status, body) = get(format!("/v2/products?{query}")).await;
        assert_error(status, &body, 400, "VALIDATION");
        assert_eq!(detail_fields(&body), [field], "{query}");
    }
}

/// A demo product that can be ordered without custom-field answers.
async fn product_id(app: &TestApp) -> Value {
    demo_catalog(app, &app.merchant).await.plain_product
}

#[tokio::test]
async fn products_are_created_changed_and_deleted_with_every_documented_answer() {
    let app = spawn_demo_app().await;
    let body = json!({ "sku": "SOCK-1", "name": "Wool Socks", "description": "Warm.", "price": 12.99, "currency": "USD", "stock": 40, "category": "apparel", "imageUrl": "https://cdn.example.com/socks.jpg" });
    let (status, created) = app.rest(Method::POST, "/v2/products", Some(&app.merchant), Some(body.clone())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (
            created["sku"].clone(),
            created["price"].clone(),
            created["stock"].clone(),
            created["category"].clone(),
            created["active"].clone(),
            created["imageUrl"].clone()
        ),
        (
            json!("SOCK-1"),
            json!(12.99),
            json!(40),
            json!("apparel"),
            json!(true),
            json!("https://cdn.example.com/socks.jpg")
        )
    );
    assert_eq!(created["currency"], "USD", "{created}");
    let path = format!("/v2/products/{}", created["productId"].as_str().expect("id"));
    let (status, got) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!((status, got["currency"].clone(), got["sku"].clone()), (200, json!("USD"), json!("SOCK-1")), "{got}");
    let (status, again) = app.rest(Method::POST, "/v2/products", Some(&app.merchant), Some(body.clone())).await;
    assert_error(status, &again, 409, "CONFLICT");
    assert_eq!(detail_fields(&again), ["sku"]);

    let products = count_rows(&app.db, "products").await;
    let with = |key: &str, value: Value| {
        let mut b = body.clone();
        b["sku"] = json!("SOCK-2");
        b[key] = value;
        b
    };
    let without = |key: &str| {
        let mut b = body.clone();
        b.as_object_mut().expect("object").remove(key);
        b
    };
    for (bad, field) in [
        (with("price", json!(-1)), "price"),
        (with("price", json!(100_000.01)), "price"),
        (with("price", json!("twelve")), "price"),
        (without("price"), "price"),
        (with("name", json!("ab")), "name"),
        (with("name", json!("n".repeat(65))), "name"),
        (without("sku"), "sku"),
        (with("sku", json!("s".repeat(65))), "sku"),
        (with("stock", json!(-5)), "stock"),
        (with("category", json!("garden")), "category"),
        (with("category", Value::Null), "category"),
        (with("imageUrl", json!("socks.jpg")), "imageUrl"),
        (with("imageUrl", json!("ftp://cdn.example.com/socks.jpg")), "imageUrl"),
        (with("imageUrl", json!(format!("https://cdn.example.com/{}", "s".repeat(300)))), "imageUrl"),
        (with("currency", json!("EUR")), "currency"),
        (with("productId", json!(uuid::Uuid::now_v7())), "productId"),
        (with("storeId", json!(uuid::Uuid::now_v7())), "storeId"),
    ] {
        let (status, refused) = app.rest(Method::POST, "/v2/products", Some(&app.merchant), Some(bad.clone())).await;
        assert_error(status, &refused, 400, "VALIDATION");
        assert!(
            detail_fields(&refused).contains(&field.to_owned())
                || refused["message"].as_str().is_some_and(|m| m.contains(field)),
            "{bad}: {refused}"
        );
    }
    // Every problem of the body at once.
    let mut many = with("category", json!("garden"));
    many["imageUrl"] = json!("socks.jpg");
    many["price"] = json!("twelve");
    many["bogus"] = json!(1);
    many["currency"] = json!("EUR");
    let (status, refused) = app.rest(Method::POST, "/v2/products", Some(&app.merchant), Some(many)).await;
    assert_error(status, &refused, 400, "VALIDATION");
    let mut fields = detail_fields(&refused);
    fields.sort();
    assert_eq!(fields, ["bogus", "category", "currency", "imageUrl", "price"], "{refused}");
    assert_eq!(count_rows(&app.db, "products").await, products, "nothing written");

    let id = created["productId"].as_str().expect("id");
    let (status, patched) = app
        .rest(
            Method::PATCH,
            &format!("/v2/products/{id}"),
            Some(&app.merchant),
            Some(json!({ "price": 9.5, "stock": 3, "active": false })),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (patched["price"].clone(), patched["stock"].clone(), patched["active"].clone(), patched["name"].clone()),
        (json!(9.5), json!(3), json!(false), json!("Wool Socks"))
    );
    let (status, refused) =
        app.rest(Method::PATCH, &format!("/v2/products/{id}"), Some(&app.merchant), Some(json!({ "stock": -1 }))).await;
    assert_error(status, &refused, 400, "VALIDATION");
    assert_eq!(detail_fields(&refused), ["stock"]);
    let (status, got) = app.rest(Method::GET, &format!("/v2/products/{id}"), Some(&app.merchant), None).await;
    assert_eq!((status, got["price"].clone()), (200, json!(9.5)));
    let (status, body) = app.rest(Method::DELETE, &format!("/v2/products/{id}"), Some(&app.merchant), None).await;
    assert_eq!((status, body), (204, Value::Null));
    for method in [Method::GET, Method::DELETE] {
        let (status, gone) = app.rest(method, &format!("/v2/products/{id}"), Some(&app.merchant), None).await;
        assert_error(status, &gone, 404, "NOT_FOUND");
    }
    let (status, malformed) = app.rest(Method::GET, "/v2/products/not-a-uuid", Some(&app.merchant), None).await;
    assert_error(status, &malformed, 404, "NOT_FOUND");
}

#[tokio::test]
async fn bodies_must_be_json_objects_within_the_size_limit() {
    let app = spawn_demo_app().await;
    let send = |content_type: &'static str, body: Vec<u8>| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/v2/products"))
                .bearer_auth(&app.merchant)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("send");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("a JSON envelope, not plain text"))
        }
    };
    let (status, body) = send("text/plain", b"{}".to_vec()).await;
    assert_error(status, &body, 415, "VALIDATION");
    let (status, body) = send("application/json", b"{\"sku\": ".to_vec()).await;
    assert_error(status, &body, 400, "VALIDATION");
    let (status, body) = send("application/json", b"[1, 2]".to_vec()).await;
    assert_error(status, &body, 400, "VALIDATION");
    let (status, body) = send("application/json", vec![b' '; 2 * 1024 * 1024]).await;
    assert_error(status, &body, 413, "VALIDATION");
}

#[tokio::test]
async fn every_route_refuses_a_missing_credential_a_missing_scope_and_another_tenants_ids() {
    let app = spawn_demo_app().await;
    let product = product_id(&app).await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let order = &ids.orders[0];
    let product_body =
        json!({ "sku": "X-1", "name": "Probe item", "price": 1, "currency": "USD", "stock": 1, "category": "home" });
    let order_body = json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 1 }] });
    let routes: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, "/v2/products".into(), None, "stores.products.view"),
        (Method::POST, "/v2/products".into(), Some(product_body), "stores.products.create"),
        (Method::GET, format!("/v2/products/{}", product.as_str().expect("id")), None, "stores.products.view"),
        (
            Method::PATCH,
            format!("/v2/products/{}", product.as_str().expect("id")),
            Some(json!({ "stock": 5 })),
            "stores.products.update",
        ),
        (Method::GET, "/v2/orders".into(), None, "stores.orders.view"),
        (Method::POST, "/v2/orders".into(), Some(order_body), "stores.orders.create"),
        (Method::GET, format!("/v2/orders/{}", order.as_str().expect("id")), None, "stores.orders.view"),
        (
            Method::PATCH,
            format!("/v2/orders/{}/status", order.as_str().expect("id")),
            Some(json!({ "status": "confirmed" })),
            "stores.orders.deliver",
        ),
        (Method::DELETE, format!("/v2/products/{}", product.as_str().expect("id")), None, "stores.products.delete"),
    ];
    let rival = app.token(RIVAL_MERCHANT).await;
    for (method, path, body, scope) in &routes {
        let (status, refused) = app.rest(method.clone(), path, None, body.clone()).await;
        assert_error(status, &refused, 401, "UNAUTHENTICATED");
        let others: Vec<&str> = commerce_gateway::auth::scope::ALL.iter().copied().filter(|s| s != scope).collect();
        let lacking = app.api_key(&app.merchant, &others, None).await;
        let (status, refused) = app.rest(method.clone(), path, Some(&lacking), body.clone()).await;
        assert_error(status, &refused, 403, "FORBIDDEN");
        assert!(refused["message"].as_str().is_some_and(|m| m.contains(scope)), "{path}: {refused}");
        let demo_store = ids.store.as_str().expect("id");
        let (status, foreign) =
            app.rest_with(method.clone(), path, Some(&rival), body.clone(), &[("x-store-id", demo_store)]).await;
        assert_error(status, &foreign, 404, "NOT_FOUND");
        if path.contains('-') {
            // Another tenant's product or order through the rival's own store.
            let (status, foreign) = app.rest(method.clone(), path, Some(&rival), body.clone()).await;
            assert_error(status, &foreign, 404, "NOT_FOUND");
        }
        let everything = app.api_key(&app.merchant, commerce_gateway::auth::scope::ALL, None).await;
        let (status, allowed) = app.rest(method.clone(), path, Some(&everything), body.clone()).await;
        assert!((200..300).contains(&status), "{method} {path}: {allowed}");
    }
    let (status, bad_header) =
        app.rest_with(Method::GET, "/v2/products", Some(&app.merchant), None, &[("x-store-id", "store-1")]).await;
    assert_error(status, &bad_header, 400, "VALIDATION");
}

#[tokio::test]
async fn orders_follow_the_state_machine_with_documented_statuses() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let product = product_id(&app).await;
    let token = Some(app.merchant.as_str());
    let place = |quantity: i64, key: Option<&'static str>| {
        let app = &app;
        let body = json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": quantity }], "notes": "Leave at the door", "coupon": "WELCOME10" });
        async move {
            let headers: Vec<(&str, &str)> = key.map(|k| ("idempotency-key", k)).into_iter().collect();
            app.rest_with(Method::POST, "/v2/orders", token, Some(body), &headers).await
        }
    };
    let (status, order) = place(1, Some("rest-key-1")).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["notes"], "Leave at the door");
    assert!(order["discount"].as_f64() > Some(0.0), "the coupon applied: {order}");
    let (_, retried) = place(1, Some("rest-key-1")).await;
    assert_eq!(retried["orderId"], order["orderId"], "Idempotency-Key");
    let scarce = json!({ "sku": "SCARCE-1", "name": "Scarce item", "price": 5, "currency": "USD", "stock": 1, "category": "home" });
    let (_, scarce) = app.rest(Method::POST, "/v2/products", token, Some(scarce)).await;
    let two = json!({ "customerId": ids.customer, "items": [{ "productId": scarce["productId"], "quantity": 2 }] });
    let (status, short) = app.rest(Method::POST, "/v2/orders", token, Some(two)).await;
    assert_error(status, &short, 422, "INSUFFICIENT_STOCK");
    for (bad, field) in [
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 1, "unitPrice": 0.01 }] }),
            "items[0].unitPrice",
        ),
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 1 }], "status": "delivered" }),
            "status",
        ),
        (json!({ "customerId": ids.customer, "items": [] }), "items"),
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 0 }] }),
            "items[0].quantity",
        ),
        (
            json!({ "customerId": uuid::Uuid::now_v7(), "items": [{ "productId": product, "quantity": 1 }] }),
            "customerId",
        ),
        (json!({ "items": [{ "productId": product, "quantity": 1 }] }), "customerId"),
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 1 }], "notes": "n".repeat(1001) }),
            "notes",
        ),
        // Values of the wrong type inside the list: named by their place, in plain words.
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": "two" }] }),
            "items[0].quantity",
        ),
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": product, "quantity": 1.5 }] }),
            "items[0].quantity",
        ),
        (
            json!({ "customerId": ids.customer, "items": [{ "productId": "nope", "quantity": 1 }] }),
            "items[0].productId",
        ),
        (json!({ "customerId": "x", "items": [{ "productId": product, "quantity": 1 }] }), "customerId"),
    ] {
        let (status, refused) = app.rest(Method::POST, "/v2/orders", token, Some(bad.clone())).await;
        assert_error(status, &refused, 400, "VALIDATION");
        assert!(detail_fields(&refused).contains(&field.to_owned()), "{bad}: {refused}");
        let said = refused.to_string();
        for internal in ["Failed to parse", "occurred while parsing", "Invalid value for argument", "expected type"] {
            assert!(!said.contains(internal), "GraphQL's words reach a REST client: {refused}");
        }
    }

    let path = format!("/v2/orders/{}/status", order["orderId"].as_str().expect("id"));
    let (status, shipped_early) = app.rest(Method::PATCH, &path, token, Some(json!({ "status": "shipped" }))).await;
    assert_error(status, &shipped_early, 422, "INVALID_TRANSITION");
    let (status, no_reason) = app.rest(Method::PATCH, &path, token, Some(json!({ "status": "cancelled" }))).await;
    assert_error(status, &no_reason, 400, "VALIDATION");
    let (status, bad_status) = app.rest(Method::PATCH, &path, token, Some(json!({ "status": "lost" }))).await;
    assert_error(status, &bad_status, 400, "VALIDATION");
    let (status, confirmed) = app.rest(Method::PATCH, &path, token, Some(json!({ "status": "confirmed" }))).await;
    assert_eq!((status, confirmed["status"].clone()), (200, json!("confirmed")), "{confirmed}");
    let (status, cancelled) =
        app.rest(Method::PATCH, &path, token, Some(json!({ "status": "cancelled", "reason": "Out of town" }))).await;
    assert_eq!((status, cancelled["status"].clone()), (200, json!("cancelled")));

    let (status, listed) = app.rest(Method::GET, "/v2/orders?status=cancelled&pageSize=100", token, None).await;
    assert_eq!(status, 200);
    assert!(listed["data"].as_array().is_some_and(
        |d| d.iter().any(|o| o["orderId"] == order["orderId"]) && d.iter().all(|o| o["status"] == "cancelled")
    ));
    let (status, window) =
        app.rest(Method::GET, "/v2/orders?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", token, None).await;
    assert_eq!((status, window["total"].clone(), window["data"].clone()), (200, json!(0), json!([])));
    for query in ["status=lost", "from=yesterday", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"] {
        let (status, refused) = app.rest(Method::GET, &format!("/v2/orders?{query}"), token, None).await;
        assert_error(status, &refused, 400, "VALIDATION");
    }

    // A customer session sees only its own orders.
    let customer = app.token(DEMO_CUSTOMER).await;
    let (status, mine) = app.rest(Method::GET, "/v2/orders?pageSize=100", Some(&customer), None).await;
    assert_eq!(status, 200, "{mine}");
    let own_id = app
        .as_merchant("query($c: UUID!) { order(id: $c) { customerId } }", json!({ "c": ids.orders[0] }))
        .await["data"]["order"]["customerId"]
        .clone();
    assert!(
        mine["data"].as_array().is_some_and(|d| !d.is_empty() && d.iter().all(|o| o["customerId"] == own_id)),
        "{mine}"
    );
    let (_, everyone) = app.rest(Method::GET, "/v2/orders?pageSize=100", token, None).await;
    let other =
        everyone["data"].as_array().expect("data").iter().find(|o| o["customerId"] != own_id).expect("another buyer")
            ["orderId"]
            .clone();
    let (status, hidden) =
        app.rest(Method::GET, &format!("/v2/orders/{}", other.as_str().expect("id")), Some(&customer), None).await;
    assert_error(status, &hidden, 404, "NOT_FOUND");
}

#[tokio::test]
async fn openapi_describes_every_shim_route() {
    let app = spawn_demo_app().await;
    let (status, document) = app.rest(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = 0;
    for route in commerce_gateway::rest::all_routes() {
        let operation = &paths[route.path][route.method.as_str().to_lowercase()];
        assert!(operation["summary"].is_string(), "{} {}", route.method, route.path);
        let responses = operation["responses"].as_object().expect("responses");
        let success = responses.keys().filter(|s| s.starts_with('2')).collect::<Vec<_>>();
        assert_eq!(success.len(), 1, "one success status: {} {}", route.method, route.path);
        let schema = &responses[success[0].as_str()]["content"]["application/json"]["schema"];
        assert!(schema.is_object() || success[0] == "204", "the answer is typed: {} {}", route.method, route.path);
        assert!(responses.contains_key("401") && responses.contains_key("429"), "{} {}", route.method, route.path);
        if route.body.is_some() {
            assert!(responses.contains_key("400") && responses.contains_key("415"), "{}", route.path);
        }
        for parameter in operation["parameters"].as_array().expect("parameters") {
            let kind = &parameter["schema"]["type"];
            assert!(kind.is_string(), "{} {} {parameter}", route.method, route.path);
        }
        let declared: Vec<&str> = operation["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        let in_path: Vec<&str> = route.path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
        assert_eq!(declared, in_path, "{}", route.path);
        operations += 1;
        if let Some(schema) = operation["requestBody"]["content"]["application/json"]["schema"].as_object() {
            assert_eq!(schema["additionalProperties"], false, "bodies refuse unknown fields");
        }
    }
    let counted: usize = paths.values().map(|p| p.as_object().map_or(0, |o| o.len())).sum();
    assert_eq!(counted, operations, "no operation that is not a route");
    for reference in document.to_string().match_indices("#/components/schemas/") {
        let name: String =
            document.to_string()[reference.0 + 21..].chars().take_while(|c| c.is_alphanumeric()).collect();
        assert!(document["components"]["schemas"].get(&name).is_some(), "dangling $ref {name}");
    }
}

#[tokio::test]
async fn a_product_made_elsewhere_shows_documented_values_only() {
    let app = spawn_demo_app().await;
    let store = app.as_merchant("{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    // Made through GraphQL: no category, a bare image file name, a variant without a SKU.
    let made = app
        .as_merchant(
            "mutation($s: UUID!) { createProduct(storeId: $s, input: { name: \"Plain Thing\", imageNames: [\"plain.jpg\"], variants: [{ name: \"Only One\", cost: 4 }] }) { id } }",
            json!({ "s": store }),
        )
        .await;
    let id = made["data"]["createProduct"]["id"].as_str().expect("created").to_owned();
    let (status, shown) = app.rest(Method::GET, &format!("/v2/products/{id}"), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(
        (shown["sku"].clone(), shown["category"].clone(), shown["imageUrl"].clone()),
        (Value::Null, json!("home"), Value::Null),
        "no empty SKU, a documented category, no image that is not a URL: {shown}"
    );
    // Another tenant's key cannot read it through the route.
    let rival = app.token(crate::helpers::RIVAL_MERCHANT).await;
    let (status, hidden) = app.rest(Method::GET, &format!("/v2/products/{id}"), Some(&rival), None).await;
    assert_error(status, &hidden, 404, "NOT_FOUND");
}
