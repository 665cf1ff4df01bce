//! `orders`: a purchase in a store. Totals are computed by the server and stored exactly.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub customer_email: String,
    /// pending, confirmed, shipped, delivered, cancelled or refunded.
    pub status: String,
    pub currency_code: String,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    /// Store credit applied to this order.
    pub credit_used_cents: i64,
    pub total_cents: i64,
    pub coupon_id: Option<Uuid>,
    pub coupon_code: Option<String>,
    pub created_by: Option<Uuid>,
    pub notes: Option<String>,
    /// The affiliate whose code the buyer used, if any.
    pub affiliate_id: Option<Uuid>,
    /// What the affiliate's percentage off took (after the coupon); part of `discount_cents`.
    pub affiliate_discount_cents: i64,
    /// The affiliate's commission rate when the order was placed (paid on delivery).
    pub affiliate_return_percentage: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
    #[sea_orm(belongs_to = "super::customer::Entity", from = "Column::CustomerId", to = "super::customer::Column::Id")]
    Customer,
    #[sea_orm(has_many = "super::order_item::Entity")]
    Items,
}

impl ActiveModelBehavior for ActiveModel {}
