//! Support tickets: a conversation between a store and one of its customers, optionally about
//! one of that customer's orders.
//!
//! - A customer opens a ticket in a store it buys from; the store's staff may open one for a
//!   customer (to reach out first). The first message is part of opening it.
//! - Status follows the last message: a customer's message makes it OPEN (reopening a CLOSED
//!   one), a merchant's makes it ANSWERED; either side may close it. A CLOSED ticket takes no
//!   merchant message: the customer's next message reopens it.
//! - A ticket holds at most [`MAX_MESSAGES`]; the count is kept on the ticket and raised by the
//!   same conditional update that checks it, so concurrent replies cannot pass the cap.
//! - The staff may archive a ticket (kept, left out of their default lists) and delete it.
//!   Customers see only their own tickets, archived or not.

use std::ops::RangeInclusive;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::events::{self, EventType};
use crate::domain::validate::Checks;
use crate::domain::{customers, tenancy};
use crate::error::ApiError;
use entity::{customer, order, ticket, ticket_message};

/// A subject's length in characters.
pub const SUBJECT: RangeInclusive<usize> = 1..=128;
/// A message's length in characters.
pub const MESSAGE: RangeInclusive<usize> = 1..=5_000;
/// Most messages one ticket holds (the first one included).
pub const MAX_MESSAGES: i32 = 100;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketStatus {
    /// Waiting for the merchant: opened, or the customer wrote last.
    Open,
    /// Waiting for the customer: the merchant wrote last.
    Answered,
    /// Settled; the customer's next message reopens it.
    Closed,
}

impl TicketStatus {
    const NAMES: &'static [(Self, &'static str)] =
        &[(Self::Open, "open"), (Self::Answered, "answered"), (Self::Closed, "closed")];

    /// The stored name (`open`, …).
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(s, _)| *s == self).map_or("open", |(_, n)| n)
    }

    /// The status stored as `name` (an unknown name reads as OPEN, which the table's check
    /// constraint never lets in).
    pub fn from_name(name: &str) -> Self {
        Self::NAMES.iter().find(|(_, n)| *n == name).map_or(Self::Open, |(s, _)| *s)
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Author {
    /// The customer the ticket is with.
    Customer,
    /// The store's staff (a merchant session or an API key).
    Merchant,
}

impl Author {
    /// The side `principal` writes for.
    fn of(principal: &Principal) -> Self {
        if tenancy::is_customer(principal) {
            Self::Customer
        } else {
            Self::Merchant
        }
    }

    /// The stored name (`customer` or `merchant`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Merchant => "merchant",
        }
    }

    /// The author stored as `name`.
    pub fn from_name(name: &str) -> Self {
        if name == "merchant" {
            Self::Merchant
        } else {
            Self::Customer
        }
    }

    /// The status a message by this side leaves the ticket in.
    fn leaves(self) -> TicketStatus {
        match self {
            Self::Customer => TicketStatus::Open,
            Self::Merchant => TicketStatus::Answered,
        }
    }
}

/// A new ticket.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// What it is about (1–128 characters).
    pub subject: String,
    /// The first message (1–5000 characters).
    pub message: String,
    /// One of the customer's orders in the store, if it is about one.
    pub order_id: Option<Uuid>,
    /// The customer it is with: required for the store's staff; a customer session may leave it
    /// out (it is then its own record) or name its own record.
    pub customer_id: Option<Uuid>,
}

/// Opens a ticket in `store_id` with its first message.
pub async fn open(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    store_id: Uuid,
    input: NewTicket,
) -> Result<ticket::Model, ApiError> {
    let subject = input.subject.trim().to_owned();
    let mut checks = Checks::new();
    checks.text("subject", &subject, SUBJECT);
    checks.words("message", &input.message, MESSAGE);
    let author = Author::of(principal);
    if author == Author::Merchant && input.customer_id.is_none() {
        checks.fail("customerId", "is required: the customer the ticket is with");
    }
    checks.finish()?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let customer = ticket_customer(&txn, principal, store_id, input.customer_id).await?;
    if let Some(order_id) = input.order_id {
        let order = order::Entity::find_by_id(order_id).one(&txn).await?;
        if !order.is_some_and(|o| o.store_id == store_id && o.customer_id == Some(customer.id)) {
            return Err(ApiError::invalid("orderId", "names no order of this customer in this store"));
        }
    }
    let now = Utc::now();
    let row = ticket::Model {
        id: Uuid::now_v7(),
        store_id,
        customer_id: Some(customer.id),
        order_id: input.order_id,
        email: customer.email,
        subject,
        status: author.leaves().name().to_owned(),
        message_count: 1,
        last_message_at: now,
        archived_at: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    insert_message(&txn, principal, row.id, author, &input.message).await?;
    events::record(&txn, store_id, EventType::TicketCreated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// The customer a new ticket of `store_id` is with: a customer session's own record, or the
/// store's customer the staff named.
async fn ticket_customer<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    store_id: Uuid,
    named: Option<Uuid>,
) -> Result<customer::Model, ApiError> {
    if tenancy::is_customer(principal) {
        let own = tenancy::own_customer_in(db, principal, store_id).await?.ok_or(ApiError::NotFound("store"))?;
        if named.is_some_and(|id| id != own.id) {
            return Err(ApiError::invalid("customerId", "must be left out or be your own customer record"));
        }
        return Ok(own);
    }
    let id = named.ok_or_else(|| ApiError::invalid("customerId", "is required: the customer the ticket is with"))?;
    customers::named_in(db, store_id, id).await
}

async fn insert_message<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    ticket_id: Uuid,
    author: Author,
    body: &str,
) -> Result<ticket_message::Model, ApiError> {
    Ok(ticket_message::Model {
        id: Uuid::now_v7(),
        ticket_id,
        author_kind: author.name().to_owned(),
        author_user_id: principal.access().map(|a| a.user_id),
        body: body.to_owned(),
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(db)
    .await?)
}

/// Adds a message to a ticket: the customer's reopens it or keeps it OPEN, the merchant's makes
/// it ANSWERED (not on a CLOSED ticket). Returns the ticket as it is afterwards.
pub async fn reply(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    id: Uuid,
    body: &str,
) -> Result<ticket::Model, ApiError> {
    let mut checks = Checks::new();
    checks.words("message", body, MESSAGE);
    checks.finish()?;
    let txn = begin_write(db).await?;
    let row = tenancy::ticket(&txn, principal, id).await?;
    let author = Author::of(principal);
    let closed_to_merchant = || {
        ApiError::InvalidTransition(
            "a closed ticket takes no merchant message; the customer's next one reopens it".into(),
        )
    };
    if author == Author::Merchant && TicketStatus::from_name(&row.status) == TicketStatus::Closed {
        return Err(closed_to_merchant());
    }
    let now = Utc::now();
    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::MessageCount, Expr::col(ticket::Column::MessageCount).add(1))
        .col_expr(ticket::Column::Status, Expr::value(author.leaves().name()))
        .col_expr(ticket::Column::LastMessageAt, Expr::value(now))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(row.id))
        .filter(ticket::Column::MessageCount.lt(MAX_MESSAGES));
    if author == Author::Merchant {
        update = update.filter(ticket::Column::Status.ne(TicketStatus::Closed.name()));
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        // Another request changed the ticket since it was read: say which rule it broke.
        let now = tenancy::ticket(&txn, principal, id).await?;
        if now.message_count >= MAX_MESSAGES {
            return Err(ApiError::conflict(
                "message",
                format!("the ticket holds the most messages it may ({MAX_MESSAGES}); open a new one"),
            ));
        }
        return Err(closed_to_merchant());
    }
    insert_message(&txn, principal, row.id, author, body).await?;
    events::record(&txn, row.store_id, EventType::TicketReplied, row.id).await?;
    let row = tenancy::ticket(&txn, principal, id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Closes an OPEN or ANSWERED ticket (either side may).
pub async fn close(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<ticket::Model, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::ticket(&txn, principal, id).await?;
    let closed = TicketStatus::Closed.name();
    let moved = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, Expr::value(closed))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(ticket::Column::Id.eq(row.id))
        .filter(ticket::Column::Status.ne(closed))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(ApiError::InvalidTransition("the ticket is already closed".into()));
    }
    let row = tenancy::ticket(&txn, principal, id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Archives a ticket (`archived`) or brings it back; the store's staff only.
pub async fn set_archived(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    archived: bool,
) -> Result<ticket::Model, ApiError> {
    tenancy::staff_only(principal, "archiving a ticket")?;
    let txn = begin_write(db).await?;
    let mut row = tenancy::ticket(&txn, principal, id).await?;
    if row.archived_at.is_some() != archived {
        row.archived_at = archived.then(Utc::now);
        row.updated_at = Utc::now();
        row = tenancy::save(&txn, row, "id").await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Deletes a ticket and its messages; the store's staff only. Returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    tenancy::staff_only(principal, "deleting a ticket")?;
    let txn = begin_write(db).await?;
    let row = tenancy::ticket(&txn, principal, id).await?;
    ticket::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(row.id)
}
