//! The Komerza shim: `{success, message, code, data}` envelopes, the seed's create-product form,
//! and for every route a missing credential, a missing scope, another tenant's ids and bad input.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_documented, count_rows, demo_catalog, spawn_demo_app, RIVAL_MERCHANT};

fn assert_refused(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(
        (body["success"].clone(), body["code"].clone(), body["data"].clone()),
        (json!(false), json!(code), Value::Null),
        "{body}"
    );
    assert!(body["message"].is_string());
}

/// The body of the seed's `POST /stores/{storeId}/products` example, as written.
fn seed_body() -> Value {
    json!({
        "variants": [{ "name": "<string>", "cost": 50000, "minimumQuantity": 1073741824, "maximumQuantity": 1073741823,
                       "order": 1073741824, "type": 0, "stock": 1073741823, "deliveryTypes": ["<string>"], "stockMode": 0,
                       "dynamicUrl": "<string>", "deliveryMessage": "<string>", "subscriptionPeriod": "<string>" }],
        "name": "<string>", "description": "<string>", "isBestSeller": true, "slug": "<string>"
    })
}

#[tokio::test]
async fn the_seed_create_form_is_validated_and_a_valid_one_creates_the_product() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let path = format!("/stores/{}/products", store.as_str().expect("id"));
    let before = count_rows(&app.db, "products").await;
    let (status, refused) = app.rest(Method::POST, &path, Some(&app.merchant), Some(seed_body())).await;
    assert_refused(status, &refused, 400, "ValidationError");
    let fields: Vec<&str> =
        refused["errors"].as_array().expect("per-field errors").iter().filter_map(|e| e["field"].as_str()).collect();
    for expected in [
        "slug",
        "variants[0].maximumQuantity",
        "variants[0].deliveryTypes[0]",
        "variants[0].dynamicUrl",
        "variants[0].subscriptionPeriod",
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    assert_eq!(count_rows(&app.db, "products").await, before);

    let mut valid = seed_body();
    valid["slug"] = json!("komerza-form");
    valid["name"] = json!("Komerza Form");
    valid["variants"][0] = json!({ "name": "Lifetime", "cost": 19.99, "minimumQuantity": 1, "maximumQuantity": 5, "order": 1, "type": 0,
                                   "stock": 10, "deliveryTypes": ["license_keys"], "stockMode": 0, "deliveryMessage": "Thanks!" });
    let (status, created) = app.rest(Method::POST, &path, Some(&app.merchant), Some(valid)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["success"].clone(), created["code"].clone()), (json!(true), Value::Null));
    let product = &created["data"];
    assert_eq!(
        (product["visibility"].clone(), product["slug"].clone(), product["storeId"].clone()),
        (json!(0), json!("komerza-form"), store.clone())
    );
    // userId: who created it, the merchant here.
    let me = app.as_merchant("{ me { id } }", json!({})).await;
    assert_eq!(product["userId"], me["data"]["me"]["id"], "{product}");
    let variant = &product["variants"][0];
    assert_eq!(
        (
            variant["cost"].clone(),
            variant["stockMode"].clone(),
            variant["type"].clone(),
            variant["maximumQuantity"].clone()
        ),
        (json!(19.99), json!(0), json!(0), json!(5))
    );

    let id = product["id"].as_str().expect("id");
    let (status, got) = app.rest(Method::GET, &format!("{path}/{id}"), Some(&app.merchant), None).await;
    assert_eq!((status, got["data"]["name"].clone()), (200, json!("Komerza Form")));
    let (status, copy) = app.rest(Method::POST, &format!("{path}/{id}/duplicate"), Some(&app.merchant), None).await;
    assert_eq!((status, copy["data"]["visibility"].clone()), (201, json!(2)), "{copy}");
    let (status, deleted) = app.rest(Method::DELETE, &format!("{path}/{id}"), Some(&app.merchant), None).await;
    assert_eq!((status, deleted["success"].clone()), (200, json!(true)));
    let (status, gone) = app.rest(Method::GET, &format!("{path}/{id}"), Some(&app.merchant), None).await;
    assert_refused(status, &gone, 404, "NotFound");

    for (bad, field) in [
        (json!({ "name": "No variants" }), "variants"),
        (json!({ "name": "Bad type", "variants": [{ "name": "One", "cost": 1, "type": 7 }] }), "variants[0].type"),
        (json!({ "name": "Smuggled", "variants": [{ "name": "One", "cost": 1, "id": "x" }] }), "variants[0].id"),
        (json!({ "name": "Smuggled", "storeId": store, "variants": [{ "name": "One", "cost": 1 }] }), "storeId"),
        (json!({ "name": "n".repeat(65), "variants": [{ "name": "One", "cost": 1 }] }), "name"),
    ] {
        let (status, refused) = app.rest(Method::POST, &path, Some(&app.merchant), Some(bad.clone())).await;
        assert_refused(status, &refused, 400, "ValidationError");
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "{bad}: {refused}");
    }
}

#[tokio::test]
async fn stores_products_and_the_user_read_in_komerza_envelopes() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let id = store.as_str().expect("id");
    let (status, body) = app.rest(Method::GET, &format!("/stores/{id}"), Some(&app.merchant), None).await;
    assert_eq!(
        (status, body["success"].clone(), body["data"]["name"].clone()),
        (200, json!(true), json!("Demo Store")),
        "{body}"
    );
    let form = json!({ "name": "Demo Shop", "description": "New words", "prependProductNameToReceipt": false, "currencyCode": "EUR", "isAutomaticReviewsEnabled": false });
    let (status, updated) =
        app.rest(Method::PUT, &format!("/stores/{id}"), Some(&app.merchant), Some(form.clone())).await;
    assert_eq!(
        (status, updated["data"]["name"].clone(), updated["data"]["currencyCode"].clone()),
        (200, json!("Demo Shop"), json!("EUR")),
        "{updated}"
    );
    let mut short = form.clone();
    short["name"] = json!("ab");
    let (status, refused) = app.rest(Method::PUT, &format!("/stores/{id}"), Some(&app.merchant), Some(short)).await;
    assert_refused(status, &refused, 400, "ValidationError");
    let mut missing = form.clone();
    missing.as_object_mut().expect("object").remove("currencyCode");
    let (status, refused) = app.rest(Method::PUT, &format!("/stores/{id}"), Some(&app.merchant), Some(missing)).await;
    assert_refused(status, &refused, 400, "ValidationError");

    let (status, page) =
        app.rest(Method::GET, &format!("/stores/{id}/products?Page=2&PageSize=4"), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["success"], true);
    assert_eq!(page["data"].as_array().map(Vec::len), Some(4));
    assert!(page["pages"].as_i64() >= Some(3));
    let (status, refused) =
        app.rest(Method::GET, &format!("/stores/{id}/products?PageSize=500"), Some(&app.merchant), None).await;
    assert_refused(status, &refused, 400, "ValidationError");

    let (status, user) = app.rest(Method::GET, "/user", Some(&app.merchant), None).await;
    assert_eq!((status, user["data"]["email"].clone()), (200, json!("demo@example.com")));
}

#[tokio::test]
async fn every_komerza_route_refuses_a_missing_credential_a_missing_scope_and_another_tenants_ids() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id").to_owned();
    let product = ids.product.as_str().expect("id").to_owned();
    let form = json!({ "name": "Demo Store", "description": "Same", "prependProductNameToReceipt": true, "currencyCode": "USD", "isAutomaticReviewsEnabled": true });
    let create = json!({ "name": "Scoped item", "variants": [{ "name": "Only", "cost": 1 }] });
    let routes: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, format!("/stores/{store}"), None, "stores.view"),
        (Method::PUT, format!("/stores/{store}"), Some(form), "stores.update"),
        (Method::GET, format!("/stores/{store}/products"), None, "stores.products.view"),
        (Method::GET, format!("/stores/{store}/products/{product}"), None, "stores.products.view"),
        (Method::POST, format!("/stores/{store}/products"), Some(create), "stores.products.create"),
        (Method::POST, format!("/stores/{store}/products/{product}/duplicate"), None, "stores.products.create"),
        (Method::DELETE, format!("/stores/{store}/products/{product}"), None, "stores.products.delete"),
        (Method::GET, "/user".into(), None, "user.view"),
    ];
    let rival = app.token(RIVAL_MERCHANT).await;
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (method, path, body, scope) in &routes {
        let (status, refused) = app.rest(method.clone(), path, None, body.clone()).await;
        assert_refused(status, &refused, 401, "Unauthorized");
        let others: Vec<&str> = commerce_gateway::auth::scope::ALL.iter().copied().filter(|s| s != scope).collect();
        let lacking = app.api_key(&app.merchant, &others, None).await;
        let (status, refused) = app.rest(method.clone(), path, Some(&lacking), body.clone()).await;
        assert_refused(status, &refused, 403, "AccessDenied");
        if path.starts_with("/stores/") {
            let (status, foreign) = app.rest(method.clone(), path, Some(&rival), body.clone()).await;
            assert_refused(status, &foreign, 404, "NotFound");
            if path.contains("/products/") {
                // The demo product through the rival's own store.
                let through_own = path.replace(&store, &rival_store);
                let (status, foreign) = app.rest(method.clone(), &through_own, Some(&rival), body.clone()).await;
                assert_refused(status, &foreign, 404, "NotFound");
            }
        }
        let (status, allowed) = app.rest(method.clone(), path, Some(&app.merchant), body.clone()).await;
        assert!((200..300).contains(&status), "{method} {path}: {allowed}");
    }
}

/// Places an order through GraphQL and moves it to `shipped`; returns its id.
async fn shipped_order(app: &crate::helpers::TestApp, store: &Value, variant: &Value) -> String {
    let placed = app
        .as_merchant(
            "mutation($s: UUID!, $v: UUID!) { createOrder(storeId: $s, input: { customerEmail: \"ship@example.com\", items: [{ variantId: $v, quantity: 1 }] }) { id } }",
            json!({ "s": store, "v": variant }),
        )
        .await;
    let id = placed["data"]["createOrder"]["id"].clone();
    for step in ["confirmOrder", "shipOrder"] {
        app.as_merchant(&format!("mutation($id: UUID!) {{ {step}(id: $id) {{ id }} }}"), json!({ "id": id })).await;
    }
    id.as_str().expect("id").to_owned()
}

#[tokio::test]
async fn sales_routes_refuse_a_missing_credential_a_missing_scope_and_another_tenants_ids() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let text = |v: &Value| v.as_str().expect("id").to_owned();
    let (store, category, coupon, customer) =
        (text(&ids.store), text(&ids.category), text(&ids.coupon), text(&ids.customer));
    let (newest, confirmed) = (text(&ids.orders[0]), text(&ids.orders[1]));
    let shipped = shipped_order(&app, &ids.store, &ids.plain_variant).await;
    let order_body =
        json!({ "customerEmail": "rest@example.com", "items": [{ "variantId": ids.plain_variant, "quantity": 1 }] });
    let routes: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, format!("/stores/{store}/categories"), None, "stores.categories.view"),
        (
            Method::POST,
            format!("/stores/{store}/categories"),
            Some(json!({ "name": "Scoped", "visibility": 1 })),
            "stores.categories.create",
        ),
        (
            Method::PUT,
            format!("/stores/{store}/categories/{category}"),
            Some(json!({ "name": "Renamed" })),
            "stores.categories.update",
        ),
        (Method::GET, format!("/stores/{store}/coupons"), None, "stores.coupons.view"),
        (Method::GET, format!("/stores/{store}/coupons/{coupon}"), None, "stores.coupons.view"),
        (Method::GET, format!("/stores/{store}/categories/{category}"), None, "stores.categories.view"),
        (
            Method::POST,
            format!("/stores/{store}/coupons"),
            Some(json!({ "code": "SCOPED", "amountDecrease": 2.5 })),
            "stores.coupons.create",
        ),
        (
            Method::PUT,
            format!("/stores/{store}/coupons/{coupon}"),
            Some(json!({ "isEnabled": true })),
            "stores.coupons.update",
        ),
        (Method::GET, format!("/stores/{store}/customers?Search=example"), None, "stores.customers.view"),
        (Method::GET, format!("/stores/{store}/customers/{customer}"), None, "stores.customers.view"),
        (
            Method::POST,
            format!("/stores/{store}/customers"),
            Some(json!({ "email": "scoped@example.com" })),
            "stores.customers.create",
        ),
        (
            Method::PUT,
            format!("/stores/{store}/customers/{customer}"),
            Some(json!({ "name": "Renamed" })),
            "stores.customers.update",
        ),
        (Method::GET, format!("/stores/{store}/orders"), None, "stores.orders.view"),
        (Method::GET, format!("/stores/{store}/orders/{newest}"), None, "stores.orders.view"),
        (Method::POST, format!("/stores/{store}/orders"), Some(order_body), "stores.orders.create"),
        (Method::POST, format!("/stores/{store}/orders/{shipped}/deliver"), None, "stores.orders.deliver"),
        (
            Method::POST,
            format!("/stores/{store}/orders/{confirmed}/refund"),
            Some(json!({ "reason": "Damaged" })),
            "stores.orders.refund",
        ),
        (Method::DELETE, format!("/stores/{store}/categories/{category}"), None, "stores.categories.delete"),
        (Method::DELETE, format!("/stores/{store}/coupons/{coupon}"), None, "stores.coupons.delete"),
    ];
    let rival = app.token(RIVAL_MERCHANT).await;
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (method, path, body, scope) in &routes {
        let (status, refused) = app.rest(method.clone(), path, None, body.clone()).await;
        assert_refused(status, &refused, 401, "Unauthorized");
        let others: Vec<&str> = commerce_gateway::auth::scope::ALL.iter().copied().filter(|s| s != scope).collect();
        let lacking = app.api_key(&app.merchant, &others, None).await;
        let (status, refused) = app.rest(method.clone(), path, Some(&lacking), body.clone()).await;
        assert_refused(status, &refused, 403, "AccessDenied");
        let (status, foreign) = app.rest(method.clone(), path, Some(&rival), body.clone()).await;
        assert_refused(status, &foreign, 404, "NotFound");
        let through_own = path.replace(&store, &rival_store);
        if through_own.trim_end_matches(|c: char| c.is_alphabetic() || c == '/').split('/').count() > 4 {
            let (status, foreign) = app.rest(method.clone(), &through_own, Some(&rival), body.clone()).await;
            assert_refused(status, &foreign, 404, "NotFound");
        }
        let (status, allowed) = app.rest(method.clone(), path, Some(&app.merchant), body.clone()).await;
        assert!((200..300).contains(&status), "{method} {path}: {allowed}");
        assert_eq!(allowed["success"], true, "{path}: {allowed}");
    }
}

#[tokio::test]
async fn sales_routes_speak_komerza_and_refuse_bad_input() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id").to_owned();
    let token = Some(app.merchant.as_str());
    let (status, page) = app.rest(Method::GET, &format!("/stores/{store}/categories?PageSize=2"), token, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    let customer = ids.customer.as_str().expect("id");
    let (status, one) = app.rest(Method::GET, &format!("/stores/{store}/customers/{customer}"), token, None).await;
    assert_eq!((status, one["data"]["id"].as_str()), (200, Some(customer)), "{one}");
    assert!(one["data"]["balance"].is_number() && one["data"]["email"].is_string(), "{one}");
    let missing = uuid::Uuid::now_v7();
    let (status, none) = app.rest(Method::GET, &format!("/stores/{store}/customers/{missing}"), token, None).await;
    assert_eq!((status, none["code"].as_str()), (404, Some("NotFound")), "{none}");
    let coupon = ids.coupon.as_str().expect("id");
    let (status, one) = app.rest(Method::GET, &format!("/stores/{store}/coupons/{coupon}"), token, None).await;
    assert_eq!((status, one["data"]["id"].as_str()), (200, Some(coupon)), "{one}");
    assert!(one["data"]["code"].is_string() && one["data"]["uses"].is_number(), "{one}");
    let category = ids.category.as_str().expect("id");
    let (status, one) = app.rest(Method::GET, &format!("/stores/{store}/categories/{category}"), token, None).await;
    assert_eq!((status, one["data"]["id"].as_str()), (200, Some(category)), "{one}");
    assert!(one["data"]["visibility"].is_number(), "visibility as Komerza's integer code: {one}");
    for kind in ["coupons", "categories"] {
        let (status, none) = app.rest(Method::GET, &format!("/stores/{store}/{kind}/{missing}"), token, None).await;
        assert_eq!((status, none["code"].as_str()), (404, Some("NotFound")), "{kind}: {none}");
    }
    assert!(page["data"][0]["visibility"].is_number(), "visibility is Komerza's integer code");
    let (_, orders) = app.rest(Method::GET, &format!("/stores/{store}/orders?PageSize=100"), token, None).await;
    let first = &orders["data"][0];
    assert!(
        first["total"].is_number() && first["status"].is_string() && first["items"][0]["unitPrice"].is_number(),
        "{first}"
    );
    let (status, created) = app
        .rest_with(
            Method::POST,
            &format!("/stores/{store}/orders"),
            token,
            Some(json!({ "customerEmail": "kom@example.com", "couponCode": "welcome10", "items": [{ "variantId": ids.plain_variant, "quantity": 2 }] })),
            &[("idempotency-key", "kom-1")],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(created["data"]["discount"].as_f64() > Some(0.0));
    let (_, again) = app
        .rest_with(
            Method::POST,
            &format!("/stores/{store}/orders"),
            token,
            Some(json!({ "customerEmail": "kom@example.com", "couponCode": "welcome10", "items": [{ "variantId": ids.plain_variant, "quantity": 2 }] })),
            &[("idempotency-key", "kom-1")],
        )
        .await;
    assert_eq!(again["data"]["id"], created["data"]["id"]);
    // A Komerza client finishes an order with its own routes: deliver takes every step left.
    let pending = created["data"]["id"].as_str().expect("id");
    let deliver = format!("/stores/{store}/orders/{pending}/deliver");
    let (status, delivered) = app.rest(Method::POST, &deliver, token, None).await;
    assert_eq!((status, &delivered["data"]["status"]), (200, &json!("delivered")), "{delivered}");
    let steps: Vec<(Value, Value)> = delivered["data"]["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("pending")),
            (json!("pending"), json!("confirmed")),
            (json!("confirmed"), json!("shipped")),
            (json!("shipped"), json!("delivered"))
        ],
        "every step is recorded"
    );
    let (status, again) = app.rest(Method::POST, &deliver, token, None).await;
    assert_refused(status, &again, 409, "InvalidTransition");
    let refund = format!("/stores/{store}/orders/{pending}/refund");
    let (status, refunded) =
        app.rest(Method::POST, &refund, token, Some(json!({ "reason": "Key did not work" }))).await;
    assert_eq!((status, &refunded["data"]["status"]), (200, &json!("refunded")), "{refunded}");

    for (method, path, body, field) in [
        (Method::POST, format!("/stores/{store}/categories"), json!({ "name": "Bad", "visibility": 5 }), "visibility"),
        (Method::POST, format!("/stores/{store}/categories"), json!({ "name": "" }), "name"),
        (Method::POST, format!("/stores/{store}/categories"), json!({ "name": "n".repeat(65) }), "name"),
        (
            Method::POST,
            format!("/stores/{store}/coupons"),
            json!({ "code": "BOTH", "percentageDecrease": 5, "amountDecrease": 1 }),
            "percentageDecrease",
        ),
        (Method::POST, format!("/stores/{store}/coupons"), json!({ "percentageDecrease": 5 }), "code"),
        (Method::POST, format!("/stores/{store}/customers"), json!({ "email": "not-an-email" }), "email"),
        (
            Method::POST,
            format!("/stores/{store}/customers"),
            json!({ "email": "a@example.com", "balance": 100 }),
            "balance",
        ),
        (
            Method::POST,
            format!("/stores/{store}/orders"),
            json!({ "customerEmail": "a@example.com", "items": [{ "variantId": ids.plain_variant, "quantity": 1, "unitPrice": 0.01 }] }),
            "items[0].unitPrice",
        ),
        (
            Method::POST,
            format!("/stores/{store}/orders"),
            json!({ "customerEmail": "a@example.com", "items": [{ "variantId": ids.plain_variant, "quantity": 1 }], "status": "delivered" }),
            "status",
        ),
        (Method::POST, format!("/stores/{store}/orders/{pending}/refund"), json!({}), "reason"),
        (
            Method::POST,
            format!("/stores/{store}/orders/{pending}/refund"),
            json!({ "reason": "r".repeat(513) }),
            "reason",
        ),
    ] {
        let (status, refused) = app.rest(method, &path, token, Some(body.clone())).await;
        assert_refused(status, &refused, 400, "ValidationError");
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "{path} {body}: {refused}");
    }
    for query in ["Page=0", "PageSize=101", "PageSize=x"] {
        let (status, refused) = app.rest(Method::GET, &format!("/stores/{store}/customers?{query}"), token, None).await;
        assert_refused(status, &refused, 400, "ValidationError");
    }
}

#[tokio::test]
async fn variants_fields_and_options_have_komerza_routes() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let token = Some(app.merchant.as_str());
    let base =
        format!("/stores/{}/products/{}", ids.store.as_str().expect("id"), ids.plain_product.as_str().expect("id"));

    let (status, updated) =
        app.rest(Method::PUT, &base, token, Some(json!({ "isBestSeller": true, "visibility": 1 }))).await;
    assert_eq!(
        (status, updated["data"]["isBestSeller"].clone(), updated["data"]["visibility"].clone()),
        (200, json!(true), json!(1)),
        "{updated}"
    );
    let (status, refused) = app.rest(Method::PUT, &base, token, Some(json!({ "visibility": 9 }))).await;
    assert_refused(status, &refused, 400, "ValidationError");

    let (status, created) = app
        .rest(
            Method::POST,
            &format!("{base}/variants"),
            token,
            Some(json!({ "name": "Gift box", "cost": 4.5, "type": 0, "stockMode": 2, "stock": 0 })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let variant = &created["data"];
    assert_eq!((variant["cost"].clone(), variant["stockMode"].clone()), (json!(4.5), json!(2)));
    let variant_path = format!("{base}/variants/{}", variant["id"].as_str().expect("id"));
    let (status, changed) =
        app.rest(Method::PUT, &variant_path, token, Some(json!({ "cost": 5, "maximumQuantity": 2 }))).await;
    assert_eq!(
        (status, changed["data"]["cost"].clone(), changed["data"]["maximumQuantity"].clone()),
        (200, json!(5.0), json!(2)),
        "{changed}"
    );

    let (status, field) = app
        .rest(
            Method::POST,
            &format!("{variant_path}/fields"),
            token,
            Some(json!({ "label": "Wrap", "identifier": "wrap", "type": "select", "isRequired": true, "options": [{ "label": "Red", "value": "red" }] })),
        )
        .await;
    assert_eq!((status, field["data"]["type"].clone()), (201, json!("select")), "{field}");
    let field_path = format!("{variant_path}/fields/{}", field["data"]["id"].as_str().expect("id"));
    let (status, option) = app
        .rest(Method::POST, &format!("{field_path}/options"), token, Some(json!({ "label": "Gold", "value": "gold" })))
        .await;
    assert_eq!((status, option["data"]["order"].clone()), (201, json!(1)), "{option}");
    let option_path = format!("{field_path}/options/{}", option["data"]["id"].as_str().expect("id"));
    let (status, renamed) = app.rest(Method::PUT, &option_path, token, Some(json!({ "label": "Golden" }))).await;
    assert_eq!((status, renamed["data"]["label"].clone()), (200, json!("Golden")));
    let (status, relabeled) = app.rest(Method::PUT, &field_path, token, Some(json!({ "label": "Gift wrap" }))).await;
    assert_eq!((status, relabeled["data"]["label"].clone()), (200, json!("Gift wrap")));

    for (method, path, body, field) in [
        (Method::POST, format!("{base}/variants"), json!({ "name": "ab", "cost": 1 }), "name"),
        (Method::POST, format!("{base}/variants"), json!({ "name": "Valid", "cost": -1 }), "cost"),
        (Method::POST, format!("{base}/variants"), json!({ "name": "Valid", "cost": 1, "type": 4 }), "type"),
        (Method::POST, format!("{base}/variants"), json!({ "name": "Valid", "cost": 1, "id": "x" }), "id"),
        (
            Method::POST,
            format!("{variant_path}/fields"),
            json!({ "label": "L", "identifier": "i", "type": "date" }),
            "type",
        ),
        (Method::POST, format!("{variant_path}/fields"), json!({ "label": "L", "type": "text" }), "identifier"),
        (Method::POST, format!("{field_path}/options"), json!({ "label": "L", "value": "v".repeat(65) }), "value"),
        (Method::PUT, option_path.clone(), json!({ "value": "" }), "value"),
    ] {
        let (status, refused) = app.rest(method, &path, token, Some(body.clone())).await;
        assert_refused(status, &refused, 400, "ValidationError");
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "{path} {body}: {refused}");
    }

    let rival = app.token(RIVAL_MERCHANT).await;
    for path in [&option_path, &field_path, &variant_path] {
        let (status, foreign) = app.rest(Method::DELETE, path, Some(&rival), None).await;
        assert_refused(status, &foreign, 404, "NotFound");
        let (status, anonymous) = app.rest(Method::DELETE, path, None, None).await;
        assert_refused(status, &anonymous, 401, "Unauthorized");
        let lacking = app.api_key(&app.merchant, &["stores.products.view"], None).await;
        let (status, refused) = app.rest(Method::DELETE, path, Some(&lacking), None).await;
        assert_refused(status, &refused, 403, "AccessDenied");
        let (status, deleted) = app.rest(Method::DELETE, path, token, None).await;
        assert_eq!((status, deleted["success"].clone()), (200, json!(true)), "{path}: {deleted}");
    }
    let (single, only) = crate::orders::product_with_stock(&app, &ids.store, "1.00", 1).await;
    let only_path = format!(
        "/stores/{}/products/{}/variants/{}",
        ids.store.as_str().expect("id"),
        single.as_str().expect("id"),
        only.as_str().expect("id")
    );
    let (status, last) = app.rest(Method::DELETE, &only_path, token, None).await;
    assert_refused(status, &last, 409, "Conflict");
}

#[tokio::test]
async fn the_product_list_filters_and_sorts_by_query_parameters() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let base = format!("/stores/{}/products", store.as_str().expect("id"));
    let get = |query: &'static str| {
        let app = &app;
        let path = format!("{base}?{query}");
        async move { app.rest(Method::GET, &path, Some(&app.merchant), None).await }
    };
    let (status, found) = get("Search=MUG").await;
    assert_eq!((status, found["data"].as_array().map(Vec::len)), (200, Some(1)), "{found}");
    let (_, private) = get("Visibility=2&PageSize=100").await;
    assert!(
        private["data"].as_array().is_some_and(|d| !d.is_empty() && d.iter().all(|p| p["visibility"] == 2)),
        "{private}"
    );
    let (_, best) = get("IsBestSeller=true&PageSize=100").await;
    assert!(best["data"].as_array().is_some_and(|d| !d.is_empty() && d.iter().all(|p| p["isBestSeller"] == true)));
    let (_, by_name) = get("SortBy=Name&SortOrder=desc&PageSize=100").await;
    let names: Vec<String> = by_name["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);
    for query in [
        "SortBy=Popularity",
        "SortOrder=sideways",
        "Visibility=7",
        "IsBestSeller=perhaps",
        "CategoryId=shoes",
        "Search=",
    ] {
        let (status, refused) = get(query).await;
        assert_refused(status, &refused, 400, "ValidationError");
    }
}

#[tokio::test]
async fn engagement_analytics_and_single_object_routes_refuse_a_missing_credential_a_missing_scope_and_another_tenants_ids(
) {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let text = |v: &Value| v.as_str().expect("id").to_owned();
    let (store, ticket, review, affiliate) =
        (text(&ids.store), text(&ids.ticket), text(&ids.review), text(&ids.affiliate));
    let sam = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { customers(search: \"sam@\") { nodes { id } } } }",
            json!({ "s": store }),
        )
        .await;
    let sam = sam["data"]["store"]["customers"]["nodes"][0]["id"].clone();
    {
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared("UPDATE affiliates SET balance_cents = 500").await.expect("a balance to convert");
    }
    let variant = format!("/stores/{store}/products/{}/variants/{}", text(&ids.product), text(&ids.variant));
    let (field, option) = (text(&ids.field), text(&ids.option));
    let t = format!("/stores/{store}/tickets");
    let r = format!("/stores/{store}/reviews");
    let a = format!("/stores/{store}/affiliates");
    let routes: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, t.clone(), None, "stores.tickets.view"),
        (Method::GET, format!("{t}/{ticket}"), None, "stores.tickets.view"),
        (Method::GET, format!("{t}/{ticket}/messages"), None, "stores.tickets.view"),
        (
            Method::POST,
            format!("{t}/{ticket}/messages"),
            Some(json!({ "message": "On its way." })),
            "stores.tickets.update",
        ),
        (Method::POST, format!("{t}/{ticket}/archive"), None, "stores.tickets.update"),
        (Method::POST, format!("{t}/{ticket}/unarchive"), None, "stores.tickets.update"),
        (Method::POST, format!("{t}/{ticket}/close"), None, "stores.tickets.update"),
        (Method::DELETE, format!("{t}/{ticket}"), None, "stores.tickets.delete"),
        (Method::GET, r.clone(), None, "stores.products.view"),
        (Method::GET, format!("{r}/{review}"), None, "stores.products.view"),
        (Method::POST, format!("{r}/{review}/reply"), Some(json!({ "reply": "Thanks!" })), "stores.products.update"),
        (
            Method::POST,
            format!("{r}/{review}/flag"),
            Some(json!({ "reason": "Check" })),
            "stores.reviews.flagged.create",
        ),
        (Method::DELETE, format!("{r}/{review}/flag"), None, "stores.reviews.flagged.create"),
        (Method::GET, a.clone(), None, "stores.affiliates.view"),
        (Method::GET, format!("{a}/{affiliate}"), None, "stores.affiliates.view"),
        (Method::PUT, format!("{a}/{affiliate}"), Some(json!({ "percentageOff": 8 })), "stores.affiliates.update"),
        (Method::POST, format!("{a}/{affiliate}/convert"), None, "stores.affiliates.update"),
        (Method::POST, a.clone(), Some(json!({ "customerId": sam, "code": "SAM5" })), "stores.affiliates.update"),
        (Method::GET, format!("/stores/{store}/analytics"), None, "stores.analytics.view"),
        (Method::GET, variant.clone(), None, "stores.products.view"),
        (Method::GET, format!("{variant}/fields/{field}"), None, "stores.products.view"),
        (Method::GET, format!("{variant}/fields/{field}/options/{option}"), None, "stores.products.view"),
        (
            Method::POST,
            format!("/stores/{store}/customers/{}/balance", text(&ids.customer)),
            Some(json!({ "amount": 1, "reason": "Scoped" })),
            "stores.customers.update",
        ),
    ];
    let rival = app.token(RIVAL_MERCHANT).await;
    for (method, path, body, scope) in &routes {
        let (status, refused) = app.rest(method.clone(), path, None, body.clone()).await;
        assert_refused(status, &refused, 401, "Unauthorized");
        let others: Vec<&str> = commerce_gateway::auth::scope::ALL.iter().copied().filter(|s| s != scope).collect();
        let lacking = app.api_key(&app.merchant, &others, None).await;
        let (status, refused) = app.rest(method.clone(), path, Some(&lacking), body.clone()).await;
        assert_refused(status, &refused, 403, "AccessDenied");
        let (status, foreign) = app.rest(method.clone(), path, Some(&rival), body.clone()).await;
        assert_refused(status, &foreign, 404, "NotFound");
        let (status, allowed) = app.rest(method.clone(), path, Some(&app.merchant), body.clone()).await;
        assert!((200..300).contains(&status), "{method} {path}: {allowed}");
    }
    assert_eq!(count_rows(&app.db, "tickets").await, 0, "the demo thread was deleted last");
}

#[tokio::test]
async fn stores_are_listed_created_and_reported_on_with_every_bad_value_refused() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id").to_owned();
    let (status, list) = app.rest(Method::GET, "/stores", Some(&app.merchant), None).await;
    assert_eq!((status, &list["pages"], &list["data"][0]["name"]), (200, &json!(1), &json!("Demo Store")), "{list}");
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1));
    let rival = app.token(RIVAL_MERCHANT).await;
    let (_, theirs) = app.rest(Method::GET, "/stores", Some(&rival), None).await;
    assert_eq!(theirs["data"], json!([theirs["data"][0].clone()]));
    assert_eq!(theirs["data"][0]["name"], "Rival Store", "each sees its own: {theirs}");

    let before = count_rows(&app.db, "stores").await;
    for (body, field) in [
        (json!({}), "name"),
        (json!({ "name": "ab" }), "name"),
        (json!({ "name": "n".repeat(33) }), "name"),
        (json!({ "name": 12 }), "name"),
        (json!({ "name": "Fine Shop", "currencyCode": "XYZ" }), "currencyCode"),
        (json!({ "name": "Fine Shop", "owner": "me" }), "owner"),
    ] {
        let (status, refused) = app.rest(Method::POST, "/stores", Some(&app.merchant), Some(body.clone())).await;
        assert_refused(status, &refused, 400, "ValidationError");
        assert!(refused.to_string().contains(field), "{body} names {field}: {refused}");
    }
    assert_eq!(count_rows(&app.db, "stores").await, before, "nothing half-written");
    let (status, refused) = app.rest(Method::POST, "/stores", None, Some(json!({ "name": "Fine Shop" }))).await;
    assert_refused(status, &refused, 401, "Unauthorized");
    let viewer = app.api_key(&app.merchant, &["stores.view"], None).await;
    let (status, refused) =
        app.rest(Method::POST, "/stores", Some(&viewer), Some(json!({ "name": "Fine Shop" }))).await;
    assert_refused(status, &refused, 403, "AccessDenied");
    let (status, made) = app
        .rest(Method::POST, "/stores", Some(&app.merchant), Some(json!({ "name": "Fine Shop", "currencyCode": "EUR" })))
        .await;
    assert_eq!(
        (status, &made["data"]["name"], &made["data"]["currencyCode"]),
        (201, &json!("Fine Shop"), &json!("EUR")),
        "{made}"
    );

    let analytics = format!("/stores/{store}/analytics");
    let (status, figures) = app.rest(Method::GET, &format!("{analytics}?Top=2"), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{figures}");
    assert!(figures["data"]["revenue"].is_number() && figures["data"]["orderCount"].is_u64(), "{figures}");
    assert!(figures["data"]["topProducts"]
        .as_array()
        .is_some_and(|p| p.len() <= 2 && p.iter().all(|p| p["revenue"].is_number())));
    for (query, field) in [
        ("From=yesterday", "From"),
        ("From=2026-12-01T00:00:00Z&To=2026-11-01T00:00:00Z", "To"),
        ("Top=51", "Top"),
        ("Top=many", "Top"),
    ] {
        let (status, refused) = app.rest(Method::GET, &format!("{analytics}?{query}"), Some(&app.merchant), None).await;
        assert_refused(status, &refused, 400, "ValidationError");
        assert!(refused["message"].as_str().is_some_and(|m| m.contains(field)), "{query} names {field}: {refused}");
    }
    let (status, refused) = app.rest(Method::GET, &analytics, Some(&rival), None).await;
    assert_refused(status, &refused, 404, "NotFound");
    let (status, refused) = app.rest(Method::GET, &analytics, Some(&viewer), None).await;
    assert_refused(status, &refused, 403, "AccessDenied");
}

#[tokio::test]
async fn one_variant_field_or_option_is_read_and_a_customers_credit_adjusted_and_orders_filtered() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let text = |v: &Value| v.as_str().expect("id").to_owned();
    let (store, product, variant, field, option) =
        (text(&ids.store), text(&ids.product), text(&ids.variant), text(&ids.field), text(&ids.option));
    let base = format!("/stores/{store}/products/{product}/variants/{variant}");
    let (status, got) = app.rest(Method::GET, &base, Some(&app.merchant), None).await;
    assert_eq!((status, &got["data"]["id"], got["data"]["cost"].is_number()), (200, &json!(variant), true), "{got}");
    let (status, got) = app.rest(Method::GET, &format!("{base}/fields/{field}"), Some(&app.merchant), None).await;
    assert_eq!((status, &got["data"]["id"], &got["data"]["type"]), (200, &json!(field), &json!("select")), "{got}");
    let (status, got) =
        app.rest(Method::GET, &format!("{base}/fields/{field}/options/{option}"), Some(&app.merchant), None).await;
    assert_eq!((status, &got["data"]["id"]), (200, &json!(option)), "{got}");
    let plain = text(&ids.plain_variant);
    let (status, refused) = app
        .rest(
            Method::GET,
            &format!("/stores/{store}/products/{product}/variants/{plain}/fields/{field}"),
            Some(&app.merchant),
            None,
        )
        .await;
    assert_refused(status, &refused, 404, "NotFound");

    let credit = format!("/stores/{store}/customers/{}/balance", text(&ids.customer));
    let before = count_rows(&app.db, "customer_balance_entries").await;
    for (body, field) in [
        (json!({ "amount": 0, "reason": "Nothing" }), "amount"),
        (json!({ "amount": 1.001, "reason": "Fraction" }), "amount"),
        (json!({ "amount": "5", "reason": "Text" }), "amount"),
        (json!({ "amount": -1_000_000_000, "reason": "Too much" }), "amount"),
        (json!({ "reason": "Missing" }), "amount"),
        (json!({ "amount": 5 }), "reason"),
        (json!({ "amount": 5, "reason": "" }), "reason"),
        (json!({ "amount": 5, "reason": "r".repeat(513) }), "reason"),
    ] {
        let (status, refused) = app.rest(Method::POST, &credit, Some(&app.merchant), Some(body.clone())).await;
        assert_refused(status, &refused, 400, "ValidationError");
        assert!(refused.to_string().contains(field), "{body} names {field}: {refused}");
    }
    assert_eq!(count_rows(&app.db, "customer_balance_entries").await, before, "nothing half-written");
    let (status, credited) = app
        .rest(Method::POST, &credit, Some(&app.merchant), Some(json!({ "amount": 12.5, "reason": "Goodwill" })))
        .await;
    assert_eq!((status, credited["data"]["balance"].is_number()), (200, true), "{credited}");

    let orders = format!("/stores/{store}/orders");
    let (status, delivered) =
        app.rest(Method::GET, &format!("{orders}?Status=delivered"), Some(&app.merchant), None).await;
    let statuses: Vec<&Value> = delivered["data"].as_array().expect("orders").iter().map(|o| &o["status"]).collect();
    assert!(status == 200 && !statuses.is_empty() && statuses.iter().all(|s| **s == json!("delivered")), "{delivered}");
    let (_, by_email) =
        app.rest(Method::GET, &format!("{orders}?CustomerEmail=customer@example.com"), Some(&app.merchant), None).await;
    assert!(
        by_email["data"]
            .as_array()
            .is_some_and(|o| !o.is_empty() && o.iter().all(|o| o["customerEmail"] == "customer@example.com")),
        "{by_email}"
    );
    let (_, future) =
        app.rest(Method::GET, &format!("{orders}?From=2100-01-01T00:00:00Z"), Some(&app.merchant), None).await;
    assert_eq!(future["data"], json!([]), "{future}");
    for (query, field) in [
        ("Status=lost", "Status"),
        ("From=soon", "From"),
        ("From=2026-12-01T00:00:00Z&To=2026-11-01T00:00:00Z", "To"),
        ("CustomerEmail=nobody", "CustomerEmail"),
    ] {
        let (status, refused) = app.rest(Method::GET, &format!("{orders}?{query}"), Some(&app.merchant), None).await;
        assert_refused(status, &refused, 400, "ValidationError");
        assert!(refused["message"].as_str().is_some_and(|m| m.contains(field)), "{query} names {field}: {refused}");
    }
}

#[tokio::test]
async fn every_wrong_code_and_unknown_field_of_every_variant_comes_back_in_one_answer() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let path = format!("/stores/{}/products", store.as_str().expect("id"));
    let before = count_rows(&app.db, "products").await;
    let body = json!({ "name": "Two problems", "variants": [
        { "name": "First", "cost": 1, "type": 9, "stockMode": 7, "color": "red" },
        { "name": "Second", "cost": 1, "stockMode": 5 },
    ] });
    let (status, refused) = app.rest(Method::POST, &path, Some(&app.merchant), Some(body)).await;
    assert_refused(status, &refused, 400, "ValidationError");
    let mut fields: Vec<&str> =
        refused["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["variants[0].color", "variants[0].stockMode", "variants[0].type", "variants[1].stockMode"],
        "{refused}"
    );
    let (status, refused) =
        app.rest(Method::POST, &format!("{path}/{}/variants", uuid::Uuid::now_v7()), Some(&app.merchant), None).await;
    assert_eq!(status, 404, "{refused}");
    assert_eq!(count_rows(&app.db, "products").await, before, "nothing written");
}

/// Seed 003's product object, field by field, with the JSON types it documents (nullable where
/// this gateway has no value to give).
const PRODUCT_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("dateCreated", "string"),
    ("variants", "array"),
    ("name", "string"),
    ("description", "string"),
    ("visibility", "number"),
    ("imageNames", "array"),
    ("storeId", "string"),
    ("userId", "null|string"),
    ("shouldBlockVpns", "boolean"),
    ("order", "number"),
    ("isBestSeller", "boolean"),
    ("blacklistedPaymentGateways", "array"),
    ("additionalFees", "object"),
    ("slug", "string"),
    ("metadata", "null|string"),
];
const VARIANT_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("dateCreated", "string"),
    ("name", "string"),
    ("productId", "string"),
    ("storeId", "string"),
    ("cost", "number"),
    ("deliveryTypes", "array"),
    ("files", "array"),
    ("minimumQuantity", "number"),
    ("maximumQuantity", "number"),
    ("order", "number"),
    ("imageNames", "array"),
    ("stock", "number"),
    ("stockMode", "number"),
    ("customFields", "array"),
    ("dynamicUrl", "null|string"),
    ("deliveryMessage", "null|string"),
    ("metadata", "null|string"),
];
const CUSTOM_FIELD_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("dateCreated", "string"),
    ("variantId", "string"),
    ("label", "string"),
    ("identifier", "string"),
    ("type", "string"),
    ("isRequired", "boolean"),
    ("options", "array"),
    ("placeholder", "null|string"),
    ("hint", "null|string"),
];
const OPTION_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("dateCreated", "string"),
    ("customFieldId", "string"),
    ("label", "string"),
    ("value", "string"),
    ("order", "number"),
];

#[tokio::test]
async fn the_komerza_product_object_carries_every_field_seed_003_documents() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id").to_owned();
    let path = format!("/stores/{store}/products/{}", ids.product.as_str().expect("id"));
    let (status, got) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{got}");
    let mut valid = seed_body();
    valid["slug"] = json!("documented-fields");
    valid["name"] = json!("Documented Fields");
    valid["variants"][0] =
        json!({ "name": "Lifetime", "cost": 5, "deliveryTypes": ["license_keys"], "stockMode": 0, "stock": 3 });
    let (status, created) =
        app.rest(Method::POST, &format!("/stores/{store}/products"), Some(&app.merchant), Some(valid)).await;
    assert_eq!(status, 201, "{created}");
    for (what, product) in [("GET", &got["data"]), ("POST", &created["data"])] {
        assert_documented(product, PRODUCT_FIELDS, &format!("{what} product"));
        for variant in product["variants"].as_array().expect("variants") {
            assert_documented(variant, VARIANT_FIELDS, &format!("{what} variant"));
            for field in variant["customFields"].as_array().expect("customFields") {
                assert_documented(field, CUSTOM_FIELD_FIELDS, &format!("{what} custom field"));
                for option in field["options"].as_array().expect("options") {
                    assert_documented(option, OPTION_FIELDS, &format!("{what} option"));
                }
            }
        }
    }
    // The demo product's first variant has a select field with options: every level was seen.
    assert!(got["data"]["variants"][0]["customFields"][0]["options"][0]["id"].is_string(), "{got}");
}

#[tokio::test]
async fn every_wrong_query_parameter_comes_back_in_one_answer_as_the_document_types_it() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let orders = format!("/stores/{}/orders", store.as_str().expect("id"));
    let long = "x".repeat(255);
    let query = format!("Status=lost&From=soon&PageSize=101&Page=0&CustomerEmail={long}");
    let (status, refused) = app.rest(Method::GET, &format!("{orders}?{query}"), Some(&app.merchant), None).await;
    assert_eq!(status, 400, "{refused}");
    let mut fields: Vec<&str> =
        refused["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["CustomerEmail", "From", "Page", "PageSize", "Status"], "{refused}");
    let (status, _) = app.rest(Method::GET, &format!("{orders}?Search="), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "a parameter the route does not read is not checked");
    let (status, found) =
        app.rest(Method::GET, &format!("{orders}?Status=PENDING&Page=1&PageSize=100"), Some(&app.merchant), None).await;
    assert_eq!(status, 200, "{found}");
    assert!(found["data"].as_array().is_some_and(|o| o.iter().all(|o| o["status"] == "pending")), "{found}");

    let (_, document) = app.rest(Method::GET, "/openapi.json", None, None).await;
    let parameters = document["paths"]["/stores/{storeId}/orders"]["get"]["parameters"].as_array().expect("parameters");
    let typed = |name: &str| parameters.iter().find(|p| p["name"] == name).map(|p| p["schema"].clone());
    assert_eq!(typed("PageSize"), Some(json!({ "type": "integer", "minimum": 1, "maximum": 100 })));
    assert_eq!(typed("From"), Some(json!({ "type": "string", "format": "date-time" })));
    assert_eq!(typed("Status").map(|s| s["enum"].as_array().map(Vec::len)), Some(Some(6)));
}

#[tokio::test]
async fn answers_hold_their_documented_shapes_where_the_graph_has_gaps() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id").to_owned();
    let product = format!("/stores/{store}/products/{}", ids.product.as_str().expect("id"));
    let (status, cleared) =
        app.rest(Method::PUT, &product, Some(&app.merchant), Some(json!({ "description": null }))).await;
    assert_eq!(status, 200, "{cleared}");
    assert_eq!(cleared["data"]["description"], "", "no description reads as an empty string: {cleared}");
    let (_, affiliates) =
        app.rest(Method::GET, &format!("/stores/{store}/affiliates"), Some(&app.merchant), None).await;
    let listed = &affiliates["data"][0];
    assert!(listed.is_object() && listed.get("ledger").is_none(), "a listed affiliate has no ledger: {affiliates}");
    let (_, orders) = app.rest(Method::GET, &format!("/stores/{store}/orders"), Some(&app.merchant), None).await;
    let history = &orders["data"][0]["history"][0];
    assert_eq!((history["from"].clone(), history["to"].clone()), (Value::Null, json!("pending")), "{orders}");
}

#[tokio::test]
async fn a_bodys_lengths_come_back_with_its_unknown_and_missing_fields_in_one_answer() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let store = store.as_str().expect("id");
    let before = count_rows(&app.db, "categories").await;
    let (status, refused) = app
        .rest(
            Method::POST,
            &format!("/stores/{store}/categories"),
            Some(&app.merchant),
            Some(json!({ "name": "c".repeat(65), "colour": "red" })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let problems: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| Some((e["field"].as_str()?, e["message"].as_str()?)))
        .collect();
    assert!(problems.contains(&("name", "must be 1 to 64 characters")), "{refused}");
    assert!(problems.iter().any(|(field, _)| *field == "colour"), "{refused}");
    assert_eq!(count_rows(&app.db, "categories").await, before, "nothing written");
    let (status, refused) = app
        .rest(
            Method::POST,
            &format!("/stores/{store}/tickets"),
            Some(&app.merchant),
            Some(json!({ "subject": "", "priority": 1 })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let mut fields: Vec<&str> =
        refused["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["message", "priority", "subject"], "{refused}");
    let (_, document) = app.rest(Method::GET, "/openapi.json", None, None).await;
    let name = &document["paths"]["/stores/{storeId}/categories"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["name"];
    assert_eq!((name["minLength"].clone(), name["maxLength"].clone()), (json!(1), json!(64)), "{name}");
}
