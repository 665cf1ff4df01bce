//! One SQL statement per level, whatever the row counts or the timing: generated catalogs of two
//! sizes cost the same number of statements for the same nested query, asked by 16 clients at
//! once, with the production loader settings.

use commerce_gateway::demo::generated::{self, SeedSize};
use commerce_gateway::limits::CostLimits;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, TestDatabase};

const NESTED: &str = "query($first: Int) { stores { id products(first: $first) { totalCount nodes { id
  variants { id customFields { id options { id } } } } } } }";

/// How many clients ask at once.
const CONCURRENT: usize = 16;

/// Seeds `size` for a new merchant and returns the statements one nested query cost, each of
/// [`CONCURRENT`] clients asking at once, after checking every generated row came back to each.
async fn statements_for(size: SeedSize) -> u64 {
    let app = spawn_with(TestDatabase::new().await, false, |c| {
        // Only the cost limit is raised (the answer is big); the loaders keep the production
        // settings, their 1 ms gathering window included.
        c.graphql.cost = CostLimits { max_depth: 10, max_complexity: 10_000_000 };
        // The webhook worker's polls would be counted with the queries' statements.
        c.webhooks.worker = false;
    })
    .await;
    let user =
        commerce_gateway::auth::users::create(&app.db, "scale@example.com", "scale-password").await.expect("user");
    generated::generate(&app.db, user.id, size).await.expect("seed");
    let token = app.token(("scale@example.com", "scale-password")).await;
    app.graphql_as(&token, "{ me { id } }", json!({})).await;

    let before = app.statements.get();
    let asks = (0..CONCURRENT).map(|_| app.graphql_as(&token, NESTED, json!({ "first": size.products })));
    let bodies = futures::future::join_all(asks).await;
    let statements = app.statements.get() - before;
    for body in &bodies {
        assert_every_row(body, size);
    }
    assert_eq!(statements % CONCURRENT as u64, 0, "every request costs the same: {statements} in all");
    statements / CONCURRENT as u64
}

fn assert_every_row(body: &Value, size: SeedSize) {
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doubling_every_count_leaves_the_statement_count_unchanged() {
    // Sizes an unoptimised test build answers 16 times at once on two cores within the pool's
    // 10 s acquire timeout: 1 105 and then 25 410 objects per answer.
    let small = SeedSize { stores: 5, products: 10, variants: 3, fields: 2, options: 2 };
    let large = SeedSize { stores: 10, products: 20, variants: 6, fields: 4, options: 4 };
    let at_small = statements_for(small).await;
    assert_eq!(at_small, 5, "stores, products pages with their counts, variants, custom fields, options");
    assert_eq!(statements_for(large).await, at_small);
}
