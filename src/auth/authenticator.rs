//! The one place a request's `Authorization: Bearer …` becomes a [`Principal`]. No header means
//! anonymous; a presented credential that is invalid, expired or revoked is refused, never
//! silently downgraded to anonymous.
//!
//! Hot paths are cached briefly (sessions, keys, who owns which store) so a request normally
//! costs no SQL to authenticate. A change to a credential (a session ended, a key revoked, a
//! user's stores changed) is forgotten by this process at once and announced to the other
//! replicas, which forget it too (`crate::replicas`); [`CACHE_TTL`] bounds staleness only when
//! an announcement is missed.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use moka::sync::Cache;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::api_key::{UsageTracker, SECRET_PREFIX};
use super::jwt::JwtKeys;
use super::principal::{Access, Credential, Principal};
use super::{scope, secret};
use crate::db::json::strings;
use crate::error::ApiError;
use entity::{api_key, customer, refresh_token, store};

/// How long a cached session state, key or tenancy may be served without looking again.
pub const CACHE_TTL: Duration = Duration::from_secs(30);
const CACHE_CAPACITY: u64 = 100_000;

/// A cached credential fact that was dropped: open WebSocket connections authenticated with a
/// credential it concerns check that credential again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialChange {
    /// A login session ended.
    Session(Uuid),
    /// An API key (by the SHA-256 of its secret) was revoked.
    Key(String),
    /// A user's stores changed.
    User(Uuid),
    /// Anything may have changed (signals from other replicas were missed).
    Everything,
}

/// Changes kept for a connection that is slow to read them (it then checks everything).
const CHANGES_KEPT: usize = 256;

/// The stores a user owns and the customer records linked to their login.
#[derive(Debug, Default)]
struct Tenancy {
    owned: HashSet<Uuid>,
    /// (customer id, store id)
    customer_of: Vec<(Uuid, Uuid)>,
}

pub struct Authenticator {
    db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub usage: UsageTracker,
    /// session id → whether it is still active
    sessions: Cache<Uuid, bool>,
    /// secret hash → key row
    keys: Cache<String, Arc<api_key::Model>>,
    /// secret hashes that match no key (so a repeated made-up key costs no SQL)
    unknown_keys: Cache<String, ()>,
    /// user id → tenancy
    tenancies: Cache<Uuid, Arc<Tenancy>>,
    changes: tokio::sync::broadcast::Sender<CredentialChange>,
}

fn cache<K, V>() -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder().max_capacity(CACHE_CAPACITY).time_to_live(CACHE_TTL).build()
}

impl Authenticator {
    pub fn new(db: DatabaseConnection, jwt: JwtKeys) -> Self {
        Self {
            db,
            jwt,
            usage: UsageTracker::default(),
            sessions: cache(),
            keys: cache(),
            unknown_keys: cache(),
            tenancies: cache(),
            changes: tokio::sync::broadcast::Sender::new(CHANGES_KEPT),
        }
    }

    /// Every credential change from now on (made here or heard from another replica).
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<CredentialChange> {
        self.changes.subscribe()
    }

    fn changed(&self, change: CredentialChange) {
        // Nobody listening (no open connection) is not an error.
        let _ = self.changes.send(change);
    }

    /// Whether resolving `authorization` would look up an API key that is not cached, positively
    /// or negatively — one that may have been made up. (A session token is refused by its
    /// signature alone when forged, so only genuine ones ever reach the database.)
    pub fn needs_database(&self, authorization: Option<&str>) -> bool {
        let Some(token) = authorization.and_then(bearer).filter(|token| token.starts_with(SECRET_PREFIX)) else {
            return false;
        };
        let hash = secret::hash(token);
        !self.keys.contains_key(&hash) && !self.unknown_keys.contains_key(&hash)
    }

    /// Resolves the `Authorization` header value (if any) into the caller.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, ApiError> {
        let Some(value) = authorization else { return Ok(Principal::Anonymous) };
        let token =
            bearer(value).ok_or(ApiError::Unauthenticated("the Authorization header must be `Bearer <token>`"))?;
        let access = if token.starts_with(SECRET_PREFIX) {
            self.api_key_access(token).await?
        } else {
            self.session_access(token).await?
        };
        Ok(Principal::Authenticated(Arc::new(access)))
    }

    async fn session_access(&self, token: &str) -> Result<Access, ApiError> {
        let claims =
            self.jwt.verify(token).ok_or(ApiError::Unauthenticated("the access token is invalid or expired"))?;
        if !self.session_active(claims.sid).await? {
            return Err(ApiError::Unauthenticated("the session has ended; log in again"));
        }
        let tenancy = self.tenancy(claims.sub).await?;
        Ok(role_access(claims.sub, Credential::Session(claims.sid), &tenancy))
    }

    async fn api_key_access(&self, token: &str) -> Result<Access, ApiError> {
        let hash = secret::hash(token);
        let refused = ApiError::Unauthenticated("the API key is invalid or revoked");
        let key = match self.keys.get(&hash) {
            Some(key) => key,
            None if self.unknown_keys.contains_key(&hash) => return Err(refused),
            None => {
                let found =
                    api_key::Entity::find().filter(api_key::Column::SecretHash.eq(hash.as_str())).one(&self.db).await?;
                let Some(found) = found else {
                    self.unknown_keys.insert(hash, ());
                    return Err(refused);
                };
                let key = Arc::new(found);
                self.keys.insert(hash, key.clone());
                key
            }
        };
        if key.revoked_at.is_some() {
            return Err(ApiError::Unauthenticated("the API key is invalid or revoked"));
        }
        self.usage.record(key.id);
        let tenancy = self.tenancy(key.user_id).await?;
        let mut access = role_access(key.user_id, Credential::ApiKey(key.id), &tenancy);
        let granted: HashSet<&str> = strings(&key.scopes).iter().filter_map(|s| scope::parse(s)).collect();
        access.scopes.retain(|s| granted.contains(s));
        if let Some(limit) = &key.store_ids {
            let allowed: HashSet<Uuid> = strings(limit).iter().filter_map(|s| Uuid::parse_str(s).ok()).collect();
            access.stores.retain(|s| allowed.contains(s));
            access.store_limited = true;
        }
        Ok(access)
    }

    async fn session_active(&self, session_id: Uuid) -> Result<bool, ApiError> {
        if let Some(active) = self.sessions.get(&session_id) {
            return Ok(active);
        }
        let live = refresh_token::Entity::find()
            .filter(refresh_token::Column::FamilyId.eq(session_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(Utc::now()))
            .count(&self.db)
            .await?;
        self.sessions.insert(session_id, live > 0);
        Ok(live > 0)
    }

    async fn tenancy(&self, user_id: Uuid) -> Result<Arc<Tenancy>, ApiError> {
        if let Some(tenancy) = self.tenancies.get(&user_id) {
            return Ok(tenancy);
        }
        let owned = store::Entity::find()
            .select_only()
            .column(store::Column::Id)
            .filter(store::Column::OwnerId.eq(user_id))
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?;
        let customer_of = customer::Entity::find()
            .select_only()
            .columns([customer::Column::Id, customer::Column::StoreId])
            .filter(customer::Column::UserId.eq(user_id))
            .into_tuple::<(Uuid, Uuid)>()
            .all(&self.db)
            .await?;
        let tenancy = Arc::new(Tenancy { owned: owned.into_iter().collect(), customer_of });
        self.tenancies.insert(user_id, tenancy.clone());
        Ok(tenancy)
    }

    /// Whether `change` concerns the credential `token` (which was resolved to `access`).
    pub fn concerns(change: &CredentialChange, token: &str, access: &Access) -> bool {
        match change {
            CredentialChange::Session(session) => access.credential == Credential::Session(*session),
            CredentialChange::Key(hash) => token.starts_with(SECRET_PREFIX) && secret::hash(token) == *hash,
            CredentialChange::User(user) => access.user_id == *user,
            CredentialChange::Everything => true,
        }
    }

    /// When the access token `token` expires (Unix seconds); `None` for an API key.
    pub fn expires_at(&self, token: &str) -> Option<i64> {
        self.jwt.verify(token).map(|claims| claims.exp)
    }

    /// The token of a `Bearer <token>` value.
    pub fn bearer(value: &str) -> Option<&str> {
        bearer(value)
    }

    /// Forgets a session at once (logout, or a reused refresh token).
    pub fn end_session(&self, session_id: Uuid) {
        self.sessions.insert(session_id, false);
        self.changed(CredentialChange::Session(session_id));
    }

    /// Forgets a cached key (after revocation).
    pub fn forget_key(&self, secret_hash: &str) {
        self.keys.invalidate(secret_hash);
        self.changed(CredentialChange::Key(secret_hash.to_owned()));
    }

    /// Forgets a user's cached stores (after they create or lose one).
    pub fn forget_tenancy(&self, user_id: Uuid) {
        self.tenancies.invalidate(&user_id);
        self.changed(CredentialChange::User(user_id));
    }

    /// Forgets every cached session, key and tenancy (signals from other replicas may have been
    /// missed).
    pub fn forget_everything(&self) {
        self.sessions.invalidate_all();
        self.keys.invalidate_all();
        self.tenancies.invalidate_all();
        self.changed(CredentialChange::Everything);
    }
}

/// The token of a `Bearer <token>` header value.
fn bearer(value: &str) -> Option<&str> {
    value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
}

/// What a user may do by role: a merchant (owns stores, or is nobody's customer) holds every
/// scope over the stores they own; a customer holds the customer scopes over the stores where
/// they are a customer, limited to their own customer records.
fn role_access(user_id: Uuid, credential: Credential, tenancy: &Tenancy) -> Access {
    let is_customer = tenancy.owned.is_empty() && !tenancy.customer_of.is_empty();
    if is_customer {
        Access {
            user_id,
            credential,
            scopes: scope::CUSTOMER.iter().copied().collect(),
            stores: tenancy.customer_of.iter().map(|(_, store)| *store).collect(),
            customers: tenancy.customer_of.iter().map(|(customer, _)| *customer).collect(),
            store_limited: false,
        }
    } else {
        Access {
            user_id,
            credential,
            scopes: scope::ALL.iter().copied().collect(),
            stores: tenancy.owned.clone(),
            customers: HashSet::new(),
            store_limited: false,
        }
    }
}
