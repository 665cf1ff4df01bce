//! Tenant walls: another store's rows answer exactly as rows that do not exist, on every path of
//! the SDL that returns a store-owned type; customers see only what they may buy.

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use serde_json::{json, Value};

use crate::helpers::{error_codes, spawn_demo_app, TestApp, DEMO_CUSTOMER, RIVAL_MERCHANT};

const STORE_OWNED: &[&str] = &["Store", "Product", "Variant", "CustomField", "CustomFieldOption", "ProductConnection"];
/// Root fields returning store-owned types, each covered by a test below.
const TESTED_ROOTS: &[&str] = &["stores", "store", "product", "productBySlug"];

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

const PATHS: &str = "query($s: UUID!, $p: UUID!) {
  store(id: $s) { id name products(first: 5) { totalCount nodes { id } } }
  product(id: $p) { id name variants { id customFields { id options { id } } } }
  productBySlug(storeId: $s, slug: \"ceramic-mug\") { id name }
}";

#[tokio::test]
async fn another_merchant_sees_other_stores_as_missing() {
    let app = spawn_demo_app().await;
    let (store, product, _) = demo_ids(&app).await;
    let rival_session = app.token(RIVAL_MERCHANT).await;
    let rival_key = app.api_key(&rival_session, commerce_gateway::auth::scope::ALL, None).await;
    let nowhere = json!({ "s": uuid::Uuid::now_v7(), "p": uuid::Uuid::now_v7() });
    for token in [&rival_session, &rival_key] {
        let foreign = app.graphql_as(token, PATHS, json!({ "s": store, "p": product })).await;
        let missing = app.graphql_as(token, PATHS, nowhere.clone()).await;
        assert_eq!(foreign["data"], json!({ "store": null, "product": null, "productBySlug": null }));
        assert!(foreign.get("errors").is_none());
        assert_eq!(foreign, missing, "a foreign id answers exactly like a missing one");
        let stores = app.graphql_as(token, "{ stores { name } }", json!({})).await;
        assert_eq!(stores["data"]["stores"], json!([{ "name": "Rival Store" }]));
    }
    let own = app.as_merchant(PATHS, json!({ "s": store, "p": product })).await;
    assert!(own["data"]["store"]["id"].is_string() && own["data"]["product"]["id"].is_string(), "{own}");
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
