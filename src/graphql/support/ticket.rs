//! Tickets as read: `Ticket`, its messages, the view behind ticket lists, and the ticket queries.
//! A customer session sees only its own tickets (archived or not); the store's staff see the
//! store's, archived ones only when asked.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::tenancy;
use crate::domain::tickets::{Author, TicketStatus};
use crate::domain::validate::Checks;
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::{merchant, scope};
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::graphql::load::search::contains_text;
use crate::graphql::vocab;
use entity::{ticket, ticket_message};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Ticket(pub ticket::Model);

/// A support conversation between a store and one of its customers.
#[Object(directive = scope::apply("stores.tickets.view".into()))]
impl Ticket {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the ticket was opened (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// When the ticket last changed: a message, its status, archiving (UTC).
    async fn date_updated(&self) -> DateTime {
        self.0.updated_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// The customer the ticket is with; null once that customer is deleted.
    async fn customer_id(&self) -> Option<Uuid> {
        self.0.customer_id
    }

    /// The customer's email as at the time the ticket was opened.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// What it is about.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The order it is about, if any (one of the customer's).
    async fn order_id(&self) -> Option<Uuid> {
        self.0.order_id
    }

    async fn status(&self) -> vocab::TicketStatus {
        TicketStatus::from_name(&self.0.status).into()
    }

    /// Messages it holds (at most 100).
    async fn message_count(&self) -> i32 {
        self.0.message_count
    }

    /// When the last message was written (UTC).
    async fn last_message_at(&self) -> DateTime {
        self.0.last_message_at
    }

    /// Whether the merchant archived it (left out of the store's default lists). The store's
    /// staff only: null, with its error, for a customer (the rest of the ticket stays).
    #[graphql(directive = merchant::apply())]
    async fn is_archived(&self) -> Option<bool> {
        Some(self.0.archived_at.is_some())
    }

    /// Its messages, oldest first.
    #[graphql(complexity = "5 * child_complexity")]
    async fn messages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TicketMessage>> {
        let rows = crate::graphql::data::<Loaders>(ctx)?
            .occasional()
            .ticket_messages
            .load_one(self.0.id)
            .await
            .into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(TicketMessage).collect())
    }
}

pub struct TicketMessage(pub ticket_message::Model);

/// One message of a ticket.
#[Object(directive = scope::apply("stores.tickets.view".into()))]
impl TicketMessage {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When it was written (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// Which side wrote it.
    async fn author(&self) -> vocab::TicketAuthor {
        Author::from_name(&self.0.author_kind).into()
    }

    /// The user who wrote it; null once that user is gone (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn author_user_id(&self) -> Option<Uuid> {
        self.0.author_user_id
    }

    /// The text, as written.
    async fn body(&self) -> &str {
        &self.0.body
    }
}

/// Which tickets a list shows.
#[derive(InputObject, Default)]
pub struct TicketFilter {
    pub status: Option<vocab::TicketStatus>,
    /// Only tickets whose subject contains this (ignoring ASCII case, 1–100 characters).
    pub search: Option<String>,
    /// Whether the store's staff see archived tickets too (default false; customers always see
    /// all of theirs).
    pub include_archived: Option<bool>,
}

/// A checked ticket filter; newest first (by `dateCreated`, then id). Customers' lists are
/// limited to their own tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TicketView {
    status: Option<TicketStatus>,
    search: Option<String>,
    include_archived: bool,
    customers: Option<Vec<Uuid>>,
}

impl TicketView {
    /// The view of `filter` for `principal`.
    pub fn new(filter: TicketFilter, principal: &Principal) -> Result<Self, ApiError> {
        let mut checks = Checks::new();
        checks.optional_text("filter.search", filter.search.as_deref(), 1..=100);
        checks.finish()?;
        let customers = tenancy::own_customers(principal);
        Ok(Self {
            status: filter.status.map(Into::into),
            search: filter.search.map(|s| s.to_lowercase()),
            include_archived: customers.is_some() || filter.include_archived.unwrap_or(false),
            customers,
        })
    }
}

impl View for TicketView {
    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(status) = self.status {
            condition = condition.add(ticket::Column::Status.eq(status.name()));
        }
        if let Some(text) = &self.search {
            condition = condition.add(contains_text(&[ticket::Column::Subject], text));
        }
        if !self.include_archived {
            condition = condition.add(ticket::Column::ArchivedAt.is_null());
        }
        if let Some(customers) = &self.customers {
            condition = condition.add(ticket::Column::CustomerId.is_in(customers.iter().copied()));
        }
        condition
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Time(Expr::col(ticket::Column::CreatedAt)), descending: true })
    }
}

pub struct TicketTotals {
    store_id: Uuid,
    view: TicketView,
    known: Option<u64>,
}

/// Connection-wide fields of a ticket list.
#[Object]
impl TicketTotals {
    /// How many tickets match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, self.view.clone());
        let count = crate::graphql::data::<Loaders>(ctx)?.occasional().store_ticket_count.load_one(key);
        pagination::total_count(self.known, count).await
    }
}

/// A page of a store's tickets (newest first) matching `filter`.
pub async fn tickets_page(
    ctx: &Context<'_>,
    store_id: Uuid,
    args: PageArgs,
    filter: Option<TicketFilter>,
) -> async_graphql::Result<Connection<Cursor, Ticket, TicketTotals>> {
    let view = TicketView::new(filter.unwrap_or_default(), crate::graphql::data::<Principal>(ctx)?).into_graphql()?;
    let loader = &crate::graphql::data::<Loaders>(ctx)?.occasional().store_tickets;
    let name = pagination::list_name("tickets", store_id, &view);
    let page = pagination::load_page(ctx, loader, &name, store_id, args, view.clone()).await?;
    let totals = TicketTotals { store_id, view, known: page.total() };
    pagination::connection(ctx, &name, page, totals, |row| Some(Ticket(row)))
}

/// Ticket queries.
#[derive(Default)]
pub struct TicketQuery;

#[Object]
impl TicketQuery {
    /// One ticket by id; null when there is none the caller may see (another tenant's, or — for
    /// a customer — someone else's).
    #[graphql(directive = scope::apply("stores.tickets.view".into()))]
    async fn ticket(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Ticket>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        Ok(tenancy::optional(tenancy::ticket(db, principal, id).await).into_graphql()?.map(Ticket))
    }

    /// A store's tickets, newest first: the store's for its staff (archived ones when asked),
    /// only their own for a customer. Pages like every connection (at most 100).
    #[graphql(
        directive = scope::apply("stores.tickets.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        filter: Option<TicketFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Ticket, TicketTotals>>> {
        if !tenancy::sees_store(crate::graphql::data::<Principal>(ctx)?, store_id) {
            return Ok(None);
        }
        tickets_page(ctx, store_id, PageArgs { first, after, last, before, offset }, filter).await.map(Some)
    }
}
