//! Fan-out: reads events not yet dispatched, renders each one's `data` (reads only, outside any
//! transaction), then in one short write transaction claims those still waiting (`FOR UPDATE
//! SKIP LOCKED` on PostgreSQL; SQLite has one writer), creates one pending delivery per enabled
//! endpoint of the store's owner that wants the event type and the store, and marks them
//! dispatched — so an event is fanned out exactly once however many replicas run.

use std::collections::HashMap;

use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::{LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::db::begin_write;
use crate::domain::events::EventType;
use crate::domain::webhooks::deliveries::new_delivery;
use crate::domain::webhooks::{event_types, store_ids};
use crate::graphql::exec::engine::Engine;
use crate::rest::payloads;
use entity::{event, store, webhook, webhook_delivery};

/// Events fanned out per transaction.
const BATCH: u64 = 100;
/// Payloads rendered at once.
const RENDERING: usize = 8;

/// An event ready to fan out: the endpoints that want it and its rendered data.
struct Planned {
    hooks: Vec<Uuid>,
    data: Value,
}

/// What one batch did.
#[derive(Default)]
pub struct Dispatched {
    /// Events fanned out (none when every waiting event is another replica's).
    pub events: usize,
    /// Deliveries created.
    pub deliveries: usize,
    /// Events whose payload could not be rendered; they wait for the next pass.
    pub postponed: Vec<Uuid>,
}

/// Fans out one batch of the oldest waiting events but those in `passed_over` (postponed
/// earlier in this pass, so a run of events that cannot be rendered does not hold up the rest).
pub async fn dispatch_batch(
    db: &DatabaseConnection,
    engine: &Engine,
    passed_over: &[Uuid],
) -> Result<Dispatched, DbErr> {
    let events = event::Entity::find()
        .filter(event::Column::DispatchedAt.is_null())
        .filter(event::Column::Id.is_not_in(passed_over.iter().copied()))
        .order_by_asc(event::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    if events.is_empty() {
        return Ok(Dispatched::default());
    }
    let owners: HashMap<Uuid, Uuid> = store::Entity::find()
        .filter(store::Column::Id.is_in(events.iter().filter_map(|e| e.store_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.owner_id))
        .collect();
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::UserId.is_in(owners.values().copied()))
        .filter(webhook::Column::IsEnabled.eq(true))
        .all(db)
        .await?;
    // Which endpoints want each event; events nobody wants are only marked dispatched.
    let mut wanted = Vec::new();
    for event in &events {
        let (Some(store_id), Some(kind)) = (event.store_id, EventType::parse(&event.event_type)) else { continue };
        let Some(owner) = owners.get(&store_id).copied() else { continue };
        let hooks: Vec<Uuid> = hooks
            .iter()
            .filter(|h| h.user_id == owner && event_types(h).iter().any(|t| t == &event.event_type))
            .filter(|h| {
                let stores = store_ids(h);
                stores.is_empty() || stores.contains(&store_id)
            })
            .map(|h| h.id)
            .collect();
        if !hooks.is_empty() {
            wanted.push((event.id, hooks, (owner, store_id, kind, event.subject_id)));
        }
    }
    // Payloads are rendered side by side (reads only); one that cannot be rendered now leaves
    // its event waiting for the next pass.
    let rendered: Vec<(Uuid, Vec<Uuid>, Option<Value>)> = futures_util::stream::iter(wanted)
        .map(|(id, hooks, (owner, store_id, kind, subject))| async move {
            (id, hooks, payloads::render(db, engine, owner, store_id, kind, subject).await)
        })
        .buffer_unordered(RENDERING)
        .collect()
        .await;
    let mut planned: HashMap<Uuid, Planned> = HashMap::new();
    let mut postponed: Vec<Uuid> = Vec::new();
    for (id, hooks, data) in rendered {
        match data {
            Some(data) => {
                planned.insert(id, Planned { hooks, data });
            }
            None => postponed.push(id),
        }
    }

    let txn = begin_write(db).await?;
    // PostgreSQL skips rows another replica holds; SQLite has no row locks (and needs none).
    let claimed: Vec<Uuid> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::DispatchedAt.is_null())
        .filter(event::Column::Id.is_in(events.iter().map(|e| e.id).filter(|id| !postponed.contains(id))))
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .all(&txn)
        .await?;
    if claimed.is_empty() {
        return Ok(Dispatched { postponed, ..Dispatched::default() });
    }
    let mut deliveries = Vec::new();
    let mut with_data = Vec::new();
    for event in events.into_iter().filter(|e| claimed.contains(&e.id)) {
        if let Some(plan) = planned.remove(&event.id) {
            deliveries.extend(plan.hooks.iter().map(|hook| new_delivery(*hook, event.id).into_active_model()));
            with_data.push(event::Model { data: Some(plan.data), ..event }.into_active_model());
        }
    }
    let created = deliveries.len();
    if !deliveries.is_empty() {
        // The rendered data of every claimed event in one statement (they exist and are held).
        let keep_data = OnConflict::column(event::Column::Id).update_column(event::Column::Data).to_owned();
        event::Entity::insert_many(with_data).on_conflict(keep_data).exec_without_returning(&txn).await?;
        webhook_delivery::Entity::insert_many(deliveries).exec(&txn).await?;
    }
    event::Entity::update_many()
        .col_expr(event::Column::DispatchedAt, Expr::value(Utc::now()))
        .filter(event::Column::Id.is_in(claimed.iter().copied()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Dispatched { events: claimed.len(), deliveries: created, postponed })
}
