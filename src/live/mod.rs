//! Live updates: the domain events this deployment commits, in commit order, handed to every
//! GraphQL subscription of this process. One [`Hub`] per process; its [`feed`] reads each
//! committed event's row from the outbox once (on PostgreSQL when the event's `NOTIFY` arrives,
//! from any replica; on SQLite by following the table), and every subscription filters what it
//! was asked for and checks the subject row the feed read (once for all) against its own caller.
//!
//! Memory is bounded: the hub keeps the last `buffer` events; a subscription that falls further
//! behind than that loses its place and its connection is closed (the WebSocket layer says
//! why), instead of the process holding an ever-growing backlog for it.

pub mod feed;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{broadcast, mpsc, oneshot, Notify};
use uuid::Uuid;

use crate::domain::events::EventType;
use entity::{order, product, variant};

/// One committed event, as subscriptions see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    pub id: Uuid,
    pub store_id: Uuid,
    pub kind: EventType,
    pub subject_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// The row the event is about, read by the feed right after the commit, once for every
    /// subscription (each checks it against its own caller in memory); `None` when it is gone.
    pub subject: Option<SubjectRow>,
}

/// The row an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectRow {
    Order(Arc<order::Model>),
    /// A variant and its product (whose visibility decides who may hear of it).
    Variant(Arc<variant::Model>, Arc<product::Model>),
}

/// Why a subscription's stream of events ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// The subscriber fell more than the hub's buffer behind.
    TooSlow,
    /// The process is shutting down.
    Closed,
}

/// Raised by a subscription that lost its place (see [`Lost::TooSlow`]); its connection, which
/// waits on it, closes.
#[derive(Debug, Default)]
pub struct FellBehind(Notify);

impl FellBehind {
    pub fn mark(&self) {
        self.0.notify_one();
    }

    /// Returns once a subscription of the connection fell behind.
    pub async fn wait(&self) {
        self.0.notified().await;
    }
}

/// Hands committed events to this process's subscriptions.
pub struct Hub {
    events: broadcast::Sender<Arc<LiveEvent>>,
    /// Event ids heard from PostgreSQL, in commit order, for the feed to read.
    heard: mpsc::UnboundedSender<Uuid>,
    /// Asks the feed to follow the outbox from now on (answered once it does).
    follow: mpsc::UnboundedSender<oneshot::Sender<()>>,
    /// Wakes the SQLite feed after a request's events committed.
    committed: Notify,
    /// Subscriptions following events (counted once the feed follows for them).
    following: AtomicUsize,
}

/// What the feed receives from its hub.
pub struct Inbox {
    ids: mpsc::UnboundedReceiver<Uuid>,
    follow: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
}

/// How long a new subscription waits for the feed to take note of it.
const FOLLOW_WAIT: Duration = Duration::from_secs(5);

impl Hub {
    /// A hub keeping the last `buffer` events, and what its [`feed::run`] receives.
    pub fn new(buffer: usize) -> (Arc<Self>, Inbox) {
        let (heard, ids) = mpsc::unbounded_channel();
        let (follow, follows) = mpsc::unbounded_channel();
        let hub = Self {
            events: broadcast::Sender::new(buffer.max(1)),
            heard,
            follow,
            committed: Notify::new(),
            following: AtomicUsize::new(0),
        };
        (Arc::new(hub), Inbox { ids, follow: follows })
    }

    /// Events committed from the moment this returns. (The feed reads nothing while nobody
    /// subscribes; a new subscription waits until it follows the outbox.)
    pub async fn subscribe(self: &Arc<Self>) -> Receiver {
        let events = self.events.subscribe();
        let (following, followed) = oneshot::channel();
        if self.follow.send(following).is_ok() {
            // Without a running feed (a process that never served) there is nothing to wait for.
            let _ = tokio::time::timeout(FOLLOW_WAIT, followed).await;
        }
        self.following.fetch_add(1, Ordering::Relaxed);
        Receiver { events, hub: self.clone() }
    }

    /// Places taken in the stream of events (the feed reads nothing while there are none).
    fn subscribers(&self) -> usize {
        self.events.receiver_count()
    }

    /// Subscriptions of this process following events (`/metrics`).
    pub fn subscriptions(&self) -> usize {
        self.following.load(Ordering::Relaxed)
    }

    /// On PostgreSQL: the event `id` was committed (its notification arrived).
    pub fn heard(&self, id: Uuid) {
        // The feed ends only with the process.
        let _ = self.heard.send(id);
    }

    /// A request's events have committed (SQLite follows the table from here).
    pub fn committed(&self) {
        self.committed.notify_one();
    }

    fn publish(&self, event: LiveEvent) {
        // No subscriber is not an error.
        let _ = self.events.send(Arc::new(event));
    }
}

/// One subscription's place in the stream of events.
pub struct Receiver {
    events: broadcast::Receiver<Arc<LiveEvent>>,
    hub: Arc<Hub>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.hub.following.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Receiver {
    /// The next event, or why there will be none.
    pub async fn next(&mut self) -> Result<Arc<LiveEvent>, Lost> {
        match self.events.recv().await {
            Ok(event) => Ok(event),
            Err(broadcast::error::RecvError::Lagged(_)) => Err(Lost::TooSlow),
            Err(broadcast::error::RecvError::Closed) => Err(Lost::Closed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u128) -> LiveEvent {
        LiveEvent {
            id: Uuid::from_u128(n),
            store_id: Uuid::nil(),
            kind: EventType::OrderCreated,
            subject_id: Uuid::nil(),
            created_at: Utc::now(),
            subject: None,
        }
    }

    #[tokio::test]
    async fn events_arrive_in_order_and_a_subscriber_that_falls_behind_loses_its_place() {
        let (hub, inbox) = Hub::new(4);
        drop(inbox); // no feed: subscribing waits for nothing
        let mut keeping_up = hub.subscribe().await;
        let mut slow = hub.subscribe().await;
        for n in 1..=3 {
            hub.publish(event(n));
            assert_eq!(keeping_up.next().await.map(|e| e.id), Ok(Uuid::from_u128(n)));
        }
        for n in 4..=8 {
            hub.publish(event(n));
        }
        assert_eq!(slow.next().await, Err(Lost::TooSlow), "8 events behind with room for 4");
        assert_eq!((hub.subscribers(), hub.subscriptions()), (2, 2));
        drop(slow);
        assert_eq!(hub.subscriptions(), 1);
    }
}
