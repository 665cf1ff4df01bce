//! Reviews on GraphQL and REST: one review per delivered order line by its buyer (also when two
//! requests race), the store's reply, flagging that hides a review from customers and from the
//! rating, automatic reviews of lines left unreviewed, batched ratings, the walls between stores
//! and customers, and wrong, missing and oversized values for every input.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    count_rows, customer_login, demo_catalog, error_codes, spawn_demo_app, spawn_with, uuid_literal, TestApp,
    TestDatabase, DEMO_CUSTOMER, RIVAL_MERCHANT,
};

const CREATE: &str = "mutation($s: UUID!, $input: CreateReviewInput!) { createReview(storeId: $s, input: $input) { id rating text isAutomatic productId } }";
const REPLY: &str = "mutation($r: UUID!, $t: String!) { replyToReview(id: $r, reply: $t) { reply dateReplied } }";
const FLAG: &str = "mutation($r: UUID!, $why: String!) { flagReview(id: $r, reason: $why) { isFlagged flagReason } }";
const UNFLAG: &str = "mutation($r: UUID!) { unflagReview(id: $r) { isFlagged } }";
const ONE: &str = "query($r: UUID!) { review(id: $r) { id rating } }";
const RATED: &str =
    "query($p: UUID!) { product(id: $p) { rating { average count } reviews { totalCount nodes { id } } } }";

/// The demo store, the demo customer's session, and a product of the store nobody reviewed.
struct Shop {
    store: Value,
    customer: String,
    product: Value,
    variant: Value,
}

async fn shop(app: &TestApp) -> Shop {
    let catalog = demo_catalog(app, &app.merchant).await;
    let customer = app.token(DEMO_CUSTOMER).await;
    Shop { store: catalog.store, customer, product: catalog.plain_product, variant: catalog.plain_variant }
}

fn data<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body.get("errors").is_none(), "{field}: {body}");
    &body["data"][field]
}

/// The customer buys `lines` units of the plain variant as separate lines; with `deliver`, the
/// merchant then confirms, ships and delivers the order. Returns the order's line ids.
async fn bought(app: &TestApp, shop: &Shop, lines: usize, deliver: bool) -> Vec<Value> {
    let items: Vec<Value> = (0..lines).map(|_| json!({ "variantId": shop.variant, "quantity": 1 })).collect();
    let placed = app
        .graphql_as(
            &shop.customer,
            "mutation($s: UUID!, $items: [OrderItemInput!]!) { createOrder(storeId: $s, input: { items: $items }) { id items { id } } }",
            json!({ "s": shop.store, "items": items }),
        )
        .await;
    let order = data(&placed, "createOrder").clone();
    if deliver {
        for step in ["confirmOrder", "shipOrder", "deliverOrder"] {
            let body = app
                .as_merchant(&format!("mutation($o: UUID!) {{ {step}(id: $o) {{ id }} }}"), json!({ "o": order["id"] }))
                .await;
            data(&body, step);
        }
    }
    order["items"].as_array().expect("items").iter().map(|i| i["id"].clone()).collect()
}

#[tokio::test]
async fn a_buyer_reviews_a_delivered_line_once_and_the_store_replies_and_flags_it() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let pending = bought(&app, &shop, 1, false).await;
    let body = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": pending[0], "rating": 5 } }),
        )
        .await;
    assert_eq!(
        (error_codes(&body), &body["errors"][0]["extensions"]["details"][0]["field"]),
        (vec!["VALIDATION".to_owned()], &json!("orderItemId")),
        "not delivered: {body}"
    );

    let lines = bought(&app, &shop, 3, true).await;
    let first = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[0], "rating": 5, "text": "Lovely." } }),
        )
        .await;
    let review = data(&first, "createReview").clone();
    assert_eq!(
        (&review["rating"], &review["isAutomatic"], &review["productId"]),
        (&json!(5), &json!(false), &shop.product)
    );
    let twice = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[0], "rating": 1 } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"], "{twice}");
    // Two requests racing for one line: one review.
    let race = |rating: i32| {
        app.graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[1], "rating": rating } }),
        )
    };
    let (a, b) = tokio::join!(race(2), race(3));
    let mut codes = [error_codes(&a), error_codes(&b)];
    codes.sort();
    assert_eq!(codes, [vec![], vec!["CONFLICT".to_owned()]], "{a} {b}");
    let third = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[2], "rating": 4 } }),
        )
        .await;
    let third = data(&third, "createReview")["id"].clone();
    let rated = app.graphql_as(&shop.customer, RATED, json!({ "p": shop.product })).await;
    let product = data(&rated, "product");
    let raced = if a.get("errors").is_none() { 2 } else { 3 };
    let average = ((f64::from(5 + raced + 4) / 3.0) * 100.0).round() / 100.0;
    assert_eq!(product["rating"], json!({ "average": average, "count": 3 }), "{rated}");
    assert_eq!(product["reviews"]["totalCount"], 3);
    assert_eq!(product["reviews"]["nodes"][0]["id"], third, "newest first");

    // Only customers write reviews; only the staff reply and flag.
    let merchant =
        app.as_merchant(CREATE, json!({ "s": shop.store, "input": { "orderItemId": lines[2], "rating": 1 } })).await;
    assert_eq!(error_codes(&merchant), ["FORBIDDEN"], "{merchant}");
    let reply = app.as_merchant(REPLY, json!({ "r": review["id"], "t": "Thank you!" })).await;
    assert_eq!(data(&reply, "replyToReview")["reply"], "Thank you!");
    for (operation, variables) in
        [(REPLY, json!({ "r": review["id"], "t": "Me too" })), (FLAG, json!({ "r": third, "why": "mine" }))]
    {
        let body = app.graphql_as(&shop.customer, operation, variables).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{operation}: {body}");
    }

    // A flagged review leaves customers' answers and the rating, and stays for the merchant.
    let flagged = app.as_merchant(FLAG, json!({ "r": third, "why": "  Mentions a competitor  " })).await;
    assert_eq!(data(&flagged, "flagReview"), &json!({ "isFlagged": true, "flagReason": "Mentions a competitor" }));
    let hidden = app.graphql_as(&shop.customer, ONE, json!({ "r": third })).await;
    assert!(hidden["data"]["review"].is_null() && hidden.get("errors").is_none(), "{hidden}");
    let rated = app.graphql_as(&shop.customer, RATED, json!({ "p": shop.product })).await;
    assert_eq!(data(&rated, "product")["rating"]["count"], 2);
    assert_eq!(data(&rated, "product")["reviews"]["totalCount"], 2);
    let staff = app.as_merchant("query($s: UUID!) { reviews(storeId: $s, filter: { flagged: true }) { totalCount nodes { id flagReason } } }", json!({ "s": shop.store })).await;
    assert_eq!(data(&staff, "reviews")["nodes"][0]["id"], third, "{staff}");
    let path =
        format!("/stores/{}/reviews/{}", shop.store.as_str().unwrap_or_default(), third.as_str().unwrap_or_default());
    assert_eq!(app.rest(reqwest::Method::GET, &path, Some(&shop.customer), None).await.0, 404);
    let figures = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { analytics { reviewCount averageRating } } }",
            json!({ "s": shop.store }),
        )
        .await;
    // The demo review (4) and the two unflagged ones here.
    let average = ((f64::from(4 + 5 + raced) / 3.0) * 100.0).round() / 100.0;
    assert_eq!(
        data(&figures, "store")["analytics"],
        json!({ "reviewCount": 3, "averageRating": average }),
        "{figures}"
    );
    let unflagged = app.as_merchant(UNFLAG, json!({ "r": third })).await;
    assert_eq!(data(&unflagged, "unflagReview")["isFlagged"], false);
    assert_eq!(data(&app.graphql_as(&shop.customer, ONE, json!({ "r": third })).await, "review")["rating"], 4);
    assert_eq!(count_rows(&app.db, "events WHERE event_type = 'review.flagged'").await, 1);
    // The demo review and these three.
    assert_eq!(count_rows(&app.db, "events WHERE event_type = 'review.created'").await, 4);
}

#[tokio::test]
async fn another_store_and_another_customer_cannot_reach_a_review() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let lines = bought(&app, &shop, 1, true).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let other = customer_login(&app, "alex@example.com").await;
    let theirs = app
        .graphql_as(&other, CREATE, json!({ "s": shop.store, "input": { "orderItemId": lines[0], "rating": 1 } }))
        .await;
    assert_eq!(theirs["errors"][0]["extensions"]["details"][0]["field"], "orderItemId", "not their line: {theirs}");
    let own = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[0], "rating": 5 } }),
        )
        .await;
    let id = data(&own, "createReview")["id"].clone();
    let before = count_rows(&app.db, "reviews WHERE reply IS NOT NULL OR flagged_at IS NOT NULL").await;

    let read = app.graphql_as(&rival, ONE, json!({ "r": id })).await;
    assert!(read["data"]["review"].is_null(), "{read}");
    for (operation, variables) in
        [(REPLY, json!({ "r": id, "t": "x" })), (FLAG, json!({ "r": id, "why": "x" })), (UNFLAG, json!({ "r": id }))]
    {
        let body = app.graphql_as(&rival, operation, variables).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{operation}: {body}");
    }
    let listed = app
        .graphql_as(&rival, "query($s: UUID!) { reviews(storeId: $s) { totalCount } }", json!({ "s": shop.store }))
        .await;
    assert!(listed["data"]["reviews"].is_null(), "{listed}");
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    for store in [&shop.store, &rival_store] {
        let base =
            format!("/stores/{}/reviews/{}", store.as_str().unwrap_or_default(), id.as_str().unwrap_or_default());
        for (method, suffix, body) in [
            (reqwest::Method::GET, "", None),
            (reqwest::Method::POST, "/reply", Some(json!({ "reply": "x" }))),
            (reqwest::Method::POST, "/flag", Some(json!({ "reason": "x" }))),
            (reqwest::Method::DELETE, "/flag", None),
        ] {
            let (status, answer) = app.rest(method.clone(), &format!("{base}{suffix}"), Some(&rival), body).await;
            assert_eq!(status, 404, "{method} {base}{suffix}: {answer}");
        }
    }
    // A customer sees the store's unflagged reviews (storefront), not who wrote them.
    let seen =
        app.graphql_as(&other, "query($r: UUID!) { review(id: $r) { rating customerId } }", json!({ "r": id })).await;
    assert_eq!(
        (error_codes(&seen), &seen["data"]["review"]["rating"]),
        (vec!["FORBIDDEN".to_owned()], &json!(5)),
        "{seen}"
    );
    assert_eq!(count_rows(&app.db, "reviews WHERE reply IS NOT NULL OR flagged_at IS NOT NULL").await, before);
}

#[tokio::test]
async fn bad_review_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let lines = bought(&app, &shop, 1, true).await;
    let base = json!({ "orderItemId": lines[0], "rating": 3, "text": "Fine" });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    let without = |key: &str| {
        let mut input = base.clone();
        input.as_object_mut().expect("object").remove(key);
        input
    };
    let before = count_rows(&app.db, "reviews").await;
    for (input, field) in [
        (with("rating", json!(0)), "rating"),
        (with("rating", json!(6)), "rating"),
        (with("rating", json!("five")), "rating"),
        (with("rating", json!(2_147_483_648_i64)), "rating"),
        (without("rating"), "rating"),
        (with("text", json!("")), "text"),
        (with("text", json!("   ")), "text"),
        (with("text", json!("t".repeat(2_001))), "text"),
        (with("orderItemId", json!("not-a-uuid")), "orderItemId"),
        (with("orderItemId", json!(uuid::Uuid::now_v7())), "orderItemId"),
        (without("orderItemId"), "orderItemId"),
    ] {
        let body = app.graphql_as(&shop.customer, CREATE, json!({ "s": shop.store, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(body["errors"][0].to_string().contains(field), "{input} names {field}: {body}");
    }
    assert_eq!(count_rows(&app.db, "reviews").await, before);
    let made = app.graphql_as(&shop.customer, CREATE, json!({ "s": shop.store, "input": base })).await;
    let id = data(&made, "createReview")["id"].clone();
    let marked = "reviews WHERE reply IS NOT NULL OR flagged_at IS NOT NULL";
    let marked_before = count_rows(&app.db, marked).await;
    for (operation, variables, field) in [
        (REPLY, json!({ "r": id, "t": "" }), "reply"),
        (REPLY, json!({ "r": id, "t": "r".repeat(2_001) }), "reply"),
        (REPLY, json!({ "r": id }), "t"),
        (FLAG, json!({ "r": id, "why": " " }), "reason"),
        (FLAG, json!({ "r": id, "why": "w".repeat(513) }), "reason"),
        (FLAG, json!({ "r": id }), "why"),
        (FLAG, json!({ "r": "not-a-uuid", "why": "spam" }), "\"id\""),
    ] {
        let body = app.as_merchant(operation, variables.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{variables}: {body}");
        assert!(body["errors"][0].to_string().contains(field), "{variables} names {field}: {body}");
    }
    let unknown = app.as_merchant(FLAG, json!({ "r": uuid::Uuid::now_v7(), "why": "spam" })).await;
    assert_eq!(error_codes(&unknown), ["NOT_FOUND"], "{unknown}");
    assert_eq!(count_rows(&app.db, marked).await, marked_before, "nothing replied or flagged");
    let list = app
        .as_merchant(
            "query($s: UUID!) { reviews(storeId: $s, filter: { rating: 9 }) { totalCount } }",
            json!({ "s": shop.store }),
        )
        .await;
    assert_eq!(error_codes(&list), ["VALIDATION"], "{list}");
    let base_path = format!("/stores/{}/reviews", shop.store.as_str().unwrap_or_default());
    for (query, name) in [("Rating=high", "Rating"), ("ProductId=7", "ProductId"), ("Flagged=perhaps", "Flagged")] {
        let (status, answer) =
            app.rest(reqwest::Method::GET, &format!("{base_path}?{query}"), Some(&app.merchant), None).await;
        assert_eq!(status, 400, "{query}: {answer}");
        assert!(answer.to_string().contains(name), "{query}: {answer}");
    }
    for (body, fields) in [
        (json!({}), vec!["orderItemId", "rating"]),
        (json!({ "orderItemId": lines[0], "rating": "5", "stars": 5 }), vec!["rating", "stars"]),
    ] {
        let (status, answer) =
            app.rest(reqwest::Method::POST, &base_path, Some(&shop.customer), Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        for field in fields {
            assert!(answer.to_string().contains(field), "{body} names {field}: {answer}");
        }
    }
}

#[tokio::test]
async fn komerza_review_routes_answer_in_envelopes() {
    let app = spawn_demo_app().await;
    let shop = shop(&app).await;
    let lines = bought(&app, &shop, 1, true).await;
    let base = format!("/stores/{}/reviews", shop.store.as_str().unwrap_or_default());
    let body = json!({ "orderItemId": lines[0], "rating": 5, "text": "Great" });
    let (status, made) = app.rest(reqwest::Method::POST, &base, Some(&shop.customer), Some(body)).await;
    assert_eq!((status, &made["success"], &made["data"]["rating"]), (201, &json!(true), &json!(5)), "{made}");
    assert!(made["data"].get("customerId").is_none(), "a customer's answer leaves the staff's fields out: {made}");
    let id = made["data"]["id"].as_str().expect("id").to_owned();
    let (status, replied) = app
        .rest(
            reqwest::Method::POST,
            &format!("{base}/{id}/reply"),
            Some(&app.merchant),
            Some(json!({ "reply": "Thanks" })),
        )
        .await;
    assert_eq!((status, &replied["data"]["reply"]), (200, &json!("Thanks")), "{replied}");
    let (status, flagged) = app
        .rest(
            reqwest::Method::POST,
            &format!("{base}/{id}/flag"),
            Some(&app.merchant),
            Some(json!({ "reason": "spam" })),
        )
        .await;
    assert_eq!((status, &flagged["data"]["isFlagged"]), (200, &json!(true)), "{flagged}");
    let product = shop.product.as_str().unwrap_or_default();
    let (status, list) = app
        .rest(reqwest::Method::GET, &format!("{base}?Flagged=true&ProductId={product}"), Some(&app.merchant), None)
        .await;
    assert_eq!((status, &list["pages"], &list["data"][0]["id"]), (200, &json!(1), &json!(id)), "{list}");
    let (_, mine) =
        app.rest(reqwest::Method::GET, &format!("{base}?ProductId={product}"), Some(&shop.customer), None).await;
    assert_eq!(mine["data"], json!([]), "customers list no flagged review: {mine}");
    let (status, unflagged) =
        app.rest(reqwest::Method::DELETE, &format!("{base}/{id}/flag"), Some(&app.merchant), None).await;
    assert_eq!((status, &unflagged["data"]["isFlagged"]), (200, &json!(false)), "{unflagged}");
    let (status, one) = app.rest(reqwest::Method::GET, &format!("{base}/{id}"), Some(&shop.customer), None).await;
    assert_eq!((status, &one["data"]["text"]), (200, &json!("Great")), "{one}");
}

#[tokio::test]
async fn delivered_lines_left_unreviewed_get_an_automatic_review_that_the_buyer_may_replace() {
    let app = spawn_with(TestDatabase::new().await, true, |config| {
        config.reviews = commerce_gateway::domain::reviews::ReviewSettings {
            after: Duration::from_secs(3600),
            every: Some(Duration::from_millis(100)),
        };
    })
    .await;
    let shop = shop(&app).await;
    let lines = bought(&app, &shop, 1, true).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let of_line = |line: &Value| {
        let line: uuid::Uuid = line.as_str().and_then(|s| s.parse().ok()).expect("uuid");
        format!("reviews WHERE order_item_id = {}", uuid_literal(&app.db, line))
    };
    assert_eq!(count_rows(&app.db, &of_line(&lines[0])).await, 0, "delivered just now: not yet");

    // With automatic reviews off, a delivery two hours old stays unreviewed; turned on, it gets one.
    let switch =
        "mutation($s: UUID!, $on: Boolean!) { updateStore(id: $s, input: { isAutomaticReviewsEnabled: $on }) { id } }";
    data(&app.as_merchant(switch, json!({ "s": shop.store, "on": false })).await, "updateStore");
    {
        use entity::order_status_change::{Column, Entity};
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let two_hours_ago = chrono::Utc::now() - chrono::Duration::hours(2);
        Entity::update_many()
            .col_expr(Column::CreatedAt, Expr::value(two_hours_ago))
            .filter(Column::ToStatus.eq("delivered"))
            .exec(&app.db)
            .await
            .expect("backdate");
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(count_rows(&app.db, &of_line(&lines[0])).await, 0, "automatic reviews are off");
    data(&app.as_merchant(switch, json!({ "s": shop.store, "on": true })).await, "updateStore");
    let mut automatic = Value::Null;
    for _ in 0..50 {
        let body = app.as_merchant("query($s: UUID!, $p: UUID!) { reviews(storeId: $s, filter: { productId: $p }) { nodes { id rating text isAutomatic orderItemId } } }", json!({ "s": shop.store, "p": shop.product })).await;
        automatic = data(&body, "reviews")["nodes"][0].clone();
        if !automatic.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(automatic["orderItemId"], lines[0], "{automatic}");
    assert_eq!(
        (&automatic["rating"], &automatic["text"], &automatic["isAutomatic"]),
        (&json!(5), &Value::Null, &json!(true))
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count_rows(&app.db, &of_line(&lines[0])).await, 1, "one review a line, pass after pass");
    assert_eq!(
        count_rows(&app.db, "reviews WHERE is_automatic = false").await,
        1,
        "the demo review stays the buyer's own"
    );

    // The buyer's own words replace the store's automatic review.
    let own = app
        .graphql_as(
            &shop.customer,
            CREATE,
            json!({ "s": shop.store, "input": { "orderItemId": lines[0], "rating": 2, "text": "Scratched." } }),
        )
        .await;
    let own = data(&own, "createReview");
    assert_eq!(
        (&own["id"], &own["rating"], &own["isAutomatic"]),
        (&automatic["id"], &json!(2), &json!(false)),
        "{own}"
    );
    assert_eq!(count_rows(&app.db, &of_line(&lines[0])).await, 1);
}

#[tokio::test]
async fn ratings_of_every_product_of_every_store_cost_one_statement() {
    let app = spawn_demo_app().await;
    let query = "{ stores { products(first: 50) { nodes { id rating { average count } variants { id } } } } }";
    let (plain, _) =
        app.merchant_counting("{ stores { products(first: 50) { nodes { id variants { id } } } } }", json!({})).await;
    let (statements, body) = app.merchant_counting(query, json!({})).await;
    assert_eq!(statements, plain + 1, "the ratings of every product are one statement: {body}");
    let nodes = body["data"]["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .flat_map(|s| s["products"]["nodes"].as_array().cloned().unwrap_or_default());
    let rated: Vec<Value> = nodes.filter(|p| p["rating"]["count"] != 0).map(|p| p["rating"].clone()).collect();
    assert_eq!(rated, [json!({ "average": 4.0, "count": 1 })], "the demo review: {body}");
}
