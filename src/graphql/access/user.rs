//! The signed-in user: `me`.

use async_graphql::{Context, Object};
use uuid::Uuid;

use crate::auth::users;
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::scope;
use entity::user;

/// A person who logs in.
#[Object(directive = scope::apply("user.view".into()))]
impl User {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// Login email (lower-case).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Display name.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// When the account was created (UTC).
    async fn date_created(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

pub struct User(pub user::Model);

/// User queries.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The user behind the caller's session or API key.
    #[graphql(directive = scope::apply("user.view".into()))]
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        users::me(db, principal).await.map(User).into_graphql()
    }
}
