//! Attempts: claims due deliveries (a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL), POSTs each
//! signed payload through the SSRF-guarded client, logs the attempt, and schedules the retry,
//! marks the delivery failed after the last one, or disables an endpoint failing too long.

use std::time::{Duration, Instant};

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Statement,
};
use serde_json::json;
use uuid::Uuid;

use super::metrics::Ended;
use super::signature;
use super::Deliverer;
use crate::db::begin_write;
use crate::domain::webhooks::deliveries::DeliveryStatus;
use entity::{event, webhook, webhook_attempt, webhook_delivery};

/// Most of a response body kept in the log.
const BODY_KEPT: usize = 1024;

/// Due deliveries this worker holds until `until`; `until` is also the claim's token: a worker
/// whose claim expired and was taken over finds the token changed and records nothing.
pub struct Claim {
    pub ids: Vec<Uuid>,
    pub until: DateTime<Utc>,
}

/// Claims up to `limit` due deliveries of enabled endpoints for `lease`.
pub async fn claim(db: &DatabaseConnection, limit: usize, lease: Duration) -> Result<Claim, DbErr> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    // Microseconds: what PostgreSQL keeps, so the token reads back equal.
    let until =
        (now + chrono::Duration::from_std(lease).unwrap_or_else(|_| chrono::Duration::minutes(1))).trunc_subsecs(6);
    // One placeholder per value, in order, so both backends take the same list.
    let (p, lock) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3", "$4", "$5", "$6"], " FOR UPDATE OF d SKIP LOCKED"),
        _ => (["?"; 6], ""),
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET claimed_until = {0} WHERE id IN (\
           SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
           WHERE d.status = {1} AND d.next_attempt_at <= {2} AND (d.claimed_until IS NULL OR d.claimed_until <= {3}) \
           AND w.is_enabled = {4} ORDER BY d.next_attempt_at LIMIT {5}{lock}) RETURNING id",
        p[0], p[1], p[2], p[3], p[4], p[5]
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let values: Vec<sea_orm::Value> =
        vec![until.into(), DeliveryStatus::Pending.name().into(), now.into(), now.into(), true.into(), limit.into()];
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(Claim { ids: rows.iter().filter_map(|r| r.try_get::<Uuid>("", "id").ok()).collect(), until })
}

/// What one attempt came to.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
    body: Option<String>,
    elapsed: Duration,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// A claimed delivery with its endpoint and event.
pub struct Attempt {
    pub delivery: webhook_delivery::Model,
    pub hook: webhook::Model,
    pub event: event::Model,
}

/// The claimed deliveries with their endpoints and events: three statements for the batch.
pub async fn load(db: &DatabaseConnection, claim: &Claim) -> Result<Vec<Attempt>, DbErr> {
    let deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.is_in(claim.ids.iter().copied()))
        .all(db)
        .await?;
    let hooks: HashMap<Uuid, webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(deliveries.iter().map(|d| d.webhook_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let events: HashMap<Uuid, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(deliveries.iter().map(|d| d.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(deliveries
        .into_iter()
        .filter_map(|delivery| {
            let hook = hooks.get(&delivery.webhook_id)?.clone();
            let event = events.get(&delivery.event_id)?.clone();
            Some(Attempt { delivery, hook, event })
        })
        .collect())
}

/// Makes one attempt of a delivery claimed until `until` and records it.
pub async fn attempt(deliverer: &Deliverer, attempt: Attempt, until: DateTime<Utc>) -> Result<(), DbErr> {
    let Attempt { delivery, hook, event } = attempt;
    let body = json!({
        "id": event.id,
        "type": event.event_type,
        "timestamp": event.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "storeId": event.store_id,
        "data": event.data.clone().unwrap_or_else(|| json!({ "id": event.subject_id })),
    })
    .to_string();
    let outcome = post(deliverer, &hook, &delivery, body).await;
    record(deliverer, (&delivery, until), &hook, &event, outcome).await
}

/// Signs and POSTs `body` to the endpoint.
async fn post(
    deliverer: &Deliverer,
    hook: &webhook::Model,
    delivery: &webhook_delivery::Model,
    body: String,
) -> Outcome {
    let started = Instant::now();
    let failed = |error: String| Outcome { status: None, error: Some(error), body: None, elapsed: started.elapsed() };
    // An address written in the URL is checked here; a host name by the client's resolver.
    let url = match deliverer.settings.egress.check_form(&hook.url) {
        Ok(url) => url,
        Err(problem) => return failed(format!("the URL {problem}")),
    };
    let timestamp = Utc::now().timestamp();
    let id = delivery.id.to_string();
    let mut secrets = vec![hook.secret.as_str()];
    if let (Some(old), Some(until)) = (&hook.previous_secret, hook.previous_secret_expires_at) {
        if until > Utc::now() {
            secrets.push(old.as_str());
        }
    }
    let signatures = signature::header(&secrets, &id, timestamp, body.as_bytes());
    let sent = deliverer
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures)
        .body(body)
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => return failed(describe(&error)),
    };
    let status = response.status().as_u16();
    let mut kept = Vec::new();
    while kept.len() < BODY_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk[..chunk.len().min(BODY_KEPT - kept.len())]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&kept).chars().take(BODY_KEPT).collect::<String>();
    let mut outcome = Outcome { status: Some(status), error: None, body: Some(text), elapsed: started.elapsed() };
    if !outcome.succeeded() {
        outcome.error = Some(format!("the endpoint answered {status}"));
    }
    outcome
}

/// A transport error in words, without the URL (which the log already shows).
fn describe(error: &reqwest::Error) -> String {
    use std::error::Error;
    let mut cause = error.source();
    let mut deepest = None;
    while let Some(inner) = cause {
        deepest = Some(inner.to_string());
        cause = inner.source();
    }
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    match deepest {
        Some(detail) => format!("{what}: {detail}"),
        None => what.to_owned(),
    }
}

/// Logs the attempt and moves the delivery (and, when it keeps failing, the endpoint) on —
/// unless the claim was lost meanwhile (another worker now owns the delivery).
async fn record(
    deliverer: &Deliverer,
    (delivery, until): (&webhook_delivery::Model, DateTime<Utc>),
    hook: &webhook::Model,
    event: &event::Model,
    outcome: Outcome,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let clip = |text: &str, most: usize| text.chars().take(most).collect::<String>();
    let attempts = delivery.attempts.saturating_add(1);
    let schedule = &deliverer.settings.retry_schedule;
    let retry = usize::try_from(delivery.attempts).ok().and_then(|done| schedule.get(done)).copied();
    let status = match (outcome.succeeded(), retry) {
        (true, _) => DeliveryStatus::Succeeded,
        (false, Some(_)) => DeliveryStatus::Pending,
        (false, None) => DeliveryStatus::Failed,
    };
    let next = match (status, retry) {
        (DeliveryStatus::Pending, Some(wait)) => Some(now + chrono::Duration::from_std(wait).unwrap_or_default()),
        _ => None,
    };
    let txn = begin_write(&deliverer.db).await?;
    let moved = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(status.name()))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
        .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(webhook_delivery::Column::LastResponseStatus, Expr::value(outcome.status.map(i32::from)))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(outcome.error.as_deref().map(|e| clip(e, 512))))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .filter(webhook_delivery::Column::ClaimedUntil.eq(until))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        tracing::warn!(delivery = %delivery.id, "a webhook attempt outlived its claim; another worker owns the delivery");
        return Ok(());
    }
    webhook_attempt::Model {
        id: Uuid::now_v7(),
        delivery_id: delivery.id,
        response_status: outcome.status.map(i32::from),
        duration_ms: i32::try_from(outcome.elapsed.as_millis()).unwrap_or(i32::MAX),
        error: outcome.error.as_deref().map(|e| clip(e, 512)),
        response_body: outcome.body.as_deref().map(|b| clip(b, BODY_KEPT)),
        created_at: now,
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    let mut abandoned = 0;
    if outcome.succeeded() {
        if hook.failing_since.is_some() {
            webhook::Entity::update_many()
                .col_expr(webhook::Column::FailingSince, Expr::value(Option::<chrono::DateTime<Utc>>::None))
                .filter(webhook::Column::Id.eq(hook.id))
                .exec(&txn)
                .await?;
        }
    } else {
        abandoned = failed(&txn, deliverer, hook, now).await?;
    }
    txn.commit().await?;
    deliverer.metrics.observe(status, retry.is_some(), now - event.created_at);
    deliverer.metrics.ended(Ended::Abandoned, abandoned);
    Ok(())
}

/// After a failed attempt: the endpoint is failing since its first failure (kept by the
/// database, so concurrent attempts agree), and disabled once that is `disable_after` ago — its
/// pending deliveries then fail too, rather than wait for an enabling that may never come.
/// Answers how many deliveries that abandoned.
async fn failed<C: ConnectionTrait>(
    txn: &C,
    deliverer: &Deliverer,
    hook: &webhook::Model,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let first_failure = Func::coalesce([Expr::col(webhook::Column::FailingSince), Expr::value(now)]);
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, first_failure.into())
        .filter(webhook::Column::Id.eq(hook.id))
        .exec(txn)
        .await?;
    let limit = chrono::Duration::from_std(deliverer.settings.disable_after).unwrap_or(chrono::Duration::MAX);
    let Some(cutoff) = now.checked_sub_signed(limit) else { return Ok(0) };
    let since = hook.failing_since.unwrap_or(now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let reason = format!("every delivery failed since {since}");
    let disabled = webhook::Entity::update_many()
        .col_expr(webhook::Column::IsEnabled, Expr::value(false))
        .col_expr(webhook::Column::DisabledReason, Expr::value(reason.clone()))
        .filter(webhook::Column::Id.eq(hook.id))
        .filter(webhook::Column::IsEnabled.eq(true))
        .filter(webhook::Column::FailingSince.lte(cutoff))
        .exec(txn)
        .await?;
    if disabled.rows_affected > 0 {
        tracing::warn!(webhook = %hook.id, %reason, "disabled a webhook endpoint");
        let abandoned = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::Status, Expr::value(DeliveryStatus::Failed.name()))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(webhook_delivery::Column::LastError, Expr::value("the endpoint was disabled"))
            .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
            .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.name()))
            .exec(txn)
            .await?;
        return Ok(abandoned.rows_affected);
    }
    Ok(0)
}
