//! Custom fields of a variant (questions the buyer answers) and the options of SELECT and RADIO
//! fields: identifiers unique within a variant, options only where the type has them.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::CustomFieldType;
use crate::domain::catalog_rules::{self as rules, has_options};
use crate::domain::change;
use crate::domain::events::{self, EventType};
use crate::domain::ordering::next_order;
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{custom_field, custom_field_option, variant};

/// A question the buyer answers when ordering a variant.
#[derive(Debug, Clone)]
pub struct NewCustomField {
    /// Label shown to the buyer (1–128 characters).
    pub label: String,
    /// Machine-friendly name used in order data (1–64 letters, digits, '-' or '_'), unique within
    /// the variant.
    pub identifier: String,
    /// The kind of input.
    pub field_type: CustomFieldType,
    /// Whether an answer is required (default false).
    pub is_required: Option<bool>,
    /// Placeholder shown in an empty text input (up to 256 characters).
    pub placeholder: Option<String>,
    /// Help text shown under the input (up to 512 characters).
    pub hint: Option<String>,
    /// Display position among the variant's fields (default: after the others).
    pub order: Option<i32>,
    /// Allowed answers of a SELECT or RADIO field (up to 100).
    pub options: Option<Vec<NewOption>>,
}

/// One allowed answer of a select or radio field.
#[derive(Debug, Clone)]
pub struct NewOption {
    /// Label shown to the buyer (1–128 characters).
    pub label: String,
    /// Value stored with the order (1–64 characters).
    pub value: String,
    /// Display position among the field's options (default: after the others).
    pub order: Option<i32>,
}

/// Changes to a custom field; absent fields keep their value, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct CustomFieldChange {
    pub label: Option<String>,
    pub identifier: Option<String>,
    pub field_type: Option<CustomFieldType>,
    pub is_required: Option<bool>,
    pub placeholder: Option<Option<String>>,
    pub hint: Option<Option<String>>,
    pub order: Option<i32>,
}

/// Changes to an option; absent fields keep their value.
#[derive(Debug, Clone)]
pub struct OptionChange {
    pub label: Option<String>,
    pub value: Option<String>,
    pub order: Option<i32>,
}

/// The rows of one new custom field and its options.
pub struct FieldRows {
    pub field: custom_field::Model,
    pub options: Vec<custom_field_option::Model>,
}

impl NewOption {
    fn row(self, custom_field_id: Uuid, default_order: i32) -> custom_field_option::Model {
        custom_field_option::Model {
            id: Uuid::now_v7(),
            custom_field_id,
            label: self.label,
            value: self.value,
            sort_order: self.order.unwrap_or(default_order),
            created_at: Utc::now(),
        }
    }
}

impl NewCustomField {
    /// The rows this input creates under `variant_id`; problems are recorded in `checks`.
    pub fn rows(self, checks: &mut Checks, variant_id: Uuid, default_order: i32) -> FieldRows {
        let field = custom_field::Model {
            id: Uuid::now_v7(),
            variant_id,
            label: self.label,
            identifier: self.identifier,
            field_type: self.field_type.name().to_owned(),
            is_required: self.is_required.unwrap_or(false),
            placeholder: self.placeholder,
            hint: self.hint,
            sort_order: self.order.unwrap_or(default_order),
            created_at: Utc::now(),
        };
        rules::check_custom_field(checks, &field);
        let options = self.options.unwrap_or_default();
        if !options.is_empty() && !has_options(self.field_type) {
            checks.fail("options", "only SELECT and RADIO fields have options");
        }
        if options.len() > rules::MAX_OPTIONS {
            checks.fail("options", format!("must have at most {} entries", rules::MAX_OPTIONS));
        }
        let options: Vec<_> = options.into_iter().zip(0..).map(|(option, index)| option.row(field.id, index)).collect();
        for (index, option) in options.iter().enumerate() {
            checks.within(&format!("options[{index}]"), |c| rules::check_option(c, option));
        }
        FieldRows { field, options }
    }
}

/// Fields created in one request must not share an identifier on one variant.
pub fn check_identifiers_distinct(checks: &mut Checks, fields: &[FieldRows], prefix: &str) {
    for (index, rows) in fields.iter().enumerate() {
        if fields[..index].iter().any(|other| other.field.identifier == rows.field.identifier) {
            checks.fail(&format!("{prefix}[{index}].identifier"), "is used twice on this variant");
        }
    }
}

/// Inserts new fields and their options (one statement per table).
pub async fn insert_fields<C: ConnectionTrait>(db: &C, fields: Vec<FieldRows>) -> Result<(), ApiError> {
    let (fields, options): (Vec<_>, Vec<_>) = fields.into_iter().map(|rows| (rows.field, rows.options)).unzip();
    let options: Vec<_> = options.into_iter().flatten().collect();
    if !fields.is_empty() {
        let rows = fields.into_iter().map(IntoActiveModel::into_active_model);
        custom_field::Entity::insert_many(rows).exec(db).await.map_err(|e| ApiError::from_write(e, "identifier"))?;
    }
    if !options.is_empty() {
        let rows = options.into_iter().map(IntoActiveModel::into_active_model);
        custom_field_option::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

async fn identifier_taken<C: ConnectionTrait>(
    db: &C,
    variant_id: Uuid,
    identifier: &str,
    except: Option<Uuid>,
) -> Result<bool, ApiError> {
    let mut query = custom_field::Entity::find()
        .filter(custom_field::Column::VariantId.eq(variant_id))
        .filter(custom_field::Column::Identifier.eq(identifier));
    if let Some(id) = except {
        query = query.filter(custom_field::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// Adds a custom field (with its options) to a variant.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    variant_id: Uuid,
    input: NewCustomField,
) -> Result<custom_field::Model, ApiError> {
    let txn = begin_write(db).await?;
    let variant = tenancy::variant(&txn, principal, variant_id).await?;
    let count = custom_field::Entity::find().filter(custom_field::Column::VariantId.eq(variant.id)).count(&txn).await?;
    let order = next_order::<custom_field::Entity, _>(
        &txn,
        custom_field::Column::SortOrder,
        custom_field::Column::VariantId,
        variant.id,
    )
    .await?;
    let mut checks = Checks::new();
    let rows = input.rows(&mut checks, variant.id, order);
    if count >= rules::MAX_CUSTOM_FIELDS as u64 {
        checks.fail("variantId", format!("a variant has at most {} custom fields", rules::MAX_CUSTOM_FIELDS));
    }
    checks.finish()?;
    if identifier_taken(&txn, variant.id, &rows.field.identifier, None).await? {
        return Err(ApiError::conflict("identifier", "is already used on this variant"));
    }
    let field = rows.field.clone();
    insert_fields(&txn, vec![rows]).await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(field)
}

/// Changes a custom field. A field keeping options must stay SELECT or RADIO.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: CustomFieldChange,
) -> Result<custom_field::Model, ApiError> {
    let txn = begin_write(db).await?;
    let (mut field, variant) = tenancy::custom_field(&txn, principal, id).await?;
    if let Some(label) = input.label {
        field.label = label;
    }
    if let Some(identifier) = input.identifier {
        field.identifier = identifier;
    }
    if let Some(is_required) = input.is_required {
        field.is_required = is_required;
    }
    if let Some(order) = input.order {
        field.sort_order = order;
    }
    change::apply(input.placeholder, &mut field.placeholder);
    change::apply(input.hint, &mut field.hint);
    let mut checks = Checks::new();
    if let Some(field_type) = input.field_type {
        field.field_type = field_type.name().to_owned();
        let has_rows = custom_field_option::Entity::find()
            .filter(custom_field_option::Column::CustomFieldId.eq(field.id))
            .one(&txn)
            .await?
            .is_some();
        if has_rows && !has_options(field_type) {
            checks.fail("type", "a field with options must stay SELECT or RADIO (delete its options first)");
        }
    }
    rules::check_custom_field(&mut checks, &field);
    checks.finish()?;
    if identifier_taken(&txn, field.variant_id, &field.identifier, Some(field.id)).await? {
        return Err(ApiError::conflict("identifier", "is already used on this variant"));
    }
    let field = tenancy::save(&txn, field, "identifier").await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(field)
}

/// Deletes a custom field and its options; returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let (field, variant) = tenancy::custom_field(&txn, principal, id).await?;
    custom_field::Entity::delete_by_id(field.id).exec(&txn).await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(field.id)
}

/// Announces that the product of `variant` changed (`product.updated`).
async fn product_changed<C: ConnectionTrait>(db: &C, variant: &variant::Model) -> Result<(), ApiError> {
    Ok(events::record(db, variant.store_id, EventType::ProductUpdated, variant.product_id).await?)
}

/// Adds an option to a SELECT or RADIO field.
pub async fn create_option(
    db: &DatabaseConnection,
    principal: &Principal,
    custom_field_id: Uuid,
    input: NewOption,
) -> Result<custom_field_option::Model, ApiError> {
    let txn = begin_write(db).await?;
    let (field, variant) = tenancy::custom_field(&txn, principal, custom_field_id).await?;
    let existing = custom_field_option::Entity::find()
        .filter(custom_field_option::Column::CustomFieldId.eq(field.id))
        .count(&txn)
        .await?;
    let order = next_order::<custom_field_option::Entity, _>(
        &txn,
        custom_field_option::Column::SortOrder,
        custom_field_option::Column::CustomFieldId,
        field.id,
    )
    .await?;
    let option = input.row(field.id, order);
    let mut checks = Checks::new();
    if !has_options(CustomFieldType::from_name(&field.field_type)) {
        checks.fail("customFieldId", "only SELECT and RADIO fields have options");
    }
    if existing >= rules::MAX_OPTIONS as u64 {
        checks.fail("customFieldId", format!("a field has at most {} options", rules::MAX_OPTIONS));
    }
    rules::check_option(&mut checks, &option);
    checks.finish()?;
    let option = option.into_active_model().insert(&txn).await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(option)
}

/// Changes an option.
pub async fn update_option(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: OptionChange,
) -> Result<custom_field_option::Model, ApiError> {
    let txn = begin_write(db).await?;
    let (mut option, variant) = tenancy::option(&txn, principal, id).await?;
    if let Some(label) = input.label {
        option.label = label;
    }
    if let Some(value) = input.value {
        option.value = value;
    }
    if let Some(order) = input.order {
        option.sort_order = order;
    }
    let mut checks = Checks::new();
    rules::check_option(&mut checks, &option);
    checks.finish()?;
    let option = tenancy::save(&txn, option, "value").await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(option)
}

/// Deletes an option; returns its id.
pub async fn delete_option(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let (option, variant) = tenancy::option(&txn, principal, id).await?;
    custom_field_option::Entity::delete_by_id(option.id).exec(&txn).await?;
    product_changed(&txn, &variant).await?;
    txn.commit().await?;
    Ok(option.id)
}
