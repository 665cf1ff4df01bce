//! Every limit of the catalog inputs, with a wrong, a missing and an oversized value: each is a
//! `VALIDATION` error naming the field, and nothing is written.

use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_demo_app, TestApp};

/// `base` with the value at `path` (`a.b.0.c`) replaced, or removed when `value` is `None`.
fn patched(base: &Value, path: &str, value: Option<Value>) -> Value {
    let mut result = base.clone();
    let segments: Vec<&str> = path.split('.').collect();
    let (last, parents) = segments.split_last().expect("a path");
    let mut target = &mut result;
    for segment in parents {
        target = match segment.parse::<usize>() {
            Ok(index) => &mut target[index],
            Err(_) => &mut target[*segment],
        };
    }
    match (value, last.parse::<usize>()) {
        (Some(value), Ok(index)) => target[index] = value,
        (Some(value), Err(_)) => target[*last] = value,
        (None, _) => {
            target.as_object_mut().expect("an object").remove(*last);
        }
    }
    result
}

fn long(n: usize) -> Value {
    json!("x".repeat(n))
}

fn many(n: usize, item: Value) -> Value {
    Value::Array(vec![item; n])
}

/// A bad value: the input path, the value (`None` = missing) and the field the error names.
struct Bad {
    path: &'static str,
    value: Option<Value>,
    field: &'static str,
}

const fn bad(path: &'static str, value: Option<Value>, field: &'static str) -> Bad {
    Bad { path, value, field }
}

/// Tables whose rows count, to prove a refused write left nothing behind.
const CATALOG_TABLES: &[&str] =
    &["stores", "categories", "category_products", "products", "variants", "custom_fields", "custom_field_options"];

async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in CATALOG_TABLES {
        counts.push(count_rows(&app.db, table).await);
    }
    counts
}

/// Runs `mutation` with `$input` set to each bad variant of `base`; every one must be refused
/// with `VALIDATION` naming its field, writing nothing. `base` itself must succeed afterwards.
async fn assert_refused(app: &TestApp, mutation: &str, variables: Value, base: Value, cases: Vec<Bad>) {
    let before = snapshot(app).await;
    for case in cases {
        let input = patched(&base, case.path, case.value.clone());
        let body = app.as_merchant(mutation, patched(&variables, "input", Some(input))).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{} = {:?}: {body}", case.path, case.value);
        let error = &body["errors"][0];
        // A value its type refuses (missing, not an enum value, not an Int) is named by its path
        // (`variants[0].name`); a rule of the domain by the field (`name`).
        let named = error["extensions"]["details"].as_array().is_some_and(|details| {
            details
                .iter()
                .filter_map(|d| d["field"].as_str())
                .any(|field| field == case.field || field.ends_with(&format!(".{}", case.field)) || field == case.path)
        });
        assert!(named, "{} = {:?} should name {}: {body}", case.path, case.value, case.field);
    }
    assert_eq!(snapshot(app).await, before, "{mutation}: refused writes leave nothing behind");
    let accepted = app.as_merchant(mutation, patched(&variables, "input", Some(base))).await;
    assert!(accepted.get("errors").is_none(), "the valid input is accepted: {accepted}");
}

/// A mutation calling `call` with `$input: input_type!` and, unless empty, the id variable `$id_var`
/// (one of [`DemoCatalog::variables`](crate::helpers::DemoCatalog::variables)); only declared
/// variables are sent, as GraphQL requires every declared variable to be used.
fn operation(call: &str, id_var: &str, input_type: &str) -> String {
    let id = if id_var.is_empty() { String::new() } else { format!("${id_var}: UUID!, ") };
    format!("mutation({id}$input: {input_type}!) {{ {call} {{ id }} }}")
}

fn product() -> Value {
    json!({
        "name": "Valid Product",
        "slug": "valid-product",
        "description": "Fine.",
        "variants": [{
            "name": "Standard",
            "sku": "VALID-1",
            "cost": "9.99",
            "deliveryTypes": ["instructions"],
            "customFields": [{ "label": "Size", "identifier": "size", "type": "SELECT",
                               "options": [{ "label": "Small", "value": "s" }] }]
        }]
    })
}

#[tokio::test]
async fn create_product_refuses_every_bad_value() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let field = json!({ "label": "F", "identifier": "f", "type": "TEXT" });
    let option = json!({ "label": "o", "value": "o" });
    let variant = json!({ "name": "Another", "cost": 1 });
    let cases = vec![
        bad("name", Some(json!("ab")), "name"),
        bad("name", None, "name"),
        bad("name", Some(long(65)), "name"),
        bad("description", Some(json!("")), "description"),
        bad("description", Some(long(16_385)), "description"),
        bad("slug", Some(json!("has space")), "slug"),
        bad("slug", Some(json!("")), "slug"),
        bad("slug", Some(long(73)), "slug"),
        bad("visibility", Some(json!("HIDDEN")), "visibility"),
        bad("order", Some(json!(0)), "order"),
        // Out of Int range: refused before execution, naming the field.
        bad("order", Some(json!(2_147_483_648_i64)), "order"),
        bad("imageNames", Some(json!([""])), "imageNames[0]"),
        bad("imageNames", Some(many(21, json!("a.jpg"))), "imageNames"),
        bad("blacklistedPaymentGateways", Some(many(21, json!("paypal"))), "blacklistedPaymentGateways"),
        bad("blacklistedPaymentGateways", Some(json!([long(65)])), "blacklistedPaymentGateways[0]"),
        bad("metadata", Some(long(10_001)), "metadata"),
        bad("variants", None, "variants"),
        bad("variants", Some(json!([])), "variants"),
        bad("variants", Some(many(51, variant)), "variants"),
        bad("variants.0.name", Some(json!("ab")), "variants[0].name"),
        bad("variants.0.name", None, "name"),
        bad("variants.0.name", Some(long(129)), "variants[0].name"),
        bad("variants.0.sku", Some(json!("has space")), "variants[0].sku"),
        bad("variants.0.sku", Some(long(65)), "variants[0].sku"),
        bad("variants.0.cost", Some(json!(-1)), "variants[0].cost"),
        bad("variants.0.cost", Some(json!("1.001")), "variants[0].cost"),
        bad("variants.0.cost", Some(json!("ten")), "variants[0].cost"),
        bad("variants.0.cost", None, "cost"),
        bad("variants.0.cost", Some(json!("100000.01")), "variants[0].cost"),
        bad("variants.0.stock", Some(json!(-1)), "variants[0].stock"),
        bad("variants.0.stock", Some(json!(2_147_483_648_i64)), "variants[0].stock"),
        bad("variants.0.stockMode", Some(json!("SOMETIMES")), "stockMode"),
        bad("variants.0.type", Some(json!("RENTAL")), "type"),
        bad("variants.0.minimumQuantity", Some(json!(0)), "variants[0].minimumQuantity"),
        bad("variants.0.maximumQuantity", Some(json!(-2)), "variants[0].maximumQuantity"),
        bad("variants.0.order", Some(json!(0)), "variants[0].order"),
        bad("variants.0.deliveryTypes", Some(json!(["email"])), "variants[0].deliveryTypes[0]"),
        bad("variants.0.deliveryTypes", Some(many(6, json!("files"))), "variants[0].deliveryTypes"),
        bad("variants.0.deliveryTypes", Some(json!(["dynamic"])), "variants[0].dynamicUrl"),
        bad("variants.0.dynamicUrl", Some(json!("ftp://example.com")), "variants[0].dynamicUrl"),
        bad("variants.0.dynamicUrl", Some(json!(format!("https://{}", "x".repeat(2041)))), "variants[0].dynamicUrl"),
        bad("variants.0.deliveryMessage", Some(long(4097)), "variants[0].deliveryMessage"),
        bad("variants.0.subscriptionPeriod", Some(json!("month")), "variants[0].subscriptionPeriod"),
        bad("variants.0.type", Some(json!("SUBSCRIPTION")), "variants[0].subscriptionPeriod"),
        bad("variants.0.metadata", Some(long(1001)), "variants[0].metadata"),
        bad("variants.0.imageNames", Some(many(21, json!("a.jpg"))), "variants[0].imageNames"),
        bad("variants.0.customFields", Some(many(26, field.clone())), "variants[0].customFields"),
        bad("variants.0.customFields", Some(json!([field.clone(), field])), "variants[0].customFields[1].identifier"),
        bad("variants.0.customFields.0.label", Some(json!("")), "variants[0].customFields[0].label"),
        bad("variants.0.customFields.0.label", None, "label"),
        bad("variants.0.customFields.0.label", Some(long(129)), "variants[0].customFields[0].label"),
        bad("variants.0.customFields.0.identifier", Some(json!("a b")), "variants[0].customFields[0].identifier"),
        bad("variants.0.customFields.0.identifier", None, "identifier"),
        bad("variants.0.customFields.0.identifier", Some(long(65)), "variants[0].customFields[0].identifier"),
        bad("variants.0.customFields.0.type", Some(json!("DATE")), "type"),
        bad("variants.0.customFields.0.type", Some(json!("TEXT")), "variants[0].customFields[0].options"),
        bad("variants.0.customFields.0.placeholder", Some(long(257)), "variants[0].customFields[0].placeholder"),
        bad("variants.0.customFields.0.hint", Some(long(513)), "variants[0].customFields[0].hint"),
        bad("variants.0.customFields.0.order", Some(json!(-1)), "variants[0].customFields[0].order"),
        bad("variants.0.customFields.0.options", Some(many(101, option)), "variants[0].customFields[0].options"),
        bad(
            "variants.0.customFields.0.options.0.label",
            Some(json!("")),
            "variants[0].customFields[0].options[0].label",
        ),
        bad(
            "variants.0.customFields.0.options.0.label",
            Some(long(129)),
            "variants[0].customFields[0].options[0].label",
        ),
        bad("variants.0.customFields.0.options.0.value", None, "value"),
        bad(
            "variants.0.customFields.0.options.0.value",
            Some(long(65)),
            "variants[0].customFields[0].options[0].value",
        ),
        bad(
            "variants.0.customFields.0.options.0.order",
            Some(json!(-1)),
            "variants[0].customFields[0].options[0].order",
        ),
    ];
    let mutation =
        "mutation($s: UUID!, $input: CreateProductInput!) { createProduct(storeId: $s, input: $input) { id } }";
    assert_refused(&app, mutation, json!({ "s": ids.store }), product(), cases).await;
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let input = patched(&patched(&product(), "name", Some(json!("ab"))), "variants.0.cost", Some(json!(-5)));
    let body = app
        .as_merchant(
            "mutation($s: UUID!, $input: CreateProductInput!) { createProduct(storeId: $s, input: $input) { id } }",
            json!({ "s": ids.store, "input": input }),
        )
        .await;
    let fields: Vec<&str> = body["errors"][0]["extensions"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "variants[0].cost"], "{body}");
    assert_eq!(body["data"], Value::Null);
}

#[tokio::test]
async fn updates_refuse_bad_values_on_every_catalog_row() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let tables: Vec<(String, Value, Vec<Bad>)> = vec![
        (
            operation("updateProduct(id: $p, input: $input)", "p", "UpdateProductInput"),
            json!({ "name": "Renamed product" }),
            vec![
                bad("name", Some(json!("ab")), "name"),
                bad("name", Some(long(65)), "name"),
                bad("slug", Some(json!("a/b")), "slug"),
                bad("description", Some(long(16_385)), "description"),
                bad("visibility", Some(json!(3)), "visibility"),
            ],
        ),
        (
            operation("updateVariant(id: $v, input: $input)", "v", "UpdateVariantInput"),
            json!({ "cost": 12.5 }),
            vec![
                bad("cost", Some(json!(-0.01)), "cost"),
                bad("cost", Some(json!(100_001)), "cost"),
                bad("name", Some(long(129)), "name"),
                bad("stock", Some(json!(-3)), "stock"),
                bad("deliveryTypes", Some(json!(["files", "files"])), "deliveryTypes[1]"),
            ],
        ),
        (
            operation("updateCustomField(id: $f, input: $input)", "f", "UpdateCustomFieldInput"),
            json!({ "label": "Finish" }),
            vec![
                bad("label", Some(json!("")), "label"),
                bad("label", Some(long(129)), "label"),
                bad("identifier", Some(json!("no spaces please")), "identifier"),
                bad("type", Some(json!("TEXT")), "type"),
            ],
        ),
        (
            operation("updateCustomFieldOption(id: $o, input: $input)", "o", "UpdateCustomFieldOptionInput"),
            json!({ "value": "matte" }),
            vec![
                bad("value", Some(json!("")), "value"),
                bad("value", Some(long(65)), "value"),
                bad("order", Some(json!(-1)), "order"),
            ],
        ),
        (
            operation("updateCategory(id: $c, input: $input)", "c", "UpdateCategoryInput"),
            json!({ "name": "Renamed category" }),
            vec![
                bad("name", Some(json!("")), "name"),
                bad("name", Some(long(65)), "name"),
                bad("slug", Some(json!("white space")), "slug"),
                bad("order", Some(json!(-1)), "order"),
            ],
        ),
        (
            operation("updateStore(id: $s, input: $input)", "s", "UpdateStoreInput"),
            json!({ "name": "Renamed store" }),
            vec![
                bad("name", Some(json!("ab")), "name"),
                bad("name", Some(long(33)), "name"),
                bad("description", Some(long(4097)), "description"),
                bad("currencyCode", Some(json!("usd")), "currencyCode"),
                bad("currencyCode", Some(json!("EURO")), "currencyCode"),
                bad("url", Some(json!("a b c")), "url"),
                bad("maintenanceReason", Some(long(513)), "maintenanceReason"),
            ],
        ),
    ];
    for (mutation, base, cases) in tables {
        assert_refused(&app, &mutation, ids.variables(), base, cases).await;
    }
    // A missing id is refused by the GraphQL layer before anything runs.
    let body = app.as_merchant("mutation { updateProduct(input: { name: \"abc\" }) { id } }", json!({})).await;
    assert_eq!(error_codes(&body), ["VALIDATION"]);
}

#[tokio::test]
async fn creates_of_stores_categories_variants_fields_and_options_refuse_bad_values() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let unknown = json!(uuid::Uuid::now_v7());
    let tables: Vec<(String, Value, Vec<Bad>)> = vec![
        (
            operation("createStore(input: $input)", "", "CreateStoreInput"),
            json!({ "name": "Valid Store" }),
            vec![
                bad("name", Some(json!("ab")), "name"),
                bad("name", None, "name"),
                bad("name", Some(long(33)), "name"),
                bad("url", Some(json!("ab")), "url"),
                bad("url", Some(long(33)), "url"),
                bad("currencyCode", Some(json!("12$")), "currencyCode"),
                bad("description", Some(long(4097)), "description"),
            ],
        ),
        (
            operation("createCategory(storeId: $s, input: $input)", "s", "CreateCategoryInput"),
            json!({ "name": "Valid Category" }),
            vec![
                bad("name", Some(json!("")), "name"),
                bad("name", None, "name"),
                bad("name", Some(long(65)), "name"),
                bad("slug", Some(json!("?")), "slug"),
                bad("order", Some(json!(-1)), "order"),
                bad("productIds", Some(json!([unknown])), "productIds"),
                bad("productIds", Some(json!([ids.product, ids.product])), "productIds"),
                bad("productIds", Some(many(1001, json!(ids.product))), "productIds"),
            ],
        ),
        (
            operation("createVariant(productId: $p, input: $input)", "p", "VariantInput"),
            json!({ "name": "Valid Variant", "cost": 3 }),
            vec![
                bad("name", Some(json!("ab")), "name"),
                bad("name", None, "name"),
                bad("cost", Some(json!(100_000.5)), "cost"),
                bad("maximumQuantity", Some(json!(0)), "maximumQuantity"),
            ],
        ),
        (
            operation("createCustomField(variantId: $v, input: $input)", "v", "CustomFieldInput"),
            json!({ "label": "Gift note", "identifier": "gift_note", "type": "TEXTAREA" }),
            vec![
                bad("label", Some(json!("")), "label"),
                bad("identifier", None, "identifier"),
                bad("hint", Some(long(513)), "hint"),
            ],
        ),
        (
            operation("createCustomFieldOption(customFieldId: $f, input: $input)", "f", "CustomFieldOptionInput"),
            json!({ "label": "Gold", "value": "gold" }),
            vec![
                bad("label", Some(long(129)), "label"),
                bad("value", None, "value"),
                bad("value", Some(json!("")), "value"),
            ],
        ),
    ];
    for (mutation, base, cases) in tables {
        assert_refused(&app, &mutation, ids.variables(), base, cases).await;
    }
}

#[tokio::test]
async fn a_currency_must_be_a_current_one_and_prices_are_limited_in_currency_units() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    const CREATE: &str =
        "mutation($c: String!) { createStore(input: { name: \"Valid Store\", currencyCode: $c }) { id } }";
    let stores = crate::helpers::count_rows(&app.db, "stores").await;
    let long = "U".repeat(1000);
    for (code, says) in [
        ("XYZ", "ISO 4217"),
        ("usd", "ISO 4217"),
        ("", "ISO 4217"),
        (long.as_str(), "ISO 4217"),
        ("XAU", "not a currency goods are priced in"),
        ("XTS", "not a currency goods are priced in"),
        ("VES", "was replaced by VED"),
    ] {
        let body = app.as_merchant(CREATE, json!({ "c": code })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{code}: {body}");
        let detail = &body["errors"][0]["extensions"]["details"][0];
        assert_eq!(detail["field"], "currencyCode", "{body}");
        assert!(detail["message"].as_str().is_some_and(|m| m.contains(says)), "{code}: {body}");
    }
    assert_eq!(crate::helpers::count_rows(&app.db, "stores").await, stores, "nothing was written");
    for code in ["EUR", "JPY", "CHF", "USD"] {
        let body = app
            .as_merchant(
                "mutation($s: UUID!, $c: String!) { updateStore(id: $s, input: { currencyCode: $c }) { currencyCode } }",
                json!({ "s": ids.store, "c": code }),
            )
            .await;
        assert_eq!(body["data"]["updateStore"]["currencyCode"], code, "{body}");
    }

    let body = app
        .as_merchant(
            "mutation($p: UUID!) { createVariant(productId: $p, input: { name: \"Dear Variant\", cost: 100000.01 }) { id } }",
            json!({ "p": ids.product }),
        )
        .await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    let detail = &body["errors"][0]["extensions"]["details"][0];
    assert_eq!(
        (detail["field"].as_str(), detail["message"].as_str()),
        (Some("cost"), Some("must be between 0.00 and 100000.00"))
    );
}
