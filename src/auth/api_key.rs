//! API keys: issued to a user with a subset of their scopes and stores; the secret (a `cgk_`
//! prefix plus 192 random bits) is shown once and only its hash is stored. Use is tracked in
//! memory and written in batches, never with a database write per request.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::secret;
use entity::api_key;

/// Every key starts with this, so leaked keys are easy to spot and scan for.
pub const SECRET_PREFIX: &str = "cgk_";

/// How much of the secret is kept in clear to tell keys apart in listings.
const SHOWN_PREFIX_LEN: usize = 12;

/// A new key: the secret (to show once) and its stored row.
pub struct IssuedKey {
    pub secret: String,
    pub key: api_key::Model,
}

/// Stores a new key for `user_id` with `scopes`, limited to `store_ids` when given.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
    scopes: &[&str],
    store_ids: Option<&[Uuid]>,
) -> Result<IssuedKey, DbErr> {
    let secret = secret::generate(SECRET_PREFIX, 24);
    let key = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        prefix: Set(secret[..SHOWN_PREFIX_LEN].to_owned()),
        secret_hash: Set(secret::hash(&secret)),
        scopes: Set(serde_json::json!(scopes)),
        store_ids: Set(store_ids.map(|ids| serde_json::json!(ids))),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(IssuedKey { secret, key })
}

/// When each key was last used, kept in memory until [`UsageTracker::flush`] writes it.
#[derive(Default)]
pub struct UsageTracker {
    pending: Mutex<HashMap<Uuid, DateTime<Utc>>>,
}

impl UsageTracker {
    pub fn record(&self, key_id: Uuid) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(key_id, Utc::now());
        }
    }

    /// The newest use not yet written, if any.
    pub fn pending(&self, key_id: Uuid) -> Option<DateTime<Utc>> {
        self.pending.lock().ok().and_then(|pending| pending.get(&key_id).copied())
    }

    /// Writes every pending use (one statement per key used since the last flush).
    pub async fn flush(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let batch: Vec<(Uuid, DateTime<Utc>)> = match self.pending.lock() {
            Ok(mut pending) => pending.drain().collect(),
            Err(_) => return Ok(()),
        };
        for (key_id, used_at) in batch {
            api_key::Entity::update_many()
                .col_expr(api_key::Column::LastUsedAt, Expr::value(used_at))
                .filter(api_key::Column::Id.eq(key_id))
                .exec(db)
                .await?;
        }
        Ok(())
    }
}
