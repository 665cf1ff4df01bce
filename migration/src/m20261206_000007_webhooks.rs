//! Webhooks fed by a transactional outbox: `events` (written in the transaction of the change
//! that caused them), the endpoints that subscribe to them, one delivery per event and endpoint
//! (the unit of retry, whose id is the `webhook-id` header), and every attempt made.
//! Replaces the placeholder `webhooks` / `webhook_deliveries` tables of the first schema, which
//! nothing wrote. Stores gain the stock level that announces `variant.stock_low`.

use crate::builder::{drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["webhook_deliveries", "webhooks"]).await?;
        manager
            .alter_table(Table::alter().table("stores").add_column(integer_null("low_stock_threshold")).to_owned())
            .await?;

        NewTable::new("events")
            .references("store_id", "stores", true, OnDelete::Cascade)
            .col(string_len("event_type", 64))
            .col(uuid("subject_id"))
            .col(json_null("data"))
            .timestamps(false)
            .col(timestamp_with_time_zone_null("dispatched_at"))
            .index(&["dispatched_at"])
            .create(manager)
            .await?;

        NewTable::new("webhooks")
            .references("user_id", "users", false, OnDelete::Cascade)
            .col(string_len("url", 2048))
            .col(string_len("description", 256))
            .col(json("event_types"))
            .col(json("store_ids"))
            .col(boolean("is_enabled"))
            .col(string_len_null("disabled_reason", 256))
            .col(string_len("secret", 128))
            .col(string_len_null("previous_secret", 128))
            .col(timestamp_with_time_zone_null("previous_secret_expires_at"))
            .col(timestamp_with_time_zone_null("failing_since"))
            .timestamps(true)
            .create(manager)
            .await?;

        NewTable::new("webhook_deliveries")
            .references("webhook_id", "webhooks", false, OnDelete::Cascade)
            .references("event_id", "events", false, OnDelete::Cascade)
            .col(string_len("status", 16))
            .col(integer("attempts"))
            .col(timestamp_with_time_zone_null("next_attempt_at"))
            .col(timestamp_with_time_zone_null("claimed_until"))
            .col(integer_null("last_response_status"))
            .col(string_len_null("last_error", 512))
            .timestamps(true)
            .unique(&["webhook_id", "event_id"])
            .index(&["status", "next_attempt_at"])
            .check("status", one_of("status", &["pending", "succeeded", "failed"]))
            .check("attempts", non_negative("attempts"))
            .create(manager)
            .await?;

        NewTable::new("webhook_attempts")
            .references("delivery_id", "webhook_deliveries", false, OnDelete::Cascade)
            .col(integer_null("response_status"))
            .col(integer("duration_ms"))
            .col(string_len_null("error", 512))
            .col(string_len_null("response_body", 1024))
            .timestamps(false)
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["webhook_attempts", "webhook_deliveries", "webhooks", "events"]).await?;
        manager.alter_table(Table::alter().table("stores").drop_column("low_stock_threshold").to_owned()).await?;
        // The placeholder tables of the first schema, as they were.
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
}
