//! The Komerza shim: `{success, message, code, data}` envelopes, the seed's create-product form,
//! and for every route a missing credential, a missing scope, another tenant's ids and bad input.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, spawn_demo_app, RIVAL_MERCHANT};

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
