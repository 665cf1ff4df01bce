//! Migrations of commerce-gateway, applied at start-up and by `commerce-gateway migrate`.
//! The same definitions produce the schema on SQLite and on PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod builder;
mod m20261122_000001_identity;
mod m20261122_000002_stores;
mod m20261122_000003_catalog;
mod m20261122_000004_sales;
mod m20261122_000005_engagement;
mod m20261122_000006_order_notes;
mod m20261206_000007_webhooks;
mod m20261207_000008_tickets;
mod m20261207_000009_reviews;
mod m20261207_000010_affiliates;
mod m20261207_000011_product_fees;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_identity::Migration),
            Box::new(m20261122_000002_stores::Migration),
            Box::new(m20261122_000003_catalog::Migration),
            Box::new(m20261122_000004_sales::Migration),
            Box::new(m20261122_000005_engagement::Migration),
            Box::new(m20261122_000006_order_notes::Migration),
            Box::new(m20261206_000007_webhooks::Migration),
            Box::new(m20261207_000008_tickets::Migration),
            Box::new(m20261207_000009_reviews::Migration),
            Box::new(m20261207_000010_affiliates::Migration),
            Box::new(m20261207_000011_product_fees::Migration),
        ]
    }
}
