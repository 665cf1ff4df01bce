//! Stores, the unit of tenancy, and their one-to-one option records.

use crate::builder::{between, drop_tables, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        NewTable::new("stores")
            .references("owner_id", "users", false, OnDelete::Restrict)
            .col(string_len("name", 32))
            .col(text("description"))
            .col(string_len("url", 64))
            .col(json("url_history"))
            .col(string_len_null("custom_domain", 253))
            .col(string_len("currency_code", 3))
            .col(boolean("prepend_product_name_to_receipt"))
            .col(boolean("is_automatic_reviews_enabled"))
            .col(boolean("is_customer_balance_enabled"))
            .col(boolean("is_inactive"))
            .col(text_null("maintenance_reason"))
            .col(string_len("webhook_secret", 128))
            .timestamps(true)
            .unique(&["url"])
            .create(manager)
            .await?;

        NewTable::new("store_brand_options")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(boolean("is_automatic_currency_conversion_enabled"))
            .col(string_len_null("banner_file_name", 255))
            .col(string_len_null("icon_file_name", 255))
            .col(string_len_null("accent_color", 7))
            .timestamps(false)
            .unique(&["store_id"])
            .create(manager)
            .await?;

        NewTable::new("store_affiliate_options")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(boolean("is_enabled"))
            .col(integer("default_return_percentage"))
            .col(boolean("is_public_registration_enabled"))
            .col(boolean("is_link_editing_enabled"))
            .col(boolean("can_convert_affiliate_balance"))
            .col(integer("default_percentage_off"))
            .timestamps(false)
            .unique(&["store_id"])
            .check("return_percentage", between("default_return_percentage", 0, 100))
            .check("percentage_off", between("default_percentage_off", 0, 100))
            .create(manager)
            .await?;

        NewTable::new("store_notification_options")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(string_len_null("discord_webhook_url", 2048))
            .timestamps(false)
            .unique(&["store_id"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["store_notification_options", "store_affiliate_options", "store_brand_options", "stores"],
        )
        .await
    }
}
