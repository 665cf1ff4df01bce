//! GRAPHQL_MAX_IN_FLIGHT: operations beyond it wait for a turn (their answers' memory is bounded
//! by it), and each still gets its whole answer.

use commerce_gateway::demo::generated::{self, SeedSize};
use commerce_gateway::limits::CostLimits;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, TestApp, TestDatabase};

const NESTED: &str =
    "{ stores { products(first: 10) { totalCount nodes { id variants { id customFields { options { id } } } } } } }";

/// A gauge of `/metrics`.
async fn gauge(app: &TestApp, name: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.expect("metrics");
    let line = text.lines().find(|line| line.starts_with(&format!("{name} "))).expect("the gauge");
    line[name.len() + 1..].parse().expect("a number")
}

async fn app_with(max_in_flight: usize) -> (TestApp, String) {
    let app = spawn_with(TestDatabase::new().await, false, move |c| {
        c.graphql.max_in_flight = max_in_flight;
        c.graphql.cost = CostLimits { max_depth: 10, max_complexity: 10_000_000 };
        c.webhooks.worker = false;
    })
    .await;
    let user =
        commerce_gateway::auth::users::create(&app.db, "turns@example.com", "turns-password").await.expect("user");
    let size = SeedSize { stores: 4, products: 10, variants: 3, fields: 2, options: 2 };
    generated::generate(&app.db, user.id, size).await.expect("seed");
    let token = app.token(("turns@example.com", "turns-password")).await;
    (app, token)
}

fn options_in(body: &Value) -> usize {
    assert!(body.get("errors").is_none(), "{body}");
    let stores = body["data"]["stores"].as_array().expect("stores");
    stores
        .iter()
        .flat_map(|s| s["products"]["nodes"].as_array().expect("nodes"))
        .flat_map(|p| p["variants"].as_array().expect("variants"))
        .flat_map(|v| v["customFields"].as_array().expect("fields"))
        .map(|f| f["options"].as_array().expect("options").len())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_beyond_the_limit_wait_their_turn_and_get_their_whole_answer() {
    let (app, token) = app_with(1).await;
    let asks = futures::future::join_all((0..12).map(|_| app.graphql_as(&token, NESTED, json!({}))));
    let watch = async {
        let mut most_waiting = 0;
        let mut most_executing = 0;
        for _ in 0..2_000 {
            most_waiting = most_waiting.max(gauge(&app, "commerce_graphql_operations_waiting").await);
            most_executing = most_executing.max(gauge(&app, "commerce_graphql_operations_executing").await);
            if most_waiting > 0 && most_executing > 0 {
                break;
            }
            tokio::task::yield_now().await;
        }
        (most_waiting, most_executing)
    };
    let (bodies, (most_waiting, most_executing)) = tokio::join!(asks, watch);
    for body in &bodies {
        assert_eq!(options_in(body), 4 * 10 * 3 * 2 * 2, "every answer is whole");
    }
    assert!(most_waiting > 0, "with one turn, some of twelve operations waited");
    assert_eq!(most_executing, 1, "never more than one executed at once");
    assert_eq!(gauge(&app, "commerce_graphql_operations_waiting").await, 0);
    assert_eq!(gauge(&app, "commerce_graphql_operations_executing").await, 0);
}

#[tokio::test]
async fn a_limit_beyond_what_a_semaphore_holds_is_taken_as_its_largest() {
    let (app, token) = app_with(usize::MAX).await;
    let body = app.graphql_as(&token, NESTED, json!({})).await;
    assert_eq!(options_in(&body), 4 * 10 * 3 * 2 * 2);
}
