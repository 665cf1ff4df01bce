//! Products carry their additional fees: a surcharge in percent per payment gateway (Komerza's
//! `additionalFees`), stored as a JSON list in the order given.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = json("additional_fees").default("[]").to_owned();
        manager.alter_table(Table::alter().table("products").add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("products").drop_column("additional_fees").to_owned()).await
    }
}
