//! Reviews as the API runs them: one per order line (a unique index, so two racing requests or
//! replicas cannot both write one), automatic ones marked as such, the merchant's reply with its
//! time, and flagging with its time and reason (a flagged review is hidden from customers).
//! Replaces the placeholder `reviews` table of the first schema, which nothing wrote.

use crate::builder::{between, drop_tables, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["reviews"]).await?;
        NewTable::new("reviews")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("product_id", "products", false, OnDelete::Cascade)
            .references("order_item_id", "order_items", false, OnDelete::Cascade)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .col(small_integer("rating"))
            .col(text_null("text"))
            .col(boolean("is_automatic"))
            .col(text_null("reply"))
            .col(timestamp_with_time_zone_null("replied_at"))
            .col(timestamp_with_time_zone_null("flagged_at"))
            .col(string_len_null("flag_reason", 512))
            .timestamps(true)
            .unique(&["order_item_id"])
            .index(&["product_id", "flagged_at"])
            .check("rating", between("rating", 1, 5))
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["reviews"]).await?;
        // The placeholder table of the first schema, as it was.
        NewTable::new("reviews")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("product_id", "products", false, OnDelete::Cascade)
            .references("order_id", "orders", true, OnDelete::SetNull)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .col(small_integer("rating"))
            .col(text("text"))
            .col(text_null("reply"))
            .col(boolean("is_flagged"))
            .col(string_len_null("flag_reason", 512))
            .timestamps(false)
            .check("rating", between("rating", 1, 5))
            .create(manager)
            .await
    }
}
