//! `custom_fields`: questions a buyer answers when ordering a variant.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_fields")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub variant_id: Uuid,
    pub label: String,
    /// Machine-friendly name, unique within the variant.
    pub identifier: String,
    /// text, textarea, select, checkbox, radio or number.
    pub field_type: String,
    pub is_required: bool,
    pub placeholder: Option<String>,
    pub hint: Option<String>,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::variant::Entity", from = "Column::VariantId", to = "super::variant::Column::Id")]
    Variant,
}

impl ActiveModelBehavior for ActiveModel {}
