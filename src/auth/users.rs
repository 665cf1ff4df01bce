//! Users: creating accounts with a validated email and a hashed password.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, SqlErr};
use uuid::Uuid;

use crate::auth::password;
use crate::auth::principal::Principal;
use crate::error::ApiError;
use entity::user;

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 128;
pub const MAX_EMAIL_LEN: usize = 254;

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("email must look like name@example.com and be at most {MAX_EMAIL_LEN} characters")]
    InvalidEmail,
    #[error("password must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters long")]
    InvalidPassword,
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Trims and lower-cases an email address, or refuses one that cannot be an address.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.len() <= MAX_EMAIL_LEN
        && !domain.contains('@');
    valid.then_some(email)
}

/// The user behind the caller's session or API key.
pub async fn me(db: &impl ConnectionTrait, principal: &Principal) -> Result<user::Model, ApiError> {
    let access = principal.access().ok_or(ApiError::Unauthenticated("sign in first"))?;
    user::Entity::find_by_id(access.user_id).one(db).await?.ok_or(ApiError::NotFound("user"))
}

/// Creates a user who can log in with `email` and `password`.
pub async fn create(db: &impl ConnectionTrait, email: &str, password: &str) -> Result<user::Model, CreateUserError> {
    let email = normalize_email(email).ok_or(CreateUserError::InvalidEmail)?;
    let length = password.chars().count();
    if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&length) {
        return Err(CreateUserError::InvalidPassword);
    }
    let password_hash = password::hash(password).await?;
    let now = Utc::now();
    let inserted = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        password_hash: Set(password_hash),
        name: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Err(CreateUserError::EmailTaken),
        Err(e) => Err(CreateUserError::Other(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(normalize_email("  Demo@Example.COM ").as_deref(), Some("demo@example.com"));
        for bad in ["", "no-at-sign", "@example.com", "a@b", "a@.com", "a b@example.com", "a@b@c.com"] {
            assert_eq!(normalize_email(bad), None, "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(MAX_EMAIL_LEN));
        assert_eq!(normalize_email(&long), None);
    }
}
