//! The product mutations: parse, call [`crate::domain::products`], convert.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use uuid::Uuid;

use rust_decimal::Decimal;

use crate::domain::catalog::AdditionalFee;
use crate::domain::products::{self, NewProduct, ProductChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::product::Product;
use crate::graphql::catalog::variant_mutations::{UpdateVariantInput, VariantInput};
use crate::graphql::exec::policy::scope;
use crate::graphql::vocab::Visibility;

/// A new product and its variants.
#[derive(InputObject)]
pub struct CreateProductInput {
    /// Public name (3–64 characters).
    pub name: String,
    /// Markdown description (up to 16384 characters).
    pub description: Option<String>,
    /// URL slug (1–72 letters, digits, '-' or '_'), unique among the store's live products. When
    /// absent, the product's id is used.
    pub slug: Option<String>,
    /// Who can see it (default PUBLIC).
    pub visibility: Option<Visibility>,
    /// Display position among the store's products, at least 1 (default 1).
    pub order: Option<i32>,
    /// Whether the store page marks it as a best seller (default false).
    pub is_best_seller: Option<bool>,
    /// Image file names in display order (up to 20).
    pub image_names: Option<Vec<String>>,
    /// Whether buyers on VPNs are refused (default false).
    pub should_block_vpns: Option<bool>,
    /// Payment gateways that may not be used for it (up to 20).
    pub blacklisted_payment_gateways: Option<Vec<String>>,
    /// Surcharges by payment gateway (up to 20, one per gateway).
    pub additional_fees: Option<Vec<AdditionalFeeInput>>,
    /// Free-form metadata (up to 10000 characters).
    pub metadata: Option<String>,
    /// Its variants, 1–50, created with it.
    pub variants: Vec<VariantInput>,
    /// Slugs of the store's categories to put it in (appended last in each; up to 100).
    pub category_slugs: Option<Vec<String>>,
}

/// Changes to a product; absent fields keep their value, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateProductInput {
    pub name: Option<String>,
    pub description: MaybeUndefined<String>,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    pub order: Option<i32>,
    pub is_best_seller: Option<bool>,
    pub image_names: Option<Vec<String>>,
    pub should_block_vpns: Option<bool>,
    pub blacklisted_payment_gateways: Option<Vec<String>>,
    /// Replaces the list of additional fees (an empty list removes them all).
    pub additional_fees: Option<Vec<AdditionalFeeInput>>,
    pub metadata: MaybeUndefined<String>,
    /// The categories it is in, by slug (replaces the current ones; new ones are appended last).
    pub category_slugs: Option<Vec<String>>,
    /// Changes to its first variant in display order (what single-variant clients call "the
    /// product's" price, SKU and stock).
    pub default_variant: Option<UpdateVariantInput>,
}

/// A surcharge a payment gateway adds to the price.
#[derive(InputObject)]
pub struct AdditionalFeeInput {
    /// The payment gateway (1–64 characters), at most once per product.
    pub gateway: String,
    /// Percent of the price, 0–100 in hundredths (such as 2.9).
    pub percentage: Decimal,
}

fn fees(inputs: Vec<AdditionalFeeInput>) -> Vec<AdditionalFee> {
    inputs.into_iter().map(|f| AdditionalFee { gateway: f.gateway, percentage: f.percentage }).collect()
}

impl From<CreateProductInput> for NewProduct {
    fn from(input: CreateProductInput) -> Self {
        Self {
            name: input.name,
            description: input.description,
            slug: input.slug,
            visibility: input.visibility.map(Into::into),
            order: input.order,
            is_best_seller: input.is_best_seller,
            image_names: input.image_names,
            should_block_vpns: input.should_block_vpns,
            blacklisted_payment_gateways: input.blacklisted_payment_gateways,
            additional_fees: input.additional_fees.map(fees),
            metadata: input.metadata,
            variants: input.variants.into_iter().map(Into::into).collect(),
            category_slugs: input.category_slugs,
        }
    }
}

impl From<UpdateProductInput> for ProductChange {
    fn from(input: UpdateProductInput) -> Self {
        Self {
            name: input.name,
            description: input.description.into(),
            slug: input.slug,
            visibility: input.visibility.map(Into::into),
            order: input.order,
            is_best_seller: input.is_best_seller,
            image_names: input.image_names,
            should_block_vpns: input.should_block_vpns,
            blacklisted_payment_gateways: input.blacklisted_payment_gateways,
            additional_fees: input.additional_fees.map(fees),
            metadata: input.metadata.into(),
            category_slugs: input.category_slugs,
            default_variant: input.default_variant.map(Into::into),
        }
    }
}

/// Product mutations.
#[derive(Default)]
pub struct ProductMutation;

#[Object]
impl ProductMutation {
    /// Creates a product with its variants (and their custom fields and options) in one
    /// transaction: every problem is reported at once and nothing is written unless all is valid.
    #[graphql(directive = scope::apply("stores.products.create".into()))]
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateProductInput,
    ) -> async_graphql::Result<Product> {
        let (db, principal) = caller(ctx)?;
        products::create(db, principal, store_id, input.into()).await.map(Product).into_graphql()
    }

    /// Changes a product's own fields (its variants have their own mutations).
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn update_product(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateProductInput,
    ) -> async_graphql::Result<Product> {
        let (db, principal) = caller(ctx)?;
        products::update(db, principal, id, input.into()).await.map(Product).into_graphql()
    }

    /// Deletes a product: it vanishes from every read and its slug becomes free, while past
    /// orders keep their lines. Returns its id.
    #[graphql(directive = scope::apply("stores.products.delete".into()))]
    async fn delete_product(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        products::delete(db, principal, id).await.into_graphql()
    }

    /// Copies a product with its variants, custom fields, options and category links. The copy
    /// is PRIVATE (so it can be reviewed before it is shown), named "<name> (copy)", with its id
    /// as slug and no SKUs.
    #[graphql(directive = scope::apply("stores.products.create".into()))]
    async fn duplicate_product(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Product> {
        let (db, principal) = caller(ctx)?;
        products::duplicate(db, principal, id).await.map(Product).into_graphql()
    }

    /// Sets the display order of a store's products: the listed products come first, in the
    /// given sequence (orders 1, 2, …); the others keep their relative order after them.
    /// Returns the listed products.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn reorder_products(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        #[graphql(desc = "Live products of the store, each at most once (up to 1000).")] product_ids: Vec<Uuid>,
    ) -> async_graphql::Result<Vec<Product>> {
        let (db, principal) = caller(ctx)?;
        products::reorder(db, principal, store_id, product_ids)
            .await
            .map(|rows| rows.into_iter().map(Product).collect())
            .into_graphql()
    }
}
