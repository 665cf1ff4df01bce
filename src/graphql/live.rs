//! Subscriptions: a store's orders and stock as they change, and a customer's own orders. Each
//! field is checked against the policy when it is subscribed (and its selection again at every
//! event); the feed reads every event's subject once for all subscribers (an order, or a variant
//! with its product), and each subscriber meets the tenancy gate's row rules on it in memory
//! (`readable_order`, `readable_variant`), so an event shows what a query by the same caller at
//! that moment would.

use std::sync::Arc;

use async_graphql::futures_util::stream::{self, Stream};
use async_graphql::{Context, ErrorExtensions, Object, Subscription};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::events::{EventType, Subject};
use crate::domain::tenancy;
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::catalog::product::Variant;
use crate::graphql::exec::policy::{merchant, scope, Policy};
use crate::graphql::sales::order::Order;
use crate::graphql::{caller, data};
use crate::live::{FellBehind, Hub, LiveEvent, Lost, Receiver, SubjectRow};
use entity::{order, variant};

/// An order's event: placed, or moved to another status.
pub struct OrderEvent {
    event: Arc<LiveEvent>,
    order: Arc<order::Model>,
}

/// An order's event: placed (`order.created`) or moved (`order.confirmed`, `order.shipped`,
/// `order.delivered`, `order.cancelled`, `order.refunded`), with the order as it was read right
/// after the change committed.
#[Object(directive = scope::apply("stores.orders.view".into()))]
impl OrderEvent {
    /// The event's id (the outbox's; a webhook delivery of the same event carries it in `id`).
    async fn event_id(&self) -> Uuid {
        self.event.id
    }

    /// The event type, as webhooks name it.
    async fn r#type(&self) -> &'static str {
        self.event.kind.name()
    }

    /// When the change was committed (UTC).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    async fn order(&self) -> Order {
        Order(order::Model::clone(&self.order))
    }
}

/// A FIXED-stock variant whose stock changed.
pub struct StockChange {
    event: Arc<LiveEvent>,
    variant: Arc<variant::Model>,
}

/// The stock of a FIXED-stock variant changed: an order took units, a cancellation returned
/// them, or an edit set it. `variant.stock` is the stock now.
#[Object(directive = scope::apply("stores.products.view".into()))]
impl StockChange {
    /// The event's id (the outbox's).
    async fn event_id(&self) -> Uuid {
        self.event.id
    }

    /// When the change was committed (UTC).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    async fn variant(&self) -> Variant {
        Variant(variant::Model::clone(&self.variant))
    }
}

/// The root of every subscription.
#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// A store's orders as they are placed and move, in commit order: for the store's staff
    /// (merchant sessions, API keys with `stores.orders.view`).
    #[graphql(directive = scope::apply("stores.orders.view".into()), directive = merchant::apply())]
    async fn order_events(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<OrderEvent>>> {
        let watch = Watch::start(ctx, "orderEvents").await?;
        tenancy::store(&watch.db, &watch.principal, store_id).await.into_graphql()?;
        Ok(watch.events(move |e| e.store_id == store_id && e.kind.subject() == Subject::Order, order_event))
    }

    /// The caller's own orders, in every store where they are a customer, as they move: for
    /// customer sessions (staff subscribe to `orderEvents`).
    #[graphql(directive = scope::apply("stores.orders.view".into()))]
    async fn my_order_updates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<OrderEvent>>> {
        let watch = Watch::start(ctx, "myOrderUpdates").await?;
        let Some(own) = tenancy::own_customers(&watch.principal) else {
            let refusal = "myOrderUpdates is for customer sessions; a store's staff subscribe to orderEvents(storeId)";
            return Err(ApiError::Forbidden(refusal.to_owned()).extend());
        };
        Ok(watch.events(
            move |e| match &e.subject {
                Some(SubjectRow::Order(order)) => order.customer_id.is_some_and(|c| own.contains(&c)),
                _ => false,
            },
            order_event,
        ))
    }

    /// Stock changes of a store's FIXED-stock variants, in commit order (a customer sees those
    /// of products it may buy).
    #[graphql(directive = scope::apply("stores.products.view".into()))]
    async fn stock_changes(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StockChange>>> {
        let watch = Watch::start(ctx, "stockChanges").await?;
        tenancy::store(&watch.db, &watch.principal, store_id).await.into_graphql()?;
        Ok(watch.events(move |e| e.store_id == store_id && e.kind == EventType::VariantStockChanged, stock_change))
    }
}

/// What a subscription needs to follow events as its caller.
struct Watch {
    db: DatabaseConnection,
    principal: Principal,
    receiver: Receiver,
    behind: Option<Arc<FellBehind>>,
}

impl Watch {
    /// Checks the subscription field against the policy (the per-field check runs only once an
    /// event arrives) and takes a place in the stream of events.
    async fn start(ctx: &Context<'_>, field: &str) -> async_graphql::Result<Self> {
        let (db, principal) = caller(ctx)?;
        data::<Arc<Policy>>(ctx)?.check("Subscription", field, principal).map_err(|e| e.extend())?;
        Ok(Self {
            db: db.clone(),
            principal: principal.clone(),
            receiver: data::<Arc<Hub>>(ctx)?.subscribe().await,
            behind: ctx.data_opt::<Arc<FellBehind>>().cloned(),
        })
    }

    /// The events `wanted` picks, each as `read` shows it to the caller; an event whose subject
    /// the caller cannot see (any more) is skipped.
    fn events<T, W, R>(self, wanted: W, read: R) -> impl Stream<Item = async_graphql::Result<T>>
    where
        W: Fn(&LiveEvent) -> bool + Send + 'static,
        R: Fn(&Principal, Arc<LiveEvent>) -> Option<T> + Send + 'static,
    {
        stream::unfold((self, wanted, read), |(mut watch, wanted, read)| async move {
            loop {
                let event = match watch.receiver.next().await {
                    Ok(event) => event,
                    Err(lost) => {
                        if let (Lost::TooSlow, Some(behind)) = (lost, &watch.behind) {
                            behind.mark();
                        }
                        return None;
                    }
                };
                if !wanted(&event) {
                    continue;
                }
                if let Some(item) = read(&watch.principal, event) {
                    return Some((Ok(item), (watch, wanted, read)));
                }
            }
        })
    }
}

/// The event's order, if the caller may read it (checked in memory on the row the feed read).
fn order_event(principal: &Principal, event: Arc<LiveEvent>) -> Option<OrderEvent> {
    let Some(SubjectRow::Order(order)) = &event.subject else { return None };
    let order = tenancy::readable_order(principal, order).then(|| order.clone())?;
    Some(OrderEvent { event, order })
}

/// The event's variant, if the caller may read it.
fn stock_change(principal: &Principal, event: Arc<LiveEvent>) -> Option<StockChange> {
    let Some(SubjectRow::Variant(variant, product)) = &event.subject else { return None };
    let variant = tenancy::readable_variant(principal, variant, product).then(|| variant.clone())?;
    Some(StockChange { event, variant })
}
