//! What the demo shopper wrote about its first (delivered) order: a support thread the merchant
//! answered, and a review of the order's first line the merchant replied to — written through
//! the same domain functions as the API.

use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::reviews::{self, NewReview};
use crate::domain::tickets::{self, NewTicket};
use entity::{customer, order_item, store, user};

/// Opens a ticket as `customer` (whose login is `shopper`) about `order_id`, answered by the
/// store's owner (so it is ANSWERED with two messages), and reviews the order's first line.
pub async fn seed(
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

    let Some(order_id) = order_id else { return Ok(()) };
    let line = order_item::Entity::find().filter(order_item::Column::OrderId.eq(order_id)).one(txn).await?;
    let Some(line) = line else { return Ok(()) };
    let text = "Soft, well made and the print has survived ten washes.";
    let review = NewReview { order_item_id: line.id, rating: 4, text: Some(text.into()) };
    let review = reviews::create(txn, &buyer, store.id, review).await?;
    reviews::reply(txn, &merchant, review.id, "Thank you! The large is on its way.").await?;
    Ok(())
}
