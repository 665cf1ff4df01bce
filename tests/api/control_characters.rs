//! Control characters in text inputs: a NUL (PostgreSQL cannot store one in text) or any other
//! control character but tab and line breaks is `VALIDATION` naming the field, on every surface,
//! before anything runs — never an internal error, and nothing is written.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, spawn_demo_app};

/// The fields named by the first error's details, and its code.
fn refusal(body: &Value) -> (String, Vec<String>) {
    let error = &body["errors"][0];
    let fields = error["extensions"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (error["extensions"]["code"].as_str().unwrap_or_default().to_owned(), fields)
}

#[tokio::test]
async fn text_arguments_with_control_characters_are_refused_naming_the_field() {
    let app = spawn_demo_app().await;
    let demo = demo_catalog(&app, &app.merchant).await;
    let products = count_rows(&app.db, "products").await;
    let orders = count_rows(&app.db, "orders").await;
    let customers = count_rows(&app.db, "customers").await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($s: UUID!, $q: String) { store(id: $s) { products(filter: { search: $q }) { totalCount } } }",
            json!({ "s": demo.store, "q": "mug\u{0}" }),
            "filter.search",
        ),
        (
            "query($s: UUID!) { productBySlug(storeId: $s, slug: \"ceramic\\u0000mug\") { id } }",
            json!({ "s": demo.store }),
            "slug",
        ),
        (
            "mutation($s: UUID!, $input: CreateProductInput!) { createProduct(storeId: $s, input: $input) { id } }",
            json!({ "s": demo.store, "input": { "name": "Bad\u{0}Name", "variants": [{ "name": "One", "cost": "1.00" }] } }),
            "name",
        ),
        (
            "mutation($s: UUID!, $input: CreateProductInput!) { createProduct(storeId: $s, input: $input) { id } }",
            json!({ "s": demo.store, "input": { "name": "Fine name", "variants": [{ "name": "Bell\u{7}", "cost": "1.00" }] } }),
            "variants[0].name",
        ),
        (
            "mutation($s: UUID!, $input: CreateOrderInput!) { createOrder(storeId: $s, input: $input) { id } }",
            json!({ "s": demo.store, "input": { "customerId": demo.customer, "notes": "leave at door\u{0}",
                    "items": [{ "variantId": demo.plain_variant, "quantity": 1 }] } }),
            "notes",
        ),
        (
            "mutation($s: UUID!, $input: CreateCustomerInput!) { createCustomer(storeId: $s, input: $input) { id } }",
            json!({ "s": demo.store, "input": { "email": "new@example.com", "name": "Nul\u{0}" } }),
            "name",
        ),
    ];
    for (query, variables, field) in cases {
        let body = app.as_merchant(query, variables).await;
        assert_eq!(refusal(&body), ("VALIDATION".to_owned(), vec![field.to_owned()]), "{query}: {body}");
        assert!(body["data"].is_null(), "nothing ran: {body}");
    }
    assert_eq!(count_rows(&app.db, "products").await, products);
    assert_eq!(count_rows(&app.db, "orders").await, orders);
    assert_eq!(count_rows(&app.db, "customers").await, customers);

    // Tabs and line breaks are text.
    let fine = app
        .as_merchant(
            "mutation($s: UUID!, $input: CreateCustomerInput!) { createCustomer(storeId: $s, input: $input) { name } }",
            json!({ "s": demo.store, "input": { "email": "fine@example.com", "name": "Two\tparts\r\nline" } }),
        )
        .await;
    assert_eq!(fine["data"]["createCustomer"]["name"], "Two\tparts\r\nline", "{fine}");
}

#[tokio::test]
async fn rest_query_strings_and_bodies_with_control_characters_are_refused() {
    let app = spawn_demo_app().await;
    let demo = demo_catalog(&app, &app.merchant).await;
    let (status, body) = app.rest(Method::GET, "/v2/products?search=mug%00", Some(&app.merchant), None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!((body["code"].clone(), body["details"][0]["field"].clone()), (json!("VALIDATION"), json!("search")));

    let store = demo.store.as_str().expect("id");
    let path = format!("/stores/{store}/products?Search=%01");
    let (status, body) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "ValidationError", "{body}");

    let products = count_rows(&app.db, "products").await;
    let form = json!({ "sku": "NUL-1", "name": "Nul\u{0}product", "price": 5, "currency": "USD", "stock": 1, "category": "home" });
    let (status, body) = app.rest(Method::POST, "/v2/products", Some(&app.merchant), Some(form)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["details"][0]["field"], "name", "{body}");
    assert_eq!(count_rows(&app.db, "products").await, products);
}
