//! Login sessions: a password login opens a session (a refresh-token family) and returns a
//! one-hour access token plus an opaque refresh token. Every refresh rotates the refresh token;
//! presenting a used one revokes the whole session; logout revokes it too.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::authenticator::Authenticator;
use super::{password, secret};
use crate::auth::users::normalize_email;
use crate::db::signals::{self, Signal};
use crate::error::ApiError;
use entity::{refresh_token, user};

/// Refresh tokens start with this.
pub const REFRESH_PREFIX: &str = "cgr_";
/// Session lifetime with `remember`.
const REMEMBERED: Duration = Duration::days(30);
/// Session lifetime without `remember`.
const UNREMEMBERED: Duration = Duration::hours(12);

/// The tokens a login or refresh hands out.
pub struct Tokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub user_id: Uuid,
}

const BAD_LOGIN: ApiError = ApiError::Unauthenticated("the email or password is incorrect");

/// Checks a password login and opens a session.
pub async fn login(
    db: &DatabaseConnection,
    auth: &Authenticator,
    email: &str,
    password: &str,
    remember: bool,
) -> Result<Tokens, ApiError> {
    let found = match normalize_email(email) {
        Some(email) => user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await?,
        None => None,
    };
    // Unknown or malformed emails still pay for a hash check, so timing reveals nothing.
    if !password::verify(password, found.as_ref().map(|u| u.password_hash.clone())).await {
        return Err(BAD_LOGIN);
    }
    let user = found.ok_or(BAD_LOGIN)?;
    let lifetime = if remember { REMEMBERED } else { UNREMEMBERED };
    let session_id = Uuid::now_v7();
    let (refresh_token, row) = new_refresh_token(user.id, session_id, remember, Utc::now() + lifetime);
    row.insert(db).await?;
    tokens(auth, user.id, session_id, refresh_token, Utc::now() + lifetime)
}

/// Exchanges a refresh token for new tokens, rotating it.
pub async fn refresh(db: &DatabaseConnection, auth: &Authenticator, presented: &str) -> Result<Tokens, ApiError> {
    let hash = secret::hash(presented);
    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated("the refresh token is invalid"))?;
    if token.revoked_at.is_some() || token.expires_at <= Utc::now() {
        return Err(ApiError::Unauthenticated("the refresh token has expired or was revoked"));
    }
    if token.used_at.is_some() {
        revoke_session(db, auth, token.family_id).await?;
        return Err(ApiError::Unauthenticated("the refresh token was already used; the session has been revoked"));
    }

    let txn = db.begin().await?;
    // The conditional update is the claim: of two concurrent refreshes exactly one changes the row.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::Unauthenticated("the refresh token was already used"));
    }
    let (refresh_token, row) = new_refresh_token(token.user_id, token.family_id, token.remember, token.expires_at);
    row.insert(&txn).await?;
    txn.commit().await?;
    tokens(auth, token.user_id, token.family_id, refresh_token, token.expires_at)
}

/// Ends a session: its refresh tokens stop working and its access tokens are refused.
pub async fn revoke_session(db: &DatabaseConnection, auth: &Authenticator, session_id: Uuid) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(session_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    auth.end_session(session_id);
    signals::send(db, Signal::SessionEnded(session_id)).await?;
    Ok(())
}

fn new_refresh_token(
    user_id: Uuid,
    session_id: Uuid,
    remember: bool,
    expires_at: DateTime<Utc>,
) -> (String, refresh_token::ActiveModel) {
    let token = secret::generate(REFRESH_PREFIX, 32);
    let row = refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(session_id),
        token_hash: Set(secret::hash(&token)),
        remember: Set(remember),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    };
    (token, row)
}

fn tokens(
    auth: &Authenticator,
    user_id: Uuid,
    session_id: Uuid,
    refresh_token: String,
    refresh_expires_at: DateTime<Utc>,
) -> Result<Tokens, ApiError> {
    let (access_token, exp) = auth.jwt.issue(user_id, session_id).map_err(|e| {
        tracing::error!(error = %e, "cannot sign an access token");
        ApiError::Unauthenticated("cannot issue an access token")
    })?;
    Ok(Tokens {
        access_token,
        access_expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_else(Utc::now),
        refresh_token,
        refresh_expires_at,
        user_id,
    })
}
