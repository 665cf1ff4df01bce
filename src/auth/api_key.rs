//! API key secrets: a recognisable prefix plus 192 random bits, shown once; only a SHA-256 hash
//! is stored (the secret has far too much entropy to need a slow hash).

use base64::Engine;
use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use entity::api_key;

/// Every secret starts with this, so leaked keys are easy to spot and scan for.
pub const SECRET_PREFIX: &str = "cgk_";

/// How much of the secret is kept in clear to tell keys apart in listings.
const SHOWN_PREFIX_LEN: usize = 12;

/// A new key: the secret (to show once) and its stored row.
pub struct IssuedKey {
    pub secret: String,
    pub key: api_key::Model,
}

/// SHA-256 of a secret, hex-encoded, as stored in `api_keys.secret_hash`.
pub fn hash_secret(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

fn generate_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Stores a new key for `user_id` with `scopes`, limited to `store_ids` when given.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
    scopes: &[&str],
    store_ids: Option<&[Uuid]>,
) -> Result<IssuedKey, DbErr> {
    let secret = generate_secret();
    let key = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        prefix: Set(secret[..SHOWN_PREFIX_LEN].to_owned()),
        secret_hash: Set(hash_secret(&secret)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hashed() {
        let (a, b) = (generate_secret(), generate_secret());
        assert!(a.starts_with(SECRET_PREFIX));
        assert_ne!(a, b);
        assert_eq!(a.len(), SECRET_PREFIX.len() + 32);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), hash_secret(&b));
    }
}
