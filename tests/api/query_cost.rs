//! Query cost and depth: reported on every response, enforced before any SQL runs.

use commerce_gateway::limits::CostLimits;
use commerce_gateway::limits::GraphqlOptions;
use serde_json::json;

use crate::helpers::{error_codes, spawn_demo_app, spawn_with, TestDatabase};

const DEEP: &str = "{ stores { products(first: 100) { nodes { name variants { sku name customFields { label options { label value } } } } } } }";

#[tokio::test]
async fn every_response_reports_its_cost() {
    let app = spawn_demo_app().await;
    let body = app.as_merchant("{ stores { name products(first: 2) { nodes { name } } } }", json!({})).await;
    let cost = &body["extensions"]["cost"];
    let requested = cost["requestedQueryCost"].as_u64().expect("requested");
    let actual = cost["actualQueryCost"].as_u64().expect("actual");
    // stores ×5 × (name + products(2 × (nodes ≥ name)))
    assert!(requested >= 10, "{cost}");
    // stores, its name, products, nodes and two names: fewer than budgeted.
    assert_eq!(actual, 6, "{cost}");
    assert!(actual < requested, "{cost}");
    assert_eq!(cost["maxQueryCost"], 25_000);
    assert_eq!(cost["depth"], 4);
    // An alias cannot hide fields from the count.
    for query in ["{ s: stores { name } }", "{ __s: stores { name } }", "{ stores { n: name __typename } }"] {
        let body = app.as_merchant(query, json!({})).await;
        let expected = if query.contains("__typename") { 3 } else { 2 };
        assert_eq!(body["extensions"]["cost"]["actualQueryCost"], expected, "{query}: {body}");
    }
}

#[tokio::test]
async fn an_expensive_query_is_refused_before_any_sql() {
    let app = spawn_demo_app().await;
    let before = app.statements.get();
    let body = app.as_merchant(DEEP, json!({})).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "complexity");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("the limit is 25000"));
    assert!(body["extensions"]["cost"]["requestedQueryCost"].as_u64().expect("cost") > 25_000);
    assert_eq!(app.statements.get(), before, "no SQL ran");
    let smaller = app.as_merchant(&DEEP.replace("first: 100", "first: 10"), json!({})).await;
    assert!(smaller.get("errors").is_none(), "{smaller}");
}

#[tokio::test]
async fn a_deep_query_is_refused_before_any_sql() {
    let app = spawn_with(TestDatabase::new().await, true, |c| {
        c.graphql =
            GraphqlOptions { cost: CostLimits { max_depth: 5, max_complexity: 25_000 }, ..GraphqlOptions::default() }
    })
    .await;
    let before = app.statements.get();
    let body = app.as_merchant(&DEEP.replace("first: 100", "first: 1"), json!({})).await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "depth");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("the limit is 5"));
    assert_eq!(app.statements.get(), before, "no SQL ran");
}

/// An introspection document of the depth schema tools send (GraphiQL, graphql-codegen, Apollo),
/// written here: a type reference nested eight levels under a field's argument.
const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } \
  types { ...FullType } directives { name locations args { ...InputValue } } } } \
  fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } isDeprecated } \
  inputFields { ...InputValue } enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } } \
  fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue } \
  fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name \
  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

#[tokio::test]
async fn introspection_is_not_held_to_the_limits_meant_for_data() {
    let app = crate::helpers::spawn_app().await;
    let body = app.graphql(INTROSPECTION, json!({})).await;
    assert!(body.get("errors").is_none(), "{}", &body.to_string()[..body.to_string().len().min(600)]);
    let depth = body["extensions"]["cost"]["depth"].as_u64().unwrap_or(0);
    assert!(depth > 10, "the document is deeper than the data limit ({depth})");
    let types = body["data"]["__schema"]["types"].as_array().map_or(0, Vec::len);
    assert!(types > 20, "the schema is served: {types} types");

    // Data beside introspection is held to the limits as ever.
    let mixed = INTROSPECTION.replacen("__schema {", "stores { id } __schema {", 1);
    let (status, body) = app.post_graphql(None, &mixed, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["limit"], "depth", "{body}");
}

#[tokio::test]
async fn a_repeated_document_is_checked_again_whenever_its_variables_change() {
    let app = spawn_demo_app().await;
    const PAGE: &str = "query($n: Int!) { stores { products(first: $n) { nodes { name variants { sku name customFields { label options { label value } } } } } } }";
    // Twice each way, so the second of each pair can come from what the first left behind.
    for _ in 0..2 {
        let body = app.as_merchant(PAGE, json!({ "n": 2 })).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(body["extensions"]["cost"]["requestedQueryCost"].as_u64().is_some_and(|c| c < 25_000), "{body}");
        let body = app.as_merchant(PAGE, json!({ "n": 100 })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "the same text with a larger page: {body}");
        assert_eq!(body["errors"][0]["extensions"]["limit"], "complexity", "{body}");
        let body = app.as_merchant(PAGE, json!({ "n": "two" })).await;
        assert!(body["data"].is_null(), "the same text with a wrong value: {body}");
        assert!(error_codes(&body).iter().all(|c| c == "VALIDATION"), "{body}");
        let body = app.as_merchant(PAGE, json!({})).await;
        assert!(body["data"].is_null(), "the same text without its variable: {body}");
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    }
    // A document admitted for a merchant is still held to the policy for a customer.
    let customer = app.token(crate::helpers::DEMO_CUSTOMER).await;
    const SECRET: &str = "{ stores { webhookSecret } }";
    assert!(app.as_merchant(SECRET, json!({})).await.get("errors").is_none());
    assert_eq!(error_codes(&app.graphql_as(&customer, SECRET, json!({})).await), ["FORBIDDEN"]);
}
