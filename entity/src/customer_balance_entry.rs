//! `customer_balance_entries`: the history of a customer's store-credit balance.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_balance_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Uuid,
    /// Signed change in minor units.
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub reason: String,
    pub order_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::customer::Entity", from = "Column::CustomerId", to = "super::customer::Column::Id")]
    Customer,
}

impl ActiveModelBehavior for ActiveModel {}
