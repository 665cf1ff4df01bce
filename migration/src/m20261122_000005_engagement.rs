//! Engagement around sales: affiliates, support tickets and their messages, reviews, and
//! account-wide webhooks with their delivery log.

use crate::builder::{between, drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        NewTable::new("affiliates")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .col(string_len("email", 254))
            .col(string_len("code", 64))
            .col(integer("return_percentage"))
            .col(big_integer("balance_cents"))
            .col(boolean("is_enabled"))
            .timestamps(false)
            .unique(&["store_id", "code"])
            .check("return_percentage", between("return_percentage", 0, 100))
            .check("balance", non_negative("balance_cents"))
            .create(manager)
            .await?;

        NewTable::new("tickets")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .references("order_id", "orders", true, OnDelete::SetNull)
            .col(string_len("email", 254))
            .col(string_len("subject", 128))
            .col(string_len("status", 24))
            .timestamps(true)
            .index(&["store_id", "status"])
            .check("status", one_of("status", &["open", "awaiting_customer", "closed"]))
            .create(manager)
            .await?;

        NewTable::new("ticket_messages")
            .references("ticket_id", "tickets", false, OnDelete::Cascade)
            .col(string_len("author_kind", 16))
            .references("author_user_id", "users", true, OnDelete::SetNull)
            .col(text("body"))
            .timestamps(false)
            .check("author_kind", one_of("author_kind", &["customer", "merchant"]))
            .create(manager)
            .await?;

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
            .await?;

        NewTable::new("webhooks")
            .references("user_id", "users", false, OnDelete::Cascade)
            .col(string_len("url", 2048))
            .col(json("event_types"))
            .col(json("store_ids"))
            .col(boolean("is_enabled"))
            .timestamps(true)
            .create(manager)
            .await?;

        NewTable::new("webhook_deliveries")
            .references("webhook_id", "webhooks", false, OnDelete::Cascade)
            .references("store_id", "stores", true, OnDelete::Cascade)
            .col(string_len("event_type", 64))
            .col(json("payload"))
            .col(integer("attempt"))
            .col(integer_null("response_status"))
            .col(text_null("error"))
            .col(timestamp_with_time_zone_null("delivered_at"))
            .col(timestamp_with_time_zone_null("next_attempt_at"))
            .timestamps(false)
            .index(&["next_attempt_at"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["webhook_deliveries", "webhooks", "reviews", "ticket_messages", "tickets", "affiliates"])
            .await
    }
}
