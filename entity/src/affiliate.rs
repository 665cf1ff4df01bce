//! `affiliates`: customers of a store who refer buyers with a code and earn commission.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "affiliates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// The customer who is the affiliate (one affiliate per customer).
    pub customer_id: Uuid,
    /// Upper-case, unique within the store.
    pub code: String,
    /// Commission on what a referred buyer pays (0–100); null: the store's default.
    pub return_percentage: Option<i32>,
    /// Percentage off for referred buyers (0–100); null: the store's default.
    pub percentage_off: Option<i32>,
    /// Commission earned and not converted; changed only with an `affiliate_entries` row.
    pub balance_cents: i64,
    pub is_enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl ActiveModelBehavior for ActiveModel {}
