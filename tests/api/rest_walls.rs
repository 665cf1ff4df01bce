//! REST tenancy: a route resolves its store and checks every id of its path against it — and
//! each id against the one before it — before any document runs. A call naming another store's
//! row (even another store of the same merchant) answers 404 and changes nothing.

use reqwest::Method;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{json, Value};

use crate::helpers::{demo_catalog, spawn_demo_app, DemoCatalog, TestApp, RIVAL_MERCHANT};

/// Every row a REST write could touch, as text, in a stable order.
async fn snapshot(db: &DatabaseConnection) -> String {
    async fn rows<E>(db: &DatabaseConnection) -> String
    where
        E: EntityTrait,
        E::Model: std::fmt::Debug,
    {
        let mut rows: Vec<String> =
            E::find().all(db).await.expect("rows").iter().map(|row| format!("{row:?}")).collect();
        rows.sort();
        rows.join("\n")
    }
    [
        rows::<entity::store::Entity>(db).await,
        rows::<entity::product::Entity>(db).await,
        rows::<entity::variant::Entity>(db).await,
        rows::<entity::custom_field::Entity>(db).await,
        rows::<entity::custom_field_option::Entity>(db).await,
        rows::<entity::category::Entity>(db).await,
        rows::<entity::category_product::Entity>(db).await,
        rows::<entity::coupon::Entity>(db).await,
        rows::<entity::customer::Entity>(db).await,
        rows::<entity::order::Entity>(db).await,
        rows::<entity::order_status_change::Entity>(db).await,
        rows::<entity::ticket::Entity>(db).await,
        rows::<entity::ticket_message::Entity>(db).await,
        rows::<entity::review::Entity>(db).await,
        rows::<entity::affiliate::Entity>(db).await,
    ]
    .join("\n--\n")
}

/// A REST call: method, path, body and extra headers.
type Call<'a> = (Method, String, Option<Value>, &'a [(&'a str, &'a str)]);

fn id(value: &Value) -> &str {
    value.as_str().expect("an id")
}

/// The demo merchant's second store.
async fn second_store(app: &TestApp) -> String {
    let body = app
        .as_merchant(
            "mutation { createStore(input: { name: \"Second Shop\", currencyCode: \"USD\" }) { id } }",
            json!({}),
        )
        .await;
    body["data"]["createStore"]["id"].as_str().unwrap_or_else(|| panic!("createStore: {body}")).to_owned()
}

#[tokio::test]
async fn ids_of_another_store_of_the_same_merchant_are_missing_and_nothing_changes() {
    let app = spawn_demo_app().await;
    let demo = demo_catalog(&app, &app.merchant).await;
    let other = second_store(&app).await;
    let (s1, p, v, f, o) = (id(&demo.store), id(&demo.product), id(&demo.variant), id(&demo.field), id(&demo.option));
    let order = id(&demo.orders[0]);
    let before = snapshot(&app.db).await;

    let on_other = [("x-store-id", other.as_str())];
    let calls: Vec<Call> = vec![
        (Method::PATCH, format!("/v2/products/{p}"), Some(json!({ "description": "changed" })), &on_other),
        (Method::DELETE, format!("/v2/products/{p}"), None, &on_other),
        (Method::GET, format!("/v2/products/{p}"), None, &on_other),
        (Method::PATCH, format!("/v2/orders/{order}/status"), Some(json!({ "status": "confirmed" })), &on_other),
        (Method::PUT, format!("/stores/{other}/products/{p}"), Some(json!({ "description": "changed" })), &[]),
        (Method::DELETE, format!("/stores/{other}/products/{p}"), None, &[]),
        (Method::POST, format!("/stores/{other}/products/{p}/duplicate"), None, &[]),
        (Method::POST, format!("/stores/{other}/orders/{order}/deliver"), None, &[]),
        // A nested path whose parent segment is not the row's parent.
        (Method::PUT, format!("/stores/{s1}/products/x/variants/{v}"), Some(json!({ "name": "Changed" })), &[]),
        (
            Method::PUT,
            format!("/stores/{s1}/products/{}/variants/{v}", id(&demo.plain_product)),
            Some(json!({ "name": "Changed" })),
            &[],
        ),
        (
            Method::DELETE,
            format!("/stores/{s1}/products/{p}/variants/{}/fields/{f}", id(&demo.plain_variant)),
            None,
            &[],
        ),
        (
            Method::DELETE,
            format!("/stores/{s1}/products/{}/variants/{v}/fields/{f}/options/{o}", id(&demo.plain_product)),
            None,
            &[],
        ),
    ];
    for (method, path, body, headers) in calls {
        let (status, answer) = app.rest_with(method.clone(), &path, Some(&app.merchant), body, headers).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
    }
    assert_eq!(snapshot(&app.db).await, before, "a refused call changed rows");

    // The same calls on the right store go through.
    let (status, answer) = app
        .rest_with(
            Method::PATCH,
            &format!("/v2/products/{p}"),
            Some(&app.merchant),
            Some(json!({ "description": "changed" })),
            &[("x-store-id", s1)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["description"], "changed");
    let path = format!("/stores/{s1}/products/{p}/variants/{v}");
    let (status, answer) = app.rest(Method::PUT, &path, Some(&app.merchant), Some(json!({ "name": "Renamed" }))).await;
    assert_eq!(status, 200, "{answer}");
}

/// A route's path with `{storeId}` as `store` and every other id from `demo`.
fn fill(path: &str, store: &str, demo: &DemoCatalog) -> String {
    [
        ("{storeId}", store),
        ("{productId}", id(&demo.product)),
        ("{variantId}", id(&demo.variant)),
        ("{fieldId}", id(&demo.field)),
        ("{optionId}", id(&demo.option)),
        ("{fileId}", id(&demo.file)),
        ("{categoryId}", id(&demo.category)),
        ("{couponId}", id(&demo.coupon)),
        ("{customerId}", id(&demo.customer)),
        ("{orderId}", id(&demo.orders[0])),
        ("{ticketId}", id(&demo.ticket)),
        ("{reviewId}", id(&demo.review)),
        ("{affiliateId}", id(&demo.affiliate)),
    ]
    .iter()
    .fold(path.to_owned(), |path, (name, value)| path.replace(name, value))
}

#[tokio::test]
async fn every_route_with_a_path_id_refuses_another_tenants_ids() {
    let app = spawn_demo_app().await;
    let demo = demo_catalog(&app, &app.merchant).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    let before = snapshot(&app.db).await;
    let mut walked = 0;
    for route in commerce_gateway::rest::all_routes() {
        let ids = route.path.matches('{').count() - usize::from(route.path.contains("{storeId}"));
        // Webhook endpoints are the account's, not a store's: webhooks.rs walls them.
        if ids == 0 || route.path.starts_with("/webhooks") {
            continue;
        }
        assert!(route.store_scoped, "{} {} names ids but no store", route.method, route.path);
        let path = fill(route.path, id(&rival_store), &demo);
        assert!(!path.contains('{'), "fill() knows no id of {path}");
        let body = route.body.map(|_| json!({}));
        let headers = [("x-store-id", id(&rival_store))];
        let (status, answer) = app.rest_with(route.method.clone(), &path, Some(&rival), body, &headers).await;
        assert_eq!(status, 404, "{} {}: {answer}", route.method, route.path);
        walked += 1;
    }
    assert!(walked >= 20, "only {walked} routes name ids");
    assert_eq!(snapshot(&app.db).await, before);
}

#[tokio::test]
async fn page_numbers_beyond_the_offset_limit_are_refused_naming_page() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let s = id(&store);
    for page in ["288230376151711745", "9223372036854775807", "0", "-1", "x"] {
        let (status, body) =
            app.rest(Method::GET, &format!("/v2/products?page={page}&pageSize=64"), Some(&app.merchant), None).await;
        assert_eq!(status, 400, "page={page}: {body}");
        assert_eq!(body["code"], "VALIDATION");
        assert_eq!(body["details"][0]["field"], "page", "page={page}: {body}");
        let path = format!("/stores/{s}/products?Page={page}&PageSize=64");
        let (status, body) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
        assert_eq!(status, 400, "Page={page}: {body}");
        assert_eq!(body["errors"][0]["field"], "Page", "Page={page}: {body}");
    }
    let (status, _) = app.rest(Method::GET, "/v2/products?page=1563&pageSize=64", Some(&app.merchant), None).await;
    assert_eq!(status, 200, "offset 99 968 is within the limit");
}

#[tokio::test]
async fn unrouted_paths_and_wrong_methods_answer_in_the_family_envelope() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let token = Some(app.merchant.as_str());

    let (status, body) = app.rest(Method::GET, "/v2/nothing/here", token, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NOT_FOUND", "{body}");
    assert!(body["details"].is_array());

    let (status, body) = app.rest(Method::GET, &format!("/stores/{}/nothing", id(&store)), token, None).await;
    assert_eq!(status, 404);
    assert_eq!((body["success"].clone(), body["code"].clone()), (json!(false), json!("NotFound")), "{body}");

    let response = app.client.put(app.url("/v2/products")).bearer_auth(&app.merchant).send().await.expect("PUT");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["code"], "VALIDATION", "{body}");

    let response = app.client.patch(app.url("/user")).bearer_auth(&app.merchant).send().await.expect("PATCH");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["success"], false, "{body}");

    let (status, body) = app.rest(Method::GET, "/nowhere", token, None).await;
    assert_eq!((status, body), (404, Value::Null), "paths outside the API families stay bare");
}

#[tokio::test]
async fn a_customer_cannot_tell_hidden_rows_from_missing_ones() {
    let app = spawn_demo_app().await;
    let demo = demo_catalog(&app, &app.merchant).await;
    let customer = app.token(crate::helpers::DEMO_CUSTOMER).await;
    let products = app.as_merchant("{ stores { products(first: 50) { nodes { id visibility } } } }", json!({})).await;
    let nodes = products["data"]["stores"][0]["products"]["nodes"].as_array().expect("products").clone();
    let private = nodes.iter().find(|p| p["visibility"] == "PRIVATE").expect("a private product")["id"].clone();
    let public = nodes.iter().find(|p| p["visibility"] == "PUBLIC").expect("a public product")["id"].clone();
    let (s, missing) = (id(&demo.store), uuid::Uuid::now_v7().to_string());
    let before = snapshot(&app.db).await;

    let (status, body) =
        app.rest(Method::GET, &format!("/stores/{s}/products/{}", id(&public)), Some(&customer), None).await;
    assert_eq!(status, 200, "a buyable product: {body}");
    // A private product, and rows of the store a customer has no business with, answer exactly as
    // missing ones, whatever the method.
    for (method, kind, hidden) in [
        (Method::GET, "products", id(&private)),
        (Method::DELETE, "products", id(&private)),
        (Method::DELETE, "categories", id(&demo.category)),
        (Method::DELETE, "coupons", id(&demo.coupon)),
        (Method::PUT, "customers", id(&demo.customer)),
    ] {
        let path = |row: &str| format!("/stores/{s}/{kind}/{row}");
        let body = (method != Method::GET && method != Method::DELETE).then(|| json!({ "name": "x" }));
        let (status, answer) = app.rest(method.clone(), &path(hidden), Some(&customer), body.clone()).await;
        let (missing_status, missing_answer) = app.rest(method.clone(), &path(&missing), Some(&customer), body).await;
        assert_eq!((status, missing_status), (404, 404), "{method} {kind}: {answer} / {missing_answer}");
        assert_eq!(answer["code"], missing_answer["code"]);
    }
    assert_eq!(snapshot(&app.db).await, before);
}
