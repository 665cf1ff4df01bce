//! `custom_field_options`: the allowed answers of a select or radio custom field.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_field_options")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub custom_field_id: Uuid,
    pub label: String,
    pub value: String,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::custom_field::Entity",
        from = "Column::CustomFieldId",
        to = "super::custom_field::Column::Id"
    )]
    CustomField,
}

impl ActiveModelBehavior for ActiveModel {}
