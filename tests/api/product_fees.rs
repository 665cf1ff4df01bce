//! A product's additional fees (a surcharge in percent per payment gateway, Komerza's
//! `additionalFees`): set on create and update through GraphQL and Komerza, returned by both,
//! with wrong, missing and oversized values refused whole and another tenant's product out of
//! reach.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_catalog, error_codes, spawn_demo_app, RIVAL_MERCHANT};

const UPDATE: &str = "mutation($p: UUID!, $fees: [AdditionalFeeInput!]) { updateProduct(id: $p, input: { additionalFees: $fees }) { additionalFees { gateway percentage } } }";
const READ: &str = "query($p: UUID!) { product(id: $p) { additionalFees { gateway percentage } } }";
const CREATE: &str = "mutation($s: UUID!, $fees: [AdditionalFeeInput!]) { createProduct(storeId: $s, input: { name: \"Fee product\", additionalFees: $fees, variants: [{ name: \"One\", cost: 5 }] }) { id additionalFees { gateway percentage } } }";

#[tokio::test]
async fn fees_are_set_replaced_and_returned_in_order() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let created = app
        .as_merchant(CREATE, json!({ "s": ids.store, "fees": [{ "gateway": "stripe", "percentage": "2.9" }, { "gateway": "paypal", "percentage": 3 }] }))
        .await;
    assert_eq!(
        created["data"]["createProduct"]["additionalFees"],
        json!([{ "gateway": "stripe", "percentage": "2.9" }, { "gateway": "paypal", "percentage": "3" }]),
        "{created}"
    );
    let product = created["data"]["createProduct"]["id"].clone();
    let replaced =
        app.as_merchant(UPDATE, json!({ "p": product, "fees": [{ "gateway": "crypto", "percentage": "0.5" }] })).await;
    assert_eq!(
        replaced["data"]["updateProduct"]["additionalFees"],
        json!([{ "gateway": "crypto", "percentage": "0.5" }]),
        "{replaced}"
    );
    let kept = app.as_merchant(UPDATE, json!({ "p": product })).await;
    assert_eq!(kept["data"]["updateProduct"]["additionalFees"].as_array().map(Vec::len), Some(1), "absent keeps");
    let emptied = app.as_merchant(UPDATE, json!({ "p": product, "fees": [] })).await;
    assert_eq!(emptied["data"]["updateProduct"]["additionalFees"], json!([]), "{emptied}");
    let customer = app.token(crate::helpers::DEMO_CUSTOMER).await;
    let seen = app.graphql_as(&customer, READ, json!({ "p": ids.product })).await;
    assert!(seen["data"]["product"]["additionalFees"].is_array(), "buyers see the fees: {seen}");
}

#[tokio::test]
async fn wrong_missing_and_oversized_fees_are_refused_and_change_nothing() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let fee = |gateway: &str, percentage: Value| json!({ "gateway": gateway, "percentage": percentage });
    app.as_merchant(UPDATE, json!({ "p": ids.product, "fees": [fee("stripe", json!("2.9"))] })).await;
    let before = app.as_merchant(READ, json!({ "p": ids.product })).await;
    let many: Vec<Value> = (0..21).map(|i| fee(&format!("gateway{i}"), json!(1))).collect();
    for (fees, field) in [
        (json!([fee("stripe", json!("100.01"))]), "additionalFees[0].percentage"),
        (json!([fee("stripe", json!(-1))]), "additionalFees[0].percentage"),
        (json!([fee("stripe", json!("2.999"))]), "additionalFees[0].percentage"),
        (json!([fee("", json!(1))]), "additionalFees[0].gateway"),
        (json!([fee(&"g".repeat(65), json!(1))]), "additionalFees[0].gateway"),
        (json!([fee("stripe", json!(1)), fee("Stripe", json!(2))]), "additionalFees[1].gateway"),
        (json!(many), "additionalFees"),
    ] {
        let body = app.as_merchant(UPDATE, json!({ "p": ids.product, "fees": fees })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{fees}: {body}");
        assert!(body["errors"][0]["extensions"]["details"].to_string().contains(field), "{field}: {body}");
    }
    for fees in [json!([{ "gateway": "stripe" }]), json!([{ "percentage": 1 }]), json!([fee("stripe", json!("lots"))])]
    {
        let body = app.as_merchant(UPDATE, json!({ "p": ids.product, "fees": fees })).await;
        assert!(!error_codes(&body).is_empty(), "{fees}: {body}");
    }
    assert_eq!(app.as_merchant(READ, json!({ "p": ids.product })).await, before, "nothing half-written");

    let rival = app.token(RIVAL_MERCHANT).await;
    let body = app.graphql_as(&rival, UPDATE, json!({ "p": ids.product, "fees": [fee("mine", json!(50))] })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!(app.as_merchant(READ, json!({ "p": ids.product })).await, before, "the rival changed nothing");
}

#[tokio::test]
async fn komerza_takes_and_returns_fees_as_an_object_of_percentages() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id");
    let path = format!("/stores/{store}/products/{}", ids.product.as_str().expect("id"));
    let (status, put) = app
        .rest(
            Method::PUT,
            &path,
            Some(&app.merchant),
            Some(json!({ "additionalFees": { "stripe": 2.9, "paypal": 3 } })),
        )
        .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["data"]["additionalFees"], json!({ "paypal": 3, "stripe": 2.9 }), "{put}");
    let (_, got) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!(got["data"]["additionalFees"], put["data"]["additionalFees"]);
    for (body, field) in [
        (json!({ "additionalFees": { "stripe": "2.9" } }), "additionalFees.stripe"),
        (json!({ "additionalFees": { "stripe": 101 } }), "additionalFees[0].percentage"),
        (json!({ "additionalFees": [2.9] }), "additionalFees"),
    ] {
        let (status, refused) = app.rest(Method::PUT, &path, Some(&app.merchant), Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
        assert!(refused["errors"].to_string().contains(field), "{field}: {refused}");
    }
    let (_, unchanged) = app.rest(Method::GET, &path, Some(&app.merchant), None).await;
    assert_eq!(unchanged["data"]["additionalFees"], put["data"]["additionalFees"], "nothing half-written");
    let rival = app.token(RIVAL_MERCHANT).await;
    let (status, _) = app.rest(Method::PUT, &path, Some(&rival), Some(json!({ "additionalFees": {} }))).await;
    assert_eq!(status, 404);
    let (status, created) = app
        .rest(
            Method::POST,
            &format!("/stores/{store}/products"),
            Some(&app.merchant),
            Some(json!({ "name": "Fee by Komerza", "additionalFees": { "card": 1.5 }, "variants": [{ "name": "One", "cost": 5 }] })),
        )
        .await;
    assert_eq!((status, &created["data"]["additionalFees"]), (201, &json!({ "card": 1.5 })), "{created}");
}
