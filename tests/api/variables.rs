//! Variables as the GraphQL spec has them: a declared default counts wherever the variable is
//! used (directives included, and the input checks), and a missing required variable is the
//! request's error, not the server's.

use serde_json::json;

use crate::helpers::{demo_catalog, error_codes, spawn_demo_app};

#[tokio::test]
async fn a_variables_default_applies_to_include_and_skip() {
    let app = spawn_demo_app().await;
    let query =
        "query Q($w: Boolean = true, $s: Boolean = true) { stores { name url @include(if: $w) id @skip(if: $s) } }";
    let body = app.as_merchant(query, json!({})).await;
    let store = &body["data"]["stores"][0];
    assert!(store["url"].is_string(), "the default includes url: {body}");
    assert!(store.get("id").is_none(), "the default skips id: {body}");

    let body = app.as_merchant(query, json!({ "w": false, "s": false })).await;
    let store = &body["data"]["stores"][0];
    assert!(store.get("url").is_none() && store["id"].is_string(), "sent values win: {body}");
}

#[tokio::test]
async fn a_control_character_in_a_default_is_refused_like_a_sent_one() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let query = "query($s: UUID!, $q: String = \"mug\\u0000\") { store(id: $s) { products(filter: { search: $q }) { totalCount } } }";
    let body = app.as_merchant(query, json!({ "s": store })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "filter.search", "{body}");
}

#[tokio::test]
async fn a_missing_required_variable_is_a_validation_error() {
    let app = spawn_demo_app().await;
    for (query, variables) in [
        ("query($s: UUID!) { store(id: $s) { id } }", json!({})),
        ("query($s: UUID!) { store(id: $s) { id } }", json!({ "s": null })),
        ("query($s: UUID!) { store(id: $s) { id } }", json!({ "s": "not-a-uuid" })),
    ] {
        let body = app.as_merchant(query, variables.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{variables}: {body}");
        assert!(!body.to_string().contains("internal error"), "{body}");
    }
    // Refused before execution, naming the variable.
    let body = app
        .as_merchant("query($s: UUID!, $n: Int) { store(id: $s) { products(first: $n) { totalCount } } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["details"],
        json!([{ "field": "$s", "message": "variable $s of required type UUID! was not given a value" }]),
        "{body}"
    );
    assert_eq!(body["data"], json!(null), "{body}");
}

#[tokio::test]
async fn a_value_its_type_refuses_fails_before_execution_naming_the_argument() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    for (query, variables, field) in [
        ("{ store(id: \"not-a-uuid\") { id } }", json!({}), "id"),
        ("query($s: UUID!) { store(id: $s) { id } }", json!({ "s": "not-a-uuid" }), "id"),
        ("query($s: UUID!) { store(id: $s) { analytics(top: -2147483649) { orderCount } } }", json!({ "s": store }), "top"),
        ("query($s: UUID!) { store(id: $s) { analytics(from: \"yesterday\") { orderCount } } }", json!({ "s": store }), "from"),
        (
            "query($s: UUID!, $f: OrderFilter) { store(id: $s) { orders(filter: $f) { totalCount } } }",
            json!({ "s": store, "f": { "from": "last week" } }),
            "filter.from",
        ),
        (
            "mutation($s: UUID!) { createCategory(storeId: $s, input: { name: \"Gifts\", order: 99999999999 }) { id } }",
            json!({ "s": store }),
            "order",
        ),
    ] {
        let body = app.as_merchant(query, variables.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{query}: {body}");
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["details"][0]["field"], field, "{query}: {body}");
        assert!(error.get("path").is_none() && error.get("locations").is_none(), "the request's error: {body}");
        assert_eq!(body["data"], json!(null), "nothing ran: {body}");
    }
    // The same arguments with values their types take run.
    let body = app
        .as_merchant("query($s: UUID!) { store(id: $s) { analytics(top: 5) { orderCount } } }", json!({ "s": store }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}
