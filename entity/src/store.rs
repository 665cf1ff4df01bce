//! `stores`: a merchant's storefront, the unit of tenancy.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub description: String,
    /// The store's URL slug, unique across the platform.
    #[sea_orm(unique)]
    pub url: String,
    /// JSON array of earlier slugs.
    pub url_history: Json,
    pub custom_domain: Option<String>,
    /// ISO 4217 code, e.g. `USD`.
    pub currency_code: String,
    pub prepend_product_name_to_receipt: bool,
    pub is_automatic_reviews_enabled: bool,
    pub is_customer_balance_enabled: bool,
    pub is_inactive: bool,
    pub maintenance_reason: Option<String>,
    /// Secret used to sign this store's webhook deliveries.
    pub webhook_secret: String,
    /// A FIXED-stock variant at or below this many units announces `variant.stock_low`; `NULL`: never.
    pub low_stock_threshold: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::OwnerId", to = "super::user::Column::Id")]
    Owner,
    #[sea_orm(has_many = "super::product::Entity")]
    Products,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Products.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
