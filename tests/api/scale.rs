//! One SQL statement per level, whatever the row counts: generated catalogs of two sizes cost the
//! same number of statements for the same nested query.

use commerce_gateway::demo::generated::{self, SeedSize};
use commerce_gateway::limits::CostLimits;
use commerce_gateway::limits::GraphqlOptions;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, TestDatabase};

const NESTED: &str = "query($first: Int) { stores { id products(first: $first) { totalCount nodes { id
  variants { id customFields { id options { id } } } } } } }";

/// Seeds `size` for a new merchant and returns the statements the nested query cost, after
/// checking every generated row came back.
async fn statements_for(size: SeedSize) -> u64 {
    let app = spawn_with(TestDatabase::new().await, false, |c| {
        c.graphql = GraphqlOptions {
            cost: CostLimits { max_depth: 10, max_complexity: 10_000_000 },
            // An unoptimised test build, sharing two cores with the database, takes about a
            // second (not the default 1 ms) to enqueue the tens of thousands of keys of one
            // level; give it time so each level is one batch.
            batch_delay: std::time::Duration::from_secs(2),
            ..GraphqlOptions::default()
        };
    })
    .await;
    let user =
        commerce_gateway::auth::users::create(&app.db, "scale@example.com", "scale-password").await.expect("user");
    generated::generate(&app.db, user.id, size).await.expect("seed");
    let token = app.token(("scale@example.com", "scale-password")).await;
    app.graphql_as(&token, "{ me { id } }", json!({})).await;

    let before = app.statements.get();
    let body = app.graphql_as(&token, NESTED, json!({ "first": size.products })).await;
    let statements = app.statements.get() - before;
    assert!(body.get("errors").is_none(), "{body}");

    let stores = body["data"]["stores"].as_array().expect("stores");
    let products: Vec<&Value> = stores.iter().flat_map(|s| s["products"]["nodes"].as_array().expect("nodes")).collect();
    let variants: Vec<&Value> = products.iter().flat_map(|p| p["variants"].as_array().expect("variants")).collect();
    let fields: Vec<&Value> = variants.iter().flat_map(|v| v["customFields"].as_array().expect("fields")).collect();
    let options = fields.iter().map(|f| f["options"].as_array().expect("options").len()).sum::<usize>();
    assert_eq!(stores.len(), size.stores);
    assert_eq!(products.len(), size.stores * size.products);
    assert_eq!(variants.len(), products.len() * size.variants);
    assert_eq!(fields.len(), variants.len() * size.fields);
    assert_eq!(options, fields.len() * size.options);
    statements
}

#[tokio::test]
async fn doubling_every_count_leaves_the_statement_count_unchanged() {
    let small = SeedSize { stores: 10, products: 20, variants: 3, fields: 2, options: 2 };
    let large = SeedSize { stores: 20, products: 40, variants: 6, fields: 4, options: 4 };
    let at_small = statements_for(small).await;
    assert_eq!(at_small, 6, "stores, products page, product counts, variants, custom fields, options");
    assert_eq!(statements_for(large).await, at_small);
}
