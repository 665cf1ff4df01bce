//! `variants`: a purchasable version of a product, with its own price and stock.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "variants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    /// Denormalised from the product so SKUs can be unique per store.
    pub store_id: Uuid,
    pub name: String,
    pub sku: Option<String>,
    /// Price in minor units (0 ..= 10 000 000, i.e. 0–100 000.00).
    pub cost_cents: i64,
    /// Units available; never negative.
    pub stock: i32,
    /// 0 fixed (use `stock`), 1 calculated from deliverables, 2 unlimited.
    pub stock_mode: i16,
    /// 0 one-time, 1 subscription.
    pub variant_type: i16,
    pub minimum_quantity: i32,
    /// -1 means no limit.
    pub maximum_quantity: i32,
    pub sort_order: i32,
    /// JSON array: license_keys, dynamic, keyauth, instructions, files.
    pub delivery_types: Json,
    /// JSON array of image file names.
    pub image_names: Json,
    pub dynamic_url: Option<String>,
    pub delivery_message: Option<String>,
    pub subscription_period: Option<String>,
    pub metadata: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::product::Entity", from = "Column::ProductId", to = "super::product::Column::Id")]
    Product,
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
