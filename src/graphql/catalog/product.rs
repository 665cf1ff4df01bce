//! The catalog types below a store: `Product` (with its rating and reviews), `Variant`,
//! `CustomField`, `CustomFieldOption`, and the product queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, SimpleObject};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::json::strings;
use crate::domain::catalog::{self, Coded};
use crate::domain::{money, tenancy};
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::catalog::review::{reviews_page, ProductRating, Review, ReviewFilter, ReviewTotals, ReviewsOf};
use crate::graphql::catalog::variant_file::VariantFile;
use crate::graphql::exec::policy::{merchant, scope};
use crate::graphql::load::loaders::Loaders;
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::graphql::load::plan;
use crate::graphql::vocab::{CustomFieldType, StockMode, VariantType, Visibility};
use entity::{custom_field, custom_field_option, product, variant};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Product(pub product::Model);

/// Something a store sells. Its variants carry prices and stock.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl Product {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the product was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// The store selling it.
    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Public name (3–64 characters).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Markdown description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// URL slug, unique among the store's products.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Who can see it on the storefront.
    async fn visibility(&self) -> Visibility {
        catalog::Visibility::from_code(self.0.visibility).into()
    }

    /// Display position among the store's products (ascending).
    async fn order(&self) -> i32 {
        self.0.sort_order
    }

    /// Whether the store page marks it as a best seller.
    async fn is_best_seller(&self) -> bool {
        self.0.is_best_seller
    }

    /// Image file names, in display order.
    async fn image_names(&self) -> Vec<String> {
        strings(&self.0.image_names)
    }

    /// Whether buyers on VPNs are refused.
    async fn should_block_vpns(&self) -> bool {
        self.0.should_block_vpns
    }

    /// Payment gateways that may not be used for it.
    async fn blacklisted_payment_gateways(&self) -> Vec<String> {
        strings(&self.0.blacklisted_payment_gateways)
    }

    /// Surcharges by payment gateway, in the order the merchant gave them. This gateway takes no
    /// payments: the checkout applies the fee of the gateway the buyer picks.
    async fn additional_fees(&self) -> Vec<AdditionalFee> {
        catalog::AdditionalFee::from_json(&self.0.additional_fees)
            .into_iter()
            .map(|fee| AdditionalFee { gateway: fee.gateway, percentage: fee.percentage })
            .collect()
    }

    /// The user who created the product; null once that user is gone (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn user_id(&self) -> Option<Uuid> {
        self.0.created_by
    }

    /// Free-form metadata set by the merchant or the system (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn metadata(&self) -> Option<&str> {
        self.0.metadata.as_deref()
    }

    /// When the product was last changed (UTC).
    async fn date_updated(&self) -> DateTime {
        self.0.updated_at
    }

    /// Slugs of the categories it is in, in the store's category order.
    async fn category_slugs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let slugs = loaders.product_category_slugs.load_one(self.0.id).await.into_graphql()?;
        Ok(slugs.unwrap_or_default())
    }

    /// Its variants in display order (counted as 3 for query cost).
    #[graphql(complexity = "3 * child_complexity")]
    async fn variants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Variant>> {
        let rows = crate::graphql::data::<Loaders>(ctx)?.product_variants.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(Variant).collect())
    }

    /// Its reviews in figures: the mean rating and how many reviews count (flagged ones left out).
    async fn rating(&self, ctx: &Context<'_>) -> async_graphql::Result<ProductRating> {
        let found = crate::graphql::data::<Loaders>(ctx)?.product_ratings.load_one(self.0.id).await.into_graphql()?;
        let (count, total) = found.unwrap_or((0, 0));
        Ok(ProductRating::of(count, total))
    }

    /// Its reviews, newest first, matching `filter` (a customer sees no flagged one).
    #[graphql(complexity = "pagination::page_cost(first.or(last), child_complexity)")]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        filter: Option<ReviewFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Connection<Cursor, Review, ReviewTotals>> {
        let filter = ReviewFilter { product_id: None, ..filter.unwrap_or_default() };
        let args = PageArgs { first, after, last, before, offset };
        reviews_page(ctx, ReviewsOf::Product(self.0.id), args, filter).await
    }
}

pub struct Variant(pub variant::Model);

/// A purchasable version of a product with its own price, stock and order limits.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl Variant {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the variant was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// The product it belongs to.
    async fn product_id(&self) -> Uuid {
        self.0.product_id
    }

    /// The store selling it.
    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Display name (3–128 characters).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Stock-keeping unit, unique within the store.
    async fn sku(&self) -> Option<&str> {
        self.0.sku.as_deref()
    }

    /// Unit price in the store's currency (0–100000, exact to the cent).
    async fn cost(&self) -> Decimal {
        money::from_cents(self.0.cost_cents)
    }

    /// Units available (meaningful when `stockMode` is FIXED).
    async fn stock(&self) -> i32 {
        self.0.stock
    }

    /// How available stock is determined.
    async fn stock_mode(&self) -> StockMode {
        catalog::StockMode::from_code(self.0.stock_mode).into()
    }

    /// One-time purchase or subscription.
    #[graphql(name = "type")]
    async fn variant_type(&self) -> VariantType {
        catalog::VariantType::from_code(self.0.variant_type).into()
    }

    /// Fewest units per order (at least 1).
    async fn minimum_quantity(&self) -> i32 {
        self.0.minimum_quantity
    }

    /// Most units per order; -1 means no limit.
    async fn maximum_quantity(&self) -> i32 {
        self.0.maximum_quantity
    }

    /// Display position among the product's variants (ascending).
    async fn order(&self) -> i32 {
        self.0.sort_order
    }

    /// Enabled delivery types: license_keys, dynamic, keyauth, instructions, files.
    async fn delivery_types(&self) -> Vec<String> {
        strings(&self.0.delivery_types)
    }

    /// Image file names, in display order.
    async fn image_names(&self) -> Vec<String> {
        strings(&self.0.image_names)
    }

    /// URL called for dynamic fulfilment (the store's staff only: it may carry a secret).
    #[graphql(directive = merchant::apply())]
    async fn dynamic_url(&self) -> Option<&str> {
        self.0.dynamic_url.as_deref()
    }

    /// Message shown to the buyer on delivery (the store's staff only: it is what is sold).
    #[graphql(directive = merchant::apply())]
    async fn delivery_message(&self) -> Option<&str> {
        self.0.delivery_message.as_deref()
    }

    /// Billing period of a subscription; null for one-time purchases.
    async fn subscription_period(&self) -> Option<&str> {
        self.0.subscription_period.as_deref()
    }

    /// Free-form metadata (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn metadata(&self) -> Option<&str> {
        self.0.metadata.as_deref()
    }

    /// The files it delivers, oldest first (the store's staff only; null for others).
    #[graphql(directive = merchant::apply())]
    async fn files(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<VariantFile>>> {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let rows = loaders.occasional().variant_files.load_one(self.0.id).await.into_graphql()?;
        Ok(Some(rows.unwrap_or_default().into_iter().map(VariantFile).collect()))
    }

    /// Questions the buyer answers when ordering, in display order.
    #[graphql(complexity = "3 * child_complexity")]
    async fn custom_fields(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustomField>> {
        let rows =
            crate::graphql::data::<Loaders>(ctx)?.variant_custom_fields.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(CustomField).collect())
    }
}

pub struct CustomField(pub custom_field::Model);

/// A question the buyer answers when ordering a variant.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl CustomField {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the field was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// The variant it belongs to.
    async fn variant_id(&self) -> Uuid {
        self.0.variant_id
    }

    /// Label shown to the buyer (1–128 characters).
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// Machine-friendly name used in order data (1–64 characters).
    async fn identifier(&self) -> &str {
        &self.0.identifier
    }

    /// The kind of input.
    #[graphql(name = "type")]
    async fn field_type(&self) -> CustomFieldType {
        catalog::CustomFieldType::from_name(&self.0.field_type).into()
    }

    /// Whether an answer is required.
    async fn is_required(&self) -> bool {
        self.0.is_required
    }

    /// Placeholder shown in an empty text input.
    async fn placeholder(&self) -> Option<&str> {
        self.0.placeholder.as_deref()
    }

    /// Help text shown under the input.
    async fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    /// Allowed answers of a SELECT or RADIO field, in display order.
    #[graphql(complexity = "5 * child_complexity")]
    async fn options(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustomFieldOption>> {
        let rows =
            crate::graphql::data::<Loaders>(ctx)?.custom_field_options.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(CustomFieldOption).collect())
    }
}

pub struct CustomFieldOption(pub custom_field_option::Model);

/// One allowed answer of a select or radio custom field.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl CustomFieldOption {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the option was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// The custom field it belongs to.
    async fn custom_field_id(&self) -> Uuid {
        self.0.custom_field_id
    }

    /// Label shown to the buyer.
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// Value stored with the order.
    async fn value(&self) -> &str {
        &self.0.value
    }

    /// Display position among the field's options (ascending).
    async fn order(&self) -> i32 {
        self.0.sort_order
    }
}

/// Product queries.
#[derive(Default)]
pub struct ProductQuery;

/// Longest product slug (Komerza: 1–72 characters).
pub const MAX_SLUG_LEN: usize = 72;

#[Object]
impl ProductQuery {
    /// One live product of the caller's stores by id; null when there is none (or it is
    /// deleted, another tenant's, or private and the caller is a customer).
    #[graphql(directive = scope::apply("stores.products.view".into()))]
    async fn product(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Product>> {
        let principal = crate::graphql::data::<Principal>(ctx)?;
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let found = tenancy::optional(tenancy::product(db, principal, id).await).into_graphql()?;
        let found = found.filter(|p| tenancy::readable_product(principal, p));
        if let Some(product) = &found {
            plan::products(ctx, &[ctx.field()], &[product.id]).await;
        }
        Ok(found.map(Product))
    }

    /// One live product by its store and slug (as in a storefront URL); null when there is none
    /// the caller may see.
    #[graphql(directive = scope::apply("stores.products.view".into()))]
    async fn product_by_slug(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        #[graphql(desc = "The product's slug (1–72 characters).")] slug: String,
    ) -> async_graphql::Result<Option<Product>> {
        if slug.is_empty() || slug.chars().count() > MAX_SLUG_LEN {
            return Err(ApiError::invalid("slug", format!("must be 1 to {MAX_SLUG_LEN} characters"))).into_graphql();
        }
        let (db, principal) = crate::graphql::caller(ctx)?;
        let found = tenancy::product_by_slug(db, principal, store_id, &slug).await.into_graphql()?;
        if let Some(product) = &found {
            plan::products(ctx, &[ctx.field()], &[product.id]).await;
        }
        Ok(found.map(Product))
    }
}

/// A surcharge that paying through a payment gateway adds to a product's price.
#[derive(SimpleObject)]
#[graphql(directive = scope::apply("stores.products.view".into()))]
pub struct AdditionalFee {
    /// The payment gateway, named as in `blacklistedPaymentGateways`.
    pub gateway: String,
    /// Percent of the price (0–100, in hundredths).
    pub percentage: Decimal,
}
