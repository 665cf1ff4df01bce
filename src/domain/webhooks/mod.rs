//! Webhook endpoints: account-wide, owned by a user, subscribed to some event types in some or
//! all of the user's stores. A key limited to some stores sees and manages only endpoints within
//! those stores and cannot subscribe to the whole account. URLs pass the SSRF guard
//! ([`crate::egress`]) when registered and again at every attempt. The signing secret is shown
//! when the endpoint is created or its secret rotated, never afterwards; after a rotation the
//! old secret keeps signing (beside the new one) for 24 hours.

pub mod deliveries;

pub use deliveries::{resend, send_test};

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::principal::{Access, Principal};
use crate::db::begin_write;
use crate::db::json::strings;
use crate::domain::events::{EventType, EVENT_TYPES};
use crate::domain::validate::Checks;
use crate::egress::Egress;
use crate::error::ApiError;
use entity::{user, webhook};

/// Longest description.
pub const DESCRIPTION_MAX: usize = 256;
/// Most stores one endpoint may name.
pub const MAX_STORES: usize = 100;
/// How long the secret before a rotation keeps signing.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// An endpoint to register.
pub struct NewWebhook {
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    /// Stores to hear from; absent or empty: every store of the account.
    pub store_ids: Option<Vec<Uuid>>,
    pub is_enabled: Option<bool>,
}

/// Changes to an endpoint; absent fields keep their value.
#[derive(Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// Empty: every store of the account.
    pub store_ids: Option<Vec<Uuid>>,
    /// Enabling an endpoint the gateway disabled clears its reason.
    pub is_enabled: Option<bool>,
}

/// The caller's verified access, or `UNAUTHENTICATED`.
fn access(principal: &Principal) -> Result<&Access, ApiError> {
    principal.access().ok_or(ApiError::Unauthenticated("sign in first"))
}

/// Whether `access` may see `hook`: the user's own, and for a key limited to some stores only
/// an endpoint that names stores, all of them within the key's.
pub fn visible(access: &Access, hook: &webhook::Model) -> bool {
    if hook.user_id != access.user_id {
        return false;
    }
    let stores = store_ids(hook);
    !access.store_limited || (!stores.is_empty() && stores.iter().all(|s| access.stores.contains(s)))
}

/// The stores an endpoint names (empty: every store of its user).
pub fn store_ids(hook: &webhook::Model) -> Vec<Uuid> {
    strings(&hook.store_ids).iter().filter_map(|s| Uuid::parse_str(s).ok()).collect()
}

/// The event types an endpoint is subscribed to.
pub fn event_types(hook: &webhook::Model) -> Vec<String> {
    strings(&hook.event_types)
}

/// The caller's endpoints, oldest first.
pub async fn list(db: &DatabaseConnection, principal: &Principal) -> Result<Vec<webhook::Model>, ApiError> {
    let access = access(principal)?;
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(access.user_id))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?;
    Ok(hooks.into_iter().filter(|h| visible(access, h)).collect())
}

/// One of the caller's endpoints; another user's (or one outside a key's stores) is `NOT_FOUND`.
pub async fn get<C: sea_orm::ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<webhook::Model, ApiError> {
    let access = access(principal)?;
    webhook::Entity::find_by_id(id).one(db).await?.filter(|h| visible(access, h)).ok_or(ApiError::NotFound("webhook"))
}

/// Checks event types: 1 to all of them, each known, none twice.
fn check_event_types(checks: &mut Checks, names: &[String]) {
    if names.is_empty() || names.len() > EVENT_TYPES.len() {
        checks.fail("eventTypes", format!("must list 1 to {} event types", EVENT_TYPES.len()));
        return;
    }
    let mut seen = BTreeSet::new();
    for (index, name) in names.iter().enumerate() {
        if EventType::parse(name).is_none() {
            checks.fail(&format!("eventTypes[{index}]"), "is not an event type (see webhookEventTypes)");
        } else if !seen.insert(name) {
            checks.fail(&format!("eventTypes[{index}]"), "is listed twice");
        }
    }
}

/// Checks a store list against what the caller sees; a store-limited key must name stores.
fn check_stores(checks: &mut Checks, access: &Access, ids: &[Uuid]) {
    if ids.len() > MAX_STORES {
        checks.fail("storeIds", format!("must list at most {MAX_STORES} stores"));
        return;
    }
    if ids.is_empty() && access.store_limited {
        checks.fail("storeIds", "a key limited to some stores must name the stores the endpoint hears from");
    }
    for (index, id) in ids.iter().enumerate() {
        if !access.stores.contains(id) {
            checks.fail(&format!("storeIds[{index}]"), "no such store");
        }
    }
}

/// Checks a URL's form, then (when the form is right) the addresses its host resolves to.
async fn check_url(checks: &mut Checks, egress: &Egress, url: &str) {
    if let Err(problem) = egress.check(url.trim()).await {
        checks.fail("url", problem);
    }
}

fn distinct(ids: Vec<Uuid>) -> serde_json::Value {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    json!(ids.into_iter().map(|id| id.to_string()).collect::<Vec<_>>())
}

/// Registers an endpoint for the caller's user; `CONFLICT` beyond `max_per_user` endpoints.
/// The returned row carries the secret, which no read shows again.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    egress: &Egress,
    max_per_user: u32,
    input: NewWebhook,
) -> Result<webhook::Model, ApiError> {
    let access = access(principal)?;
    let mut checks = Checks::new();
    let description = input.description.unwrap_or_default();
    checks.text("description", &description, 0..=DESCRIPTION_MAX);
    check_event_types(&mut checks, &input.event_types);
    let stores = input.store_ids.unwrap_or_default();
    check_stores(&mut checks, access, &stores);
    check_url(&mut checks, egress, &input.url).await;
    checks.finish()?;
    let now = Utc::now();
    let row = webhook::Model {
        id: Uuid::now_v7(),
        user_id: access.user_id,
        url: input.url.trim().to_owned(),
        description,
        event_types: json!(input.event_types),
        store_ids: distinct(stores),
        is_enabled: input.is_enabled.unwrap_or(true),
        disabled_reason: None,
        secret: new_secret(),
        previous_secret: None,
        previous_secret_expires_at: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
    };
    let txn = begin_write(db).await?;
    // The user's row is held while counting, so concurrent requests cannot pass the cap together.
    user::Entity::find_by_id(access.user_id).lock_exclusive().one(&txn).await?;
    let held = webhook::Entity::find().filter(webhook::Column::UserId.eq(access.user_id)).count(&txn).await?;
    if held >= u64::from(max_per_user) {
        return Err(ApiError::conflict(
            "webhooks",
            format!("you already have {max_per_user} webhook endpoints, the most allowed; delete one first"),
        ));
    }
    let row = row.into_active_model().insert(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// A new signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes.
fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key))
}

/// Changes an endpoint. Every given field is checked, all problems reported together.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    egress: &Egress,
    id: Uuid,
    input: WebhookChange,
) -> Result<webhook::Model, ApiError> {
    let access = access(principal)?;
    let row = get(db, principal, id).await?;
    // Only the columns asked for are written, so a concurrent change (the worker disabling the
    // endpoint, a rotation) is not undone.
    let mut changed = webhook::ActiveModel { id: Unchanged(row.id), ..Default::default() };
    let mut checks = Checks::new();
    if let Some(url) = &input.url {
        check_url(&mut checks, egress, url).await;
        changed.url = Set(url.trim().to_owned());
    }
    if let Some(description) = input.description {
        checks.text("description", &description, 0..=DESCRIPTION_MAX);
        changed.description = Set(description);
    }
    if let Some(types) = input.event_types {
        check_event_types(&mut checks, &types);
        changed.event_types = Set(json!(types));
    }
    if let Some(stores) = input.store_ids {
        check_stores(&mut checks, access, &stores);
        changed.store_ids = Set(distinct(stores));
    }
    if let Some(enabled) = input.is_enabled {
        if enabled {
            changed.disabled_reason = Set(None);
            changed.failing_since = Set(None);
        }
        changed.is_enabled = Set(enabled);
    }
    checks.finish()?;
    changed.updated_at = Set(Utc::now());
    Ok(changed.update(db).await?)
}

/// Deletes an endpoint with its delivery log; returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let row = get(db, principal, id).await?;
    webhook::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(row.id)
}

/// Gives an endpoint a new secret; the old one also signs for [`ROTATION_OVERLAP_HOURS`]. The
/// returned row carries the new secret.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<webhook::Model, ApiError> {
    let row = get(db, principal, id).await?;
    // One statement moves the stored secret aside, so two rotations cannot lose the secret one
    // of them showed.
    let now = Utc::now();
    let rotated = webhook::Entity::update_many()
        .col_expr(webhook::Column::PreviousSecret, Expr::col(webhook::Column::Secret))
        .col_expr(webhook::Column::Secret, Expr::value(new_secret()))
        .col_expr(webhook::Column::PreviousSecretExpiresAt, Expr::value(now + Duration::hours(ROTATION_OVERLAP_HOURS)))
        .col_expr(webhook::Column::UpdatedAt, Expr::value(now))
        .filter(webhook::Column::Id.eq(row.id))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound("webhook"))?;
    Ok(rotated)
}
