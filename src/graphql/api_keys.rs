//! API keys of the signed-in user: `apiKeys`, `createApiKey`, `revokeApiKey`. Managing keys
//! needs a login session; a key can never hold a scope or store its creator does not hold.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::policy::session;
use crate::auth::authenticator::Authenticator;
use crate::auth::principal::{Access, Principal};
use crate::auth::{api_key, scope};
use crate::domain::json::strings;
use crate::error::{ApiError, FieldError, GraphqlResult};
use entity::api_key as api_key_entity;

/// Longest key name.
pub const MAX_KEY_NAME_LEN: usize = 64;
/// Most stores one key may be limited to.
pub const MAX_KEY_STORES: usize = 100;

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
        let pending = ctx.data::<Arc<Authenticator>>()?.usage.pending(self.0.id);
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

/// A validated [`CreateApiKeyInput`].
struct NewKey {
    name: String,
    scopes: Vec<&'static str>,
    store_ids: Option<Vec<Uuid>>,
}

fn validate(input: CreateApiKeyInput, creator: &Access) -> Result<NewKey, ApiError> {
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

fn session_access<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Access> {
    ctx.data::<Principal>()?.access().ok_or(ApiError::Unauthenticated("sign in first")).into_graphql()
}

/// API key queries.
#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// The signed-in user's API keys, newest first (revoked ones included), without secrets.
    #[graphql(directive = session::apply())]
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        let access = session_access(ctx)?;
        let keys = api_key_entity::Entity::find()
            .filter(api_key_entity::Column::UserId.eq(access.user_id))
            .order_by_desc(api_key_entity::Column::CreatedAt)
            .order_by_desc(api_key_entity::Column::Id)
            .all(ctx.data::<DatabaseConnection>()?)
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
        let access = session_access(ctx)?;
        let new_key = validate(input, access).into_graphql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let issued = api_key::issue(db, access.user_id, &new_key.name, &new_key.scopes, new_key.store_ids.as_deref())
            .await
            .into_graphql()?;
        Ok(CreateApiKeyPayload { secret: issued.secret, key: issued.key })
    }

    /// Revokes one of the caller's keys; it is refused from then on.
    #[graphql(directive = session::apply())]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiKey> {
        let access = session_access(ctx)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let mine = || api_key_entity::Entity::find_by_id(id).filter(api_key_entity::Column::UserId.eq(access.user_id));
        let key = mine().one(db).await.into_graphql()?.ok_or(ApiError::NotFound("API key")).into_graphql()?;
        api_key_entity::Entity::update_many()
            .col_expr(api_key_entity::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(api_key_entity::Column::Id.eq(key.id))
            .filter(api_key_entity::Column::RevokedAt.is_null())
            .exec(db)
            .await
            .into_graphql()?;
        ctx.data::<Arc<Authenticator>>()?.forget_key(&key.secret_hash);
        let revoked = mine().one(db).await.into_graphql()?.ok_or(ApiError::NotFound("API key")).into_graphql()?;
        Ok(ApiKey(revoked))
    }
}
