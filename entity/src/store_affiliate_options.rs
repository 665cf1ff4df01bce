//! `store_affiliate_options`: how a store's affiliate programme works (one row per store).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "store_affiliate_options")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub store_id: Uuid,
    pub is_enabled: bool,
    /// Percentage of an order's total paid to the referring affiliate (0–100).
    pub default_return_percentage: i32,
    pub is_public_registration_enabled: bool,
    pub is_link_editing_enabled: bool,
    pub can_convert_affiliate_balance: bool,
    /// Percentage off for customers arriving through an affiliate link (0–100).
    pub default_percentage_off: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl ActiveModelBehavior for ActiveModel {}
