//! Stores: creating one (owned by the caller's user, with the defaults of a new store), changing
//! its settings (a changed URL is kept in its URL history), and deleting it while it has no
//! orders.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::auth::secret;
use crate::db::begin_write;
use crate::db::json::strings;
use crate::db::signals::{self, Signal};
use crate::domain::catalog::slugify;
use crate::domain::catalog_rules as rules;
use crate::domain::change;
use crate::domain::validate::Checks;
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{order, store};

/// A new store of `owner` with the defaults of a new store: US dollars, active, every option off,
/// no URL history, and a fresh webhook signing secret. Callers set whatever differs.
pub fn new_store(owner: Uuid, name: String, url: String, description: String) -> store::Model {
    let now = Utc::now();
    store::Model {
        id: Uuid::now_v7(),
        owner_id: owner,
        name,
        description,
        url,
        url_history: json!([]),
        custom_domain: None,
        currency_code: "USD".into(),
        prepend_product_name_to_receipt: false,
        is_automatic_reviews_enabled: false,
        is_customer_balance_enabled: false,
        is_inactive: false,
        maintenance_reason: None,
        webhook_secret: secret::generate("whsec_", 32),
        low_stock_threshold: None,
        created_at: now,
        updated_at: now,
    }
}

/// A new store, owned by the caller's user.
#[derive(Debug, Clone)]
pub struct NewStore {
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

/// Changes to a store; absent fields keep their value, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct StoreChange {
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
    pub maintenance_reason: Option<Option<String>>,
    /// Stock level (0–1000000) at or below which a FIXED-stock variant announces
    /// `variant.stock_low`; null: never.
    pub low_stock_threshold: Option<Option<i32>>,
}

async fn ensure_url_free<C: ConnectionTrait>(db: &C, row: &store::Model) -> Result<(), ApiError> {
    let taken = Condition::all().add(store::Column::Url.eq(&row.url));
    let clash = ("url", "is already used by another store");
    unique::ensure_free::<store::Entity, _>(db, taken, (store::Column::Id, row.id), clash).await
}

/// Creates a store owned by the caller's user; the caller sees it at once.
pub async fn create(db: &DatabaseConnection, principal: &Principal, input: NewStore) -> Result<store::Model, ApiError> {
    let owner = principal.access().map(|a| a.user_id).ok_or(ApiError::Unauthenticated("sign in first"))?;
    let url = input.url.unwrap_or_else(|| slugify(&input.name));
    let mut row = new_store(owner, input.name, url, input.description.unwrap_or_default());
    if let Some(currency) = input.currency_code {
        row.currency_code = currency;
    }
    row.prepend_product_name_to_receipt = input.prepend_product_name_to_receipt.unwrap_or(false);
    row.is_automatic_reviews_enabled = input.is_automatic_reviews_enabled.unwrap_or(false);
    let mut checks = Checks::new();
    rules::check_store(&mut checks, &row);
    checks.finish()?;
    let txn = begin_write(db).await?;
    ensure_url_free(&txn, &row).await?;
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "url"))?;
    signals::send(&txn, Signal::StoresChanged(owner)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a store's settings.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: StoreChange,
) -> Result<store::Model, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::store(&txn, principal, id).await?;
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
    change::apply(input.maintenance_reason, &mut row.maintenance_reason);
    change::apply(input.low_stock_threshold, &mut row.low_stock_threshold);
    let mut checks = Checks::new();
    rules::check_store(&mut checks, &row);
    checks.finish()?;
    ensure_url_free(&txn, &row).await?;
    row.updated_at = Utc::now();
    let row = tenancy::save(&txn, row, "url").await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes (and returns) one of the signed-in user's stores with its catalog. Needs a login session (not
/// an API key); a store with orders cannot be deleted (`CONFLICT`) — set `isInactive`
/// instead. Returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<store::Model, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::store(&txn, principal, id).await?;
    if principal.session_user() != Some(row.owner_id) {
        return Err(ApiError::NotFound("store"));
    }
    let orders = order::Entity::find().filter(order::Column::StoreId.eq(row.id)).count(&txn).await?;
    if orders > 0 {
        return Err(ApiError::conflict("id", "the store has orders; set isInactive instead"));
    }
    store::Entity::delete_by_id(row.id).exec(&txn).await?;
    signals::send(&txn, Signal::StoresChanged(row.owner_id)).await?;
    txn.commit().await?;
    Ok(row)
}
