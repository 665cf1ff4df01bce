//! Affiliates on GraphQL and REST: an affiliate code's percentage off with a coupon, commission
//! on what the buyer paid to the cent credited once on delivery (also when two deliveries race)
//! and reversed by a refund, conversion into store credit, registration and code editing as the
//! store's options allow, walls between stores and customers, and bad input for every field.

use serde_json::{json, Value};

use crate::helpers::{
    count_rows, customer_login, demo_catalog, error_codes, spawn_demo_app, TestApp, DEMO_CUSTOMER, RIVAL_MERCHANT,
};
use crate::orders::product_with_stock;

const OPTIONS: &str = "mutation($s: UUID!, $input: AffiliateOptionsInput!) { updateAffiliateOptions(storeId: $s, input: $input) { isEnabled defaultReturnPercentage defaultPercentageOff } }";
const PLACE: &str = "mutation($s: UUID!, $v: UUID!, $code: String, $coupon: String) { createOrder(storeId: $s, input: { items: [{ variantId: $v, quantity: 3 }], affiliateCode: $code, couponCode: $coupon }) { id subtotal discount affiliateDiscount total } }";
const AFFILIATE: &str = "query($a: UUID!) { affiliate(id: $a) { id code balance referredOrders revenue earnedCommission ledger { kind amount balanceAfter orderId } } }";
const CREATE: &str = "mutation($s: UUID!, $input: CreateAffiliateInput!) { createAffiliate(storeId: $s, input: $input) { id code customerId returnPercentage percentageOff isEnabled } }";
const UPDATE: &str = "mutation($a: UUID!, $input: UpdateAffiliateInput!) { updateAffiliate(id: $a, input: $input) { id code returnPercentage } }";
const CONVERT: &str = "mutation($a: UUID!) { convertAffiliateBalance(id: $a) { balance } }";

fn data<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body.get("errors").is_none(), "{field}: {body}");
    &body["data"][field]
}

/// `amount × percent / 100` rounded half up, as the server computes it.
fn percent_of(cents: i64, percent: i64) -> i64 {
    (cents * percent + 50) / 100
}

fn money(cents: i64) -> Value {
    json!(format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100))
}

/// The demo store with its programme at 10 % commission and 10 % off, a 33.33 product, the demo
/// affiliate ALEX10 (Alex), and the demo customer's session.
struct Programme {
    store: Value,
    variant: Value,
    affiliate: Value,
    customer: String,
}

async fn programme(app: &TestApp) -> Programme {
    let store = demo_catalog(app, &app.merchant).await.store;
    let input = json!({ "isEnabled": true, "defaultReturnPercentage": 10, "defaultPercentageOff": 10, "canConvertAffiliateBalance": true });
    let set = app.as_merchant(OPTIONS, json!({ "s": store, "input": input })).await;
    assert_eq!(data(&set, "updateAffiliateOptions")["defaultPercentageOff"], 10);
    let (_, variant) = product_with_stock(app, &store, "33.33", 100).await;
    let list = app
        .as_merchant("query($s: UUID!) { affiliates(storeId: $s) { nodes { id code } } }", json!({ "s": store }))
        .await;
    let affiliate = data(&list, "affiliates")["nodes"][0].clone();
    assert_eq!(affiliate["code"], "ALEX10", "{list}");
    Programme { store, variant, affiliate: affiliate["id"].clone(), customer: app.token(DEMO_CUSTOMER).await }
}

async fn move_order(app: &TestApp, order: &Value, steps: &[&str]) {
    for step in steps {
        let body =
            app.as_merchant(&format!("mutation($o: UUID!) {{ {step}(id: $o) {{ id }} }}"), json!({ "o": order })).await;
        data(&body, step);
    }
}

#[tokio::test]
async fn commission_on_what_was_paid_is_credited_once_on_delivery_and_reversed_by_a_refund() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let placed = app
        .graphql_as(
            &p.customer,
            PLACE,
            json!({ "s": p.store, "v": p.variant, "code": "alex10", "coupon": "WELCOME10" }),
        )
        .await;
    let order = data(&placed, "createOrder").clone();
    // 3 × 33.33 = 99.99; the coupon takes 10 % (10.00), the code 10 % of the 89.99 left (9.00);
    // `discount` is both.
    let subtotal = 9999;
    let coupon = percent_of(subtotal, 10);
    let referral = percent_of(subtotal - coupon, 10);
    let total = subtotal - coupon - referral;
    assert_eq!(
        (&order["subtotal"], &order["discount"], &order["affiliateDiscount"], &order["total"]),
        (&money(subtotal), &money(coupon + referral), &money(referral), &money(total)),
        "{order}"
    );
    assert_eq!(total, 7999 + 100, "80.99");
    move_order(&app, &order["id"], &["confirmOrder", "shipOrder"]).await;
    let before = data(&app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, "affiliate").clone();
    assert_eq!((&before["balance"], &before["referredOrders"]), (&money(0), &json!(1)), "nothing before delivery");

    // Two deliveries race: one wins, the commission is credited once.
    let deliver =
        || app.as_merchant("mutation($o: UUID!) { deliverOrder(id: $o) { status } }", json!({ "o": order["id"] }));
    let (a, b) = tokio::join!(deliver(), deliver());
    let mut codes = [error_codes(&a), error_codes(&b)];
    codes.sort();
    assert_eq!(codes, [vec![], vec!["INVALID_TRANSITION".to_owned()]], "{a} {b}");
    let commission = percent_of(total, 10);
    assert_eq!(commission, 810, "10 % of 80.99 is 8.099, rounded half up to 8.10");
    let earned = data(&app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, "affiliate").clone();
    assert_eq!(
        (&earned["balance"], &earned["revenue"], &earned["earnedCommission"]),
        (&money(commission), &money(total), &money(commission)),
        "{earned}"
    );
    assert_eq!(
        earned["ledger"],
        json!([{ "kind": "COMMISSION", "amount": money(commission), "balanceAfter": money(commission), "orderId": order["id"] }])
    );

    let figures = "query($s: UUID!) { store(id: $s) { analytics { affiliateRevenue affiliateCommission } } }";
    let analytics = app.as_merchant(figures, json!({ "s": p.store })).await;
    assert_eq!(
        data(&analytics, "store")["analytics"],
        json!({ "affiliateRevenue": money(total), "affiliateCommission": money(commission) }),
        "{analytics}"
    );
    let refunded = app
        .as_merchant(
            "mutation($o: UUID!) { refundOrder(id: $o, reason: \"Damaged\") { status } }",
            json!({ "o": order["id"] }),
        )
        .await;
    data(&refunded, "refundOrder");
    let after = data(&app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, "affiliate").clone();
    assert_eq!(
        (&after["balance"], &after["revenue"], &after["earnedCommission"]),
        (&money(0), &money(0), &money(0)),
        "{after}"
    );
    assert_eq!(
        after["ledger"][1],
        json!({ "kind": "REVERSAL", "amount": money(-commission), "balanceAfter": money(0), "orderId": order["id"] })
    );
    assert_eq!(count_rows(&app.db, "affiliate_entries").await, 2, "one commission, one reversal");
    let analytics = app.as_merchant(figures, json!({ "s": p.store })).await;
    assert_eq!(
        data(&analytics, "store")["analytics"],
        json!({ "affiliateRevenue": money(0), "affiliateCommission": money(0) }),
        "a refunded order is no revenue and its commission was taken back: {analytics}"
    );
}

#[tokio::test]
async fn codes_that_do_not_apply_are_refused_and_place_nothing() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let alex = customer_login(&app, "alex@example.com").await;
    let orders = count_rows(&app.db, "orders").await;
    for (token, code, why) in [
        (&alex, "ALEX10", "the buyer's own code"),
        (&p.customer, "NOBODY", "an unknown code"),
        (&p.customer, &"A".repeat(65), "an oversized code"),
        (&p.customer, "", "an empty code"),
    ] {
        let body = app.graphql_as(token, PLACE, json!({ "s": p.store, "v": p.variant, "code": code })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{why}: {body}");
        assert!(body["errors"][0].to_string().contains("affiliateCode"), "{why}: {body}");
    }
    let disable = app.as_merchant(UPDATE, json!({ "a": p.affiliate, "input": { "isEnabled": false } })).await;
    data(&disable, "updateAffiliate");
    let body = app.graphql_as(&p.customer, PLACE, json!({ "s": p.store, "v": p.variant, "code": "ALEX10" })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "a disabled affiliate: {body}");
    app.as_merchant(UPDATE, json!({ "a": p.affiliate, "input": { "isEnabled": true } })).await;
    app.as_merchant(OPTIONS, json!({ "s": p.store, "input": { "isEnabled": false } })).await;
    let body = app.graphql_as(&p.customer, PLACE, json!({ "s": p.store, "v": p.variant, "code": "ALEX10" })).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "the programme is off: {body}");
    assert_eq!(count_rows(&app.db, "orders").await, orders, "nothing placed");
}

#[tokio::test]
async fn an_affiliate_converts_its_balance_into_store_credit_where_the_store_allows_it() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let placed = app.graphql_as(&p.customer, PLACE, json!({ "s": p.store, "v": p.variant, "code": "ALEX10" })).await;
    let order = data(&placed, "createOrder").clone();
    move_order(&app, &order["id"], &["confirmOrder", "shipOrder", "deliverOrder"]).await;
    // 99.99 less 10 % (10.00) = 89.99; 10 % commission = 9.00.
    let commission = percent_of(9999 - percent_of(9999, 10), 10);
    let alex = customer_login(&app, "alex@example.com").await;
    let own = app
        .graphql_as(
            &alex,
            "query($s: UUID!) { affiliates(storeId: $s) { totalCount nodes { id balance } } }",
            json!({ "s": p.store }),
        )
        .await;
    assert_eq!(
        data(&own, "affiliates"),
        &json!({ "totalCount": 1, "nodes": [{ "id": p.affiliate, "balance": money(commission) }] })
    );

    app.as_merchant(OPTIONS, json!({ "s": p.store, "input": { "canConvertAffiliateBalance": false } })).await;
    let refused = app.graphql_as(&alex, CONVERT, json!({ "a": p.affiliate })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");
    app.as_merchant(OPTIONS, json!({ "s": p.store, "input": { "canConvertAffiliateBalance": true } })).await;
    let converted = app.graphql_as(&alex, CONVERT, json!({ "a": p.affiliate })).await;
    assert_eq!(data(&converted, "convertAffiliateBalance")["balance"], money(0));
    let credit = app
        .as_merchant("query($s: UUID!) { store(id: $s) { customers(search: \"alex@\") { nodes { balance balanceHistory { amount reason } } } } }", json!({ "s": p.store }))
        .await;
    let alex_row = &data(&credit, "store")["customers"]["nodes"][0];
    assert_eq!(alex_row["balance"], money(commission), "{credit}");
    assert_eq!(
        alex_row["balanceHistory"][0],
        json!({ "amount": money(commission), "reason": "Affiliate balance converted" })
    );
    let again = app.graphql_as(&alex, CONVERT, json!({ "a": p.affiliate })).await;
    assert_eq!(error_codes(&again), ["VALIDATION"], "nothing left: {again}");

    // A refund after the conversion takes the commission back below zero.
    app.as_merchant(
        "mutation($o: UUID!) { refundOrder(id: $o, reason: \"Returned\") { id } }",
        json!({ "o": order["id"] }),
    )
    .await;
    let owed = data(&app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, "affiliate").clone();
    assert_eq!(owed["balance"], money(-commission), "{owed}");
    let kinds: Vec<&Value> = owed["ledger"].as_array().expect("ledger").iter().map(|e| &e["kind"]).collect();
    assert_eq!(kinds, [&json!("COMMISSION"), &json!("CONVERSION"), &json!("REVERSAL")]);
}

#[tokio::test]
async fn customers_register_and_edit_their_code_only_as_the_store_allows() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let closed = app.graphql_as(&p.customer, CREATE, json!({ "s": p.store, "input": {} })).await;
    assert_eq!(error_codes(&closed), ["FORBIDDEN"], "public registration is off: {closed}");
    app.as_merchant(OPTIONS, json!({ "s": p.store, "input": { "isPublicRegistrationEnabled": true } })).await;
    let greedy =
        app.graphql_as(&p.customer, CREATE, json!({ "s": p.store, "input": { "returnPercentage": 90 } })).await;
    assert_eq!(greedy["errors"][0]["extensions"]["details"][0]["field"], "returnPercentage", "{greedy}");
    let registered = app.graphql_as(&p.customer, CREATE, json!({ "s": p.store, "input": {} })).await;
    let mine = data(&registered, "createAffiliate").clone();
    assert!(
        mine["code"].as_str().is_some_and(|c| c.starts_with("CUSTOMER") && c.len() == 12),
        "made up from the email: {mine}"
    );
    assert_eq!((&mine["returnPercentage"], &mine["isEnabled"]), (&Value::Null, &json!(true)));
    let twice = app.graphql_as(&p.customer, CREATE, json!({ "s": p.store, "input": {} })).await;
    assert_eq!(error_codes(&twice), ["CONFLICT"], "{twice}");

    let renamed =
        app.graphql_as(&p.customer, UPDATE, json!({ "a": mine["id"], "input": { "code": "casey-picks" } })).await;
    assert_eq!(data(&renamed, "updateAffiliate")["code"], "CASEY-PICKS");
    let taken = app.graphql_as(&p.customer, UPDATE, json!({ "a": mine["id"], "input": { "code": "alex10" } })).await;
    assert_eq!(error_codes(&taken), ["CONFLICT"], "{taken}");
    let raise =
        app.graphql_as(&p.customer, UPDATE, json!({ "a": mine["id"], "input": { "returnPercentage": 50 } })).await;
    assert_eq!(error_codes(&raise), ["VALIDATION"], "{raise}");
    app.as_merchant(OPTIONS, json!({ "s": p.store, "input": { "isLinkEditingEnabled": false } })).await;
    let locked = app.graphql_as(&p.customer, UPDATE, json!({ "a": mine["id"], "input": { "code": "CASEY2" } })).await;
    assert_eq!(error_codes(&locked), ["FORBIDDEN"], "{locked}");
    // The staff set any field; a customer sees only its own record.
    let staff = app.as_merchant(UPDATE, json!({ "a": mine["id"], "input": { "returnPercentage": 15 } })).await;
    assert_eq!(data(&staff, "updateAffiliate")["returnPercentage"], 15);
    let other = app.graphql_as(&p.customer, AFFILIATE, json!({ "a": p.affiliate })).await;
    assert!(other["data"]["affiliate"].is_null() && other.get("errors").is_none(), "{other}");
    let theirs = app.graphql_as(&p.customer, UPDATE, json!({ "a": p.affiliate, "input": { "code": "MINE" } })).await;
    assert_eq!(error_codes(&theirs), ["NOT_FOUND"], "{theirs}");
    let listed = app
        .graphql_as(&p.customer, "query($s: UUID!) { affiliates(storeId: $s) { totalCount } }", json!({ "s": p.store }))
        .await;
    assert_eq!(data(&listed, "affiliates")["totalCount"], 1);
    assert_eq!(count_rows(&app.db, "events WHERE event_type = 'affiliate.created'").await, 1);
}

#[tokio::test]
async fn another_store_cannot_reach_an_affiliate() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let before = app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await;
    let read = app.graphql_as(&rival, AFFILIATE, json!({ "a": p.affiliate })).await;
    assert!(read["data"]["affiliate"].is_null(), "{read}");
    for (operation, variables) in [
        (UPDATE, json!({ "a": p.affiliate, "input": { "code": "STOLEN" } })),
        (CONVERT, json!({ "a": p.affiliate })),
        (OPTIONS, json!({ "s": p.store, "input": { "isEnabled": false } })),
        (CREATE, json!({ "s": p.store, "input": { "customerId": uuid::Uuid::now_v7() } })),
    ] {
        let body = app.graphql_as(&rival, operation, variables).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{operation}: {body}");
    }
    let list = app
        .graphql_as(&rival, "query($s: UUID!) { affiliates(storeId: $s) { totalCount } }", json!({ "s": p.store }))
        .await;
    assert!(list["data"]["affiliates"].is_null(), "{list}");
    let rival_ids = app.graphql_as(&rival, "{ stores { id customers(first: 1) { nodes { id } } } }", json!({})).await;
    let rival_store = rival_ids["data"]["stores"][0]["id"].as_str().unwrap_or_default().to_owned();
    let foreign = json!({ "customerId": rival_ids["data"]["stores"][0]["customers"]["nodes"][0]["id"] });
    let body = app.as_merchant(CREATE, json!({ "s": p.store, "input": foreign })).await;
    assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "customerId", "{body}");
    for store in [p.store.as_str().unwrap_or_default(), rival_store.as_str()] {
        let path = format!("/stores/{store}/affiliates/{}", p.affiliate.as_str().unwrap_or_default());
        for (method, suffix, body) in [
            (reqwest::Method::GET, "", None),
            (reqwest::Method::PUT, "", Some(json!({ "code": "STOLEN" }))),
            (reqwest::Method::POST, "/convert", None),
        ] {
            let (status, answer) = app.rest(method.clone(), &format!("{path}{suffix}"), Some(&rival), body).await;
            assert_eq!(status, 404, "{method} {path}{suffix}: {answer}");
        }
    }
    assert_eq!(app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, before, "nothing changed");
}

#[tokio::test]
async fn bad_affiliate_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let catalog = demo_catalog(&app, &app.merchant).await;
    let sam = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { customers(search: \"sam@\") { nodes { id } } } }",
            json!({ "s": p.store }),
        )
        .await;
    let sam = data(&sam, "store")["customers"]["nodes"][0]["id"].clone();
    let before = count_rows(&app.db, "affiliates").await;
    for (input, field) in [
        (json!({ "customerId": sam, "code": "" }), "code"),
        (json!({ "customerId": sam, "code": "AB" }), "code"),
        (json!({ "customerId": sam, "code": "C".repeat(33) }), "code"),
        (json!({ "customerId": sam, "code": "no spaces" }), "code"),
        (json!({ "customerId": sam, "code": 7 }), "code"),
        (json!({ "customerId": sam, "returnPercentage": -1 }), "returnPercentage"),
        (json!({ "customerId": sam, "returnPercentage": 101 }), "returnPercentage"),
        (json!({ "customerId": sam, "returnPercentage": "ten" }), "returnPercentage"),
        (json!({ "customerId": sam, "percentageOff": 101 }), "percentageOff"),
        (json!({}), "customerId"),
        (json!({ "customerId": "not-a-uuid" }), "customerId"),
        (json!({ "customerId": uuid::Uuid::now_v7() }), "customerId"),
    ] {
        let body = app.as_merchant(CREATE, json!({ "s": p.store, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(body["errors"][0].to_string().contains(field), "{input} names {field}: {body}");
    }
    let taken =
        app.as_merchant(CREATE, json!({ "s": p.store, "input": { "customerId": sam, "code": "alex10" } })).await;
    assert_eq!(error_codes(&taken), ["CONFLICT"], "{taken}");
    let alex = app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await;
    let alex_customer =
        app.as_merchant("query($a: UUID!) { affiliate(id: $a) { customerId } }", json!({ "a": p.affiliate })).await;
    let twice = app
        .as_merchant(
            CREATE,
            json!({ "s": p.store, "input": { "customerId": alex_customer["data"]["affiliate"]["customerId"] } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"], "one affiliate a customer: {twice}");
    assert_eq!(count_rows(&app.db, "affiliates").await, before);
    for (input, field) in [
        (json!({ "defaultReturnPercentage": 101 }), "defaultReturnPercentage"),
        (json!({ "defaultPercentageOff": -1 }), "defaultPercentageOff"),
        (json!({ "isEnabled": "yes" }), "isEnabled"),
    ] {
        let body = app.as_merchant(OPTIONS, json!({ "s": catalog.store, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(body["errors"][0].to_string().contains(field), "{input} names {field}: {body}");
    }
    assert_eq!(app.as_merchant(AFFILIATE, json!({ "a": p.affiliate })).await, alex, "nothing changed");
}

#[tokio::test]
async fn komerza_affiliate_routes_answer_in_envelopes_with_money_as_numbers() {
    let app = spawn_demo_app().await;
    let p = programme(&app).await;
    let base = format!("/stores/{}/affiliates", p.store.as_str().unwrap_or_default());
    let path = format!("/stores/{}/orders", p.store.as_str().unwrap_or_default());
    let body = json!({ "items": [{ "variantId": p.variant, "quantity": 3 }], "affiliateCode": "ALEX10" });
    let (status, order) = app.rest(reqwest::Method::POST, &path, Some(&p.customer), Some(body)).await;
    assert_eq!(
        (status, &order["data"]["affiliateDiscount"], &order["data"]["total"]),
        (201, &json!(10.0), &json!(89.99)),
        "{order}"
    );
    move_order(&app, &order["data"]["id"], &["confirmOrder", "shipOrder", "deliverOrder"]).await;
    let (status, list) = app.rest(reqwest::Method::GET, &base, Some(&app.merchant), None).await;
    assert_eq!(
        (status, &list["data"][0]["code"], &list["data"][0]["balance"]),
        (200, &json!("ALEX10"), &json!(9.0)),
        "{list}"
    );
    assert_eq!((&list["data"][0]["referredOrders"], &list["data"][0]["revenue"]), (&json!(1), &json!(89.99)));
    let one = format!("{base}/{}", p.affiliate.as_str().unwrap_or_default());
    let (status, got) = app.rest(reqwest::Method::GET, &one, Some(&app.merchant), None).await;
    assert_eq!(
        (status, &got["data"]["ledger"][0]["kind"], &got["data"]["ledger"][0]["amount"]),
        (200, &json!("COMMISSION"), &json!(9.0)),
        "{got}"
    );
    let (status, changed) =
        app.rest(reqwest::Method::PUT, &one, Some(&app.merchant), Some(json!({ "percentageOff": 15 }))).await;
    assert_eq!((status, &changed["data"]["percentageOff"]), (200, &json!(15)), "{changed}");
    let (status, refused) =
        app.rest(reqwest::Method::PUT, &one, Some(&app.merchant), Some(json!({ "customerId": p.affiliate }))).await;
    assert_eq!(status, 400, "an affiliate stays its customer: {refused}");
    let (status, converted) =
        app.rest(reqwest::Method::POST, &format!("{one}/convert"), Some(&app.merchant), None).await;
    assert_eq!((status, &converted["data"]["balance"]), (200, &json!(0.0)), "{converted}");
    let (status, made) =
        app.rest(reqwest::Method::POST, &base, Some(&app.merchant), Some(json!({ "customerId": p.affiliate }))).await;
    assert_eq!(status, 400, "names no customer: {made}");
}
