//! Where the hub's events come from, in commit order.
//!
//! - PostgreSQL: the ids the replicas' listener hears (every replica's commits, this one's
//!   included; PostgreSQL delivers notifications in commit order), read from the outbox in
//!   batches — and not read at all while this process has no subscription.
//! - SQLite (one process, one writer): the outbox followed by `rowid`, which SQLite assigns under
//!   the write lock and so in commit order; read after every request that recorded events, and
//!   every second for anything else — only while this process has a subscription.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Statement,
};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use uuid::Uuid;

use super::{Hub, Inbox, LiveEvent, SubjectRow};
use crate::domain::events::{EventType, Subject};
use crate::domain::tenancy;
use entity::{event, order};

/// Events read per statement.
const BATCH: usize = 200;
/// How often SQLite's outbox is looked at when no request announced anything.
const POLL: Duration = Duration::from_secs(1);
/// How long to wait after the database failed.
const RETRY: Duration = Duration::from_secs(1);

/// Feeds `hub` until the process ends.
pub async fn run(db: DatabaseConnection, hub: Arc<Hub>, inbox: Inbox) {
    match db.get_database_backend() {
        DbBackend::Postgres => from_notifications(db, hub, inbox).await,
        _ => following(db, hub, inbox.follow).await,
    }
}

async fn from_notifications(db: DatabaseConnection, hub: Arc<Hub>, inbox: Inbox) {
    let Inbox { mut ids, mut follow } = inbox;
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            // Every id heard from now on is read while anyone subscribes.
            Some(following) = follow.recv() => {
                let _ = following.send(());
            }
            heard = ids.recv_many(&mut batch, BATCH) => {
                if heard == 0 {
                    return;
                }
                if hub.subscribers() > 0 {
                    match by_id(&db, &batch).await {
                        Ok(events) => events.into_iter().for_each(|event| hub.publish(event)),
                        Err(error) => tracing::warn!(%error, events = batch.len(), "live updates: cannot read events"),
                    }
                }
                batch.clear();
            }
        }
    }
}

/// The events `ids`, in that order.
async fn by_id(db: &DatabaseConnection, ids: &[Uuid]) -> Result<Vec<LiveEvent>, DbErr> {
    let rows = event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .select_only()
        .columns([
            event::Column::Id,
            event::Column::StoreId,
            event::Column::EventType,
            event::Column::SubjectId,
            event::Column::CreatedAt,
        ])
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut found: HashMap<Uuid, Row> = rows.into_iter().map(|row| (row.id, row)).collect();
    let ordered: Vec<Row> = ids.iter().filter_map(|id| found.remove(id)).collect();
    with_subjects(db, ordered).await
}

/// Follows SQLite's outbox while anyone subscribes: `cursor` is the newest row read, `None`
/// while nobody listens (then nothing is read at all).
async fn following(db: DatabaseConnection, hub: Arc<Hub>, mut follow: UnboundedReceiver<oneshot::Sender<()>>) {
    let mut cursor: Option<i64> = None;
    loop {
        tokio::select! {
            Some(following) = follow.recv() => {
                if cursor.is_none() {
                    match newest(&db).await {
                        Ok(newest) => cursor = Some(newest),
                        Err(error) => tracing::warn!(%error, "live updates: cannot read the outbox"),
                    }
                }
                let _ = following.send(());
                continue;
            }
            () = hub.committed.notified() => {}
            () = tokio::time::sleep(POLL), if cursor.is_some() => {}
        }
        if hub.subscribers() == 0 {
            cursor = None;
        }
        let Some(mut last) = cursor else { continue };
        loop {
            match after(&db, last).await {
                Ok((events, newest)) => {
                    let more = events.len() == BATCH;
                    events.into_iter().for_each(|event| hub.publish(event));
                    last = newest.unwrap_or(last);
                    if !more {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "live updates: cannot read the outbox");
                    tokio::time::sleep(RETRY).await;
                    break;
                }
            }
        }
        cursor = Some(last);
    }
}

#[derive(FromQueryResult)]
struct Newest {
    seq: Option<i64>,
}

async fn newest(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let statement = Statement::from_string(DbBackend::Sqlite, "SELECT MAX(rowid) AS seq FROM events");
    Ok(Newest::find_by_statement(statement).one(db).await?.and_then(|n| n.seq).unwrap_or(0))
}

/// The events committed after `cursor`, and the cursor of the last one.
async fn after(db: &DatabaseConnection, cursor: i64) -> Result<(Vec<LiveEvent>, Option<i64>), DbErr> {
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "SELECT rowid AS seq, id, store_id, event_type, subject_id, created_at FROM events \
         WHERE rowid > ? ORDER BY rowid LIMIT ?",
        [cursor.into(), i64::try_from(BATCH).unwrap_or(i64::MAX).into()],
    );
    let results = db.query_all_raw(statement).await?;
    let last = match results.last() {
        Some(result) => Some(result.try_get::<i64>("", "seq")?),
        None => None,
    };
    let rows = results.iter().map(|result| Row::from_query_result(result, "")).collect::<Result<Vec<_>, _>>()?;
    Ok((with_subjects(db, rows).await?, last))
}

/// An event row as the feeds read it.
#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    store_id: Option<Uuid>,
    event_type: String,
    subject_id: Uuid,
    created_at: DateTime<Utc>,
}

/// `rows` as live events, each with its subject row (one statement for the orders, one for the
/// variants of a batch). Events without a store (a webhook test) are nobody's subscription's.
async fn with_subjects(db: &DatabaseConnection, rows: Vec<Row>) -> Result<Vec<LiveEvent>, DbErr> {
    let events: Vec<(Row, Uuid, EventType)> = rows
        .into_iter()
        .filter_map(|row| {
            let kind = EventType::parse(&row.event_type)?;
            let store = row.store_id?;
            Some((row, store, kind))
        })
        .collect();
    let about = |subject: Subject| -> Vec<Uuid> {
        events.iter().filter(|(_, _, kind)| kind.subject() == subject).map(|(row, _, _)| row.subject_id).collect()
    };
    let (orders, variants) = (about(Subject::Order), about(Subject::Variant));
    let mut subjects: HashMap<Uuid, SubjectRow> = HashMap::new();
    if !orders.is_empty() {
        for row in order::Entity::find().filter(order::Column::Id.is_in(orders)).all(db).await? {
            subjects.insert(row.id, SubjectRow::Order(Arc::new(row)));
        }
    }
    if !variants.is_empty() {
        for (variant, product) in tenancy::live_variants(db, &variants).await? {
            subjects.insert(variant.id, SubjectRow::Variant(Arc::new(variant), Arc::new(product)));
        }
    }
    Ok(events
        .into_iter()
        .map(|(row, store_id, kind)| LiveEvent {
            id: row.id,
            store_id,
            kind,
            subject_id: row.subject_id,
            created_at: row.created_at,
            subject: subjects.get(&row.subject_id).cloned(),
        })
        .collect())
}
