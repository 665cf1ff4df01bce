//! The variant mutations: parse, call [`crate::domain::variants`], convert.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::variants::{self, NewVariant, VariantChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::custom_field_mutations::CustomFieldInput;
use crate::graphql::catalog::product::Variant;
use crate::graphql::exec::policy::scope;
use crate::graphql::vocab::{StockMode, VariantType};

/// A purchasable version of a product (the Komerza create form's variant, plus `sku` and custom
/// fields).
#[derive(InputObject)]
pub struct VariantInput {
    /// Display name (3–128 characters).
    pub name: String,
    /// Stock-keeping unit, unique within the store (1–64 letters, digits, '-' or '_').
    pub sku: Option<String>,
    /// Unit price in the store's currency: 0–100000 with at most two decimals.
    pub cost: Decimal,
    /// Units available, 0–2147483647 (default 0).
    pub stock: Option<i32>,
    /// How available stock is determined (default FIXED).
    pub stock_mode: Option<StockMode>,
    /// One-time purchase or subscription (default ONE_TIME).
    #[graphql(name = "type")]
    pub variant_type: Option<VariantType>,
    /// Fewest units per order, at least 1 (default 1).
    pub minimum_quantity: Option<i32>,
    /// Most units per order, or -1 for no limit (default -1).
    pub maximum_quantity: Option<i32>,
    /// Display position among the product's variants, at least 1 (default: after the others).
    pub order: Option<i32>,
    /// Delivery types among license_keys, dynamic, keyauth, instructions, files (default
    /// instructions).
    pub delivery_types: Option<Vec<String>>,
    /// Image file names (up to 20).
    pub image_names: Option<Vec<String>>,
    /// URL called for dynamic fulfilment (http(s), up to 2048 characters; required with `dynamic`).
    pub dynamic_url: Option<String>,
    /// Message shown on delivery (up to 4096 characters).
    pub delivery_message: Option<String>,
    /// Billing period of a subscription (1–32 characters; required for SUBSCRIPTION only).
    pub subscription_period: Option<String>,
    /// Free-form metadata (up to 1000 characters).
    pub metadata: Option<String>,
    /// Questions the buyer answers when ordering (up to 25).
    pub custom_fields: Option<Vec<CustomFieldInput>>,
}

/// Changes to a variant; absent fields keep their value, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateVariantInput {
    pub name: Option<String>,
    pub sku: MaybeUndefined<String>,
    pub cost: Option<Decimal>,
    pub stock: Option<i32>,
    pub stock_mode: Option<StockMode>,
    #[graphql(name = "type")]
    pub variant_type: Option<VariantType>,
    pub minimum_quantity: Option<i32>,
    pub maximum_quantity: Option<i32>,
    pub order: Option<i32>,
    pub delivery_types: Option<Vec<String>>,
    pub image_names: Option<Vec<String>>,
    pub dynamic_url: MaybeUndefined<String>,
    pub delivery_message: MaybeUndefined<String>,
    pub subscription_period: MaybeUndefined<String>,
    pub metadata: MaybeUndefined<String>,
}

impl From<VariantInput> for NewVariant {
    fn from(input: VariantInput) -> Self {
        Self {
            name: input.name,
            sku: input.sku,
            cost: input.cost,
            stock: input.stock,
            stock_mode: input.stock_mode.map(Into::into),
            variant_type: input.variant_type.map(Into::into),
            minimum_quantity: input.minimum_quantity,
            maximum_quantity: input.maximum_quantity,
            order: input.order,
            delivery_types: input.delivery_types,
            image_names: input.image_names,
            dynamic_url: input.dynamic_url,
            delivery_message: input.delivery_message,
            subscription_period: input.subscription_period,
            metadata: input.metadata,
            custom_fields: input.custom_fields.map(|items| items.into_iter().map(Into::into).collect()),
        }
    }
}

impl From<UpdateVariantInput> for VariantChange {
    fn from(input: UpdateVariantInput) -> Self {
        Self {
            name: input.name,
            sku: input.sku.into(),
            cost: input.cost,
            stock: input.stock,
            stock_mode: input.stock_mode.map(Into::into),
            variant_type: input.variant_type.map(Into::into),
            minimum_quantity: input.minimum_quantity,
            maximum_quantity: input.maximum_quantity,
            order: input.order,
            delivery_types: input.delivery_types,
            image_names: input.image_names,
            dynamic_url: input.dynamic_url.into(),
            delivery_message: input.delivery_message.into(),
            subscription_period: input.subscription_period.into(),
            metadata: input.metadata.into(),
        }
    }
}

/// Variant mutations.
#[derive(Default)]
pub struct VariantMutation;

#[Object]
impl VariantMutation {
    /// Adds a variant (with its custom fields) to a product.
    #[graphql(directive = scope::apply("stores.products.create".into()))]
    async fn create_variant(
        &self,
        ctx: &Context<'_>,
        product_id: Uuid,
        input: VariantInput,
    ) -> async_graphql::Result<Variant> {
        let (db, principal) = caller(ctx)?;
        variants::create(db, principal, product_id, input.into()).await.map(Variant).into_graphql()
    }

    /// Changes a variant.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn update_variant(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateVariantInput,
    ) -> async_graphql::Result<Variant> {
        let (db, principal) = caller(ctx)?;
        variants::update(db, principal, id, input.into()).await.map(Variant).into_graphql()
    }

    /// Deletes a variant and its custom fields; returns its id. Past order lines keep their
    /// copy of its name, SKU and price. A product keeps at least one variant (`CONFLICT`).
    #[graphql(directive = scope::apply("stores.products.delete".into()))]
    async fn delete_variant(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        variants::delete(db, principal, id).await.into_graphql()
    }

    /// Sets the display order of a product's variants: `variantIds` lists every variant of the
    /// product once, first to last. Returns the variants in their new order.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn reorder_variants(
        &self,
        ctx: &Context<'_>,
        product_id: Uuid,
        variant_ids: Vec<Uuid>,
    ) -> async_graphql::Result<Vec<Variant>> {
        let (db, principal) = caller(ctx)?;
        variants::reorder(db, principal, product_id, variant_ids)
            .await
            .map(|rows| rows.into_iter().map(Variant).collect())
            .into_graphql()
    }
}
