//! Reviews as read: `Review`, a product's `rating`, the view behind review lists, and the review
//! queries. A customer session sees no flagged review (nor counts it); the store's staff see
//! them all, and only they see who wrote one and why it was flagged.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::reviews::{mean_rating, RATING};
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::{merchant, scope};
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use entity::review;

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Review(pub review::Model);

/// A customer's rating of a product it received (one per order line), or the store's automatic
/// one.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl Review {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When it was written (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// When it last changed: a customer's review replacing the automatic one, a reply, a flag (UTC).
    async fn date_updated(&self) -> DateTime {
        self.0.updated_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    async fn product_id(&self) -> Uuid {
        self.0.product_id
    }

    /// 1 to 5.
    async fn rating(&self) -> i32 {
        i32::from(self.0.rating)
    }

    /// What the customer wrote, if anything.
    async fn text(&self) -> Option<&str> {
        self.0.text.as_deref()
    }

    /// Written by the store for a delivered line left unreviewed (5 stars, no text).
    async fn is_automatic(&self) -> bool {
        self.0.is_automatic
    }

    /// The store's reply, if any.
    async fn reply(&self) -> Option<&str> {
        self.0.reply.as_deref()
    }

    /// When the store replied (UTC).
    async fn date_replied(&self) -> Option<DateTime> {
        self.0.replied_at
    }

    /// Whether it is flagged (hidden from customers and from the rating). The store's staff only:
    /// null, with its error, for a customer.
    #[graphql(directive = merchant::apply())]
    async fn is_flagged(&self) -> Option<bool> {
        Some(self.0.flagged_at.is_some())
    }

    /// Why it was flagged (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn flag_reason(&self) -> Option<&str> {
        self.0.flag_reason.as_deref()
    }

    /// The customer who wrote it; null once that customer is deleted (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn customer_id(&self) -> Option<Uuid> {
        self.0.customer_id
    }

    /// The order line reviewed (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn order_item_id(&self) -> Option<Uuid> {
        Some(self.0.order_item_id)
    }
}

/// A product's reviews in figures (flagged reviews left out).
#[derive(SimpleObject)]
#[graphql(directive = scope::apply("stores.products.view".into()))]
pub struct ProductRating {
    /// The mean rating, rounded to two decimals; null without reviews.
    pub average: Option<f64>,
    /// How many reviews count.
    pub count: u64,
}

impl ProductRating {
    /// The figures of `count` reviews whose ratings add up to `total`.
    pub fn of(count: u64, total: i64) -> Self {
        Self { average: mean_rating(count, total), count }
    }
}

/// Which reviews a list shows.
#[derive(InputObject, Default)]
pub struct ReviewFilter {
    /// Only reviews of this product.
    pub product_id: Option<Uuid>,
    /// Only reviews with this rating (1–5).
    pub rating: Option<i32>,
    /// Only flagged (true) or only unflagged (false) reviews; customers never see flagged ones.
    pub flagged: Option<bool>,
}

/// A checked review filter; newest first (by `dateCreated`, then id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReviewView {
    product: Option<Uuid>,
    rating: Option<i16>,
    flagged: Option<bool>,
}

impl ReviewView {
    /// The view of `filter` for `principal` (a customer: unflagged reviews only).
    pub fn new(filter: ReviewFilter, principal: &Principal) -> Result<Self, ApiError> {
        let mut checks = Checks::new();
        if let Some(rating) = filter.rating {
            checks.number("filter.rating", rating, RATING);
        }
        checks.finish()?;
        let flagged = if tenancy::is_customer(principal) { Some(false) } else { filter.flagged };
        let rating = filter.rating.and_then(|r| i16::try_from(r).ok());
        Ok(Self { product: filter.product_id, rating, flagged })
    }
}

impl View for ReviewView {
    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(product) = self.product {
            condition = condition.add(review::Column::ProductId.eq(product));
        }
        if let Some(rating) = self.rating {
            condition = condition.add(review::Column::Rating.eq(rating));
        }
        match self.flagged {
            Some(true) => condition = condition.add(review::Column::FlaggedAt.is_not_null()),
            Some(false) => condition = condition.add(review::Column::FlaggedAt.is_null()),
            None => {}
        }
        condition
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Time(Expr::col(review::Column::CreatedAt)), descending: true })
    }
}

/// Whose reviews a list holds: a product's or a store's.
#[derive(Debug, Clone, Copy)]
pub enum ReviewsOf {
    Product(Uuid),
    Store(Uuid),
}

pub struct ReviewTotals {
    of: ReviewsOf,
    view: ReviewView,
    known: Option<u64>,
}

/// Connection-wide fields of a review list.
#[Object]
impl ReviewTotals {
    /// How many reviews match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let count = async {
            match self.of {
                ReviewsOf::Product(id) => {
                    loaders.occasional().product_review_count.load_one((id, self.view.clone())).await
                }
                ReviewsOf::Store(id) => loaders.occasional().store_review_count.load_one((id, self.view.clone())).await,
            }
        };
        pagination::total_count(self.known, count).await
    }
}

/// A page of the reviews of a product or a store (newest first) matching `filter`.
pub async fn reviews_page(
    ctx: &Context<'_>,
    of: ReviewsOf,
    args: PageArgs,
    filter: ReviewFilter,
) -> async_graphql::Result<Connection<Cursor, Review, ReviewTotals>> {
    let view = ReviewView::new(filter, crate::graphql::data::<Principal>(ctx)?).into_graphql()?;
    let loaders = crate::graphql::data::<Loaders>(ctx)?;
    let (loader, name) = match of {
        ReviewsOf::Product(id) => {
            (&loaders.occasional().product_reviews, pagination::list_name("product-reviews", id, &view))
        }
        ReviewsOf::Store(id) => (&loaders.occasional().store_reviews, pagination::list_name("reviews", id, &view)),
    };
    let parent = match of {
        ReviewsOf::Product(id) | ReviewsOf::Store(id) => id,
    };
    let page = pagination::load_page(ctx, loader, &name, parent, args, view.clone()).await?;
    let totals = ReviewTotals { of, view, known: page.total() };
    pagination::connection(ctx, &name, page, totals, |row| Some(Review(row)))
}

/// Review queries.
#[derive(Default)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// One review by id; null when there is none the caller may see (another tenant's, or — for
    /// a customer — a flagged one).
    #[graphql(directive = scope::apply("stores.products.view".into()))]
    async fn review(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Review>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        Ok(tenancy::optional(tenancy::review(db, principal, id).await).into_graphql()?.map(Review))
    }

    /// A store's reviews, newest first, matching `filter` (a customer sees no flagged one).
    #[graphql(
        directive = scope::apply("stores.products.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        filter: Option<ReviewFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Review, ReviewTotals>>> {
        if !tenancy::sees_store(crate::graphql::data::<Principal>(ctx)?, store_id) {
            return Ok(None);
        }
        let args = PageArgs { first, after, last, before, offset };
        reviews_page(ctx, ReviewsOf::Store(store_id), args, filter.unwrap_or_default()).await.map(Some)
    }
}
