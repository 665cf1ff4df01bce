//! The loaders most requests never use — tickets, reviews, affiliates, a store's option
//! objects and variants' files — made on a request's first use of any of them
//! ([`Loaders::occasional`](super::loaders::Loaders::occasional)), so the many requests that
//! read none of them (the catalog, orders) do not pay for making them.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::loaders::{cached, loader, ById, CountBy, HasMany, LoadError, PagedHasMany};
use crate::graphql::catalog::review::ReviewView;
use crate::graphql::sales::affiliate::{AffiliateFigures, AffiliateView};
use crate::graphql::support::ticket::TicketView;
use entity::{
    affiliate, affiliate_entry, order, review, store_affiliate_options, store_brand_options,
    store_notification_options, ticket, ticket_message, variant_file,
};

/// The occasional loaders of one request.
pub struct Occasional {
    pub store_tickets: DataLoader<PagedHasMany<ticket::Entity, TicketView>>,
    pub store_ticket_count: DataLoader<CountBy<ticket::Entity, TicketView>>,
    pub ticket_messages: DataLoader<HasMany<ticket_message::Entity>>,
    pub product_reviews: DataLoader<PagedHasMany<review::Entity, ReviewView>>,
    pub product_review_count: DataLoader<CountBy<review::Entity, ReviewView>>,
    pub store_reviews: DataLoader<PagedHasMany<review::Entity, ReviewView>>,
    pub store_review_count: DataLoader<CountBy<review::Entity, ReviewView>>,
    pub store_affiliates: DataLoader<PagedHasMany<affiliate::Entity, AffiliateView>>,
    pub store_affiliate_count: DataLoader<CountBy<affiliate::Entity, AffiliateView>>,
    pub affiliate_entries: DataLoader<HasMany<affiliate_entry::Entity>>,
    pub affiliate_figures: DataLoader<AffiliateSales>,
    pub affiliate_options: DataLoader<ById<store_affiliate_options::Entity>>,
    pub brand_options: DataLoader<ById<store_brand_options::Entity>>,
    pub notification_options: DataLoader<ById<store_notification_options::Entity>>,
    /// Kept for the request when planned, so the catalog plan reads a level's files once.
    pub variant_files: DataLoader<HasMany<variant_file::Entity>, HashMapCache>,
}

impl Occasional {
    pub fn new(db: &DatabaseConnection, delay: Duration, planned: bool) -> Self {
        Self {
            store_tickets: loader(
                PagedHasMany::new(
                    db,
                    ticket::Column::StoreId,
                    ticket::Column::Id,
                    ticket::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_ticket_count: loader(CountBy::new(db, ticket::Column::StoreId, Condition::all()), delay),
            ticket_messages: loader(
                HasMany::new(db, ticket_message::Column::TicketId, &[ticket_message::Column::Id]),
                delay,
            ),
            store_affiliates: loader(
                PagedHasMany::new(
                    db,
                    affiliate::Column::StoreId,
                    affiliate::Column::Id,
                    affiliate::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_affiliate_count: loader(CountBy::new(db, affiliate::Column::StoreId, Condition::all()), delay),
            affiliate_entries: loader(
                HasMany::new(db, affiliate_entry::Column::AffiliateId, &[affiliate_entry::Column::Id]),
                delay,
            ),
            affiliate_figures: loader(AffiliateSales { db: db.clone() }, delay),
            affiliate_options: loader(ById::new(db, store_affiliate_options::Column::StoreId, Condition::all()), delay),
            brand_options: loader(ById::new(db, store_brand_options::Column::StoreId, Condition::all()), delay),
            notification_options: loader(
                ById::new(db, store_notification_options::Column::StoreId, Condition::all()),
                delay,
            ),
            variant_files: cached(
                HasMany::new(db, variant_file::Column::VariantId, &[variant_file::Column::Id]),
                delay,
                planned,
            ),
            product_reviews: loader(
                PagedHasMany::new(
                    db,
                    review::Column::ProductId,
                    review::Column::Id,
                    review::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            product_review_count: loader(CountBy::new(db, review::Column::ProductId, Condition::all()), delay),
            store_reviews: loader(
                PagedHasMany::new(
                    db,
                    review::Column::StoreId,
                    review::Column::Id,
                    review::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_review_count: loader(CountBy::new(db, review::Column::StoreId, Condition::all()), delay),
        }
    }
}

/// Each affiliate's referred orders (cancelled ones left out), the revenue of the delivered ones
/// and the commission earned net of reversals: two statements for every affiliate of a level.
/// (PostgreSQL sums `bigint` as `numeric`; the casts keep both databases answering `bigint`.)
pub struct AffiliateSales {
    db: DatabaseConnection,
}

impl Loader<Uuid> for AffiliateSales {
    type Value = AffiliateFigures;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let sales: Vec<(Uuid, i64, i64)> = order::Entity::find()
            .select_only()
            .column(order::Column::AffiliateId)
            .column_as(Expr::cust("COUNT(*)"), "orders")
            .column_as(
                Expr::cust(
                    "CAST(COALESCE(SUM(CASE WHEN status = 'delivered' THEN total_cents ELSE 0 END), 0) AS BIGINT)",
                ),
                "revenue",
            )
            .filter(order::Column::AffiliateId.is_in(keys.iter().copied()))
            .filter(order::Column::Status.ne("cancelled"))
            .group_by(order::Column::AffiliateId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let earned: Vec<(Uuid, i64)> = affiliate_entry::Entity::find()
            .select_only()
            .column(affiliate_entry::Column::AffiliateId)
            .column_as(Expr::cust("CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT)"), "earned")
            .filter(affiliate_entry::Column::AffiliateId.is_in(keys.iter().copied()))
            .filter(affiliate_entry::Column::Kind.is_in(["commission", "reversal"]))
            .group_by(affiliate_entry::Column::AffiliateId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut found: HashMap<Uuid, AffiliateFigures> =
            keys.iter().map(|key| (*key, AffiliateFigures::default())).collect();
        for (id, orders, revenue) in sales {
            let figures = found.entry(id).or_default();
            figures.orders = u64::try_from(orders).unwrap_or(0);
            figures.revenue_cents = revenue;
        }
        for (id, commission) in earned {
            found.entry(id).or_default().commission_cents = commission;
        }
        Ok(found)
    }
}
