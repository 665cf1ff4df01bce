//! The review mutations: parse, call [`crate::domain::reviews`], convert.

use async_graphql::{Context, InputObject, Object};
use uuid::Uuid;

use crate::domain::reviews::{self, NewReview};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::review::Review;
use crate::graphql::exec::policy::{scope, session};

/// A customer's review of one of its order lines.
#[derive(InputObject)]
pub struct CreateReviewInput {
    /// A line of one of the caller's delivered orders in the store.
    pub order_item_id: Uuid,
    /// 1 to 5.
    pub rating: i32,
    /// 1–2000 characters, or none.
    pub text: Option<String>,
}

/// Review mutations.
#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Reviews a line of one of the caller's delivered orders: customer sessions only, one
    /// review a line (it replaces the store's automatic review of the line).
    #[graphql(directive = session::apply())]
    async fn create_review(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateReviewInput,
    ) -> async_graphql::Result<Review> {
        let (db, principal) = caller(ctx)?;
        let input = NewReview { order_item_id: input.order_item_id, rating: input.rating, text: input.text };
        reviews::create(db, principal, store_id, input).await.map(Review).into_graphql()
    }

    /// The store's reply to a review (1–2000 characters; replaces an earlier one).
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn reply_to_review(&self, ctx: &Context<'_>, id: Uuid, reply: String) -> async_graphql::Result<Review> {
        let (db, principal) = caller(ctx)?;
        reviews::reply(db, principal, id, &reply).await.map(Review).into_graphql()
    }

    /// Flags a review with a reason (1–512 characters): customers no longer see it and the
    /// product's rating leaves it out until it is unflagged.
    #[graphql(directive = scope::apply("stores.reviews.flagged.create".into()))]
    async fn flag_review(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> async_graphql::Result<Review> {
        let (db, principal) = caller(ctx)?;
        reviews::flag(db, principal, id, &reason).await.map(Review).into_graphql()
    }

    /// Shows a flagged review again.
    #[graphql(directive = scope::apply("stores.reviews.flagged.create".into()))]
    async fn unflag_review(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Review> {
        let (db, principal) = caller(ctx)?;
        reviews::unflag(db, principal, id).await.map(Review).into_graphql()
    }
}
