//! Webhook metrics, exported on `/metrics` with the request metrics: attempts by outcome,
//! deliveries waiting, and the time from an event to its successful delivery.

use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGauge, Opts, Registry};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::webhooks::deliveries::DeliveryStatus;
use entity::webhook_delivery;

pub struct Metrics {
    attempts: IntCounterVec,
    queue: IntGauge,
    latency: Histogram,
}

impl Metrics {
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let attempts = IntCounterVec::new(
            Opts::new(
                "commerce_webhook_attempts_total",
                "Webhook delivery attempts by outcome: succeeded, retrying (will be retried) or failed (the last).",
            ),
            &["outcome"],
        )?;
        let queue = IntGauge::new("commerce_webhook_queue_depth", "Webhook deliveries waiting for an attempt.")?;
        let latency = Histogram::with_opts(
            HistogramOpts::new(
                "commerce_webhook_delivery_latency_seconds",
                "Time from an event's commit to its successful delivery.",
            )
            .buckets(vec![0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0, 3600.0]),
        )?;
        registry.register(Box::new(attempts.clone()))?;
        registry.register(Box::new(queue.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self { attempts, queue, latency })
    }

    /// Counts an attempt that left its delivery in `status`; `retries_left` tells a retrying
    /// failure from the last one.
    pub fn observe(&self, status: DeliveryStatus, retries_left: bool, since_event: chrono::Duration) {
        let outcome = match (status, retries_left) {
            (DeliveryStatus::Succeeded, _) => "succeeded",
            (_, true) => "retrying",
            (_, false) => "failed",
        };
        self.attempts.with_label_values(&[outcome]).inc();
        if status == DeliveryStatus::Succeeded {
            self.latency.observe(since_event.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6);
        }
    }

    /// Reads how many deliveries wait.
    pub async fn sample_queue(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let waiting = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.name()))
            .count(db)
            .await?;
        self.queue.set(i64::try_from(waiting).unwrap_or(i64::MAX));
        Ok(())
    }
}
