//! Sales: customers and their store-credit history, coupons, orders, order lines, order status
//! history, and idempotency keys for safe retries.

use crate::builder::{between, drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

const ORDER_STATUSES: &[&str] = &["pending", "confirmed", "shipped", "delivered", "cancelled", "refunded"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        NewTable::new("customers")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("user_id", "users", true, OnDelete::SetNull)
            .col(string_len("email", 254))
            .col(string_len_null("name", 128))
            .col(big_integer("balance_cents"))
            .timestamps(true)
            .unique(&["store_id", "email"])
            .check("balance", non_negative("balance_cents"))
            .create(manager)
            .await?;

        NewTable::new("coupons")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(string_len("code", 64))
            .col(integer("uses"))
            .col(integer_null("maximum_uses"))
            .col(boolean("is_enabled"))
            .col(integer_null("percentage_decrease"))
            .col(big_integer_null("amount_decrease_cents"))
            .col(json("variant_ids"))
            .col(timestamp_with_time_zone_null("expires_at"))
            .timestamps(true)
            .unique(&["store_id", "code"])
            .check("uses", non_negative("uses"))
            .check(
                "uses_within_maximum",
                Expr::col("maximum_uses").is_null().or(Expr::col("uses").lte(Expr::col("maximum_uses"))),
            )
            .check("percentage", between("percentage_decrease", 0, 100))
            .check(
                "one_discount",
                Expr::col("percentage_decrease").is_null().and(Expr::col("amount_decrease_cents").is_not_null()).or(
                    Expr::col("percentage_decrease").is_not_null().and(Expr::col("amount_decrease_cents").is_null()),
                ),
            )
            .check("amount", non_negative("amount_decrease_cents"))
            .create(manager)
            .await?;

        NewTable::new("orders")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .col(string_len("customer_email", 254))
            .col(string_len("status", 16))
            .col(string_len("currency_code", 3))
            .col(big_integer("subtotal_cents"))
            .col(big_integer("discount_cents"))
            .col(big_integer("credit_used_cents"))
            .col(big_integer("total_cents"))
            .references("coupon_id", "coupons", true, OnDelete::SetNull)
            .col(string_len_null("coupon_code", 64))
            .references("created_by", "users", true, OnDelete::SetNull)
            .timestamps(true)
            .index(&["store_id", "created_at"])
            .index(&["store_id", "status"])
            .index(&["store_id", "customer_email"])
            .check("status", one_of("status", ORDER_STATUSES))
            .check("subtotal", non_negative("subtotal_cents"))
            .check("discount", non_negative("discount_cents"))
            .check("credit_used", non_negative("credit_used_cents"))
            .check("total", non_negative("total_cents"))
            .check("discount_within_subtotal", Expr::col("discount_cents").lte(Expr::col("subtotal_cents")))
            .check(
                "total_adds_up",
                Expr::col("total_cents").eq(Expr::col("subtotal_cents")
                    .sub(Expr::col("discount_cents"))
                    .sub(Expr::col("credit_used_cents"))),
            )
            .create(manager)
            .await?;

        NewTable::new("customer_balance_entries")
            .references("customer_id", "customers", false, OnDelete::Cascade)
            .col(big_integer("amount_cents"))
            .col(big_integer("balance_after_cents"))
            .col(string_len("reason", 512))
            .references("order_id", "orders", true, OnDelete::SetNull)
            .references("actor_user_id", "users", true, OnDelete::SetNull)
            .timestamps(false)
            .check("balance_after", non_negative("balance_after_cents"))
            .create(manager)
            .await?;

        NewTable::new("order_items")
            .references("order_id", "orders", false, OnDelete::Cascade)
            .references("product_id", "products", true, OnDelete::SetNull)
            .references("variant_id", "variants", true, OnDelete::SetNull)
            .col(string_len("product_name", 128))
            .col(string_len("variant_name", 128))
            .col(string_len_null("sku", 64))
            .col(big_integer("unit_price_cents"))
            .col(integer("quantity"))
            .col(big_integer("line_total_cents"))
            .col(json("custom_field_values"))
            .timestamps(false)
            .check("unit_price", non_negative("unit_price_cents"))
            .check("quantity", Expr::col("quantity").gt(0))
            .check("line_total", non_negative("line_total_cents"))
            .create(manager)
            .await?;

        NewTable::new("order_status_changes")
            .references("order_id", "orders", false, OnDelete::Cascade)
            .col(string_len_null("from_status", 16))
            .col(string_len("to_status", 16))
            .col(string_len_null("reason", 512))
            .references("actor_user_id", "users", true, OnDelete::SetNull)
            .references("actor_api_key_id", "api_keys", true, OnDelete::SetNull)
            .timestamps(false)
            .check("to_status", one_of("to_status", ORDER_STATUSES))
            .check("from_status", Expr::col("from_status").is_null().or(one_of("from_status", ORDER_STATUSES)))
            .create(manager)
            .await?;

        NewTable::new("idempotency_keys")
            .col(string_len("scope", 128))
            .col(string_len("key", 255))
            .col(string_len("request_hash", 64))
            .col(json_null("response"))
            .timestamps(false)
            .col(timestamp_with_time_zone("expires_at"))
            .unique(&["scope", "key"])
            .index(&["expires_at"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "idempotency_keys",
                "order_status_changes",
                "order_items",
                "customer_balance_entries",
                "orders",
                "coupons",
                "customers",
            ],
        )
        .await
    }
}
