//! `variant_files`: metadata of files delivered with a variant (the bytes live elsewhere).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "variant_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub variant_id: Uuid,
    pub friendly_name: String,
    /// Address the file was uploaded from.
    pub ip_address: String,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::variant::Entity", from = "Column::VariantId", to = "super::variant::Column::Id")]
    Variant,
}

impl ActiveModelBehavior for ActiveModel {}
