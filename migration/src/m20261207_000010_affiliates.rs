//! Affiliates as the API runs them: one per customer of a store, with a unique code, optional
//! overrides of the store's return percentage (commission) and percentage off, and a balance
//! that moves only with a ledger entry (commission on delivery, its reversal on refund, a
//! conversion into store credit). The balance may go below zero when a refund reverses
//! commission the affiliate already converted. Orders remember the affiliate they came through,
//! the discount it gave and the commission rate at the time. Replaces the placeholder
//! `affiliates` table of the first schema, which nothing wrote.

use crate::builder::{between, drop_tables, non_negative, one_of, NewTable, OnDelete};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["affiliates"]).await?;
        NewTable::new("affiliates")
            .references("store_id", "stores", false, OnDelete::Cascade)
            .references("customer_id", "customers", false, OnDelete::Cascade)
            .col(string_len("code", 64))
            .col(integer_null("return_percentage"))
            .col(integer_null("percentage_off"))
            .col(big_integer("balance_cents"))
            .col(boolean("is_enabled"))
            .timestamps(true)
            .unique(&["store_id", "code"])
            .unique(&["store_id", "customer_id"])
            .check("return_percentage", between("return_percentage", 0, 100))
            .check("percentage_off", between("percentage_off", 0, 100))
            .create(manager)
            .await?;
        NewTable::new("affiliate_entries")
            .references("affiliate_id", "affiliates", false, OnDelete::Cascade)
            .references("order_id", "orders", true, OnDelete::SetNull)
            .col(string_len("kind", 16))
            .col(big_integer("amount_cents"))
            .col(big_integer("balance_after_cents"))
            .timestamps(false)
            // One commission and one reversal per order, whoever delivers or refunds it twice.
            .unique(&["order_id", "kind"])
            .check("kind", one_of("kind", &["commission", "reversal", "conversion"]))
            .create(manager)
            .await?;
        let orders = |column: ColumnDef| Table::alter().table("orders").add_column(column).to_owned();
        manager.alter_table(orders(uuid_null("affiliate_id"))).await?;
        manager.alter_table(orders(big_integer("affiliate_discount_cents").default(0).to_owned())).await?;
        manager.alter_table(orders(integer_null("affiliate_return_percentage"))).await?;
        manager
            .create_index(
                Index::create().name("idx_orders_affiliate_id").table("orders").col("affiliate_id").to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_orders_affiliate_id").table("orders").to_owned()).await?;
        for column in ["affiliate_return_percentage", "affiliate_discount_cents", "affiliate_id"] {
            manager.alter_table(Table::alter().table("orders").drop_column(column).to_owned()).await?;
        }
        drop_tables(manager, &["affiliate_entries", "affiliates"]).await?;
        // The placeholder table of the first schema, as it was.
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
            .await
    }
}
