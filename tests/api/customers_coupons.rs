//! Customers (search, updates, store-credit history) and coupons (their shape and limits), with
//! wrong, missing and oversized values for every input.

use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_demo_app, TestApp};

const CREATE_CUSTOMER: &str =
    "mutation($s: UUID!, $input: CreateCustomerInput!) { createCustomer(storeId: $s, input: $input) { id email name balance } }";
const CREATE_COUPON: &str = "mutation($s: UUID!, $input: CreateCouponInput!) { createCoupon(storeId: $s, input: $input) { id code percentageDecrease amountDecrease maximumUses isEnabled variantIds expirationDate } }";

/// Sends each input; each must be refused with `code` naming `field`, writing nothing to `table`.
async fn refused(app: &TestApp, query: &str, base: Value, table: &str, cases: Vec<(Value, &str)>) {
    let before = count_rows(&app.db, table).await;
    for (variables, field) in cases {
        let mut all = base.clone();
        for (key, value) in variables.as_object().expect("object") {
            all[key] = value.clone();
        }
        let body = app.as_merchant(query, all.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{all}: {body}");
        let error = &body["errors"][0];
        let named = match error["extensions"]["details"].as_array() {
            Some(details) => details.iter().any(|d| d["field"] == field),
            None => error["message"].as_str().is_some_and(|m| m.contains(field)),
        };
        assert!(named, "{all} should name {field}: {body}");
    }
    assert_eq!(count_rows(&app.db, table).await, before, "nothing written to {table}");
}

#[tokio::test]
async fn customers_are_created_searched_updated_and_credited() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let body = app
        .as_merchant(
            CREATE_CUSTOMER,
            json!({ "s": store, "input": { "email": " Pat@Example.COM ", "name": "Pat Doe" } }),
        )
        .await;
    let pat = body["data"]["createCustomer"].clone();
    assert_eq!((pat["email"].clone(), pat["balance"].clone()), (json!("pat@example.com"), json!("0.00")), "{body}");
    let again = app.as_merchant(CREATE_CUSTOMER, json!({ "s": store, "input": { "email": "pat@example.com" } })).await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);

    let search = |text: &'static str| {
        let app = &app;
        let store = store.clone();
        async move {
            app.as_merchant("query($s: UUID!, $q: String) { store(id: $s) { customers(search: $q) { totalCount nodes { email } } } }", json!({ "s": store, "q": text }))
                .await["data"]["store"]["customers"]
                .clone()
        }
    };
    assert_eq!(search("DOE").await, json!({ "totalCount": 1, "nodes": [{ "email": "pat@example.com" }] }), "by name");
    assert_eq!(search("pat@").await["totalCount"], 1, "by email");
    assert_eq!(search("zzz-nobody").await["totalCount"], 0);

    let updated = app
        .as_merchant("mutation($c: UUID!) { updateCustomer(id: $c, input: { name: null, email: \"pat.doe@example.com\" }) { email name } }", json!({ "c": pat["id"] }))
        .await;
    assert_eq!(updated["data"]["updateCustomer"], json!({ "email": "pat.doe@example.com", "name": null }));

    let adjust = "mutation($c: UUID!, $input: BalanceAdjustmentInput!) { adjustCustomerBalance(id: $c, input: $input) { balance balanceHistory { amount balanceAfter reason } } }";
    let credited = app
        .as_merchant(adjust, json!({ "c": pat["id"], "input": { "amount": 12.5, "reason": "Late delivery" } }))
        .await;
    assert_eq!(credited["data"]["adjustCustomerBalance"]["balance"], "12.50", "{credited}");
    let overdrawn =
        app.as_merchant(adjust, json!({ "c": pat["id"], "input": { "amount": "-12.51", "reason": "Oops" } })).await;
    assert_eq!(error_codes(&overdrawn), ["VALIDATION"], "the balance never goes below zero");
    let debited = app
        .as_merchant(adjust, json!({ "c": pat["id"], "input": { "amount": "-2.50", "reason": "Correction" } }))
        .await;
    assert_eq!(
        debited["data"]["adjustCustomerBalance"],
        json!({ "balance": "10.00", "balanceHistory": [
            { "amount": "12.50", "balanceAfter": "12.50", "reason": "Late delivery" },
            { "amount": "-2.50", "balanceAfter": "10.00", "reason": "Correction" }
        ] })
    );

    refused(
        &app,
        CREATE_CUSTOMER,
        json!({ "s": store, "input": { "email": "valid@example.com" } }),
        "customers",
        vec![
            (json!({ "input": { "email": "not-an-email" } }), "email"),
            (json!({ "input": {} }), "email"),
            (json!({ "input": { "email": format!("{}@example.com", "a".repeat(250)) } }), "email"),
            (json!({ "input": { "email": "ok@example.com", "name": "" } }), "name"),
            (json!({ "input": { "email": "ok@example.com", "name": "n".repeat(129) } }), "name"),
        ],
    )
    .await;
    refused(
        &app,
        adjust,
        json!({ "c": pat["id"], "input": { "amount": 1, "reason": "ok" } }),
        "customer_balance_entries",
        vec![
            (json!({ "input": { "amount": 0, "reason": "zero" } }), "amount"),
            (json!({ "input": { "amount": "0.001", "reason": "fraction" } }), "amount"),
            (json!({ "input": { "amount": "1000000.01", "reason": "huge" } }), "amount"),
            (json!({ "input": { "reason": "no amount" } }), "amount"),
            (json!({ "input": { "amount": 1, "reason": "" } }), "reason"),
            (json!({ "input": { "amount": 1, "reason": "r".repeat(513) } }), "reason"),
            (json!({ "input": { "amount": 1 } }), "reason"),
        ],
    )
    .await;
    let bad_search = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { customers(search: \"\") { totalCount } } }",
            json!({ "s": store }),
        )
        .await;
    assert_eq!(error_codes(&bad_search), ["VALIDATION"]);
}

#[tokio::test]
async fn coupons_have_exactly_one_discount_and_sane_limits() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let body = app
        .as_merchant(
            CREATE_COUPON,
            json!({ "s": ids.store, "input": { "code": "summer_25", "amountDecrease": "5.5", "maximumUses": 10, "variantIds": [ids.variant], "expirationDate": "2030-01-01T00:00:00Z" } }),
        )
        .await;
    let created = &body["data"]["createCoupon"];
    assert_eq!(
        created,
        &json!({ "id": created["id"], "code": "SUMMER_25", "percentageDecrease": null, "amountDecrease": "5.50", "maximumUses": 10, "isEnabled": true, "variantIds": [ids.variant], "expirationDate": "2030-01-01T00:00:00+00:00" }),
        "{body}"
    );
    let duplicate = app
        .as_merchant(
            CREATE_COUPON,
            json!({ "s": ids.store, "input": { "code": "Summer_25", "percentageDecrease": 5 } }),
        )
        .await;
    assert_eq!(error_codes(&duplicate), ["CONFLICT"], "codes are unique ignoring case");

    let switched = app
        .as_merchant(
            "mutation($id: UUID!) { updateCoupon(id: $id, input: { amountDecrease: null, percentageDecrease: 30, maximumUses: null, isEnabled: false }) { percentageDecrease amountDecrease maximumUses isEnabled } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(
        switched["data"]["updateCoupon"],
        json!({ "percentageDecrease": 30, "amountDecrease": null, "maximumUses": null, "isEnabled": false }),
        "{switched}"
    );
    let both = app
        .as_merchant(
            "mutation($id: UUID!) { updateCoupon(id: $id, input: { amountDecrease: 1 }) { id } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(error_codes(&both), ["VALIDATION"], "a coupon has one discount");

    let rival = app.token(crate::helpers::RIVAL_MERCHANT).await;
    let rival_variant = app
        .graphql_as(&rival, "{ stores { products(first: 1) { nodes { variants { id } } } } }", json!({}))
        .await["data"]["stores"][0]["products"]["nodes"][0]["variants"][0]["id"]
        .clone();
    refused(
        &app,
        CREATE_COUPON,
        json!({ "s": ids.store, "input": { "code": "OK", "percentageDecrease": 10 } }),
        "coupons",
        vec![
            (json!({ "input": { "code": "has space", "percentageDecrease": 10 } }), "code"),
            (json!({ "input": { "percentageDecrease": 10 } }), "code"),
            (json!({ "input": { "code": "C".repeat(65), "percentageDecrease": 10 } }), "code"),
            (json!({ "input": { "code": "NONE" } }), "percentageDecrease"),
            (json!({ "input": { "code": "BOTH", "percentageDecrease": 10, "amountDecrease": 1 } }), "percentageDecrease"),
            (json!({ "input": { "code": "PCT", "percentageDecrease": 0 } }), "percentageDecrease"),
            (json!({ "input": { "code": "PCT", "percentageDecrease": 101 } }), "percentageDecrease"),
            (json!({ "input": { "code": "AMT", "amountDecrease": 0 } }), "amountDecrease"),
            (json!({ "input": { "code": "AMT", "amountDecrease": "100000.01" } }), "amountDecrease"),
            (json!({ "input": { "code": "MAX", "percentageDecrease": 10, "maximumUses": 0 } }), "maximumUses"),
            (json!({ "input": { "code": "VAR", "percentageDecrease": 10, "variantIds": [rival_variant] } }), "variantIds"),
            (json!({ "input": { "code": "VAR", "percentageDecrease": 10, "variantIds": vec![ids.variant.clone(); 101] } }), "variantIds"),
            (json!({ "input": { "code": "DATE", "percentageDecrease": 10, "expirationDate": "next tuesday" } }), "expirationDate"),
        ],
    )
    .await;
    let deleted =
        app.as_merchant("mutation($id: UUID!) { deleteCoupon(id: $id) }", json!({ "id": created["id"] })).await;
    assert_eq!(deleted["data"]["deleteCoupon"], created["id"]);
}

#[tokio::test]
async fn a_used_coupon_cannot_drop_below_its_uses_and_expired_or_disabled_ones_are_refused() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (_, variant) = crate::orders::product_with_stock(&app, &store, "10.00", 10).await;
    let coupon = app
        .as_merchant(
            CREATE_COUPON,
            json!({ "s": store, "input": { "code": "TWICE", "percentageDecrease": 50, "maximumUses": 5 } }),
        )
        .await["data"]["createCoupon"]
        .clone();
    let order = |code: &'static str| {
        let app = &app;
        let input = json!({ "customerEmail": "c@example.com", "couponCode": code, "items": [{ "variantId": variant.clone(), "quantity": 1 }] });
        let store = store.clone();
        async move { app.as_merchant(crate::orders::CREATE_ORDER, json!({ "s": store, "input": input })).await }
    };
    for _ in 0..2 {
        assert!(order("twice").await.get("errors").is_none());
    }
    let lowered = app
        .as_merchant(
            "mutation($id: UUID!) { updateCoupon(id: $id, input: { maximumUses: 1 }) { id } }",
            json!({ "id": coupon["id"] }),
        )
        .await;
    assert_eq!(error_codes(&lowered), ["VALIDATION"], "two uses already: {lowered}");
    app.as_merchant(
        "mutation($id: UUID!) { updateCoupon(id: $id, input: { isEnabled: false }) { id } }",
        json!({ "id": coupon["id"] }),
    )
    .await;
    assert_eq!(error_codes(&order("TWICE").await), ["VALIDATION"], "disabled");
    app.as_merchant(
        "mutation($id: UUID!) { updateCoupon(id: $id, input: { isEnabled: true, expirationDate: \"2001-01-01T00:00:00Z\" }) { id } }",
        json!({ "id": coupon["id"] }),
    )
    .await;
    assert_eq!(error_codes(&order("TWICE").await), ["VALIDATION"], "expired");
}
