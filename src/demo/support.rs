//! A demo support conversation: the shopper asks about their first order and the merchant
//! answers, written through the same domain functions as the API.

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::tickets::{self, NewTicket};
use entity::{customer, store, user};

/// Opens a ticket as `customer` (whose login is `shopper`) about `order_id`, and answers it as
/// the store's owner, so the ticket is ANSWERED with two messages.
pub async fn seed_thread(
    txn: &DatabaseTransaction,
    store: &store::Model,
    owner: &user::Model,
    shopper: &user::Model,
    customer: &customer::Model,
    order_id: Option<Uuid>,
) -> anyhow::Result<()> {
    let buyer = Principal::gateway_as_customer(shopper.id, store.id, customer.id);
    let opened = NewTicket {
        subject: "Exchanging my tee for a larger size".into(),
        message: "Hi! The tee from my last order fits a little small. Could I swap it for a large?".into(),
        order_id,
        customer_id: None,
    };
    let ticket = tickets::open(txn, &buyer, store.id, opened).await?;
    let merchant = Principal::gateway_for(owner.id, store.id);
    let answer = "Of course! Send it back unworn within 30 days and we will ship a large the day it arrives.";
    tickets::reply(txn, &merchant, ticket.id, answer).await?;
    Ok(())
}
