//! Users and their credentials: API keys and refresh tokens.

use crate::builder::{drop_tables, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        NewTable::new("users")
            .col(string_len("email", 254))
            .col(string_len("password_hash", 255))
            .col(string_len_null("name", 128))
            .timestamps(true)
            .unique(&["email"])
            .create(manager)
            .await?;

        NewTable::new("api_keys")
            .references("user_id", "users", false, OnDelete::Cascade)
            .col(string_len("name", 64))
            .col(string_len("prefix", 32))
            .col(string_len("secret_hash", 64))
            .col(json("scopes"))
            .col(json_null("store_ids"))
            .col(timestamp_with_time_zone_null("last_used_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .timestamps(false)
            .unique(&["secret_hash"])
            .create(manager)
            .await?;

        NewTable::new("refresh_tokens")
            .references("user_id", "users", false, OnDelete::Cascade)
            .col(uuid("family_id"))
            .col(string_len("token_hash", 64))
            .col(boolean("remember"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("used_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .timestamps(false)
            .unique(&["token_hash"])
            .index(&["family_id"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["refresh_tokens", "api_keys", "users"]).await
    }
}
