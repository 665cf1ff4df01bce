//! `affiliate_entries`: every change of an affiliate's balance and why.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "affiliate_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub affiliate_id: Uuid,
    /// The referred order (commission and reversal); null for a conversion.
    pub order_id: Option<Uuid>,
    /// commission, reversal or conversion.
    pub kind: String,
    /// Added (positive) or taken (negative).
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::affiliate::Entity",
        from = "Column::AffiliateId",
        to = "super::affiliate::Column::Id"
    )]
    Affiliate,
}

impl ActiveModelBehavior for ActiveModel {}
