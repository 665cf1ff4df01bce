//! Store mutations: create, update (the Komerza store form and more) and delete.

use std::sync::Arc;

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::policy::{scope, session};
use super::store::Store;
use crate::auth::authenticator::Authenticator;
use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::slugify;
use crate::domain::catalog_rules as rules;
use crate::domain::json::strings;
use crate::domain::stores::new_store;
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::{ApiError, GraphqlResult};
use entity::{order, store};

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
}

async fn ensure_url_free<C: ConnectionTrait>(db: &C, row: &store::Model) -> Result<(), ApiError> {
    let taken = store::Entity::find()
        .filter(store::Column::Url.eq(&row.url))
        .filter(store::Column::Id.ne(row.id))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict("url", "is already used by another store"));
    }
    Ok(())
}

/// Store mutations.
#[derive(Default)]
pub struct StoreMutation;

#[Object]
impl StoreMutation {
    /// Creates a store owned by the caller's user; the caller sees it at once.
    #[graphql(directive = scope::apply("stores.create".into()))]
    async fn create_store(&self, ctx: &Context<'_>, input: CreateStoreInput) -> async_graphql::Result<Store> {
        let principal = ctx.data::<Principal>()?;
        let owner =
            principal.access().map(|a| a.user_id).ok_or(ApiError::Unauthenticated("sign in first")).into_graphql()?;
        let url = input.url.unwrap_or_else(|| slugify(&input.name));
        let mut row = new_store(owner, input.name, url, input.description.unwrap_or_default());
        if let Some(currency) = input.currency_code {
            row.currency_code = currency;
        }
        row.prepend_product_name_to_receipt = input.prepend_product_name_to_receipt.unwrap_or(false);
        row.is_automatic_reviews_enabled = input.is_automatic_reviews_enabled.unwrap_or(false);
        let mut checks = Checks::new();
        rules::check_store(&mut checks, &row);
        checks.finish().into_graphql()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        ensure_url_free(&txn, &row).await.into_graphql()?;
        let row =
            row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "url")).into_graphql()?;
        txn.commit().await.into_graphql()?;
        ctx.data::<Arc<Authenticator>>()?.forget_tenancy(owner);
        Ok(Store(row))
    }

    /// Changes a store's settings.
    #[graphql(directive = scope::apply("stores.update".into()))]
    async fn update_store(&self, ctx: &Context<'_>, id: Uuid, input: UpdateStoreInput) -> async_graphql::Result<Store> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let mut row = tenancy::store(&txn, principal, id).await.into_graphql()?;
        if let Some(name) = input.name {
            row.name = name;
        }
        if let Some(description) = input.description {
            row.description = description;
        }
        if let Some(url) = input.url.filter(|url| *url != row.url) {
            let mut history = strings(&row.url_history);
            history.push(std::mem::replace(&mut row.url, url));
            row.url_history = json!(history);
        }
        if let Some(currency) = input.currency_code {
            row.currency_code = currency;
        }
        if let Some(prepend) = input.prepend_product_name_to_receipt {
            row.prepend_product_name_to_receipt = prepend;
        }
        if let Some(reviews) = input.is_automatic_reviews_enabled {
            row.is_automatic_reviews_enabled = reviews;
        }
        if let Some(balance) = input.is_customer_balance_enabled {
            row.is_customer_balance_enabled = balance;
        }
        if let Some(inactive) = input.is_inactive {
            row.is_inactive = inactive;
        }
        input.maintenance_reason.update_to(&mut row.maintenance_reason);
        let mut checks = Checks::new();
        rules::check_store(&mut checks, &row);
        checks.finish().into_graphql()?;
        ensure_url_free(&txn, &row).await.into_graphql()?;
        row.updated_at = Utc::now();
        let row = tenancy::save(&txn, row, "url").await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Store(row))
    }

    /// Deletes one of the signed-in user's stores with its catalog. Needs a login session (not
    /// an API key); a store with orders cannot be deleted (`CONFLICT`) — set `isInactive`
    /// instead. Returns its id.
    #[graphql(directive = session::apply())]
    async fn delete_store(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let row = tenancy::store(&txn, principal, id).await.into_graphql()?;
        if principal.session_user() != Some(row.owner_id) {
            return Err(ApiError::NotFound("store")).into_graphql();
        }
        let orders =
            order::Entity::find().filter(order::Column::StoreId.eq(row.id)).count(&txn).await.into_graphql()?;
        if orders > 0 {
            return Err(ApiError::conflict("id", "the store has orders; set isInactive instead")).into_graphql();
        }
        store::Entity::delete_by_id(row.id).exec(&txn).await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        ctx.data::<Arc<Authenticator>>()?.forget_tenancy(row.owner_id);
        Ok(row.id)
    }
}
