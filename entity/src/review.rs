//! `reviews`: a customer's rating of a product it received, one per order line.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub product_id: Uuid,
    /// The order line reviewed (unique: one review a line).
    pub order_item_id: Uuid,
    pub customer_id: Option<Uuid>,
    /// 1 to 5.
    pub rating: i16,
    pub text: Option<String>,
    /// Written by the store for a line left unreviewed (5 stars, no text).
    pub is_automatic: bool,
    pub reply: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    /// When it was flagged (hidden from customers until unflagged); null if not.
    pub flagged_at: Option<DateTimeUtc>,
    pub flag_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
    #[sea_orm(belongs_to = "super::product::Entity", from = "Column::ProductId", to = "super::product::Column::Id")]
    Product,
}

impl ActiveModelBehavior for ActiveModel {}
