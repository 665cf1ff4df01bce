//! Tenant walls: another store's rows answer exactly as rows that do not exist, on every path of
//! the SDL that returns a store-owned type; customers see only what they may buy.

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use serde_json::{json, Value};

use crate::helpers::{error_codes, spawn_demo_app, TestApp, DEMO_CUSTOMER, RIVAL_MERCHANT};

const STORE_OWNED: &[&str] = &[
    "Store",
    "Product",
    "Variant",
    "CustomField",
    "CustomFieldOption",
    "ProductConnection",
    "Category",
    "CategoryConnection",
    "Customer",
    "Coupon",
];
/// Root fields returning store-owned types, each covered by a test below.
const TESTED_ROOTS: &[&str] =
    &["stores", "store", "product", "productBySlug", "order", "orders", "category", "customer", "coupon"];

fn named_type(ty: &str) -> &str {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

#[test]
fn every_root_path_to_store_owned_data_is_tested() {
    let document = async_graphql::parser::parse_schema(commerce_gateway::graphql::sdl()).expect("SDL");
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        if definition.node.name.node != "Query" {
            continue;
        }
        let TypeKind::Object(query) = &definition.node.kind else { continue };
        for field in &query.fields {
            let returns = field.node.ty.node.to_string();
            if STORE_OWNED.contains(&named_type(&returns)) {
                let name = field.node.name.node.as_str();
                assert!(TESTED_ROOTS.contains(&name), "Query.{name} returns {returns}: add it to the tenancy tests");
            }
        }
    }
}

async fn demo_ids(app: &TestApp) -> (Value, Value, Value) {
    let body =
        app.as_merchant("{ stores { id products(first: 100) { nodes { id name visibility } } } }", json!({})).await;
    let store = &body["data"]["stores"][0];
    let products = store["products"]["nodes"].as_array().expect("products");
    let public = products.iter().find(|p| p["visibility"] == "PUBLIC").expect("a public product")["id"].clone();
    let private = products.iter().find(|p| p["visibility"] == "PRIVATE").expect("a private product")["id"].clone();
    (store["id"].clone(), public, private)
}

const PATHS: &str = "query($s: UUID!, $p: UUID!, $or: UUID!, $c: UUID!, $cu: UUID!, $cp: UUID!) {
  category(id: $c) { id name }
  customer(id: $cu) { id email }
  coupon(id: $cp) { id code }
  store(id: $s) { id name products(first: 5) { totalCount nodes { id } } }
  product(id: $p) { id name variants { id customFields { id options { id } } } }
  productBySlug(storeId: $s, slug: \"ceramic-mug\") { id name }
  order(id: $or) { id total }
  orders(storeId: $s) { totalCount }
}";

#[tokio::test]
async fn another_merchant_sees_other_stores_as_missing() {
    let app = spawn_demo_app().await;
    let (store, product, _) = demo_ids(&app).await;
    let catalog = crate::helpers::demo_catalog(&app, &app.merchant).await;
    let order = catalog.orders[0].clone();
    let ours = json!({ "s": store, "p": product, "or": order, "c": catalog.category, "cu": catalog.customer, "cp": catalog.coupon });
    let rival_session = app.token(RIVAL_MERCHANT).await;
    let rival_key = app.api_key(&rival_session, commerce_gateway::auth::scope::ALL, None).await;
    let fresh = || uuid::Uuid::now_v7();
    let nowhere = json!({ "s": fresh(), "p": fresh(), "or": fresh(), "c": fresh(), "cu": fresh(), "cp": fresh() });
    for token in [&rival_session, &rival_key] {
        let foreign = app.graphql_as(token, PATHS, ours.clone()).await;
        let missing = app.graphql_as(token, PATHS, nowhere.clone()).await;
        assert_eq!(
            foreign["data"],
            json!({ "store": null, "product": null, "productBySlug": null, "order": null, "orders": null,
                    "category": null, "customer": null, "coupon": null })
        );
        assert!(foreign.get("errors").is_none());
        assert_eq!(foreign, missing, "a foreign id answers exactly like a missing one");
        let stores = app.graphql_as(token, "{ stores { name } }", json!({})).await;
        assert_eq!(stores["data"]["stores"], json!([{ "name": "Rival Store" }]));
    }
    let own = app.as_merchant(PATHS, ours).await;
    assert!(own["data"]["store"]["id"].is_string() && own["data"]["product"]["id"].is_string(), "{own}");
    for root in ["category", "customer", "coupon"] {
        assert!(own["data"][root]["id"].is_string(), "{root}: {own}");
    }
    assert_eq!(own["data"]["productBySlug"]["name"], "Ceramic Mug");
}

#[tokio::test]
async fn customers_see_buyable_products_of_their_stores_only() {
    let app = spawn_demo_app().await;
    let (store, public, private) = demo_ids(&app).await;
    let rival = app.token(RIVAL_MERCHANT).await;
    let rival_product = app.graphql_as(&rival, "{ stores { products(first: 1) { nodes { id } } } }", json!({})).await
        ["data"]["stores"][0]["products"]["nodes"][0]["id"]
        .clone();
    let customer = app.token(DEMO_CUSTOMER).await;
    const PRODUCT: &str = "query($p: UUID!) { product(id: $p) { name variants { sku cost } } }";

    let visible = app.graphql_as(&customer, PRODUCT, json!({ "p": public })).await;
    assert!(visible["data"]["product"]["name"].is_string(), "{visible}");
    for hidden in [private, rival_product] {
        let body = app.graphql_as(&customer, PRODUCT, json!({ "p": hidden })).await;
        assert_eq!(body["data"], json!({ "product": null }));
        assert!(body.get("errors").is_none());
    }
    let stores = app.graphql_as(&customer, "query($s: UUID!) { store(id: $s) { name } }", json!({ "s": store })).await;
    assert_eq!(error_codes(&stores), ["FORBIDDEN"], "customers hold no stores.view: {stores}");
}

/// Every mutation that names a store-owned row, with the variables it takes from a
/// [`DemoCatalog`](crate::helpers::DemoCatalog).
const WRITES: &[(&str, &str)] = &[
    ("updateStore", "mutation($s: UUID!) { updateStore(id: $s, input: { name: \"Taken over\" }) { id } }"),
    ("deleteStore", "mutation($s: UUID!) { deleteStore(id: $s) }"),
    ("createCategory", "mutation($s: UUID!) { createCategory(storeId: $s, input: { name: \"Intruder\" }) { id } }"),
    ("updateCategory", "mutation($c: UUID!) { updateCategory(id: $c, input: { name: \"Intruder\" }) { id } }"),
    ("deleteCategory", "mutation($c: UUID!) { deleteCategory(id: $c) }"),
    ("setCategoryProducts", "mutation($c: UUID!) { setCategoryProducts(categoryId: $c, productIds: []) { id } }"),
    (
        "createProduct",
        "mutation($s: UUID!) { createProduct(storeId: $s, input: { name: \"Intruder\", variants: [{ name: \"Intruder\", cost: 1 }] }) { id } }",
    ),
    ("updateProduct", "mutation($p: UUID!) { updateProduct(id: $p, input: { name: \"Intruder\" }) { id } }"),
    ("deleteProduct", "mutation($p: UUID!) { deleteProduct(id: $p) }"),
    ("duplicateProduct", "mutation($p: UUID!) { duplicateProduct(id: $p) { id } }"),
    ("reorderProducts", "mutation($s: UUID!, $p: UUID!) { reorderProducts(storeId: $s, productIds: [$p]) { id } }"),
    ("reorderVariants", "mutation($p: UUID!, $v: UUID!) { reorderVariants(productId: $p, variantIds: [$v]) { id } }"),
    ("createVariant", "mutation($p: UUID!) { createVariant(productId: $p, input: { name: \"Intruder\", cost: 1 }) { id } }"),
    ("updateVariant", "mutation($v: UUID!) { updateVariant(id: $v, input: { stock: 0 }) { id } }"),
    ("deleteVariant", "mutation($v: UUID!) { deleteVariant(id: $v) }"),
    (
        "createCustomField",
        "mutation($v: UUID!) { createCustomField(variantId: $v, input: { label: \"x\", identifier: \"x\", type: TEXT }) { id } }",
    ),
    ("updateCustomField", "mutation($f: UUID!) { updateCustomField(id: $f, input: { label: \"x\" }) { id } }"),
    ("deleteCustomField", "mutation($f: UUID!) { deleteCustomField(id: $f) }"),
    (
        "createCustomFieldOption",
        "mutation($f: UUID!) { createCustomFieldOption(customFieldId: $f, input: { label: \"x\", value: \"x\" }) { id } }",
    ),
    ("updateCustomFieldOption", "mutation($o: UUID!) { updateCustomFieldOption(id: $o, input: { label: \"x\" }) { id } }"),
    ("deleteCustomFieldOption", "mutation($o: UUID!) { deleteCustomFieldOption(id: $o) }"),
    ("addVariantFile", "mutation($v: UUID!) { addVariantFile(variantId: $v, friendlyName: \"x.pdf\") { id } }"),
    ("deleteVariantFile", "mutation($fl: UUID!) { deleteVariantFile(id: $fl) }"),
    ("createCustomer", "mutation($s: UUID!) { createCustomer(storeId: $s, input: { email: \"x@example.com\" }) { id } }"),
    ("updateCustomer", "mutation($cu: UUID!) { updateCustomer(id: $cu, input: { name: \"x\" }) { id } }"),
    (
        "adjustCustomerBalance",
        "mutation($cu: UUID!) { adjustCustomerBalance(id: $cu, input: { amount: 100, reason: \"x\" }) { id } }",
    ),
    ("createCoupon", "mutation($s: UUID!) { createCoupon(storeId: $s, input: { code: \"X\", percentageDecrease: 100 }) { id } }"),
    ("updateCoupon", "mutation($cp: UUID!) { updateCoupon(id: $cp, input: { percentageDecrease: 100 }) { id } }"),
    ("deleteCoupon", "mutation($cp: UUID!) { deleteCoupon(id: $cp) }"),
    (
        "createOrder",
        "mutation($s: UUID!, $v: UUID!) { createOrder(storeId: $s, input: { customerEmail: \"x@example.com\", items: [{ variantId: $v, quantity: 1 }] }) { id } }",
    ),
    ("confirmOrder", "mutation($or: UUID!) { confirmOrder(id: $or) { id } }"),
    ("shipOrder", "mutation($or2: UUID!) { shipOrder(id: $or2) { id } }"),
    ("deliverOrder", "mutation($or: UUID!) { deliverOrder(id: $or) { id } }"),
    ("cancelOrder", "mutation($or: UUID!) { cancelOrder(id: $or, reason: \"x\") { id } }"),
    ("refundOrder", "mutation($or2: UUID!) { refundOrder(id: $or2, reason: \"x\") { id } }"),
    ("completeOrder", "mutation($or: UUID!) { completeOrder(id: $or) { id } }"),
    (
        "openTicket",
        "mutation($s: UUID!, $cu: UUID!) { openTicket(storeId: $s, input: { customerId: $cu, subject: \"x\", message: \"x\" }) { id } }",
    ),
    ("replyToTicket", "mutation($tk: UUID!) { replyToTicket(id: $tk, message: \"x\") { id } }"),
    ("closeTicket", "mutation($tk: UUID!) { closeTicket(id: $tk) { id } }"),
    ("archiveTicket", "mutation($tk: UUID!) { archiveTicket(id: $tk) { id } }"),
    ("deleteTicket", "mutation($tk: UUID!) { deleteTicket(id: $tk) }"),
    ("replyToReview", "mutation($rv: UUID!) { replyToReview(id: $rv, reply: \"x\") { id } }"),
    ("flagReview", "mutation($rv: UUID!) { flagReview(id: $rv, reason: \"x\") { id } }"),
    ("unflagReview", "mutation($rv: UUID!) { unflagReview(id: $rv) { id } }"),
    ("createAffiliate", "mutation($s: UUID!, $cu: UUID!) { createAffiliate(storeId: $s, input: { customerId: $cu }) { id } }"),
    ("updateAffiliate", "mutation($af: UUID!) { updateAffiliate(id: $af, input: { code: \"STOLEN\" }) { id } }"),
    ("convertAffiliateBalance", "mutation($af: UUID!) { convertAffiliateBalance(id: $af) { id } }"),
    (
        "updateStoreBrandOptions",
        "mutation($s: UUID!) { updateStoreBrandOptions(storeId: $s, input: { accentColor: \"#000000\" }) { id } }",
    ),
    (
        "updateNotificationOptions",
        "mutation($s: UUID!) { updateNotificationOptions(storeId: $s, input: { discordWebhookUrl: \"https://evil.example\" }) { id } }",
    ),
    (
        "updateAffiliateOptions",
        "mutation($s: UUID!) { updateAffiliateOptions(storeId: $s, input: { isEnabled: false }) { isEnabled } }",
    ),
];

/// Mutations only customer sessions may call, walled by their own tests (`reviews.rs`: another
/// customer's line is refused).
const CUSTOMER_MUTATIONS: &[&str] = &["createReview"];

/// Mutations that name no store-owned row.
/// (API keys and webhook endpoints are the account's; `api_keys.rs` and `webhooks.rs` wall
/// them.)
const ACCOUNT_MUTATIONS: &[&str] = &[
    "login",
    "refreshSession",
    "logout",
    "createApiKey",
    "updateApiKey",
    "revokeApiKey",
    "createStore",
    "createWebhook",
    "updateWebhook",
    "deleteWebhook",
    "rotateWebhookSecret",
    "sendTestWebhook",
    "resendWebhookDelivery",
];

#[test]
fn every_mutation_is_covered_by_the_tenancy_tests() {
    let document = async_graphql::parser::parse_schema(commerce_gateway::graphql::sdl()).expect("SDL");
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        if definition.node.name.node != "Mutation" {
            continue;
        }
        let TypeKind::Object(mutation) = &definition.node.kind else { continue };
        for field in &mutation.fields {
            let name = field.node.name.node.as_str();
            assert!(
                ACCOUNT_MUTATIONS.contains(&name)
                    || CUSTOMER_MUTATIONS.contains(&name)
                    || WRITES.iter().any(|(w, _)| *w == name),
                "Mutation.{name}: add it to WRITES"
            );
        }
    }
}

async fn catalog_snapshot(app: &TestApp) -> Value {
    app.as_merchant(
        "{ stores { name categories { nodes { name products { nodes { id } } } } products(first: 30) { nodes { name order variants { stock order files { friendlyName } customFields { label options { label } } } } }
           customers(first: 50) { nodes { email name balance } } coupons { nodes { code percentageDecrease uses } } orders(first: 50) { nodes { status history { to } } }
           tickets(filter: { includeArchived: true }) { nodes { status messageCount isArchived } }
           reviews: products(first: 50) { nodes { reviews { nodes { reply isFlagged flagReason } } } }
           affiliateOptions { isEnabled defaultReturnPercentage } storeBrandOptions { accentColor }
           notificationOptions { discordWebhookUrl } } }",
        json!({}),
    )
    .await
}

#[tokio::test]
async fn another_merchant_cannot_change_anything_in_other_stores() {
    let app = spawn_demo_app().await;
    let ids = crate::helpers::demo_catalog(&app, &app.merchant).await;
    let before = catalog_snapshot(&app).await;
    let rival_session = app.token(RIVAL_MERCHANT).await;
    let rival_key = app.api_key(&rival_session, commerce_gateway::auth::scope::ALL, None).await;
    let nowhere: Value = ["s", "p", "v", "f", "o", "c", "cu", "cp", "or", "or2", "tk", "rv", "af", "fl"]
        .iter()
        .map(|k| (k.to_string(), json!(uuid::Uuid::now_v7())))
        .collect::<serde_json::Map<_, _>>()
        .into();
    for token in [&rival_session, &rival_key] {
        for (name, mutation) in WRITES {
            if *name == "deleteStore" && token == &rival_key {
                continue; // needs a session; keys are refused before tenancy (see the policy tests)
            }
            let foreign = app.graphql_as(token, mutation, ids.variables()).await;
            assert_eq!(error_codes(&foreign), ["NOT_FOUND"], "{name}: {foreign}");
            let missing = app.graphql_as(token, mutation, nowhere.clone()).await;
            assert_eq!(
                foreign["errors"][0]["message"], missing["errors"][0]["message"],
                "{name}: same answer as a missing id"
            );
        }
    }
    assert_eq!(catalog_snapshot(&app).await, before, "nothing changed");
}
