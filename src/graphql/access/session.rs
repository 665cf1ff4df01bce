//! Logging in and out: `login`, `refreshSession`, `logout`.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::authenticator::Authenticator;
use crate::auth::principal::{Credential, Principal};
use crate::auth::session::{self as sessions, Tokens};
use crate::auth::users::{MAX_EMAIL_LEN, MAX_PASSWORD_LEN};
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::{public, session};

/// Longest refresh token accepted (ours are 47 characters).
const MAX_REFRESH_TOKEN_LEN: usize = 256;

/// Tokens of a session.
pub struct AuthPayload(Tokens);

#[Object(directive = public::apply())]
impl AuthPayload {
    /// Bearer token for `Authorization: Bearer …`, valid for one hour.
    async fn access_token(&self) -> &str {
        &self.0.access_token
    }

    /// Always `Bearer`.
    async fn token_type(&self) -> &str {
        "Bearer"
    }

    /// When the access token expires (UTC).
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.access_expires_at
    }

    /// Seconds until the access token expires.
    async fn expires_in(&self) -> i64 {
        (self.0.access_expires_at - Utc::now()).num_seconds().max(0)
    }

    /// Opaque token for `refreshSession`; single use: each refresh returns a new one.
    async fn refresh_token(&self) -> &str {
        &self.0.refresh_token
    }

    /// When the session ends unless refreshed before (UTC).
    async fn refresh_token_expires_at(&self) -> DateTime<Utc> {
        self.0.refresh_expires_at
    }

    /// The user logged in.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
}

fn check_length(field: &str, value: &str, max: usize) -> async_graphql::Result<()> {
    if value.chars().count() > max {
        return Err(ApiError::invalid(field, format!("must be at most {max} characters"))).into_graphql();
    }
    Ok(())
}

/// Session mutations.
#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Logs in with email and password. `remember` keeps the session for 30 days instead of 12 hours.
    #[graphql(directive = public::apply())]
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        #[graphql(default = false)] remember: bool,
    ) -> async_graphql::Result<AuthPayload> {
        check_length("email", &email, MAX_EMAIL_LEN)?;
        check_length("password", &password, MAX_PASSWORD_LEN)?;
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let auth = crate::graphql::data::<std::sync::Arc<Authenticator>>(ctx)?;
        let tokens = sessions::login(db, auth, &email, &password, remember).await.into_graphql()?;
        Ok(AuthPayload(tokens))
    }

    /// Exchanges a refresh token for new tokens. The presented token is used up; presenting it
    /// again revokes the whole session.
    #[graphql(directive = public::apply())]
    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: String) -> async_graphql::Result<AuthPayload> {
        check_length("refreshToken", &refresh_token, MAX_REFRESH_TOKEN_LEN)?;
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let auth = crate::graphql::data::<std::sync::Arc<Authenticator>>(ctx)?;
        let tokens = sessions::refresh(db, auth, &refresh_token).await.into_graphql()?;
        Ok(AuthPayload(tokens))
    }

    /// Ends the caller's session: its refresh token and access tokens stop working.
    #[graphql(directive = session::apply())]
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let principal = crate::graphql::data::<Principal>(ctx)?;
        let Some(Credential::Session(session_id)) = principal.access().map(|a| a.credential) else {
            return Err(ApiError::Unauthenticated("logout needs a login session")).into_graphql();
        };
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let auth = crate::graphql::data::<std::sync::Arc<Authenticator>>(ctx)?;
        sessions::revoke_session(db, auth, session_id).await.into_graphql()?;
        Ok(true)
    }
}
