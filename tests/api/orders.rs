//! Orders: exact totals, atomic stock under concurrency, coupons that never exceed their uses,
//! idempotent retries, the status machine and what each transition gives back, and customers
//! who see only their own orders.

use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_demo_app, TestApp, DEMO_CUSTOMER};

pub const CREATE_ORDER: &str = "mutation($s: UUID!, $input: CreateOrderInput!, $key: String) {
  createOrder(storeId: $s, input: $input, idempotencyKey: $key) {
    id status subtotal discount creditUsed total couponCode customerEmail customerId
    items { variantId quantity unitPrice lineTotal customFieldValues { identifier value } }
    history { from to reason actorUserId }
  }
}";

/// A new product with one variant of `cost` and `stock`; returns (product id, variant id).
pub async fn product_with_stock(app: &TestApp, store: &Value, cost: &str, stock: i32) -> (Value, Value) {
    let body = app
        .as_merchant(
            "mutation($s: UUID!, $cost: Decimal!, $stock: Int!) { createProduct(storeId: $s, input: { name: \"Limited item\", variants: [{ name: \"Only size\", cost: $cost, stock: $stock }] }) { id variants { id } } }",
            json!({ "s": store, "cost": cost, "stock": stock }),
        )
        .await;
    let product = &body["data"]["createProduct"];
    assert!(product["id"].is_string(), "{body}");
    (product["id"].clone(), product["variants"][0]["id"].clone())
}

pub async fn stock_of(app: &TestApp, product: &Value) -> i64 {
    let body =
        app.as_merchant("query($p: UUID!) { product(id: $p) { variants { stock } } }", json!({ "p": product })).await;
    body["data"]["product"]["variants"][0]["stock"].as_i64().expect("stock")
}

fn one_of_each(lines: &[(&Value, i32)]) -> Value {
    json!({
        "customerEmail": "buyer@example.com",
        "items": lines.iter().map(|(variant, quantity)| json!({ "variantId": variant, "quantity": quantity })).collect::<Vec<_>>(),
    })
}

async fn order(app: &TestApp, store: &Value, input: Value) -> Value {
    app.as_merchant(CREATE_ORDER, json!({ "s": store, "input": input })).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_orders_against_stock_ten_sell_exactly_ten() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    for round in 0..3 {
        let (product, variant) = product_with_stock(&app, &store, "5.00", 10).await;
        let variables = json!({ "s": store, "input": one_of_each(&[(&variant, 1)]) });
        let attempts = (0..50).map(|_| app.post_graphql(Some(&app.merchant), CREATE_ORDER, variables.clone()));
        let results = futures::future::join_all(attempts).await;
        let mut placed = 0;
        for (status, body) in &results {
            assert_eq!(*status, 200, "{body}");
            match error_codes(body).as_slice() {
                [] => placed += 1,
                [code] => assert_eq!(code, "INSUFFICIENT_STOCK", "round {round}: {body}"),
                other => panic!("round {round}: {other:?}: {body}"),
            }
        }
        assert_eq!(placed, 10, "round {round}");
        assert_eq!(stock_of(&app, &product).await, 0, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_taking_two_products_in_opposite_orders_never_deadlock_and_conserve_stock() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (product_a, a) = product_with_stock(&app, &store, "3.00", 15).await;
    let (product_b, b) = product_with_stock(&app, &store, "4.00", 15).await;
    let forward = json!({ "s": store, "input": one_of_each(&[(&a, 1), (&b, 1)]) });
    let backward = json!({ "s": store, "input": one_of_each(&[(&b, 1), (&a, 1)]) });
    let attempts = (0..24).map(|i| {
        let variables = if i % 2 == 0 { forward.clone() } else { backward.clone() };
        app.post_graphql(Some(&app.merchant), CREATE_ORDER, variables)
    });
    let results = futures::future::join_all(attempts).await;
    let placed = results.iter().filter(|(_, body)| error_codes(body).is_empty()).count();
    for (_, body) in &results {
        let codes = error_codes(body);
        assert!(codes.is_empty() || codes == ["INSUFFICIENT_STOCK"], "{body}");
    }
    assert_eq!(placed, 15);
    let (left_a, left_b) = (stock_of(&app, &product_a).await, stock_of(&app, &product_b).await);
    let sold = |variant: &Value| {
        results
            .iter()
            .filter_map(|(_, body)| body["data"]["createOrder"]["items"].as_array().cloned())
            .flatten()
            .filter(|item| item["variantId"] == *variant)
            .map(|item| item["quantity"].as_i64().expect("quantity"))
            .sum::<i64>()
    };
    assert_eq!((left_a + sold(&a), left_b + sold(&b)), (15, 15), "every unit is in stock or on an order");
    assert_eq!((left_a, left_b), (0, 0));
}

async fn coupon(app: &TestApp, store: &Value, input: Value) -> Value {
    let body = app
        .as_merchant(
            "mutation($s: UUID!, $input: CreateCouponInput!) { createCoupon(storeId: $s, input: $input) { id code uses maximumUses } }",
            json!({ "s": store, "input": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["createCoupon"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_coupon_never_exceeds_its_maximum_uses_under_concurrency() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (_, variant) = product_with_stock(&app, &store, "10.00", 100).await;
    let created =
        coupon(&app, &store, json!({ "code": "three-only", "percentageDecrease": 20, "maximumUses": 3 })).await;
    assert_eq!(created["code"], "THREE-ONLY", "codes are stored upper-case");
    let mut input = one_of_each(&[(&variant, 1)]);
    input["couponCode"] = json!("Three-Only");
    let variables = json!({ "s": store, "input": input });
    let attempts = (0..20).map(|_| app.post_graphql(Some(&app.merchant), CREATE_ORDER, variables.clone()));
    let results = futures::future::join_all(attempts).await;
    let placed: Vec<&Value> = results.iter().map(|(_, b)| b).filter(|b| error_codes(b).is_empty()).collect();
    assert_eq!(placed.len(), 3);
    assert!(placed.iter().all(|b| b["data"]["createOrder"]["discount"] == "2.00"));
    for (_, body) in &results {
        let codes = error_codes(body);
        assert!(codes.is_empty() || codes == ["CONFLICT"], "{body}");
    }
    let uses = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { coupons(first: 100) { nodes { code uses } } } }",
            json!({ "s": store }),
        )
        .await;
    let uses = uses["data"]["store"]["coupons"]["nodes"]
        .as_array()
        .expect("coupons")
        .iter()
        .find(|c| c["code"] == "THREE-ONLY")
        .expect("coupon")["uses"]
        .clone();
    assert_eq!(uses, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idempotent_retry_returns_the_first_order_and_takes_stock_once() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (product, variant) = product_with_stock(&app, &store, "7.50", 10).await;
    let variables = json!({ "s": store, "input": one_of_each(&[(&variant, 2)]), "key": "retry-me-1" });
    let orders_before = count_rows(&app.db, "orders").await;
    let attempts = (0..6).map(|_| app.post_graphql(Some(&app.merchant), CREATE_ORDER, variables.clone()));
    let results = futures::future::join_all(attempts).await;
    let ids: Vec<Value> = results.iter().map(|(_, b)| b["data"]["createOrder"]["id"].clone()).collect();
    assert!(ids[0].is_string(), "{:?}", results[0]);
    assert!(ids.iter().all(|id| *id == ids[0]), "every retry answers the first order: {ids:?}");
    let again = app.as_merchant(CREATE_ORDER, variables.clone()).await;
    assert_eq!(again["data"]["createOrder"]["id"], ids[0]);
    assert_eq!(stock_of(&app, &product).await, 8, "stock taken once");
    assert_eq!(count_rows(&app.db, "orders").await, orders_before + 1);

    let mut different = variables.clone();
    different["input"]["items"][0]["quantity"] = json!(3);
    let reused = app.as_merchant(CREATE_ORDER, different).await;
    assert_eq!(error_codes(&reused), ["CONFLICT"], "{reused}");
    assert_eq!(reused["errors"][0]["extensions"]["details"][0]["field"], "idempotencyKey");
    assert_eq!(stock_of(&app, &product).await, 8);
}

#[tokio::test]
async fn totals_are_exact() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (_, shirt) = product_with_stock(&app, &store, "19.99", 50).await;
    let (_, mug) = product_with_stock(&app, &store, "12.50", 50).await;
    coupon(&app, &store, json!({ "code": "TEN", "percentageDecrease": 10 })).await;
    coupon(&app, &store, json!({ "code": "BIG", "amountDecrease": "500" })).await;
    coupon(&app, &store, json!({ "code": "MUGS", "percentageDecrease": 15, "variantIds": [mug] })).await;

    let mut input = one_of_each(&[(&shirt, 3)]);
    input["couponCode"] = json!("TEN");
    let body = order(&app, &store, input).await;
    let placed = &body["data"]["createOrder"];
    assert_eq!(
        (&placed["subtotal"], &placed["discount"], &placed["total"]),
        (&json!("59.97"), &json!("6.00"), &json!("53.97")),
        "{body}"
    );
    assert_eq!(placed["items"][0]["unitPrice"], "19.99");
    assert_eq!(placed["items"][0]["lineTotal"], "59.97");

    let mut mixed = one_of_each(&[(&shirt, 1), (&mug, 3)]);
    mixed["couponCode"] = json!("MUGS");
    let body = order(&app, &store, mixed).await;
    let placed = &body["data"]["createOrder"];
    // 19.99 + 3 × 12.50 = 57.49; 15 % of the mugs only: 5.625 → 5.63.
    assert_eq!(
        (&placed["subtotal"], &placed["discount"], &placed["total"]),
        (&json!("57.49"), &json!("5.63"), &json!("51.86")),
        "{body}"
    );

    let mut huge = one_of_each(&[(&mug, 2)]);
    huge["couponCode"] = json!("BIG");
    let body = order(&app, &store, huge).await;
    let placed = &body["data"]["createOrder"];
    assert_eq!(
        (&placed["subtotal"], &placed["discount"], &placed["total"]),
        (&json!("25.00"), &json!("25.00"), &json!("0.00")),
        "{body}"
    );
}

const TRANSITIONS: &[(&str, &str)] = &[
    ("confirmOrder", "CONFIRMED"),
    ("shipOrder", "SHIPPED"),
    ("deliverOrder", "DELIVERED"),
    ("cancelOrder", "CANCELLED"),
    ("refundOrder", "REFUNDED"),
];

fn transition_call(mutation: &str) -> String {
    let reason = if matches!(mutation, "cancelOrder" | "refundOrder") { ", reason: \"Test reason\"" } else { "" };
    format!("mutation($id: UUID!) {{ {mutation}(id: $id{reason}) {{ status history {{ from to reason }} }} }}")
}

/// What the DESIGN's machine allows.
fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("PENDING", "CONFIRMED")
            | ("CONFIRMED", "SHIPPED")
            | ("SHIPPED", "DELIVERED")
            | ("PENDING" | "CONFIRMED", "CANCELLED")
            | ("CONFIRMED" | "SHIPPED" | "DELIVERED", "REFUNDED")
    )
}

async fn order_snapshot(app: &TestApp, id: &Value, product: &Value) -> (Value, i64) {
    let order = app
        .as_merchant("query($id: UUID!) { order(id: $id) { status total history { to } } }", json!({ "id": id }))
        .await;
    (order, stock_of(app, product).await)
}

/// A customer of `store` as the merchant sees it, with its balance history.
async fn customer_row(app: &TestApp, store: &Value, id: &Value) -> Value {
    let body = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { customers(search: \"credit@\") { nodes { id balance balanceHistory { amount balanceAfter reason orderId } } } } }",
            json!({ "s": store }),
        )
        .await;
    body["data"]["store"]["customers"]["nodes"]
        .as_array()
        .expect("customers")
        .iter()
        .find(|c| c["id"] == *id)
        .expect("the customer")
        .clone()
}

#[tokio::test]
async fn every_invalid_transition_is_refused_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let (product, variant) = product_with_stock(&app, &store, "1.00", 1000).await;
    // An order in each status, reached through the API.
    let paths: &[&[&str]] = &[
        &[],
        &["confirmOrder"],
        &["confirmOrder", "shipOrder"],
        &["confirmOrder", "shipOrder", "deliverOrder"],
        &["cancelOrder"],
        &["confirmOrder", "refundOrder"],
    ];
    for path in paths {
        let placed = order(&app, &store, one_of_each(&[(&variant, 1)])).await;
        let id = placed["data"]["createOrder"]["id"].clone();
        let mut status = "PENDING".to_owned();
        for step in *path {
            let body = app.as_merchant(&transition_call(step), json!({ "id": id })).await;
            status = body["data"][*step]["status"].as_str().unwrap_or_else(|| panic!("{step}: {body}")).to_owned();
        }
        for (mutation, target) in TRANSITIONS {
            if allowed(&status, target) {
                continue;
            }
            let before = order_snapshot(&app, &id, &product).await;
            let body = app.as_merchant(&transition_call(mutation), json!({ "id": id })).await;
            assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{status} → {target}: {body}");
            assert_eq!(order_snapshot(&app, &id, &product).await, before, "{status} → {target} changed something");
        }
    }
}

#[tokio::test]
async fn cancelling_restocks_and_returns_credit_and_every_step_is_recorded() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let (product, variant) = product_with_stock(&app, &ids.store, "30.00", 5).await;
    let customer = app
        .as_merchant(
            "mutation($s: UUID!) { createCustomer(storeId: $s, input: { email: \"Credit@Example.com\", name: \"Cred\" }) { id email } }",
            json!({ "s": ids.store }),
        )
        .await["data"]["createCustomer"]
        .clone();
    assert_eq!(customer["email"], "credit@example.com");
    let adjusted = app
        .as_merchant(
            "mutation($c: UUID!) { adjustCustomerBalance(id: $c, input: { amount: \"45.50\", reason: \"Goodwill\" }) { balance } }",
            json!({ "c": customer["id"] }),
        )
        .await;
    assert_eq!(adjusted["data"]["adjustCustomerBalance"]["balance"], "45.50", "{adjusted}");

    let input = json!({ "customerEmail": "credit@example.com", "useStoreCredit": true, "items": [{ "productId": product, "quantity": 2 }] });
    let placed = order(&app, &ids.store, input).await["data"]["createOrder"].clone();
    assert_eq!(
        (&placed["subtotal"], &placed["creditUsed"], &placed["total"]),
        (&json!("60.00"), &json!("45.50"), &json!("14.50"))
    );
    assert_eq!(placed["customerId"], customer["id"]);
    assert_eq!(stock_of(&app, &product).await, 3);
    assert_eq!(customer_row(&app, &ids.store, &customer["id"]).await["balance"], "0.00");

    let no_reason = app
        .as_merchant(
            "mutation($id: UUID!) { cancelOrder(id: $id, reason: \"\") { status } }",
            json!({ "id": placed["id"] }),
        )
        .await;
    assert_eq!(error_codes(&no_reason), ["VALIDATION"], "a reason is required");
    let cancelled = app.as_merchant(&transition_call("cancelOrder"), json!({ "id": placed["id"] })).await;
    assert_eq!(cancelled["data"]["cancelOrder"]["status"], "CANCELLED", "{cancelled}");
    assert_eq!(
        cancelled["data"]["cancelOrder"]["history"],
        json!([{ "from": null, "to": "PENDING", "reason": null }, { "from": "PENDING", "to": "CANCELLED", "reason": "Test reason" }])
    );
    assert_eq!(stock_of(&app, &product).await, 5, "the stock is back");
    let after = customer_row(&app, &ids.store, &customer["id"]).await;
    assert_eq!(after["balance"], "45.50", "the credit is back");
    let history: Vec<&str> = after["balanceHistory"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["amount"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(history, ["45.50", "-45.50", "45.50"]);

    // A refund returns the credit but not the stock (the goods left).
    let input = json!({ "customerEmail": "credit@example.com", "useStoreCredit": true, "items": [{ "variantId": variant, "quantity": 1 }] });
    let placed = order(&app, &ids.store, input).await["data"]["createOrder"].clone();
    assert_eq!(placed["creditUsed"], "30.00");
    app.as_merchant(&transition_call("confirmOrder"), json!({ "id": placed["id"] })).await;
    let refunded = app.as_merchant(&transition_call("refundOrder"), json!({ "id": placed["id"] })).await;
    assert_eq!(refunded["data"]["refundOrder"]["status"], "REFUNDED", "{refunded}");
    assert_eq!(customer_row(&app, &ids.store, &customer["id"]).await["balance"], "45.50");
    assert_eq!(stock_of(&app, &product).await, 4);
}

#[tokio::test]
async fn customers_place_and_see_only_their_own_orders() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let customer = app.token(DEMO_CUSTOMER).await;
    let (_, variant) = product_with_stock(&app, &ids.store, "2.00", 10).await;
    let input = json!({ "items": [{ "variantId": variant, "quantity": 1 }] });
    let body = app.graphql_as(&customer, CREATE_ORDER, json!({ "s": ids.store, "input": input })).await;
    let own = &body["data"]["createOrder"];
    assert_eq!(own["customerEmail"], "customer@example.com", "{body}");

    let listing = "query($s: UUID!) { orders(storeId: $s, first: 100) { totalCount nodes { id customerEmail } } }";
    let mine = app.graphql_as(&customer, listing, json!({ "s": ids.store })).await;
    let emails: Vec<Value> = mine["data"]["orders"]["nodes"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["customerEmail"].clone())
        .collect();
    assert!(emails.len() >= 2 && emails.iter().all(|e| e == "customer@example.com"), "{mine}");
    let everyone = app.as_merchant(listing, json!({ "s": ids.store })).await;
    let all = everyone["data"]["orders"]["nodes"].as_array().expect("orders");
    assert!(all.len() > emails.len());
    let someone_else =
        all.iter().find(|o| o["customerEmail"] != "customer@example.com").expect("another buyer's order");
    let hidden = app
        .graphql_as(&customer, "query($id: UUID!) { order(id: $id) { id } }", json!({ "id": someone_else["id"] }))
        .await;
    assert_eq!(hidden["data"], json!({ "order": null }));
    assert!(hidden.get("errors").is_none());
    let cancel = app.graphql_as(&customer, &transition_call("cancelOrder"), json!({ "id": own["id"] })).await;
    assert_eq!(error_codes(&cancel), ["FORBIDDEN"], "customers cannot change orders");
    // Private products are not for sale to customers.
    let private = app
        .as_merchant("query($s: UUID!) { store(id: $s) { products(first: 100, filter: { visibility: PRIVATE }) { nodes { id } } } }", json!({ "s": ids.store }))
        .await["data"]["store"]["products"]["nodes"][0]["id"]
        .clone();
    let input = json!({ "items": [{ "productId": private, "quantity": 1 }] });
    let refused = app.graphql_as(&customer, CREATE_ORDER, json!({ "s": ids.store, "input": input })).await;
    assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
}

#[tokio::test]
async fn bad_order_input_is_refused_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let (product, variant) = product_with_stock(&app, &ids.store, "1.00", 5).await;
    let limited = app
        .as_merchant(
            "mutation($p: UUID!) { createVariant(productId: $p, input: { name: \"Limited\", cost: 1, stock: 50, minimumQuantity: 2, maximumQuantity: 3 }) { id } }",
            json!({ "p": product }),
        )
        .await["data"]["createVariant"]["id"]
        .clone();
    let item = |v: &Value, q: i64| json!({ "variantId": v, "quantity": q });
    let base = json!({ "customerEmail": "someone@example.com", "items": [item(&variant, 1)] });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("items", json!([])), "items"),
        (with("items", Value::Array(vec![item(&variant, 1); 51])), "items"),
        (with("items", json!([item(&variant, 0)])), "items[0].quantity"),
        (with("items", json!([item(&limited, 1)])), "items[0].quantity"),
        (with("items", json!([item(&limited, 4)])), "items[0].quantity"),
        (with("items", json!([{ "productId": product, "variantId": variant, "quantity": 1 }])), "items[0].variantId"),
        (with("items", json!([{ "quantity": 1 }])), "items[0].variantId"),
        (with("items", json!([item(&json!(uuid::Uuid::now_v7()), 1)])), "items[0].variantId"),
        (with("items", json!([{ "variantId": ids.variant, "quantity": 1 }])), "items[0].customFieldValues"),
        (
            with(
                "items",
                json!([{ "variantId": ids.variant, "quantity": 1, "customFieldValues": [{ "identifier": "nope", "value": "x" }] }]),
            ),
            "items[0].customFieldValues[0].identifier",
        ),
        (
            with(
                "items",
                json!([{ "variantId": variant, "quantity": 1, "customFieldValues": [{ "identifier": "x", "value": "y".repeat(1025) }] }]),
            ),
            "items[0].customFieldValues[0].value",
        ),
        (with("customerEmail", json!("not-an-email")), "customerEmail"),
        (with("customerEmail", Value::Null), "customerEmail"),
        (with("customerName", json!("n".repeat(129))), "customerName"),
        (with("couponCode", json!("NO-SUCH-CODE")), "couponCode"),
        (with("couponCode", json!("c".repeat(65))), "couponCode"),
        (with("items", json!([item(&variant, 6)])), "items[0].quantity"),
    ];
    let (orders, customers) = (count_rows(&app.db, "orders").await, count_rows(&app.db, "customers").await);
    for (input, field) in cases {
        let body = order(&app, &ids.store, input.clone()).await;
        let codes = error_codes(&body);
        assert!(codes == ["VALIDATION"] || codes == ["INSUFFICIENT_STOCK"], "{input}: {body}");
        let details = body["errors"][0]["extensions"]["details"].as_array().cloned().unwrap_or_default();
        assert!(details.iter().any(|d| d["field"] == field), "{input} should name {field}: {body}");
    }
    let oversized_key =
        app.as_merchant(CREATE_ORDER, json!({ "s": ids.store, "input": base, "key": "k".repeat(256) })).await;
    assert_eq!(error_codes(&oversized_key), ["VALIDATION"]);
    let missing_items =
        app.as_merchant(CREATE_ORDER, json!({ "s": ids.store, "input": { "customerEmail": "a@example.com" } })).await;
    assert_eq!(error_codes(&missing_items), ["VALIDATION"]);
    assert_eq!((count_rows(&app.db, "orders").await, count_rows(&app.db, "customers").await), (orders, customers));
    assert_eq!(stock_of(&app, &product).await, 5);
}

#[tokio::test]
async fn analytics_are_computed_from_counted_orders() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let orders = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { orders(first: 100) { nodes { status total items { productName quantity lineTotal } } } } }",
            json!({ "s": ids.store }),
        )
        .await["data"]["store"]["orders"]["nodes"]
        .as_array()
        .expect("orders")
        .clone();
    let cents = |v: &Value| -> i64 { v.as_str().expect("decimal").replace('.', "").parse().expect("cents") };
    let counted: Vec<&Value> =
        orders.iter().filter(|o| matches!(o["status"].as_str(), Some("CONFIRMED" | "SHIPPED" | "DELIVERED"))).collect();
    assert!(!counted.is_empty() && counted.len() < orders.len(), "the demo has counted and uncounted orders");
    let revenue: i64 = counted.iter().map(|o| cents(&o["total"])).sum();
    let body = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { analytics(top: 3) { revenue orderCount averageOrderValue topProducts { productName quantity revenue } } } }",
            json!({ "s": ids.store }),
        )
        .await;
    let analytics = &body["data"]["store"]["analytics"];
    assert_eq!(cents(&analytics["revenue"]), revenue, "{body}");
    assert_eq!(analytics["orderCount"].as_u64(), Some(counted.len() as u64));
    let average = (2 * revenue + counted.len() as i64) / (2 * counted.len() as i64);
    assert_eq!(cents(&analytics["averageOrderValue"]), average);
    let top = analytics["topProducts"].as_array().expect("top");
    assert!(!top.is_empty() && top.len() <= 3);
    let revenues: Vec<i64> = top.iter().map(|p| cents(&p["revenue"])).collect();
    assert!(revenues.windows(2).all(|w| w[0] >= w[1]), "by revenue: {revenues:?}");

    let future = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { analytics(from: \"2000-01-01T00:00:00Z\", to: \"2000-02-01T00:00:00Z\") { revenue orderCount averageOrderValue topProducts { productName } } } }",
            json!({ "s": ids.store }),
        )
        .await;
    assert_eq!(
        future["data"]["store"]["analytics"],
        json!({ "revenue": "0.00", "orderCount": 0, "averageOrderValue": "0.00", "topProducts": [] })
    );
    for (range, field) in
        [("from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\"", "to"), ("top: 51", "top"), ("top: -1", "top")]
    {
        let body = app
            .as_merchant(
                &format!("query($s: UUID!) {{ store(id: $s) {{ analytics({range}) {{ revenue }} }} }}"),
                json!({ "s": ids.store }),
            )
            .await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{range}");
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], field);
    }
}

#[tokio::test]
async fn two_racing_komerza_deliveries_of_a_pending_order_take_its_steps_once() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let placed = app
        .as_merchant(
            "mutation($s: UUID!, $v: UUID!) { createOrder(storeId: $s, input: { customerEmail: \"race@example.com\", items: [{ variantId: $v, quantity: 1 }] }) { id } }",
            json!({ "s": ids.store, "v": ids.plain_variant }),
        )
        .await;
    let order = placed["data"]["createOrder"]["id"].as_str().expect("id").to_owned();
    let path = format!("/stores/{}/orders/{order}/deliver", ids.store.as_str().expect("id"));
    let deliver = || app.rest(reqwest::Method::POST, &path, Some(&app.merchant), None);
    let ((a, _), (b, _)) = tokio::join!(deliver(), deliver());
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "one delivery wins, the other changes nothing");
    let uuid: uuid::Uuid = order.parse().expect("uuid");
    let history = format!("order_status_changes WHERE order_id = {}", crate::helpers::uuid_literal(&app.db, uuid));
    assert_eq!(count_rows(&app.db, &history).await, 4, "placed, confirmed, shipped, delivered: once each");
    let events = format!(
        "events WHERE subject_id = {} AND event_type = 'order.delivered'",
        crate::helpers::uuid_literal(&app.db, uuid)
    );
    assert_eq!(count_rows(&app.db, &events).await, 1);
    let early = app.as_merchant("mutation($o: UUID!) { completeOrder(id: $o) { id } }", json!({ "o": order })).await;
    assert_eq!(error_codes(&early), ["INVALID_TRANSITION"], "{early}");
}
