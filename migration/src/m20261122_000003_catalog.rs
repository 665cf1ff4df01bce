//! The catalog: categories, products (soft-deleted), variants, their files, custom fields and
//! custom field options.

use crate::builder::{between, drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        NewTable::new("categories")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(string_len("name", 64))
            .col(string_len("slug", 72))
            .col(small_integer("visibility"))
            .col(integer("sort_order"))
            .timestamps(false)
            .unique(&["store_id", "slug"])
            .check("visibility", between("visibility", 0, 2))
            .check("sort_order", non_negative("sort_order"))
            .create(manager)
            .await?;

        NewTable::new("products")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("created_by", "users", true, OnDelete::SetNull)
            .col(string_len("name", 128))
            .col(text_null("description"))
            .col(string_len("slug", 72))
            .col(small_integer("visibility"))
            .col(integer("sort_order"))
            .col(boolean("is_best_seller"))
            .col(json("image_names"))
            .col(boolean("should_block_vpns"))
            .col(json("blacklisted_payment_gateways"))
            .col(text_null("metadata"))
            .col(timestamp_with_time_zone_null("deleted_at"))
            .timestamps(true)
            .unique_where_null(&["store_id", "slug"], "deleted_at")
            .index(&["store_id", "sort_order"])
            .check("visibility", between("visibility", 0, 2))
            .create(manager)
            .await?;

        NewTable::new("category_products")
            .references("category_id", "categories", false, OnDelete::Cascade)
            .references("product_id", "products", false, OnDelete::Cascade)
            .col(integer("sort_order"))
            .timestamps(false)
            .unique(&["category_id", "product_id"])
            .create(manager)
            .await?;

        NewTable::new("variants")
            .references("product_id", "products", false, OnDelete::Cascade)
            .references("store_id", "stores", false, OnDelete::Cascade)
            .col(string_len("name", 128))
            .col(string_len_null("sku", 64))
            .col(big_integer("cost_cents"))
            .col(integer("stock"))
            .col(small_integer("stock_mode"))
            .col(small_integer("variant_type"))
            .col(integer("minimum_quantity"))
            .col(integer("maximum_quantity"))
            .col(integer("sort_order"))
            .col(json("delivery_types"))
            .col(json("image_names"))
            .col(string_len_null("dynamic_url", 2048))
            .col(string_len_null("delivery_message", 4096))
            .col(string_len_null("subscription_period", 32))
            .col(string_len_null("metadata", 1000))
            .timestamps(true)
            .unique(&["store_id", "sku"])
            .index(&["product_id", "sort_order"])
            .check("cost", between("cost_cents", 0, 10_000_000))
            .check("stock", non_negative("stock"))
            .check("stock_mode", between("stock_mode", 0, 2))
            .check("variant_type", between("variant_type", 0, 1))
            .check("minimum_quantity", Expr::col("minimum_quantity").gte(1))
            .check(
                "maximum_quantity",
                Expr::col("maximum_quantity")
                    .eq(-1)
                    .or(Expr::col("maximum_quantity").gte(Expr::col("minimum_quantity"))),
            )
            .create(manager)
            .await?;

        NewTable::new("variant_files")
            .references("variant_id", "variants", false, OnDelete::Cascade)
            .references("uploaded_by", "users", true, OnDelete::SetNull)
            .col(string_len("friendly_name", 128))
            .col(string_len("ip_address", 45))
            .timestamps(false)
            .create(manager)
            .await?;

        NewTable::new("custom_fields")
            .references("variant_id", "variants", false, OnDelete::Cascade)
            .col(string_len("label", 128))
            .col(string_len("identifier", 64))
            .col(string_len("field_type", 16))
            .col(boolean("is_required"))
            .col(string_len_null("placeholder", 256))
            .col(string_len_null("hint", 512))
            .col(integer("sort_order"))
            .timestamps(false)
            .unique(&["variant_id", "identifier"])
            .check("field_type", one_of("field_type", &["text", "textarea", "select", "checkbox", "radio", "number"]))
            .create(manager)
            .await?;

        NewTable::new("custom_field_options")
            .references("custom_field_id", "custom_fields", false, OnDelete::Cascade)
            .col(string_len("label", 128))
            .col(string_len("value", 64))
            .col(integer("sort_order"))
            .timestamps(false)
            .check("sort_order", non_negative("sort_order"))
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "custom_field_options",
                "custom_fields",
                "variant_files",
                "variants",
                "category_products",
                "products",
                "categories",
            ],
        )
        .await
    }
}
