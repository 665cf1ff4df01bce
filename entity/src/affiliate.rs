//! `affiliates`: people who refer buyers to a store for a share of the sale.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "affiliates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub email: String,
    /// Referral code, unique within the store.
    pub code: String,
    /// 0–100.
    pub return_percentage: i32,
    pub balance_cents: i64,
    pub is_enabled: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl ActiveModelBehavior for ActiveModel {}
