//! API keys of the signed-in user: `apiKeys`, `createApiKey`, `updateApiKey`, `revokeApiKey`. Managing keys
//! needs a login session; a key can never hold a scope or store its creator does not hold.

use std::sync::Arc;

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::authenticator::Authenticator;
use crate::auth::principal::{Access, Principal};
use crate::db::json::strings;
use crate::domain::api_keys;
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::session;
use crate::limits::AccountLimits;
use entity::api_key as api_key_entity;

/// A scoped credential for integrators. The secret itself is shown only once, at creation.
pub struct ApiKey(pub api_key_entity::Model);

#[Object(directive = session::apply())]
impl ApiKey {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// Name given at creation.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The start of the secret, to recognise the key.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// Scopes the key holds (e.g. `stores.products.view`).
    async fn scopes(&self) -> Vec<String> {
        strings(&self.0.scopes)
    }

    /// Stores the key is limited to; null means every store of its user.
    async fn store_ids(&self) -> Option<Vec<Uuid>> {
        self.0.store_ids.as_ref().map(|ids| strings(ids).iter().filter_map(|id| Uuid::parse_str(id).ok()).collect())
    }

    /// When the key was last used (UTC), if ever.
    async fn last_used_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
        let pending = crate::graphql::data::<Arc<Authenticator>>(ctx)?.usage.pending(self.0.id);
        Ok(pending.or(self.0.last_used_at))
    }

    /// When the key was revoked (UTC); revoked keys are refused.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// When the key was created (UTC).
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new key and its secret.
pub struct CreateApiKeyPayload {
    secret: String,
    key: api_key_entity::Model,
}

#[Object(directive = session::apply())]
impl CreateApiKeyPayload {
    /// The key's secret, for `Authorization: Bearer …`. Shown only now: store it safely.
    async fn secret(&self) -> &str {
        &self.secret
    }

    /// The key.
    async fn api_key(&self) -> ApiKey {
        ApiKey(self.key.clone())
    }
}

/// What a new key may do.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// A name to recognise the key by (1–64 characters).
    pub name: String,
    /// Scopes to grant, by name; each must be one the caller holds.
    pub scopes: Vec<String>,
    /// Stores to limit the key to (each must be one of the caller's); omit for every store.
    pub store_ids: Option<Vec<Uuid>>,
}

/// A change to a key; what is omitted stays as it is.
#[derive(InputObject)]
pub struct UpdateApiKeyInput {
    /// A new name (1–64 characters).
    pub name: Option<String>,
    /// The scopes the key holds from now on, by name; each must be one the caller holds.
    pub scopes: Option<Vec<String>>,
    /// The stores the key is limited to from now on (each must be one of the caller's); null
    /// lifts the limit.
    pub store_ids: MaybeUndefined<Vec<Uuid>>,
}

fn session_access<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Access> {
    crate::graphql::data::<Principal>(ctx)?.access().ok_or(ApiError::Unauthenticated("sign in first")).into_graphql()
}

/// API key queries.
#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// The signed-in user's API keys, newest first (revoked ones included), without secrets.
    #[graphql(directive = session::apply())]
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        let keys = api_keys::list(crate::graphql::data::<DatabaseConnection>(ctx)?, session_access(ctx)?)
            .await
            .into_graphql()?;
        Ok(keys.into_iter().map(ApiKey).collect())
    }
}

/// API key mutations.
#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    /// Creates a key with some of the caller's scopes, optionally limited to some of their
    /// stores. The secret is in the answer and nowhere else.
    #[graphql(directive = session::apply())]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        let request = api_keys::KeyRequest { name: input.name, scopes: input.scopes, store_ids: input.store_ids };
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let max_live = crate::graphql::data::<AccountLimits>(ctx)?.max_api_keys;
        let issued = api_keys::create(db, session_access(ctx)?, request, max_live).await.into_graphql()?;
        Ok(CreateApiKeyPayload { secret: issued.secret, key: issued.key })
    }

    /// Changes one of the caller's live keys (name, scopes, stores) within the caller's rights;
    /// the secret stays. Takes effect at once on every replica; WebSocket connections using
    /// the key close (4403) when its access changed.
    #[graphql(directive = session::apply())]
    async fn update_api_key(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateApiKeyInput,
    ) -> async_graphql::Result<ApiKey> {
        let change = api_keys::KeyChange {
            name: input.name,
            scopes: input.scopes,
            store_ids: match input.store_ids {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(ids) => Some(Some(ids)),
            },
        };
        let auth = crate::graphql::data::<Arc<Authenticator>>(ctx)?;
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        api_keys::update(db, auth, session_access(ctx)?, id, change).await.map(ApiKey).into_graphql()
    }

    /// Revokes one of the caller's keys; it is refused from then on.
    #[graphql(directive = session::apply())]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiKey> {
        let auth = crate::graphql::data::<Arc<Authenticator>>(ctx)?;
        let revoked =
            api_keys::revoke(crate::graphql::data::<DatabaseConnection>(ctx)?, auth, session_access(ctx)?, id).await;
        revoked.map(ApiKey).into_graphql()
    }
}
