//! API keys: a user's scoped credentials for integrators. A key never holds a scope or store its
//! creator does not hold, a user has at most a configured number of live keys (each key has its
//! own rate-limit bucket, so keys without bound would be buckets without bound), and revoking
//! or changing a key takes effect at once on this replica and, through a signal, on the others.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::auth::api_key::{self, IssuedKey};
use crate::auth::authenticator::Authenticator;
use crate::auth::principal::Access;
use crate::auth::scope;
use crate::db::begin_write;
use crate::db::json::strings;
use crate::db::signals::{self, Signal};
use crate::error::{ApiError, FieldError};
use entity::{api_key as api_key_entity, user};

/// Longest key name.
pub const MAX_KEY_NAME_LEN: usize = 64;
/// Most stores one key may be limited to.
pub const MAX_KEY_STORES: usize = 100;

/// A key as asked for: a name, scope names, and optionally stores to limit it to.
pub struct KeyRequest {
    pub name: String,
    pub scopes: Vec<String>,
    pub store_ids: Option<Vec<Uuid>>,
}

/// A checked [`KeyRequest`].
struct NewKey {
    name: String,
    scopes: Vec<&'static str>,
    store_ids: Option<Vec<Uuid>>,
}

fn validate(input: KeyRequest, creator: &Access) -> Result<NewKey, ApiError> {
    let mut problems = Vec::new();
    let mut problem = |field: String, message: String| problems.push(FieldError { field, message });
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_KEY_NAME_LEN {
        problem("name".into(), format!("must be 1 to {MAX_KEY_NAME_LEN} characters"));
    }
    if input.scopes.is_empty() || input.scopes.len() > scope::ALL.len() {
        problem("scopes".into(), format!("must list 1 to {} scopes", scope::ALL.len()));
    }
    let mut scopes = BTreeSet::new();
    for (index, name) in input.scopes.iter().enumerate().take(scope::ALL.len()) {
        match scope::parse(name) {
            Some(scope) if creator.scopes.contains(scope) => {
                scopes.insert(scope);
            }
            Some(scope) => {
                problem(format!("scopes[{index}]"), format!("you do not hold {scope}, so a key cannot either"))
            }
            None => problem(format!("scopes[{index}]"), "is not a scope".into()),
        }
    }
    if let Some(ids) = &input.store_ids {
        if ids.len() > MAX_KEY_STORES {
            problem("storeIds".into(), format!("must list at most {MAX_KEY_STORES} stores"));
        }
        for (index, id) in ids.iter().enumerate().take(MAX_KEY_STORES) {
            if !creator.stores.contains(id) {
                problem(format!("storeIds[{index}]"), "no such store".into());
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let store_ids = input.store_ids.map(|ids| ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect());
    Ok(NewKey { name, scopes: scopes.into_iter().collect(), store_ids })
}

/// The user's keys, newest first (revoked ones included).
pub async fn list(db: &DatabaseConnection, owner: &Access) -> Result<Vec<api_key_entity::Model>, ApiError> {
    Ok(api_key_entity::Entity::find()
        .filter(api_key_entity::Column::UserId.eq(owner.user_id))
        .order_by_desc(api_key_entity::Column::CreatedAt)
        .order_by_desc(api_key_entity::Column::Id)
        .all(db)
        .await?)
}

/// Issues a key for `creator`; `CONFLICT` when they already hold `max_live` live keys. The count
/// and the insert share a transaction that holds the user's row, so concurrent requests cannot
/// pass the cap together.
pub async fn create(
    db: &DatabaseConnection,
    creator: &Access,
    input: KeyRequest,
    max_live: u32,
) -> Result<IssuedKey, ApiError> {
    let new_key = validate(input, creator)?;
    let txn = begin_write(db).await?;
    user::Entity::find_by_id(creator.user_id).lock_exclusive().one(&txn).await?;
    let live = api_key_entity::Entity::find()
        .filter(api_key_entity::Column::UserId.eq(creator.user_id))
        .filter(api_key_entity::Column::RevokedAt.is_null())
        .count(&txn)
        .await?;
    if live >= u64::from(max_live) {
        return Err(ApiError::conflict(
            "apiKeys",
            format!("you already hold {max_live} live API keys, the most allowed; revoke one first"),
        ));
    }
    let issued =
        api_key::issue(&txn, creator.user_id, &new_key.name, &new_key.scopes, new_key.store_ids.as_deref()).await?;
    txn.commit().await?;
    Ok(issued)
}

/// Revokes one of `owner`'s keys (another user's is `NOT_FOUND`); revoking twice keeps the first
/// time. The authenticator forgets the key as soon as the revocation is written.
pub async fn revoke(
    db: &DatabaseConnection,
    auth: &Authenticator,
    owner: &Access,
    id: Uuid,
) -> Result<api_key_entity::Model, ApiError> {
    let mine = || api_key_entity::Entity::find_by_id(id).filter(api_key_entity::Column::UserId.eq(owner.user_id));
    let key = mine().one(db).await?.ok_or(ApiError::NotFound("API key"))?;
    let now = Utc::now();
    api_key_entity::Entity::update_many()
        .col_expr(api_key_entity::Column::RevokedAt, Expr::value(now))
        .filter(api_key_entity::Column::Id.eq(key.id))
        .filter(api_key_entity::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    auth.forget_key(&key.secret_hash);
    signals::send(db, Signal::KeyChanged(key.secret_hash.clone())).await?;
    Ok(api_key_entity::Model { revoked_at: key.revoked_at.or(Some(now)), ..key })
}

/// A change to a key: each field given replaces what the key holds; `store_ids: Some(None)`
/// lifts its store limit.
pub struct KeyChange {
    pub name: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub store_ids: Option<Option<Vec<Uuid>>>,
}

/// Changes one of `owner`'s live keys (another user's is `NOT_FOUND`, a revoked one a
/// `CONFLICT`) within the owner's rights, as at creation. The key keeps its secret; every
/// replica forgets what it cached of it, and its open WebSocket connections close (4403) when
/// its access changed.
pub async fn update(
    db: &DatabaseConnection,
    auth: &Authenticator,
    owner: &Access,
    id: Uuid,
    change: KeyChange,
) -> Result<api_key_entity::Model, ApiError> {
    let key = api_key_entity::Entity::find_by_id(id)
        .filter(api_key_entity::Column::UserId.eq(owner.user_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("API key"))?;
    if key.revoked_at.is_some() {
        return Err(ApiError::conflict("apiKey", "the key is revoked; create a new one"));
    }
    let held_stores =
        || key.store_ids.as_ref().map(|ids| strings(ids).iter().filter_map(|id| id.parse().ok()).collect());
    let request = KeyRequest {
        name: change.name.unwrap_or_else(|| key.name.clone()),
        scopes: change.scopes.unwrap_or_else(|| strings(&key.scopes)),
        store_ids: change.store_ids.unwrap_or_else(held_stores),
    };
    let checked = validate(request, owner)?;
    let changed = api_key_entity::Model {
        name: checked.name,
        scopes: serde_json::json!(checked.scopes),
        store_ids: checked.store_ids.map(|ids| serde_json::json!(ids)),
        ..key
    };
    let updated = api_key_entity::Entity::update_many()
        .col_expr(api_key_entity::Column::Name, Expr::value(changed.name.clone()))
        .col_expr(api_key_entity::Column::Scopes, Expr::value(changed.scopes.clone()))
        .col_expr(api_key_entity::Column::StoreIds, Expr::value(changed.store_ids.clone()))
        .filter(api_key_entity::Column::Id.eq(changed.id))
        .filter(api_key_entity::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ApiError::conflict("apiKey", "the key is revoked; create a new one"));
    }
    auth.forget_key(&changed.secret_hash);
    signals::send(db, Signal::KeyChanged(changed.secret_hash.clone())).await?;
    Ok(changed)
}
