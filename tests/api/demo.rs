use commerce_gateway::demo::{self, DEMO_KEY_NAME};
use serde_json::json;

use crate::helpers::{count_rows, spawn, spawn_demo_app};

const SEEDED_TABLES: &[&str] = &[
    "users",
    "stores",
    "categories",
    "category_products",
    "products",
    "variants",
    "custom_fields",
    "custom_field_options",
    "customers",
    "coupons",
    "orders",
    "order_items",
    "order_status_changes",
];

#[tokio::test]
async fn demo_seeding_twice_adds_nothing_but_a_fresh_key() {
    let app = spawn_demo_app().await;
    let mut before = Vec::new();
    for table in SEEDED_TABLES {
        before.push(count_rows(&app.db, table).await);
    }
    let second = demo::seed(&app.db).await.expect("second seeding");
    assert!(!second.created, "the second start finds the demo data");
    assert!(second.api_key.starts_with("cgk_"));
    for (table, count) in SEEDED_TABLES.iter().zip(&before) {
        assert_eq!(count_rows(&app.db, table).await, *count, "{table} gained rows on the second start");
    }
    let keys = count_rows(&app.db, &format!("api_keys WHERE name = '{DEMO_KEY_NAME}'")).await;
    assert_eq!(keys, 1, "the previous demo key is replaced, not piled up");
}

#[tokio::test]
async fn a_restarted_demo_server_on_the_same_database_keeps_one_copy() {
    let first = spawn_demo_app().await;
    let stores = count_rows(&first.db, "stores").await;
    let products = count_rows(&first.db, "products").await;
    let database = first.database;
    let second = spawn(database, true).await;
    assert_eq!(count_rows(&second.db, "stores").await, stores);
    assert_eq!(count_rows(&second.db, "products").await, products);
}

#[tokio::test]
async fn the_demo_data_is_what_the_contract_promises() {
    let app = spawn_demo_app().await;
    let body = app
        .as_merchant(
            "{ stores { name currencyCode products(first: 20) { totalCount nodes { name visibility variants { sku customFields { type options { value } } } } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let stores = body["data"]["stores"].as_array().expect("stores");
    let names: Vec<&str> = stores.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["Demo Store"], "the demo merchant sees its own store only");

    let demo_store = &stores[0];
    let products = demo_store["products"]["nodes"].as_array().expect("products");
    assert_eq!(demo_store["products"]["totalCount"], products.len());
    assert!(products.len() >= 10);
    let variant_counts: Vec<usize> = products.iter().map(|p| p["variants"].as_array().map_or(0, Vec::len)).collect();
    assert!(variant_counts.iter().all(|n| (1..=3).contains(n)), "one to three variants each: {variant_counts:?}");
    let field_types: std::collections::BTreeSet<&str> = products
        .iter()
        .flat_map(|p| p["variants"].as_array().into_iter().flatten())
        .flat_map(|v| v["customFields"].as_array().into_iter().flatten())
        .filter_map(|f| f["type"].as_str())
        .collect();
    assert_eq!(
        field_types.into_iter().collect::<Vec<_>>(),
        ["CHECKBOX", "NUMBER", "RADIO", "SELECT", "TEXT", "TEXTAREA"],
        "every custom field type is demonstrated"
    );

    // Every category holds a product; several order states; the coupon; the customer login.
    let empty_categories = count_rows(
        &app.db,
        "categories c WHERE NOT EXISTS (SELECT 1 FROM category_products cp WHERE cp.category_id = c.id)",
    )
    .await;
    assert_eq!(empty_categories, 0);
    assert_eq!(count_rows(&app.db, "categories").await, 6, "five demo categories and one rival category");
    assert!(count_rows(&app.db, "(SELECT DISTINCT status FROM orders) statuses").await >= 5);
    assert_eq!(count_rows(&app.db, "coupons WHERE code = 'WELCOME10' AND percentage_decrease = 10").await, 1);
    assert_eq!(
        count_rows(&app.db, "customers c JOIN users u ON u.id = c.user_id WHERE u.email = 'customer@example.com'")
            .await,
        1
    );
    assert_eq!(
        count_rows(&app.db, "orders o JOIN stores s ON s.id = o.store_id WHERE s.name = 'Rival Store'").await,
        2
    );
}

#[tokio::test]
async fn no_password_or_key_is_stored_in_clear() {
    let app = spawn_demo_app().await;
    assert_eq!(count_rows(&app.db, "users WHERE password_hash LIKE '$argon2id$%'").await, 3);
    assert_eq!(count_rows(&app.db, "users WHERE password_hash LIKE '%password%'").await, 0);
    assert_eq!(count_rows(&app.db, "api_keys WHERE secret_hash LIKE 'cgk_%'").await, 0);
}

#[tokio::test]
async fn demo_seeding_works_when_a_demo_login_already_exists() {
    let database = crate::helpers::TestDatabase::new().await;
    let db = sea_orm::Database::connect(database.url.as_str()).await.expect("connect");
    migration::Migrator::up(&db, None).await.expect("migrate");
    use migration::MigratorTrait;
    commerce_gateway::auth::users::create(&db, "rival@example.com", "my-own-password").await.expect("user");
    let app = spawn(database, true).await;
    assert_eq!(count_rows(&app.db, "stores").await, 2, "both demo stores were seeded");
    let own = app.token(("rival@example.com", "my-own-password")).await;
    let stores = app.graphql_as(&own, "{ stores { name } }", json!({})).await;
    assert_eq!(stores["data"]["stores"], json!([{ "name": "Rival Store" }]), "the existing user kept its password");
    let coupon_uses = count_rows(&app.db, "orders WHERE coupon_id IS NOT NULL").await;
    assert_eq!(
        count_rows(&app.db, &format!("coupons WHERE uses = {coupon_uses}")).await,
        1,
        "coupon uses match its orders"
    );
}
