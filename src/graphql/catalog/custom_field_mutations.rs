//! The custom field and option mutations: parse, call [`crate::domain::custom_fields`], convert.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use uuid::Uuid;

use crate::domain::custom_fields::{self, CustomFieldChange, NewCustomField, NewOption, OptionChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::product::{CustomField, CustomFieldOption};
use crate::graphql::exec::policy::scope;
use crate::graphql::vocab::CustomFieldType;

/// A question the buyer answers when ordering a variant.
#[derive(InputObject)]
pub struct CustomFieldInput {
    /// Label shown to the buyer (1–128 characters).
    pub label: String,
    /// Machine-friendly name used in order data (1–64 letters, digits, '-' or '_'), unique within
    /// the variant.
    pub identifier: String,
    /// The kind of input.
    #[graphql(name = "type")]
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
    pub options: Option<Vec<CustomFieldOptionInput>>,
}

/// One allowed answer of a select or radio field.
#[derive(InputObject)]
pub struct CustomFieldOptionInput {
    /// Label shown to the buyer (1–128 characters).
    pub label: String,
    /// Value stored with the order (1–64 characters).
    pub value: String,
    /// Display position among the field's options (default: after the others).
    pub order: Option<i32>,
}

/// Changes to a custom field; absent fields keep their value, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateCustomFieldInput {
    pub label: Option<String>,
    pub identifier: Option<String>,
    #[graphql(name = "type")]
    pub field_type: Option<CustomFieldType>,
    pub is_required: Option<bool>,
    pub placeholder: MaybeUndefined<String>,
    pub hint: MaybeUndefined<String>,
    pub order: Option<i32>,
}

/// Changes to an option; absent fields keep their value.
#[derive(InputObject)]
pub struct UpdateCustomFieldOptionInput {
    pub label: Option<String>,
    pub value: Option<String>,
    pub order: Option<i32>,
}

impl From<CustomFieldInput> for NewCustomField {
    fn from(input: CustomFieldInput) -> Self {
        Self {
            label: input.label,
            identifier: input.identifier,
            field_type: input.field_type.into(),
            is_required: input.is_required,
            placeholder: input.placeholder,
            hint: input.hint,
            order: input.order,
            options: input.options.map(|items| items.into_iter().map(Into::into).collect()),
        }
    }
}

impl From<CustomFieldOptionInput> for NewOption {
    fn from(input: CustomFieldOptionInput) -> Self {
        Self { label: input.label, value: input.value, order: input.order }
    }
}

impl From<UpdateCustomFieldInput> for CustomFieldChange {
    fn from(input: UpdateCustomFieldInput) -> Self {
        Self {
            label: input.label,
            identifier: input.identifier,
            field_type: input.field_type.map(Into::into),
            is_required: input.is_required,
            placeholder: input.placeholder.into(),
            hint: input.hint.into(),
            order: input.order,
        }
    }
}

impl From<UpdateCustomFieldOptionInput> for OptionChange {
    fn from(input: UpdateCustomFieldOptionInput) -> Self {
        Self { label: input.label, value: input.value, order: input.order }
    }
}

/// CustomField mutations.
#[derive(Default)]
pub struct CustomFieldMutation;

#[Object]
impl CustomFieldMutation {
    /// Adds a custom field (with its options) to a variant.
    #[graphql(directive = scope::apply("stores.products.create".into()))]
    async fn create_custom_field(
        &self,
        ctx: &Context<'_>,
        variant_id: Uuid,
        input: CustomFieldInput,
    ) -> async_graphql::Result<CustomField> {
        let (db, principal) = caller(ctx)?;
        custom_fields::create(db, principal, variant_id, input.into()).await.map(CustomField).into_graphql()
    }

    /// Changes a custom field. A field keeping options must stay SELECT or RADIO.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn update_custom_field(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCustomFieldInput,
    ) -> async_graphql::Result<CustomField> {
        let (db, principal) = caller(ctx)?;
        custom_fields::update(db, principal, id, input.into()).await.map(CustomField).into_graphql()
    }

    /// Deletes a custom field and its options; returns its id.
    #[graphql(directive = scope::apply("stores.products.delete".into()))]
    async fn delete_custom_field(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        custom_fields::delete(db, principal, id).await.into_graphql()
    }

    /// Adds an option to a SELECT or RADIO field.
    #[graphql(directive = scope::apply("stores.products.create".into()))]
    async fn create_custom_field_option(
        &self,
        ctx: &Context<'_>,
        custom_field_id: Uuid,
        input: CustomFieldOptionInput,
    ) -> async_graphql::Result<CustomFieldOption> {
        let (db, principal) = caller(ctx)?;
        custom_fields::create_option(db, principal, custom_field_id, input.into())
            .await
            .map(CustomFieldOption)
            .into_graphql()
    }

    /// Changes an option.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn update_custom_field_option(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCustomFieldOptionInput,
    ) -> async_graphql::Result<CustomFieldOption> {
        let (db, principal) = caller(ctx)?;
        custom_fields::update_option(db, principal, id, input.into()).await.map(CustomFieldOption).into_graphql()
    }

    /// Deletes an option; returns its id.
    #[graphql(directive = scope::apply("stores.products.delete".into()))]
    async fn delete_custom_field_option(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        custom_fields::delete_option(db, principal, id).await.into_graphql()
    }
}
