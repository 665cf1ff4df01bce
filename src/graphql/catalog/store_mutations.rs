//! The store mutations: parse, call [`crate::domain::stores`], convert.

use std::sync::Arc;

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use uuid::Uuid;

use crate::auth::authenticator::Authenticator;
use crate::domain::stores::{self, NewStore, StoreChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::store::Store;
use crate::graphql::exec::policy::{scope, session};

/// A new store, owned by the caller's user.
#[derive(InputObject)]
pub struct CreateStoreInput {
    /// Name shown on the store page (3–32 characters).
    pub name: String,
    /// Shown under the title on the store home page (up to 4096 characters; default empty).
    pub description: Option<String>,
    /// URL slug, unique across the platform (3–32 letters, digits, '-' or '_'; default from the
    /// name).
    pub url: Option<String>,
    /// ISO 4217 currency code (default USD).
    pub currency_code: Option<String>,
    /// Whether delivery receipts start with the product name (default false).
    pub prepend_product_name_to_receipt: Option<bool>,
    /// Whether buyers are asked for a review automatically (default false).
    pub is_automatic_reviews_enabled: Option<bool>,
}

/// Changes to a store; absent fields keep their value, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateStoreInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// A new URL slug; the old one is kept in the store's URL history.
    pub url: Option<String>,
    pub currency_code: Option<String>,
    pub prepend_product_name_to_receipt: Option<bool>,
    pub is_automatic_reviews_enabled: Option<bool>,
    pub is_customer_balance_enabled: Option<bool>,
    pub is_inactive: Option<bool>,
    /// Why the store is in maintenance (1–512 characters); null when it is not.
    pub maintenance_reason: MaybeUndefined<String>,
    /// Stock level (0–1000000) at or below which a FIXED-stock variant announces
    /// `variant.stock_low` to webhooks; null: never.
    pub low_stock_threshold: MaybeUndefined<i32>,
}

impl From<CreateStoreInput> for NewStore {
    fn from(input: CreateStoreInput) -> Self {
        Self {
            name: input.name,
            description: input.description,
            url: input.url,
            currency_code: input.currency_code,
            prepend_product_name_to_receipt: input.prepend_product_name_to_receipt,
            is_automatic_reviews_enabled: input.is_automatic_reviews_enabled,
        }
    }
}

impl From<UpdateStoreInput> for StoreChange {
    fn from(input: UpdateStoreInput) -> Self {
        Self {
            name: input.name,
            description: input.description,
            url: input.url,
            currency_code: input.currency_code,
            prepend_product_name_to_receipt: input.prepend_product_name_to_receipt,
            is_automatic_reviews_enabled: input.is_automatic_reviews_enabled,
            is_customer_balance_enabled: input.is_customer_balance_enabled,
            is_inactive: input.is_inactive,
            maintenance_reason: input.maintenance_reason.into(),
            low_stock_threshold: input.low_stock_threshold.into(),
        }
    }
}

/// Store mutations.
#[derive(Default)]
pub struct StoreMutation;

#[Object]
impl StoreMutation {
    /// Creates a store owned by the caller's user; the caller sees it at once.
    #[graphql(directive = scope::apply("stores.create".into()))]
    async fn create_store(&self, ctx: &Context<'_>, input: CreateStoreInput) -> async_graphql::Result<Store> {
        let (db, principal) = caller(ctx)?;
        let store = stores::create(db, principal, input.into()).await.into_graphql()?;
        crate::graphql::data::<Arc<Authenticator>>(ctx)?.forget_tenancy(store.owner_id);
        Ok(Store(store))
    }

    /// Changes a store's settings.
    #[graphql(directive = scope::apply("stores.update".into()))]
    async fn update_store(&self, ctx: &Context<'_>, id: Uuid, input: UpdateStoreInput) -> async_graphql::Result<Store> {
        let (db, principal) = caller(ctx)?;
        stores::update(db, principal, id, input.into()).await.map(Store).into_graphql()
    }

    /// Deletes one of the signed-in user's stores with its catalog. Needs a login session (not
    /// an API key); a store with orders cannot be deleted (`CONFLICT`) — set `isInactive`
    /// instead. Returns its id.
    #[graphql(directive = session::apply())]
    async fn delete_store(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        let deleted = stores::delete(db, principal, id).await.into_graphql()?;
        crate::graphql::data::<Arc<Authenticator>>(ctx)?.forget_tenancy(deleted.owner_id);
        Ok(deleted.id)
    }
}
