//! `coupons`: discount codes, a percentage or a fixed amount off.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// Unique within the store.
    pub code: String,
    pub uses: i32,
    /// `NULL` means unlimited; `uses` never exceeds it.
    pub maximum_uses: Option<i32>,
    pub is_enabled: bool,
    /// 0–100; exactly one of this and `amount_decrease_cents` is set.
    pub percentage_decrease: Option<i32>,
    pub amount_decrease_cents: Option<i64>,
    /// JSON array of variant ids the coupon is limited to; empty means every variant.
    pub variant_ids: Json,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl ActiveModelBehavior for ActiveModel {}
