//! Storefront product lists: filters, sort keys, and paging through sorted lists.

use serde_json::{json, Value};

use crate::helpers::{demo_catalog, error_codes, spawn_demo_app, TestApp};

const LIST: &str = "query($s: UUID!, $filter: ProductFilter, $sort: ProductSortKey, $reverse: Boolean, $first: Int, $after: String, $last: Int, $before: String) {
  store(id: $s) { products(filter: $filter, sortKey: $sort, reverse: $reverse, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id name visibility isBestSeller variants { cost stock stockMode } }
  } }
}";

async fn list(app: &TestApp, variables: Value) -> Value {
    let body = app.as_merchant(LIST, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["store"]["products"].clone()
}

fn nodes(connection: &Value) -> Vec<Value> {
    connection["nodes"].as_array().expect("nodes").clone()
}

fn names(connection: &Value) -> Vec<String> {
    nodes(connection).iter().map(|n| n["name"].as_str().expect("name").to_owned()).collect()
}

fn cents(cost: &Value) -> i64 {
    let text = cost.as_str().expect("a decimal string");
    let (units, fraction) = text.split_once('.').expect("two decimals");
    units.parse::<i64>().expect("units") * 100 + fraction.parse::<i64>().expect("cents")
}

/// The value a product is sorted by under `sort`, as the API defines it.
fn sort_value(product: &Value, sort: &str) -> Value {
    let variants = product["variants"].as_array().expect("variants");
    match sort {
        "NAME" => json!(product["name"].as_str().expect("name").to_ascii_lowercase()),
        "PRICE" => json!(variants.iter().map(|v| cents(&v["cost"])).min().unwrap_or(0)),
        "STOCK" => json!(variants.iter().map(|v| v["stock"].as_i64().expect("stock")).sum::<i64>()),
        other => panic!("no expected order for {other}"),
    }
}

#[tokio::test]
async fn every_sort_key_orders_the_list_and_pages_walk_it_in_both_directions() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    for sort in ["ORDER", "NAME", "PRICE", "STOCK", "CREATED_AT"] {
        for reverse in [false, true] {
            let whole = list(&app, json!({ "s": store, "sort": sort, "reverse": reverse, "first": 100 })).await;
            let all = nodes(&whole);
            assert!(all.len() >= 10, "the demo store lists its products");
            if !matches!(sort, "ORDER" | "CREATED_AT") {
                let values: Vec<Value> = all.iter().map(|p| sort_value(p, sort)).collect();
                let mut sorted = values.clone();
                sorted.sort_by(|a, b| {
                    let ordering = match (a.as_i64(), b.as_i64()) {
                        (Some(a), Some(b)) => a.cmp(&b),
                        _ => a.as_str().cmp(&b.as_str()),
                    };
                    if reverse {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                });
                assert_eq!(values, sorted, "{sort} reverse={reverse}");
            }
            // Forward pages of 3 walk the same sequence…
            let mut walked = Vec::new();
            let mut after = Value::Null;
            loop {
                let page =
                    list(&app, json!({ "s": store, "sort": sort, "reverse": reverse, "first": 3, "after": after }))
                        .await;
                walked.extend(nodes(&page));
                if page["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = page["pageInfo"]["endCursor"].clone();
            }
            assert_eq!(walked, all, "{sort} reverse={reverse}: forward pages");
            // …and so do backward ones.
            let mut walked = Vec::new();
            let mut before = Value::Null;
            loop {
                let page =
                    list(&app, json!({ "s": store, "sort": sort, "reverse": reverse, "last": 4, "before": before }))
                        .await;
                let mut chunk = nodes(&page);
                chunk.extend(walked);
                walked = chunk;
                if page["pageInfo"]["hasPreviousPage"] != true {
                    break;
                }
                before = page["pageInfo"]["startCursor"].clone();
            }
            assert_eq!(walked, all, "{sort} reverse={reverse}: backward pages");
        }
    }
}

#[tokio::test]
async fn created_at_lists_new_products_last_and_reverse_first() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    for name in ["Newer One", "Newest Two"] {
        let body = app
            .as_merchant(
                "mutation($s: UUID!, $n: String!) { createProduct(storeId: $s, input: { name: $n, order: 1, variants: [{ name: \"Only\", cost: 1 }] }) { id } }",
                json!({ "s": store, "n": name }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let oldest_first = names(&list(&app, json!({ "s": store, "sort": "CREATED_AT", "first": 100 })).await);
    assert_eq!(oldest_first[oldest_first.len() - 2..], ["Newer One".to_owned(), "Newest Two".to_owned()]);
    let newest_first =
        names(&list(&app, json!({ "s": store, "sort": "CREATED_AT", "reverse": true, "first": 2 })).await);
    assert_eq!(newest_first, ["Newest Two", "Newer One"]);
}

#[tokio::test]
async fn filters_narrow_the_list_and_its_total() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let all = nodes(&list(&app, json!({ "s": ids.store, "first": 100 })).await);
    let filtered = |filter: Value| {
        let app = &app;
        let store = ids.store.clone();
        async move {
            let connection = list(app, json!({ "s": store, "filter": filter, "first": 100 })).await;
            assert_eq!(
                connection["totalCount"].as_u64(),
                Some(nodes(&connection).len() as u64),
                "{filter}: totalCount"
            );
            nodes(&connection)
        }
    };

    let mugs = filtered(json!({ "search": "MUG" })).await;
    assert_eq!(mugs.iter().map(|p| p["name"].clone()).collect::<Vec<_>>(), [json!("Ceramic Mug")], "case-insensitive");
    assert!(filtered(json!({ "search": "%" })).await.is_empty(), "% is matched literally");
    let described = filtered(json!({ "search": "stoneware" })).await;
    assert!(
        described.iter().any(|p| !p["name"].as_str().unwrap_or_default().to_lowercase().contains("stoneware")),
        "the description is searched too: {described:?}"
    );

    for visibility in ["PUBLIC", "UNLISTED", "PRIVATE"] {
        let expected: Vec<&Value> = all.iter().filter(|p| p["visibility"] == visibility).collect();
        let got = filtered(json!({ "visibility": visibility })).await;
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "{visibility}");
    }
    let best: Vec<&Value> = all.iter().filter(|p| p["isBestSeller"] == true).collect();
    assert!(!best.is_empty());
    assert_eq!(filtered(json!({ "isBestSeller": true })).await.iter().collect::<Vec<_>>(), best);
    assert_eq!(filtered(json!({ "isBestSeller": false })).await.len(), all.len() - best.len());

    let in_range = |p: &&Value, min: i64, max: i64| {
        p["variants"].as_array().expect("variants").iter().any(|v| (min..=max).contains(&cents(&v["cost"])))
    };
    let expected: Vec<&Value> = all.iter().filter(|p| in_range(p, 2000, 5000)).collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    let got = filtered(json!({ "minPrice": "20", "maxPrice": 50 })).await;
    assert_eq!(got.iter().collect::<Vec<_>>(), expected, "price range");

    let low = |p: &&Value, n: i64| {
        p["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .any(|v| v["stockMode"] == "FIXED" && v["stock"].as_i64() <= Some(n))
    };
    let threshold = all
        .iter()
        .flat_map(|p| p["variants"].as_array().expect("variants"))
        .filter_map(|v| v["stock"].as_i64())
        .min()
        .expect("stock");
    let expected: Vec<&Value> = all.iter().filter(|p| low(p, threshold)).collect();
    assert!(!expected.is_empty());
    assert_eq!(filtered(json!({ "lowStock": threshold })).await.iter().collect::<Vec<_>>(), expected, "low stock");

    let category = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { categories(first: 1) { nodes { id products(first: 100) { nodes { id } } } } } }",
            json!({ "s": ids.store }),
        )
        .await["data"]["store"]["categories"]["nodes"][0]
        .clone();
    let linked: Vec<Value> = nodes(&category["products"]).iter().map(|p| p["id"].clone()).collect();
    let mut got: Vec<Value> =
        filtered(json!({ "categoryId": category["id"] })).await.iter().map(|p| p["id"].clone()).collect();
    let mut linked_sorted = linked.clone();
    got.sort_by_key(|v| v.to_string());
    linked_sorted.sort_by_key(|v| v.to_string());
    assert!(!got.is_empty());
    assert_eq!(got, linked_sorted, "the category's products");

    // Filters combine.
    let both = filtered(json!({ "isBestSeller": true, "visibility": "PUBLIC" })).await;
    assert!(both.iter().all(|p| p["isBestSeller"] == true && p["visibility"] == "PUBLIC"));
}

#[tokio::test]
async fn bad_filters_and_foreign_cursors_are_refused() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    for (filter, field) in [
        (json!({ "search": "" }), "filter.search"),
        (json!({ "search": "x".repeat(101) }), "filter.search"),
        (json!({ "lowStock": -1 }), "filter.lowStock"),
        (json!({ "minPrice": -1 }), "filter.minPrice"),
        (json!({ "minPrice": "0.001" }), "filter.minPrice"),
        (json!({ "maxPrice": 100_000.01 }), "filter.maxPrice"),
        (json!({ "minPrice": 10, "maxPrice": 5 }), "filter.maxPrice"),
    ] {
        let body = app.as_merchant(LIST, json!({ "s": store, "filter": filter })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{filter}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], field, "{filter}");
    }
    for (filter, sort) in [(json!({ "visibility": "SECRET" }), json!("ORDER")), (json!({}), json!("POPULARITY"))] {
        let body = app.as_merchant(LIST, json!({ "s": store, "filter": filter, "sort": sort })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    }
    let by_name = list(&app, json!({ "s": store, "sort": "NAME", "first": 2 })).await;
    let cursor = &by_name["pageInfo"]["endCursor"];
    for other in [
        json!({ "s": store, "sort": "PRICE", "after": cursor }),
        json!({ "s": store, "sort": "NAME", "reverse": true, "after": cursor }),
        json!({ "s": store, "sort": "NAME", "filter": { "isBestSeller": true }, "after": cursor }),
    ] {
        let body = app.as_merchant(LIST, other.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "a cursor pages only its own list: {other}");
    }
}

#[tokio::test]
async fn filtered_and_sorted_nested_lists_still_cost_one_statement_per_level() {
    let app = spawn_demo_app().await;
    let query = "{ stores { products(first: 5, sortKey: PRICE, reverse: true, filter: { search: \"a\", minPrice: 1 }) { totalCount nodes { variants { customFields { options { id } } } } } } }";
    let (statements, body) = app.merchant_counting(query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    // stores, products pages with their counts, variants, custom fields, options.
    assert_eq!(statements, 5, "{body}");
}
