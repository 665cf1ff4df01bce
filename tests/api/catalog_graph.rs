use serde_json::{json, Value};

use crate::helpers::{error_codes, spawn_app, spawn_demo_app};

const NESTED: &str = "
query Nested($first: Int) {
  stores {
    id name
    products(first: $first) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes {
        id name slug visibility order
        variants {
          id name sku cost stock stockMode type minimumQuantity maximumQuantity
          customFields { id label identifier type isRequired options { label value order } }
        }
      }
    }
  }
}";

fn demo_store(body: &Value) -> &Value {
    body["data"]["stores"]
        .as_array()
        .and_then(|stores| stores.iter().find(|s| s["name"] == "Demo Store"))
        .expect("Demo Store in the response")
}

#[tokio::test]
async fn the_nested_catalog_costs_one_statement_per_level() {
    let app = spawn_demo_app().await;
    let (statements, body) = app.merchant_counting(NESTED, json!({ "first": 20 })).await;
    assert!(body.get("errors").is_none(), "{body}");
    // stores, products pages with their counts, variants, custom fields, options.
    assert_eq!(statements, 5, "one statement per level, for every store at once");

    let demo = demo_store(&body);
    let trail = &demo["products"]["nodes"][0];
    assert_eq!(trail["name"], "Trail Runner Shoes");
    assert_eq!(trail["visibility"], "PUBLIC");
    let size42 = &trail["variants"][0];
    assert_eq!(size42["sku"], "TRAIL-42");
    assert_eq!(size42["cost"], "89.99", "money is exact, as a decimal string");
    assert_eq!(size42["stockMode"], "FIXED");
    assert_eq!(size42["type"], "ONE_TIME");
    let lace = &size42["customFields"][0];
    assert_eq!(lace["type"], "SELECT");
    assert_eq!(lace["identifier"], "lace_colour");
    assert_eq!(
        lace["options"],
        json!([{ "label": "Black", "value": "black", "order": 0 }, { "label": "Neon", "value": "neon", "order": 1 }])
    );
}

#[tokio::test]
async fn the_statement_count_does_not_grow_with_the_page_size() {
    let app = spawn_demo_app().await;
    let (small, _) = app.merchant_counting(NESTED, json!({ "first": 1 })).await;
    let (large, _) = app.merchant_counting(NESTED, json!({ "first": 20 })).await;
    assert_eq!(small, large);
}

#[tokio::test]
async fn a_store_list_with_category_slugs_is_one_statement_a_level() {
    let app = spawn_demo_app().await;
    let ids = crate::helpers::demo_catalog(&app, &app.merchant).await;
    const LIST: &str = "query($s: UUID!) { store(id: $s) { currencyCode products(first: 20) { totalCount nodes { id categorySlugs variants { sku cost stock } } } } }";
    let (statements, body) = app.merchant_counting(LIST, json!({ "s": ids.store })).await;
    assert!(body.get("errors").is_none(), "{body}");
    // The store, its page with the count, the variants, and the category slugs (links and their
    // categories in one statement).
    assert_eq!(statements, 4, "{body}");
    let nodes = body["data"]["store"]["products"]["nodes"].as_array().expect("nodes").clone();
    let tagged = nodes.iter().filter(|p| p["categorySlugs"].as_array().is_some_and(|c| !c.is_empty())).count();
    assert!(tagged > 0, "some demo products have categories: {body}");
    // The same slugs as one product asked for alone.
    let one = &nodes[0];
    let (_, alone) = app
        .merchant_counting("query($p: UUID!) { product(id: $p) { categorySlugs } }", json!({ "p": one["id"] }))
        .await;
    assert_eq!(alone["data"]["product"]["categorySlugs"], one["categorySlugs"]);
}

#[tokio::test]
async fn aliased_lists_and_fragments_are_read_a_level_at_a_time() {
    let app = spawn_demo_app().await;
    let query = "{ stores { id name
        a: products(first: 1) { nodes { ...Sizes } }
        b: products(first: 3, sortKey: NAME) { totalCount edges { node { ...Sizes } } } }
      }
      fragment Sizes on Product { id variants { id name } }";
    let (statements, body) = app.merchant_counting(query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    // stores, page a, page b with its count, and one statement for the variants of both lists.
    assert_eq!(statements, 4, "{body}");
    // Each list holds what it holds when asked alone.
    for (alias, alone) in [
        ("a", "{ stores { id products(first: 1) { nodes { id variants { id name } } } } }"),
        ("b", "{ stores { id products(first: 3, sortKey: NAME) { edges { node { id variants { id name } } } } } }"),
    ] {
        let alone = app.as_merchant(alone, json!({})).await;
        let demo = demo_store(&body);
        let expected = alone["data"]["stores"]
            .as_array()
            .and_then(|stores| stores.iter().find(|s| s["id"] == demo["id"]))
            .expect("the store");
        let list = &demo[alias];
        let got = if alias == "a" { &list["nodes"] } else { &list["edges"] };
        let wanted = if alias == "a" { &expected["products"]["nodes"] } else { &expected["products"]["edges"] };
        assert_eq!(got, wanted, "{alias}");
        let first = if alias == "a" { &got[0] } else { &got[0]["node"] };
        assert!(first["variants"].as_array().is_some_and(|v| !v.is_empty()), "{got}");
    }
}

#[tokio::test]
async fn a_mutation_reads_the_rows_its_earlier_fields_changed() {
    let app = spawn_demo_app().await;
    let product = crate::helpers::demo_catalog(&app, &app.merchant).await.product;
    let body = app
        .as_merchant(
            "mutation($p: UUID!) {
               before: updateProduct(id: $p, input: { name: \"Renamed\" }) { variants { id } }
               added: createVariant(productId: $p, input: { name: \"Extra\", cost: 5 }) { id }
               after: updateProduct(id: $p, input: { name: \"Renamed again\" }) { variants { id } }
             }",
            json!({ "p": product }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let before = body["data"]["before"]["variants"].as_array().expect("variants").len();
    let after = body["data"]["after"]["variants"].as_array().expect("variants");
    assert_eq!(after.len(), before + 1, "{body}");
    assert!(after.iter().any(|v| v["id"] == body["data"]["added"]["id"]), "{body}");
}

#[tokio::test]
async fn pages_follow_cursors_to_the_end() {
    let app = spawn_demo_app().await;
    let query = "query($first: Int, $after: String) { stores { name products(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name order } } } } }";
    let mut after = Value::Null;
    let mut seen = Vec::new();
    let mut orders: Vec<i64> = Vec::new();
    let mut total = 0;
    for _ in 0..10 {
        let body = app.as_merchant(query, json!({ "first": 4, "after": after })).await;
        assert!(body.get("errors").is_none(), "{body}");
        let products = &demo_store(&body)["products"];
        total = products["totalCount"].as_u64().expect("totalCount");
        let edges = products["edges"].as_array().expect("edges");
        assert!(edges.len() <= 4);
        assert_eq!(products["pageInfo"]["hasPreviousPage"], !seen.is_empty());
        seen.extend(edges.iter().map(|e| e["node"]["name"].as_str().expect("name").to_owned()));
        orders.extend(edges.iter().map(|e| e["node"]["order"].as_i64().expect("order")));
        if products["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = products["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len() as u64, total, "every product exactly once");
    assert!(orders.windows(2).all(|w| w[0] <= w[1]), "display order ascends across pages: {orders:?}");
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no product repeats across pages: {seen:?}");
}

#[tokio::test]
async fn first_zero_is_an_empty_page_that_knows_more_follows() {
    let app = spawn_demo_app().await;
    let body = app.as_merchant(NESTED, json!({ "first": 0 })).await;
    let products = &demo_store(&body)["products"];
    assert_eq!(products["nodes"], json!([]));
    assert_eq!(products["pageInfo"]["hasNextPage"], true);
    assert!(products["totalCount"].as_u64().expect("count") > 0);
}

#[tokio::test]
async fn page_sizes_outside_0_to_100_are_validation_errors() {
    let app = spawn_demo_app().await;
    for first in [101, -1, i32::MAX] {
        let (statements, body) = app.merchant_counting(NESTED, json!({ "first": first })).await;
        assert!(error_codes(&body).iter().all(|c| c == "VALIDATION"), "{body}");
        assert!(!error_codes(&body).is_empty());
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "first");
        assert_eq!(statements, 1, "only the stores were read; no product query ran");
    }
    let wrong_type = app.as_merchant(NESTED, json!({ "first": "ten" })).await;
    assert!(wrong_type["errors"][0]["message"].as_str().expect("message").contains("first"), "{wrong_type}");
}

#[tokio::test]
async fn a_malformed_cursor_is_a_validation_error() {
    let app = spawn_demo_app().await;
    let query = "query($after: String) { stores { products(first: 2, after: $after) { totalCount } } }";
    for cursor in ["garbage", "", "eyJub3QiOiJhIGN1cnNvciJ9", &"A".repeat(10_000)] {
        let body = app.as_merchant(query, json!({ "after": cursor })).await;
        assert_eq!(error_codes(&body)[0], "VALIDATION", "{cursor:.20}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "after");
    }
}

#[tokio::test]
async fn store_and_product_by_id() {
    let app = spawn_demo_app().await;
    let body = app.as_merchant("{ stores { id name products(first: 1) { nodes { id name } } } }", json!({})).await;
    let demo = demo_store(&body);
    let store_id = demo["id"].clone();
    let product_id = demo["products"]["nodes"][0]["id"].clone();

    let store = app.as_merchant("query($id: UUID!) { store(id: $id) { name } }", json!({ "id": store_id })).await;
    assert_eq!(store["data"]["store"]["name"], "Demo Store");
    let product =
        app.as_merchant("query($id: UUID!) { product(id: $id) { name storeId } }", json!({ "id": product_id })).await;
    assert_eq!(product["data"]["product"]["name"], "Trail Runner Shoes");
    assert_eq!(product["data"]["product"]["storeId"], store_id);

    let missing = uuid::Uuid::now_v7();
    let none = app
        .as_merchant(
            "query($id: UUID!) { store(id: $id) { name } product(id: $id) { name } }",
            json!({ "id": missing }),
        )
        .await;
    assert_eq!(none["data"], json!({ "store": null, "product": null }));
    assert!(none.get("errors").is_none());

    let bad = app.as_merchant("query($id: UUID!) { store(id: $id) { name } }", json!({ "id": "not-a-uuid" })).await;
    assert!(bad["errors"][0]["message"].as_str().expect("message").contains("UUID"), "{bad}");
}

#[tokio::test]
async fn deleted_products_vanish_from_reads() {
    let app = spawn_demo_app().await;
    let body =
        app.as_merchant("{ stores { name products(first: 100) { totalCount nodes { id name } } } }", json!({})).await;
    let demo = demo_store(&body);
    let before = demo["products"]["totalCount"].as_u64().expect("count");
    let victim = demo["products"]["nodes"][0]["id"].as_str().expect("id").to_owned();

    let backend = app.db.get_database_backend();
    use sea_orm::{ConnectionTrait, Statement};
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "UPDATE products SET deleted_at = $1 WHERE id = $2",
                _ => "UPDATE products SET deleted_at = ? WHERE id = ?",
            },
            [chrono::Utc::now().into(), uuid::Uuid::parse_str(&victim).expect("uuid").into()],
        ))
        .await
        .expect("soft delete");

    let after =
        app.as_merchant("{ stores { name products(first: 100) { totalCount nodes { id } } } }", json!({})).await;
    let demo = demo_store(&after);
    assert_eq!(demo["products"]["totalCount"].as_u64(), Some(before - 1));
    assert!(demo["products"]["nodes"].as_array().expect("nodes").iter().all(|n| n["id"] != victim.as_str()));
    let direct = app.as_merchant("query($id: UUID!) { product(id: $id) { name } }", json!({ "id": victim })).await;
    assert_eq!(direct["data"]["product"], Value::Null);
}

#[tokio::test]
async fn a_merchant_without_stores_sees_none() {
    let app = spawn_app().await;
    commerce_gateway::auth::users::create(&app.db, "new@example.com", "new-password").await.expect("user");
    let token = app.token(("new@example.com", "new-password")).await;
    let body = app.graphql_as(&token, "{ stores { id } }", json!({})).await;
    assert_eq!(body["data"], json!({ "stores": [] }));
}

#[tokio::test]
async fn cursors_from_another_connection_or_edited_are_refused() {
    let app = spawn_demo_app().await;
    const PAGE: &str =
        "query($after: String) { stores { products(first: 2, after: $after) { edges { cursor node { name } } } } }";
    let own = app.as_merchant(PAGE, json!({ "after": null })).await;
    let cursor = own["data"]["stores"][0]["products"]["edges"][0]["cursor"].as_str().expect("cursor").to_owned();
    let next = app.as_merchant(PAGE, json!({ "after": cursor })).await;
    assert!(next.get("errors").is_none(), "a cursor works in its own connection: {next}");

    let rival = app.token(crate::helpers::RIVAL_MERCHANT).await;
    let theirs = app.graphql_as(&rival, PAGE, json!({ "after": null })).await;
    let foreign = theirs["data"]["stores"][0]["products"]["edges"][0]["cursor"].as_str().expect("cursor").to_owned();

    let (body, signature) = cursor.split_once('.').expect("signed cursor");
    let mut edited: Vec<char> = body.chars().collect();
    edited[3] = if edited[3] == 'A' { 'B' } else { 'A' };
    let edited = format!("{}.{signature}", edited.into_iter().collect::<String>());
    for bad in [foreign, edited] {
        let refused = app.as_merchant(PAGE, json!({ "after": bad })).await;
        assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["details"][0]["field"], "after");
    }
}

#[tokio::test]
async fn products_by_slug() {
    let app = spawn_demo_app().await;
    let store = app.as_merchant("{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    const BY_SLUG: &str = "query($s: UUID!, $slug: String!) { productBySlug(storeId: $s, slug: $slug) { name slug } }";
    let found = app.as_merchant(BY_SLUG, json!({ "s": store, "slug": "wireless-earbuds" })).await;
    assert_eq!(found["data"]["productBySlug"], json!({ "name": "Wireless Earbuds", "slug": "wireless-earbuds" }));
    let missing = app.as_merchant(BY_SLUG, json!({ "s": store, "slug": "no-such-product" })).await;
    assert_eq!(missing["data"]["productBySlug"], Value::Null);
    for bad in [String::new(), "s".repeat(73)] {
        let refused = app.as_merchant(BY_SLUG, json!({ "s": store, "slug": bad })).await;
        assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["details"][0]["field"], "slug");
    }
    let absent =
        app.as_merchant("query($s: UUID!) { productBySlug(storeId: $s) { name } }", json!({ "s": store })).await;
    assert_eq!(error_codes(&absent), ["VALIDATION"]);
    let wrong = app.as_merchant(BY_SLUG, json!({ "s": store, "slug": 42 })).await;
    assert_eq!(error_codes(&wrong), ["VALIDATION"]);
}

#[tokio::test]
async fn last_and_before_page_backward() {
    let app = spawn_demo_app().await;
    const ALL: &str = "{ stores { products(first: 20) { nodes { name } } } }";
    let all: Vec<String> = app.as_merchant(ALL, json!({})).await["data"]["stores"][0]["products"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["name"].as_str().expect("name").to_owned())
        .collect();
    const BACK: &str = "query($last: Int, $before: String) { stores { products(last: $last, before: $before) {
        pageInfo { hasPreviousPage hasNextPage startCursor } nodes { name } } } }";
    let tail = app.as_merchant(BACK, json!({ "last": 3 })).await;
    let products = &tail["data"]["stores"][0]["products"];
    let names: Vec<&str> =
        products["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["name"].as_str()).collect();
    assert_eq!(names, all[all.len() - 3..].iter().map(String::as_str).collect::<Vec<_>>(), "the last three, in order");
    assert_eq!(products["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(products["pageInfo"]["hasNextPage"], false);

    let before = products["pageInfo"]["startCursor"].clone();
    let earlier = app.as_merchant(BACK, json!({ "last": 2, "before": before })).await;
    let products = &earlier["data"]["stores"][0]["products"];
    let names: Vec<&str> =
        products["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["name"].as_str()).collect();
    assert_eq!(names, all[all.len() - 5..all.len() - 3].iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(products["pageInfo"]["hasNextPage"], true);

    for (variables, field) in [
        (json!({ "first": 2, "last": 2 }), "last"),
        (json!({ "last": 101 }), "last"),
        (json!({ "last": 2, "before": "forged" }), "before"),
    ] {
        let query = "query($first: Int, $last: Int, $before: String) { stores { products(first: $first, last: $last, before: $before) { totalCount } } }";
        let refused = app.as_merchant(query, variables.clone()).await;
        assert_eq!(error_codes(&refused), ["VALIDATION"], "{variables}: {refused}");
        assert_eq!(refused["errors"][0]["extensions"]["details"][0]["field"], field);
    }
}

#[tokio::test]
async fn categories_page_in_display_order() {
    let app = spawn_demo_app().await;
    const CATEGORIES: &str = "query($first: Int, $after: String) { stores { categories(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { name slug order visibility } } } }";
    let (statements, body) = app.merchant_counting(CATEGORIES, json!({ "first": 3 })).await;
    assert_eq!(statements, 2, "stores, one page of categories for all stores with their counts");
    let categories = &body["data"]["stores"][0]["categories"];
    assert_eq!(categories["totalCount"], 5);
    let slugs: Vec<&str> =
        categories["nodes"].as_array().expect("nodes").iter().filter_map(|c| c["slug"].as_str()).collect();
    assert_eq!(slugs, ["footwear", "apparel", "accessories"]);
    assert_eq!(categories["pageInfo"]["hasNextPage"], true);
    let rest = app.as_merchant(CATEGORIES, json!({ "first": 3, "after": categories["pageInfo"]["endCursor"] })).await;
    let slugs: Vec<&str> = rest["data"]["stores"][0]["categories"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|c| c["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["electronics", "home"]);
    let product_cursor = app
        .as_merchant("{ stores { products(first: 1) { pageInfo { endCursor } } } }", json!({}))
        .await["data"]["stores"][0]["products"]["pageInfo"]["endCursor"]
        .clone();
    let mixed = app.as_merchant(CATEGORIES, json!({ "first": 3, "after": product_cursor })).await;
    assert_eq!(error_codes(&mixed), ["VALIDATION"], "a product cursor is not a category cursor: {mixed}");
}

#[tokio::test]
async fn the_total_count_is_the_lists_on_every_page_counted_with_the_page_where_it_can_be() {
    let app = spawn_demo_app().await;
    let ids = crate::helpers::demo_catalog(&app, &app.merchant).await;
    const PAGE: &str =
        "query($s: UUID!, $first: Int, $last: Int, $after: String, $offset: Int, $filter: ProductFilter) {
        store(id: $s) { products(first: $first, last: $last, after: $after, offset: $offset, filter: $filter) {
          totalCount pageInfo { endCursor } nodes { id } } } }";
    let page = |variables: Value| {
        let mut variables = variables;
        variables["s"] = json!(ids.store);
        app.merchant_counting(PAGE, variables)
    };
    let (statements, first) = page(json!({ "first": 2 })).await;
    let total = first["data"]["store"]["products"]["totalCount"].as_u64().expect("count");
    assert!(total > 4, "{first}");
    assert_eq!(statements, 2, "the store, then its page with the count: {first}");

    // After a cursor, backward, at an offset within the list, beyond its end, and of no rows:
    // the same total; only a page that holds no rows beyond an offset, or follows a cursor,
    // needs a count of its own.
    let cursor = first["data"]["store"]["products"]["pageInfo"]["endCursor"].clone();
    for (variables, expected_statements, expected_nodes) in [
        (json!({ "first": 2, "after": cursor }), 3, 2),
        (json!({ "last": 3 }), 2, 3),
        (json!({ "first": 2, "offset": total - 1 }), 2, 1),
        (json!({ "first": 2, "offset": total }), 3, 0),
        (json!({ "first": 2, "offset": 100_000 }), 3, 0),
        (json!({ "first": 0 }), 2, 0),
    ] {
        let (statements, body) = page(variables.clone()).await;
        let products = &body["data"]["store"]["products"];
        assert_eq!(products["totalCount"], total, "{variables}: {body}");
        assert_eq!(products["nodes"].as_array().map(Vec::len), Some(expected_nodes), "{variables}: {body}");
        assert_eq!(statements, expected_statements, "{variables}: {body}");
    }

    // A filter counts what it matches, on a page with rows and on one beyond them.
    let hidden = json!({ "search": "no product is called this" });
    for offset in [0, 5] {
        let (_, body) = page(json!({ "first": 2, "offset": offset, "filter": hidden })).await;
        assert_eq!(body["data"]["store"]["products"]["totalCount"], 0, "{body}");
    }
    let (_, shoes) = page(json!({ "first": 1, "filter": { "search": "shoe" } })).await;
    let matching = shoes["data"]["store"]["products"]["totalCount"].as_u64().expect("count");
    assert!(matching >= 1 && matching < total, "{shoes}");
    let (_, beyond) = page(json!({ "first": 1, "offset": matching, "filter": { "search": "shoe" } })).await;
    assert_eq!(beyond["data"]["store"]["products"]["totalCount"], matching, "{beyond}");
}
