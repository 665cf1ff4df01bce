//! Support tickets as the API runs them: a status a merchant's reply and a customer's message
//! move (`open` → `answered` → `closed`, reopened by the customer), a message count kept on the
//! ticket so the cap on messages holds under concurrent replies (one conditional update), the
//! time of the last message, and archiving by the merchant. Replaces the placeholder `tickets`
//! and `ticket_messages` tables of the first schema, which nothing wrote.

use crate::builder::{drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `ticket_messages`, the same before and after this migration (it is recreated because it
/// references `tickets`).
async fn create_messages(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    NewTable::new("ticket_messages")
        .references("ticket_id", "tickets", false, OnDelete::Cascade)
        .col(string_len("author_kind", 16))
        .references("author_user_id", "users", true, OnDelete::SetNull)
        .col(text("body"))
        .timestamps(false)
        .check("author_kind", one_of("author_kind", &["customer", "merchant"]))
        .create(manager)
        .await
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ticket_messages", "tickets"]).await?;
        NewTable::new("tickets")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("customer_id", "customers", true, OnDelete::SetNull)
            .references("order_id", "orders", true, OnDelete::SetNull)
            .col(string_len("email", 254))
            .col(string_len("subject", 128))
            .col(string_len("status", 16))
            .col(integer("message_count"))
            .col(timestamp_with_time_zone("last_message_at"))
            .col(timestamp_with_time_zone_null("archived_at"))
            .timestamps(true)
            .index(&["store_id", "created_at"])
            .check("status", one_of("status", &["open", "answered", "closed"]))
            .check("message_count", non_negative("message_count"))
            .create(manager)
            .await?;
        create_messages(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ticket_messages", "tickets"]).await?;
        // The placeholder tables of the first schema, as they were.
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
        create_messages(manager).await
    }
}
