//! The ticket mutations: parse, call [`crate::domain::tickets`], convert.

use async_graphql::{Context, InputObject, Object};
use uuid::Uuid;

use crate::domain::tickets::{self, NewTicket};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::exec::policy::scope;
use crate::graphql::support::ticket::Ticket;

/// A new ticket and its first message.
#[derive(InputObject)]
pub struct OpenTicketInput {
    /// What it is about (1–128 characters).
    pub subject: String,
    /// The first message (1–5000 characters).
    pub message: String,
    /// One of the customer's orders in the store, if it is about one.
    pub order_id: Option<Uuid>,
    /// The customer it is with: required for the store's staff; a customer leaves it out.
    pub customer_id: Option<Uuid>,
}

/// Ticket mutations.
#[derive(Default)]
pub struct TicketMutation;

#[Object]
impl TicketMutation {
    /// Opens a ticket with its first message: a customer in a store it buys from, the store's
    /// staff with a customer of the store. Status: OPEN when the customer wrote, ANSWERED when
    /// the merchant did.
    #[graphql(directive = scope::apply("stores.tickets.update".into()))]
    async fn open_ticket(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: OpenTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let (db, principal) = caller(ctx)?;
        let input = NewTicket {
            subject: input.subject,
            message: input.message,
            order_id: input.order_id,
            customer_id: input.customer_id,
        };
        tickets::open(db, principal, store_id, input).await.map(Ticket).into_graphql()
    }

    /// Adds a message (1–5000 characters; at most 100 a ticket): the customer's makes the ticket
    /// OPEN (reopening a CLOSED one), the merchant's makes it ANSWERED (not on a CLOSED ticket).
    #[graphql(directive = scope::apply("stores.tickets.update".into()))]
    async fn reply_to_ticket(&self, ctx: &Context<'_>, id: Uuid, message: String) -> async_graphql::Result<Ticket> {
        let (db, principal) = caller(ctx)?;
        tickets::reply(db, principal, id, &message).await.map(Ticket).into_graphql()
    }

    /// Closes an OPEN or ANSWERED ticket (the customer or the store's staff).
    #[graphql(directive = scope::apply("stores.tickets.update".into()))]
    async fn close_ticket(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Ticket> {
        let (db, principal) = caller(ctx)?;
        tickets::close(db, principal, id).await.map(Ticket).into_graphql()
    }

    /// Archives a ticket (kept, left out of the store's default lists) or, with
    /// `archived: false`, brings it back. The store's staff only.
    #[graphql(directive = scope::apply("stores.tickets.update".into()))]
    async fn archive_ticket(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        #[graphql(default = true)] archived: bool,
    ) -> async_graphql::Result<Ticket> {
        let (db, principal) = caller(ctx)?;
        tickets::set_archived(db, principal, id, archived).await.map(Ticket).into_graphql()
    }

    /// Deletes a ticket and its messages. Returns its id.
    #[graphql(directive = scope::apply("stores.tickets.delete".into()))]
    async fn delete_ticket(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        tickets::delete(db, principal, id).await.into_graphql()
    }
}
