use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use crate::helpers::TestDatabase;

const TABLES: &[&str] = &[
    "users",
    "api_keys",
    "refresh_tokens",
    "stores",
    "store_brand_options",
    "store_affiliate_options",
    "store_notification_options",
    "categories",
    "category_products",
    "products",
    "variants",
    "variant_files",
    "custom_fields",
    "custom_field_options",
    "customers",
    "customer_balance_entries",
    "coupons",
    "orders",
    "order_items",
    "order_status_changes",
    "affiliates",
    "affiliate_entries",
    "tickets",
    "ticket_messages",
    "reviews",
    "webhooks",
    "webhook_deliveries",
    "webhook_attempts",
    "events",
    "idempotency_keys",
];

async fn tables(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        _ => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("list tables");
    let mut names: Vec<String> = rows.iter().map(|r| r.try_get::<String>("", "name").expect("name")).collect();
    names.sort();
    names
}

#[tokio::test]
async fn migrations_go_from_empty_to_head_and_back_down() {
    let database = TestDatabase::new().await;
    let db = Database::connect(database.url.as_str()).await.expect("connect");
    assert!(tables(&db).await.is_empty(), "a fresh database is empty");

    Migrator::up(&db, None).await.expect("up");
    let created = tables(&db).await;
    for table in TABLES {
        assert!(created.iter().any(|t| t == table), "table {table} exists at head");
    }
    assert!(Migrator::get_pending_migrations(&db).await.expect("pending").is_empty());

    Migrator::down(&db, None).await.expect("down");
    assert_eq!(tables(&db).await, vec!["seaql_migrations".to_owned()], "only the bookkeeping table remains");

    Migrator::up(&db, None).await.expect("up again");
    assert_eq!(tables(&db).await.len(), TABLES.len() + 1);
}

#[tokio::test]
async fn constraints_refuse_values_that_would_corrupt_data() {
    let database = TestDatabase::new().await;
    let app = crate::helpers::spawn(database, true).await;
    let db = &app.db;
    let backend = db.get_database_backend();
    let run = |sql: &'static str| db.execute_raw(Statement::from_string(backend, sql));

    assert!(run("UPDATE variants SET stock = -1").await.is_err(), "negative stock is refused");
    assert!(run("UPDATE variants SET cost_cents = -5").await.is_err(), "a negative price is refused");
    assert!(run("UPDATE variants SET cost_cents = 10000001").await.is_err(), "a price over 100000 is refused");
    assert!(run("UPDATE customers SET balance_cents = -1").await.is_err(), "a negative balance is refused");
    assert!(run("UPDATE orders SET status = 'lost'").await.is_err(), "an unknown order status is refused");
    assert!(run("UPDATE coupons SET uses = maximum_uses + 1").await.is_err(), "coupon uses cannot pass the maximum");
    assert!(run("UPDATE users SET email = 'demo@example.com'").await.is_err(), "emails are unique");
    assert!(run("UPDATE variants SET sku = 'TRAIL-42'").await.is_err(), "SKUs are unique per store");
    assert!(run("UPDATE variants SET maximum_quantity = 0").await.is_err(), "the maximum cannot be under the minimum");
    assert!(run("UPDATE products SET slug = 'same'").await.is_err(), "live product slugs are unique per store");
    assert!(
        run("UPDATE coupons SET amount_decrease_cents = 100").await.is_err(),
        "a coupon is a percentage or an amount"
    );
    assert!(run("UPDATE coupons SET percentage_decrease = NULL").await.is_err(), "a coupon takes something off");
    assert!(run("UPDATE orders SET total_cents = total_cents + 1").await.is_err(), "totals add up");
    assert!(
        run("UPDATE orders SET discount_cents = subtotal_cents + 1").await.is_err(),
        "no discount beyond the subtotal"
    );
    assert!(
        run("UPDATE order_status_changes SET from_status = 'lost'").await.is_err(),
        "history speaks of real statuses"
    );
    assert!(
        run("UPDATE customers SET email = 'same@example.com'").await.is_err(),
        "customer emails are unique per store"
    );
    let coupon_copy = format!(
        "INSERT INTO coupons (id, store_id, code, uses, is_enabled, percentage_decrease, variant_ids, created_at, updated_at) \
         SELECT {}, store_id, code, 0, true, 5, variant_ids, created_at, updated_at FROM coupons WHERE code = 'WELCOME10'",
        crate::helpers::uuid_literal(db, uuid::Uuid::now_v7())
    );
    assert!(db.execute_unprepared(&coupon_copy).await.is_err(), "coupon codes are unique per store");
    let new_id = crate::helpers::uuid_literal(db, uuid::Uuid::now_v7());
    let category_copy = format!(
        "INSERT INTO categories (id, store_id, name, slug, visibility, sort_order, created_at) \
         SELECT {new_id}, store_id, 'Second home', slug, 0, 9, created_at FROM categories WHERE slug = 'home'"
    );
    assert!(db.execute_unprepared(&category_copy).await.is_err(), "category slugs are unique per store");
    let orphan = format!(
        "INSERT INTO variants (id, product_id, store_id, name, cost_cents, stock, stock_mode, variant_type, \
         minimum_quantity, maximum_quantity, sort_order, delivery_types, image_names, created_at, updated_at) \
         SELECT {new_id}, {}, store_id, name, 1, 1, 0, 0, 1, 1, 1, delivery_types, image_names, created_at, updated_at \
         FROM variants WHERE sku = 'TEE-S'",
        crate::helpers::uuid_literal(db, uuid::Uuid::now_v7())
    );
    assert!(db.execute_unprepared(&orphan).await.is_err(), "a variant must belong to an existing product");
    assert_eq!(crate::helpers::count_rows(db, "variants WHERE stock < 0 OR cost_cents < 0").await, 0);
    assert_eq!(crate::helpers::count_rows(db, "coupons").await, 1, "nothing was added by the refused statements");

    // A soft-deleted product frees its slug for a new product.
    assert!(run("UPDATE products SET deleted_at = created_at WHERE slug = 'ceramic-mug'").await.is_ok());
    let reuse = format!(
        "INSERT INTO products (id, store_id, name, slug, visibility, sort_order, is_best_seller, image_names, \
         should_block_vpns, blacklisted_payment_gateways, created_at, updated_at) SELECT {}, store_id, 'New mug', slug, 0, 99, \
         false, image_names, false, blacklisted_payment_gateways, created_at, updated_at FROM products WHERE slug = 'ceramic-mug'",
        crate::helpers::uuid_literal(db, uuid::Uuid::now_v7())
    );
    db.execute_unprepared(&reuse).await.expect("the slug of a deleted product can be reused");
}
