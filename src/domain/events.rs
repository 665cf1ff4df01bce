//! Domain events and the outbox they are written to. An operation records its events with
//! [`record`] inside its own transaction, so a rolled-back change announces nothing and a
//! committed one always has its events. The webhook dispatcher and GraphQL subscriptions read
//! them from the `events` table; [`EVENT_TYPES`] is the one list of what can be announced.

use std::cell::Cell;
use std::future::Future;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, IntoActiveModel};
use uuid::Uuid;

use crate::db::signals::{self, Signal};
use crate::domain::order_status::OrderStatus;
use entity::event;

/// Something that happened in a store, announced to its owner's webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    OrderCreated,
    OrderConfirmed,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    OrderRefunded,
    ProductCreated,
    ProductUpdated,
    ProductDeleted,
    VariantStockChanged,
    VariantStockLow,
    CustomerCreated,
    TicketCreated,
    TicketReplied,
    ReviewCreated,
    ReviewFlagged,
    AffiliateCreated,
}

/// What an event is about; its `data` is this object as the Komerza REST API returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Order,
    Product,
    /// A variant, with the product it belongs to.
    Variant,
    Customer,
    /// A support ticket, with its messages.
    Ticket,
    Review,
    Affiliate,
}

/// One row of the table of event types.
pub struct EventKind {
    pub event: EventType,
    pub name: &'static str,
    pub subject: Subject,
    pub description: &'static str,
}

const fn kind(event: EventType, name: &'static str, subject: Subject, description: &'static str) -> EventKind {
    EventKind { event, name, subject, description }
}

/// Every event type, in the order the README and `webhookEventTypes` list them.
pub const EVENT_TYPES: &[EventKind] = &[
    kind(EventType::OrderCreated, "order.created", Subject::Order, "An order was placed (status pending)."),
    kind(EventType::OrderConfirmed, "order.confirmed", Subject::Order, "An order was confirmed by the merchant."),
    kind(EventType::OrderShipped, "order.shipped", Subject::Order, "An order was shipped."),
    kind(EventType::OrderDelivered, "order.delivered", Subject::Order, "An order was delivered."),
    kind(EventType::OrderCancelled, "order.cancelled", Subject::Order, "An order was cancelled; its stock went back."),
    kind(EventType::OrderRefunded, "order.refunded", Subject::Order, "An order was refunded."),
    kind(EventType::ProductCreated, "product.created", Subject::Product, "A product was created (or duplicated)."),
    kind(
        EventType::ProductUpdated,
        "product.updated",
        Subject::Product,
        "A product, one of its variants, or their custom fields or options changed.",
    ),
    kind(EventType::ProductDeleted, "product.deleted", Subject::Product, "A product was deleted."),
    kind(
        EventType::VariantStockChanged,
        "variant.stock_changed",
        Subject::Variant,
        "The stock of a FIXED-stock variant changed (an order took it, a cancellation returned it, an edit set it).",
    ),
    kind(
        EventType::VariantStockLow,
        "variant.stock_low",
        Subject::Variant,
        "A FIXED-stock variant dropped to or below the store's lowStockThreshold.",
    ),
    kind(EventType::CustomerCreated, "customer.created", Subject::Customer, "A customer was added to a store."),
    kind(EventType::TicketCreated, "ticket.created", Subject::Ticket, "A support ticket was opened."),
    kind(
        EventType::TicketReplied,
        "ticket.replied",
        Subject::Ticket,
        "A message was added to a support ticket (by the merchant or the customer).",
    ),
    kind(
        EventType::ReviewCreated,
        "review.created",
        Subject::Review,
        "A customer reviewed an order line, or the store wrote its automatic review.",
    ),
    kind(EventType::ReviewFlagged, "review.flagged", Subject::Review, "A review was flagged (hidden from customers)."),
    kind(
        EventType::AffiliateCreated,
        "affiliate.created",
        Subject::Affiliate,
        "A customer became an affiliate (made by the staff or registered itself).",
    ),
];

/// The type of the event a delivery test sends; only `sendTestWebhook` sends it.
pub const TEST_EVENT: &str = "webhook.test";

impl EventType {
    fn kind(self) -> &'static EventKind {
        EVENT_TYPES.iter().find(|k| k.event == self).unwrap_or(&EVENT_TYPES[0])
    }

    /// The published name (`order.created`, …).
    pub fn name(self) -> &'static str {
        self.kind().name
    }

    /// The event type published as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        EVENT_TYPES.iter().find(|k| k.name == name).map(|k| k.event)
    }

    /// What the event is about.
    pub fn subject(self) -> Subject {
        self.kind().subject
    }

    /// The event that announces an order entering `status`.
    pub fn order_became(status: OrderStatus) -> Self {
        match status {
            OrderStatus::Pending => Self::OrderCreated,
            OrderStatus::Confirmed => Self::OrderConfirmed,
            OrderStatus::Shipped => Self::OrderShipped,
            OrderStatus::Delivered => Self::OrderDelivered,
            OrderStatus::Cancelled => Self::OrderCancelled,
            OrderStatus::Refunded => Self::OrderRefunded,
        }
    }
}

tokio::task_local! {
    /// Within [`announcing`]: whether the request has recorded events or queued deliveries.
    static IN_REQUEST: Cell<bool>;
}

/// Runs one request's `work`, then calls `committed` (which wakes the delivery worker and the
/// live feed) if it recorded events or queued deliveries — only now, when its transactions have
/// committed and others can see them. (Work made outside a request, such as the demo seeding,
/// waits for their polls.)
pub async fn announcing<F: Future>(committed: impl FnOnce(), work: F) -> F::Output {
    let run = async {
        let output = work.await;
        (output, IN_REQUEST.with(Cell::get))
    };
    let (output, made_work) = IN_REQUEST.scope(Cell::new(false), run).await;
    if made_work {
        committed();
    }
    output
}

/// Notes that the current request made work for the delivery worker or the live feed (see
/// [`announcing`]).
pub fn made_work() {
    let _ = IN_REQUEST.try_with(|made| made.set(true));
}

/// Writes an event about `subject` in `store_id` through `db` (the transaction of the change).
pub async fn record<C: ConnectionTrait>(db: &C, store_id: Uuid, event: EventType, subject: Uuid) -> Result<(), DbErr> {
    let id = Uuid::now_v7();
    event::Model {
        id,
        store_id: Some(store_id),
        event_type: event.name().to_owned(),
        subject_id: subject,
        data: None,
        created_at: Utc::now(),
        dispatched_at: None,
    }
    .into_active_model()
    .insert(db)
    .await?;
    // Every replica hears of it at commit, in commit order (subscriptions and delivery workers).
    signals::send(db, Signal::EventRecorded(id)).await?;
    made_work();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        for kind in EVENT_TYPES {
            assert_eq!(EventType::parse(kind.name), Some(kind.event));
            assert_eq!(kind.event.name(), kind.name);
            assert_eq!(EVENT_TYPES.iter().filter(|k| k.event == kind.event).count(), 1);
        }
        assert_eq!(EventType::parse(TEST_EVENT), None);
        assert_eq!(EventType::parse("order.paid"), None);
    }
}
