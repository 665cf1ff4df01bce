//! `products`: what a store sells. Soft-deleted (`deleted_at`) so past orders keep their lines.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// The user who created it.
    pub created_by: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    /// Unique among the store's live products.
    pub slug: String,
    /// 0 public, 1 unlisted, 2 private.
    pub visibility: i16,
    pub sort_order: i32,
    pub is_best_seller: bool,
    /// JSON array of image file names.
    pub image_names: Json,
    pub should_block_vpns: bool,
    /// JSON array of payment gateway names.
    pub blacklisted_payment_gateways: Json,
    /// JSON list of `{gateway, percentage}`: a payment gateway's surcharge, in percent.
    pub additional_fees: Json,
    pub metadata: Option<String>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
    #[sea_orm(has_many = "super::variant::Entity")]
    Variants,
}

impl Related<super::store::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Store.def()
    }
}

impl Related<super::variant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Variants.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
