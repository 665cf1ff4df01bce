//! Catalog writes through GraphQL: what each mutation stores and returns, and the rules that span
//! rows (unique slugs and SKUs, soft delete, duplicates, display order, category links).

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_demo_app, TestApp};

const CREATE_PRODUCT: &str = "mutation($s: UUID!, $input: CreateProductInput!) {
  createProduct(storeId: $s, input: $input) {
    id name slug description visibility order isBestSeller imageNames
    variants { id name sku cost stock stockMode type minimumQuantity maximumQuantity order deliveryTypes
      customFields { identifier type isRequired options { label value order } } }
  }
}";

fn product_input() -> Value {
    json!({
        "name": "Trail Runner",
        "description": "Light shoes for **rough** paths.",
        "slug": "trail-runner",
        "isBestSeller": true,
        "imageNames": ["trail.jpg"],
        "variants": [
            { "name": "Size 42", "sku": "TR-42", "cost": 19.99, "stock": 3,
              "customFields": [{ "label": "Laces", "identifier": "laces", "type": "SELECT", "isRequired": true,
                                 "options": [{ "label": "Red", "value": "red" }, { "label": "Blue", "value": "blue" }] }] },
            { "name": "Size 44", "sku": "TR-44", "cost": "120.50", "minimumQuantity": 2, "maximumQuantity": 5 }
        ]
    })
}

async fn create_product(app: &TestApp, store: &Value, input: Value) -> Value {
    app.as_merchant(CREATE_PRODUCT, json!({ "s": store, "input": input })).await
}

#[tokio::test]
async fn a_product_is_created_with_its_variants_fields_and_options_in_one_call() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let body = create_product(&app, &ids.store, product_input()).await;
    assert!(body.get("errors").is_none(), "{body}");
    let product = &body["data"]["createProduct"];
    assert_eq!(product["slug"], "trail-runner");
    assert_eq!(product["visibility"], "PUBLIC", "the default");
    assert_eq!(product["order"], 1);
    assert_eq!(product["isBestSeller"], true);
    let variants = product["variants"].as_array().expect("variants");
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["cost"], "19.99", "exact money from a JSON number");
    assert_eq!(variants[1]["cost"], "120.50");
    assert_eq!(variants[0]["order"], 1);
    assert_eq!(variants[1]["order"], 2);
    assert_eq!(variants[0]["stockMode"], "FIXED");
    assert_eq!(variants[0]["type"], "ONE_TIME");
    assert_eq!(variants[0]["deliveryTypes"], json!(["instructions"]));
    assert_eq!((variants[1]["minimumQuantity"].clone(), variants[1]["maximumQuantity"].clone()), (json!(2), json!(5)));
    assert_eq!(variants[1]["stock"], 0);
    let field = &variants[0]["customFields"][0];
    assert_eq!(field["type"], "SELECT");
    assert_eq!(
        field["options"],
        json!([{ "label": "Red", "value": "red", "order": 0 }, { "label": "Blue", "value": "blue", "order": 1 }])
    );

    // It is readable like any other product, by id and by slug.
    let read = app
        .as_merchant(
            "query($id: UUID!, $s: UUID!) { product(id: $id) { name } productBySlug(storeId: $s, slug: \"trail-runner\") { id } }",
            json!({ "id": product["id"], "s": ids.store }),
        )
        .await;
    assert_eq!(read["data"]["product"]["name"], "Trail Runner");
    assert_eq!(read["data"]["productBySlug"]["id"], product["id"]);
}

#[tokio::test]
async fn without_a_slug_the_product_id_is_used() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let mut input = product_input();
    input.as_object_mut().expect("object").remove("slug");
    let body = create_product(&app, &ids.store, input).await;
    let product = &body["data"]["createProduct"];
    assert_eq!(product["slug"], product["id"], "{body}");
}

#[tokio::test]
async fn slugs_and_skus_are_unique_per_store_and_a_clash_writes_nothing() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    assert!(create_product(&app, &ids.store, product_input()).await.get("errors").is_none());
    let (products, variants) = (count_rows(&app.db, "products").await, count_rows(&app.db, "variants").await);

    let same_slug = create_product(
        &app,
        &ids.store,
        json!({ "name": "Other", "slug": "trail-runner", "variants": [{ "name": "One", "cost": 1 }] }),
    )
    .await;
    assert_eq!(error_codes(&same_slug), ["CONFLICT"], "{same_slug}");
    assert_eq!(same_slug["errors"][0]["extensions"]["details"][0]["field"], "slug");

    let same_sku = create_product(
        &app,
        &ids.store,
        json!({ "name": "Other", "variants": [{ "name": "One", "sku": "TR-44", "cost": 1 }] }),
    )
    .await;
    assert_eq!(error_codes(&same_sku), ["CONFLICT"]);
    assert_eq!(same_sku["errors"][0]["extensions"]["details"][0]["field"], "variants[0].sku");

    let twice = create_product(
        &app,
        &ids.store,
        json!({ "name": "Other", "variants": [{ "name": "One", "sku": "X-1", "cost": 1 }, { "name": "Two", "sku": "X-1", "cost": 1 }] }),
    )
    .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
    assert_eq!(twice["errors"][0]["extensions"]["details"][0]["field"], "variants[1].sku");
    assert_eq!((count_rows(&app.db, "products").await, count_rows(&app.db, "variants").await), (products, variants));

    // Another store may use the same slug.
    let rival = app.token(crate::helpers::RIVAL_MERCHANT).await;
    let rival_store = app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone();
    let elsewhere = app.graphql_as(&rival, CREATE_PRODUCT, json!({ "s": rival_store, "input": product_input() })).await;
    assert!(elsewhere.get("errors").is_none(), "{elsewhere}");
}

#[tokio::test]
async fn updates_change_only_what_is_sent_and_null_clears() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let created = create_product(&app, &ids.store, product_input()).await["data"]["createProduct"].clone();
    let body = app
        .as_merchant(
            "mutation($id: UUID!) { updateProduct(id: $id, input: { name: \"Trail Runner 2\", description: null, visibility: UNLISTED }) { name description slug visibility isBestSeller imageNames } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(
        body["data"]["updateProduct"],
        json!({ "name": "Trail Runner 2", "description": null, "slug": "trail-runner", "visibility": "UNLISTED", "isBestSeller": true, "imageNames": ["trail.jpg"] }),
        "{body}"
    );
    let variant = &created["variants"][1]["id"];
    let body = app
        .as_merchant(
            "mutation($id: UUID!) { updateVariant(id: $id, input: { cost: \"0.10\", stock: 7, sku: null }) { cost stock sku name minimumQuantity } }",
            json!({ "id": variant }),
        )
        .await;
    assert_eq!(
        body["data"]["updateVariant"],
        json!({ "cost": "0.10", "stock": 7, "sku": null, "name": "Size 44", "minimumQuantity": 2 }),
        "{body}"
    );
    // The rules apply to the row as updated: a maximum below the stored minimum is refused.
    let body = app
        .as_merchant(
            "mutation($id: UUID!) { updateVariant(id: $id, input: { maximumQuantity: 1 }) { id } }",
            json!({ "id": variant }),
        )
        .await;
    assert_eq!(error_codes(&body), ["VALIDATION"]);
    assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], "maximumQuantity");
}

#[tokio::test]
async fn a_deleted_product_vanishes_from_reads_while_orders_keep_their_lines() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    // A product that has been ordered.
    let ordered: Value = {
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT product_name FROM order_items oi JOIN products p ON p.id = oi.product_id JOIN stores s ON s.id = p.store_id WHERE s.name = 'Demo Store' ORDER BY product_name LIMIT 1",
            ))
            .await
            .expect("query")
            .expect("an ordered product");
        json!(row.try_get::<String>("", "product_name").expect("name"))
    };
    let listing = "query($s: UUID!) { store(id: $s) { products(first: 100) { totalCount nodes { id name slug } } } }";
    let before = app.as_merchant(listing, json!({ "s": ids.store })).await;
    let product = before["data"]["store"]["products"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|p| p["name"] == ordered)
        .expect("the ordered product is listed")
        .clone();
    let lines = count_rows(&app.db, "order_items").await;

    let deleted =
        app.as_merchant("mutation($id: UUID!) { deleteProduct(id: $id) }", json!({ "id": product["id"] })).await;
    assert_eq!(deleted["data"]["deleteProduct"], product["id"], "{deleted}");

    let after = app.as_merchant(listing, json!({ "s": ids.store })).await;
    let total = |body: &Value| body["data"]["store"]["products"]["totalCount"].as_i64().expect("count");
    assert_eq!(total(&after), total(&before) - 1);
    assert!(!after.to_string().contains(product["id"].as_str().expect("id")));
    let by_id = app
        .as_merchant(
            "query($id: UUID!, $s: UUID!, $slug: String!) { product(id: $id) { id } productBySlug(storeId: $s, slug: $slug) { id } }",
            json!({ "id": product["id"], "s": ids.store, "slug": product["slug"] }),
        )
        .await;
    assert_eq!(by_id["data"], json!({ "product": null, "productBySlug": null }));
    let again =
        app.as_merchant("mutation($id: UUID!) { deleteProduct(id: $id) }", json!({ "id": product["id"] })).await;
    assert_eq!(error_codes(&again), ["NOT_FOUND"], "a deleted product cannot be written");

    assert_eq!(count_rows(&app.db, "order_items").await, lines, "order lines are kept");
    // The slug is free again.
    let reuse = create_product(
        &app,
        &ids.store,
        json!({ "name": "Replacement", "slug": product["slug"], "variants": [{ "name": "Only", "cost": 5 }] }),
    )
    .await;
    assert!(reuse.get("errors").is_none(), "{reuse}");
}

#[tokio::test]
async fn duplicating_copies_the_whole_tree_as_a_private_product_without_skus() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    const TREE: &str = "name visibility slug variants { name sku cost customFields { label options { label value } } }";
    let original = app
        .as_merchant(&format!("query($p: UUID!) {{ product(id: $p) {{ {TREE} }} }}"), json!({ "p": ids.product }))
        .await;
    let body = app
        .as_merchant(
            &format!("mutation($p: UUID!) {{ duplicateProduct(id: $p) {{ id {TREE} }} }}"),
            json!({ "p": ids.product }),
        )
        .await;
    let copy = &body["data"]["duplicateProduct"];
    let original = &original["data"]["product"];
    assert_eq!(copy["name"], format!("{} (copy)", original["name"].as_str().expect("name")), "{body}");
    assert_eq!(copy["visibility"], "PRIVATE");
    assert_eq!(copy["slug"], copy["id"]);
    let strip_skus = |variants: &Value| {
        let mut variants = variants.clone();
        variants.as_array_mut().expect("variants").iter_mut().for_each(|v| v["sku"] = Value::Null);
        variants
    };
    assert_eq!(copy["variants"], strip_skus(&original["variants"]));
    assert!(copy["variants"].as_array().expect("variants").iter().all(|v| v["sku"].is_null()));
}

#[tokio::test]
async fn display_order_of_products_and_variants_can_be_set() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let listing = "query($s: UUID!) { store(id: $s) { products(first: 100) { nodes { id order } } } }";
    let before = app.as_merchant(listing, json!({ "s": ids.store })).await;
    let nodes = before["data"]["store"]["products"]["nodes"].as_array().expect("nodes").clone();
    let (last, second_last) = (nodes[nodes.len() - 1]["id"].clone(), nodes[nodes.len() - 2]["id"].clone());
    let body = app
        .as_merchant(
            "mutation($s: UUID!, $ids: [UUID!]!) { reorderProducts(storeId: $s, productIds: $ids) { id order } }",
            json!({ "s": ids.store, "ids": [last, second_last] }),
        )
        .await;
    assert_eq!(
        body["data"]["reorderProducts"],
        json!([{ "id": last, "order": 1 }, { "id": second_last, "order": 2 }]),
        "{body}"
    );
    let after = app.as_merchant(listing, json!({ "s": ids.store })).await;
    let order: Vec<Value> = after["data"]["store"]["products"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let mut expected = vec![last.clone(), second_last.clone()];
    expected.extend(nodes[..nodes.len() - 2].iter().map(|n| n["id"].clone()));
    assert_eq!(order, expected, "the rest keep their relative order after the listed ones");

    for bad in [json!([last, last]), json!([uuid::Uuid::now_v7()])] {
        let refused = app
            .as_merchant(
                "mutation($s: UUID!, $ids: [UUID!]!) { reorderProducts(storeId: $s, productIds: $ids) { id } }",
                json!({ "s": ids.store, "ids": bad }),
            )
            .await;
        assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
    }

    let created = create_product(&app, &ids.store, product_input()).await["data"]["createProduct"].clone();
    let (a, b) = (created["variants"][0]["id"].clone(), created["variants"][1]["id"].clone());
    let reordered = app
        .as_merchant(
            "mutation($p: UUID!, $ids: [UUID!]!) { reorderVariants(productId: $p, variantIds: $ids) { id order } }",
            json!({ "p": created["id"], "ids": [b, a] }),
        )
        .await;
    assert_eq!(reordered["data"]["reorderVariants"], json!([{ "id": b, "order": 1 }, { "id": a, "order": 2 }]));
    let partial = app
        .as_merchant(
            "mutation($p: UUID!, $ids: [UUID!]!) { reorderVariants(productId: $p, variantIds: $ids) { id } }",
            json!({ "p": created["id"], "ids": [a] }),
        )
        .await;
    assert_eq!(error_codes(&partial), ["VALIDATION"], "every variant must be listed");
}

#[tokio::test]
async fn variants_fields_and_options_have_their_own_lifecycle() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let created = create_product(&app, &ids.store, product_input()).await["data"]["createProduct"].clone();
    let variant = app
        .as_merchant(
            "mutation($p: UUID!) { createVariant(productId: $p, input: { name: \"Size 46\", cost: 25, customFields: [{ label: \"Note\", identifier: \"note\", type: TEXT }] }) { id order customFields { id identifier } } }",
            json!({ "p": created["id"] }),
        )
        .await["data"]["createVariant"]
        .clone();
    assert_eq!(variant["order"], 3, "appended after the others");
    let field = app
        .as_merchant(
            "mutation($v: UUID!) { createCustomField(variantId: $v, input: { label: \"Color\", identifier: \"color\", type: RADIO, options: [{ label: \"Red\", value: \"red\" }] }) { id } }",
            json!({ "v": variant["id"] }),
        )
        .await["data"]["createCustomField"]["id"]
        .clone();
    let clash = app
        .as_merchant(
            "mutation($v: UUID!) { createCustomField(variantId: $v, input: { label: \"Again\", identifier: \"color\", type: TEXT }) { id } }",
            json!({ "v": variant["id"] }),
        )
        .await;
    assert_eq!(error_codes(&clash), ["CONFLICT"], "identifiers are unique per variant: {clash}");
    let option = app
        .as_merchant(
            "mutation($f: UUID!) { createCustomFieldOption(customFieldId: $f, input: { label: \"Green\", value: \"green\" }) { id order } }",
            json!({ "f": field }),
        )
        .await["data"]["createCustomFieldOption"]
        .clone();
    assert_eq!(option["order"], 1, "after the first option (order 0)");
    let text_option = app
        .as_merchant(
            "mutation($f: UUID!) { createCustomFieldOption(customFieldId: $f, input: { label: \"x\", value: \"x\" }) { id } }",
            json!({ "f": variant["customFields"][0]["id"] }),
        )
        .await;
    assert_eq!(error_codes(&text_option), ["VALIDATION"], "a TEXT field has no options");
    let to_text = app
        .as_merchant(
            "mutation($f: UUID!) { updateCustomField(id: $f, input: { type: TEXT }) { id } }",
            json!({ "f": field }),
        )
        .await;
    assert_eq!(error_codes(&to_text), ["VALIDATION"], "a field with options stays a choice");
    let renamed = app
        .as_merchant(
            "mutation($o: UUID!) { updateCustomFieldOption(id: $o, input: { label: \"Lime\" }) { label value } }",
            json!({ "o": option["id"] }),
        )
        .await;
    assert_eq!(renamed["data"]["updateCustomFieldOption"], json!({ "label": "Lime", "value": "green" }));
    for (mutation, id) in
        [("deleteCustomFieldOption", &option["id"]), ("deleteCustomField", &field), ("deleteVariant", &variant["id"])]
    {
        let body =
            app.as_merchant(&format!("mutation($id: UUID!) {{ {mutation}(id: $id) }}"), json!({ "id": id })).await;
        assert_eq!(&body["data"][mutation], id, "{body}");
    }
    let left = app
        .as_merchant("query($p: UUID!) { product(id: $p) { variants { id } } }", json!({ "p": created["id"] }))
        .await;
    assert_eq!(left["data"]["product"]["variants"].as_array().map(Vec::len), Some(2));

    // A product keeps at least one variant.
    let single =
        create_product(&app, &ids.store, json!({ "name": "Single", "variants": [{ "name": "Only", "cost": 1 }] }))
            .await;
    let only = &single["data"]["createProduct"]["variants"][0]["id"];
    let body = app.as_merchant("mutation($id: UUID!) { deleteVariant(id: $id) }", json!({ "id": only })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
}

const CATEGORY_PRODUCTS: &str = "query($s: UUID!, $after: String) { store(id: $s) { categories(first: 100) { nodes { slug products(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } } } }";

#[tokio::test]
async fn categories_hold_ordered_product_links() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let products: Vec<Value> = app
        .as_merchant(
            "query($s: UUID!) { store(id: $s) { products(first: 3) { nodes { id } } } }",
            json!({ "s": ids.store }),
        )
        .await["data"]["store"]["products"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let linked = json!([products[2], products[0], products[1]]);
    let body = app
        .as_merchant(
            "mutation($s: UUID!, $ids: [UUID!]) { createCategory(storeId: $s, input: { name: \"Sale\", productIds: $ids }) { id slug order visibility } }",
            json!({ "s": ids.store, "ids": linked }),
        )
        .await;
    let category = body["data"]["createCategory"].clone();
    assert_eq!(category["slug"], "sale", "{body}");
    assert_eq!(category["visibility"], "PUBLIC");

    let sale = |body: &Value| {
        body["data"]["store"]["categories"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|c| c["slug"] == "sale")
            .expect("the new category")["products"]
            .clone()
    };
    let first = app.as_merchant(CATEGORY_PRODUCTS, json!({ "s": ids.store })).await;
    let page = sale(&first);
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["nodes"], json!([{ "id": products[2] }, { "id": products[0] }]), "the category's order");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let next =
        app.as_merchant(CATEGORY_PRODUCTS, json!({ "s": ids.store, "after": page["pageInfo"]["endCursor"] })).await;
    // The cursor belongs to the sale category only: every other category refuses it.
    let refusals = error_codes(&next);
    assert!(!refusals.is_empty() && refusals.iter().all(|c| c == "VALIDATION"), "{next}");

    let replaced = app
        .as_merchant(
            "mutation($c: UUID!, $ids: [UUID!]!) { setCategoryProducts(categoryId: $c, productIds: $ids) { products { totalCount nodes { id } } } }",
            json!({ "c": category["id"], "ids": [products[1]] }),
        )
        .await;
    assert_eq!(
        replaced["data"]["setCategoryProducts"]["products"],
        json!({ "totalCount": 1, "nodes": [{ "id": products[1] }] })
    );

    // A deleted product leaves every category.
    app.as_merchant("mutation($id: UUID!) { deleteProduct(id: $id) }", json!({ "id": products[1] })).await;
    let after = app.as_merchant(CATEGORY_PRODUCTS, json!({ "s": ids.store })).await;
    assert_eq!(
        sale(&after),
        json!({ "totalCount": 0, "pageInfo": { "hasNextPage": false, "endCursor": null }, "nodes": [] })
    );

    let clash = app
        .as_merchant(
            "mutation($s: UUID!) { createCategory(storeId: $s, input: { name: \"Sale\" }) { id } }",
            json!({ "s": ids.store }),
        )
        .await;
    assert_eq!(error_codes(&clash), ["CONFLICT"]);
    let live = count_rows(&app.db, "products WHERE deleted_at IS NULL").await;
    let deleted =
        app.as_merchant("mutation($c: UUID!) { deleteCategory(id: $c) }", json!({ "c": category["id"] })).await;
    assert_eq!(deleted["data"]["deleteCategory"], category["id"]);
    assert_eq!(count_rows(&app.db, "products WHERE deleted_at IS NULL").await, live, "its products stay");
}

#[tokio::test]
async fn category_products_cost_one_statement_per_level_for_all_categories() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let (statements, body) = app.merchant_counting(CATEGORY_PRODUCTS, json!({ "s": ids.store })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let categories = body["data"]["store"]["categories"]["nodes"].as_array().expect("nodes");
    assert!(categories.len() >= 5 && categories.iter().all(|c| c["products"]["totalCount"].as_i64() > Some(0)));
    // store, categories page, links pages with their counts, products by id.
    assert_eq!(statements, 4, "{body}");
}

#[tokio::test]
async fn stores_are_created_updated_and_deleted_by_their_owner() {
    let app = spawn_demo_app().await;
    let body = app
        .as_merchant(
            "mutation { createStore(input: { name: \"Second Shop\", currencyCode: \"EUR\" }) { id url currencyCode description } }",
            json!({}),
        )
        .await;
    let store = body["data"]["createStore"].clone();
    assert_eq!((store["url"].clone(), store["currencyCode"].clone()), (json!("second-shop"), json!("EUR")), "{body}");
    let stores = app.as_merchant("{ stores { name } }", json!({})).await;
    assert_eq!(
        stores["data"]["stores"],
        json!([{ "name": "Demo Store" }, { "name": "Second Shop" }]),
        "visible at once"
    );

    let taken = app
        .as_merchant("mutation { createStore(input: { name: \"Other\", url: \"second-shop\" }) { id } }", json!({}))
        .await;
    assert_eq!(error_codes(&taken), ["CONFLICT"]);

    let updated = app
        .as_merchant(
            "mutation($id: UUID!) { updateStore(id: $id, input: { url: \"shop-two\", isInactive: true, maintenanceReason: \"Stocktaking\" }) { url isInactive maintenanceReason } }",
            json!({ "id": store["id"] }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateStore"],
        json!({ "url": "shop-two", "isInactive": true, "maintenanceReason": "Stocktaking" })
    );

    let key = app.api_key(&app.merchant, commerce_gateway::auth::scope::ALL, None).await;
    let by_key =
        app.graphql_as(&key, "mutation($id: UUID!) { deleteStore(id: $id) }", json!({ "id": store["id"] })).await;
    assert_eq!(error_codes(&by_key), ["FORBIDDEN"], "deleting a store needs a login session");
    let demo = demo_catalog(&app, &app.merchant).await;
    let with_orders =
        app.as_merchant("mutation($id: UUID!) { deleteStore(id: $id) }", json!({ "id": demo.store })).await;
    assert_eq!(error_codes(&with_orders), ["CONFLICT"], "{with_orders}");
    let deleted = app.as_merchant("mutation($id: UUID!) { deleteStore(id: $id) }", json!({ "id": store["id"] })).await;
    assert_eq!(deleted["data"]["deleteStore"], store["id"]);
    let stores = app.as_merchant("{ stores { name } }", json!({})).await;
    assert_eq!(stores["data"]["stores"], json!([{ "name": "Demo Store" }]));
}
