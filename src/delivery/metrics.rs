//! Webhook metrics, exported on `/metrics` with the request metrics: deliveries by how they
//! ended, attempts by outcome, deliveries waiting, and the time from an event to its successful
//! delivery.

use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGauge, Opts, Registry};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect,
    RelationTrait,
};

use crate::domain::webhooks::deliveries::DeliveryStatus;
use entity::{webhook, webhook_delivery};

pub struct Metrics {
    deliveries: IntCounterVec,
    attempts: IntCounterVec,
    queue: IntGauge,
    latency: Histogram,
}

/// How a delivery ended.
#[derive(Clone, Copy)]
pub enum Ended {
    /// An attempt was answered with 2xx.
    Succeeded,
    /// Its last attempt failed.
    Failed,
    /// Its endpoint was disabled for failing too long while it waited.
    Abandoned,
}

impl Metrics {
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let deliveries = IntCounterVec::new(
            Opts::new(
                "commerce_webhook_deliveries_total",
                "Webhook deliveries by how they ended: succeeded, failed (after the last attempt) or abandoned \
                 (the endpoint was disabled for failing).",
            ),
            &["outcome"],
        )?;
        let attempts = IntCounterVec::new(
            Opts::new(
                "commerce_webhook_attempts_total",
                "Webhook delivery attempts by outcome: succeeded, retrying (will be retried) or failed (the last).",
            ),
            &["outcome"],
        )?;
        let queue = IntGauge::new(
            "commerce_webhook_queue_depth",
            "Webhook deliveries waiting for an attempt at enabled endpoints.",
        )?;
        let latency = Histogram::with_opts(
            HistogramOpts::new(
                "commerce_webhook_delivery_latency_seconds",
                "Time from an event's commit to its successful delivery.",
            )
            .buckets(vec![0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0, 3600.0]),
        )?;
        registry.register(Box::new(deliveries.clone()))?;
        registry.register(Box::new(attempts.clone()))?;
        registry.register(Box::new(queue.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self { deliveries, attempts, queue, latency })
    }

    /// Counts a recorded attempt that left its delivery in `status`; `retries_left` tells a
    /// retrying failure from the last one.
    pub fn observe(&self, status: DeliveryStatus, retries_left: bool, since_event: chrono::Duration) {
        let (attempt, ended) = match (status, retries_left) {
            (DeliveryStatus::Succeeded, _) => ("succeeded", Some(Ended::Succeeded)),
            (_, true) => ("retrying", None),
            (_, false) => ("failed", Some(Ended::Failed)),
        };
        self.attempts.with_label_values(&[attempt]).inc();
        if let Some(how) = ended {
            self.ended(how, 1);
        }
        if status == DeliveryStatus::Succeeded {
            self.latency.observe(since_event.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6);
        }
    }

    /// Counts `count` deliveries that ended as `how`.
    pub fn ended(&self, how: Ended, count: u64) {
        let outcome = match how {
            Ended::Succeeded => "succeeded",
            Ended::Failed => "failed",
            Ended::Abandoned => "abandoned",
        };
        self.deliveries.with_label_values(&[outcome]).inc_by(count);
    }

    /// Reads how many deliveries wait at enabled endpoints (a disabled endpoint's wait for it
    /// to be enabled again; no worker will attempt them until then).
    pub async fn sample_queue(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let waiting = webhook_delivery::Entity::find()
            .join(JoinType::InnerJoin, webhook_delivery::Relation::Webhook.def())
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.name()))
            .filter(webhook::Column::IsEnabled.eq(true))
            .count(db)
            .await?;
        self.queue.set(i64::try_from(waiting).unwrap_or(i64::MAX));
        Ok(())
    }
}
