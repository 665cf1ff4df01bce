//! The webhook delivery worker that runs inside every gateway process: it fans out events from
//! the outbox ([`dispatch`]) and makes due attempts ([`send`]), woken when an event is recorded
//! in this process and otherwise every poll interval (so events committed by other replicas are
//! picked up too). Work is claimed in the database, so any number of replicas share it without
//! sending twice in normal operation; a replica killed mid-attempt leaves a claim that expires,
//! after which another attempt is made with the same `webhook-id` (at-least-once).

mod dispatch;
mod metrics;
mod send;
pub mod signature;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use tokio::sync::{watch, Notify};

pub use metrics::Metrics;

use crate::config::WebhookSettings;
use crate::egress::GuardedResolver;
use crate::graphql::exec::engine::Engine;

/// What the worker needs: the database, the engine that renders payloads, its settings, the
/// guarded HTTP client and its metrics.
pub struct Deliverer {
    db: DatabaseConnection,
    engine: Arc<Engine>,
    settings: WebhookSettings,
    client: reqwest::Client,
    metrics: Arc<Metrics>,
    /// Woken when there may be new work (a request recorded events, another replica did).
    wake: Arc<Notify>,
}

/// How long a claim outlives its attempt's timeout: time to record the outcome (a SQLite writer
/// may wait up to its 5 s busy timeout). After it, another worker may attempt the delivery.
const LEASE_MARGIN: Duration = Duration::from_secs(6);

impl Deliverer {
    pub fn new(
        db: DatabaseConnection,
        engine: Arc<Engine>,
        settings: WebhookSettings,
        metrics: Arc<Metrics>,
        wake: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        // No redirects, no proxies from the environment, no pooled connections (every attempt
        // resolves and checks its host again), bounded in time.
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver(settings.egress.clone())))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .pool_max_idle_per_host(0)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .timeout(settings.timeout)
            .user_agent(concat!("commerce-gateway-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { db, engine, settings, client, metrics, wake })
    }

    /// Runs until `stop` turns true; the attempts in flight then finish before it returns.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            if let Err(error) = self.pass(&stop).await {
                tracing::warn!(%error, "webhook delivery pass failed; retrying on the next one");
            }
            tokio::select! {
                _ = stop.changed() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
    }

    /// Fans out every waiting event and, side by side, makes every due attempt (claiming no
    /// more once `stop` turns true). Deliveries created meanwhile wake the next pass.
    async fn pass(&self, stop: &watch::Receiver<bool>) -> Result<(), sea_orm::DbErr> {
        let (dispatched, sent) = tokio::join!(self.dispatch_all(), self.send_due(stop));
        dispatched?;
        sent?;
        self.metrics.sample_queue(&self.db).await
    }

    /// Fans out batches until none is left but events postponed in this pass (tried again on
    /// the next) or held by another replica.
    async fn dispatch_all(&self) -> Result<(), sea_orm::DbErr> {
        let mut postponed = Vec::new();
        loop {
            let batch = dispatch::dispatch_batch(&self.db, &self.engine, &postponed).await?;
            if batch.deliveries > 0 {
                self.wake.notify_one();
            }
            if batch.events == 0 && batch.postponed.is_empty() {
                return Ok(());
            }
            postponed.extend(batch.postponed);
        }
    }

    async fn send_due(&self, stop: &watch::Receiver<bool>) -> Result<(), sea_orm::DbErr> {
        let lease = self.settings.timeout + LEASE_MARGIN;
        // No more are claimed than start at once, so no claim waits out its lease unstarted.
        while !*stop.borrow() {
            let claim = send::claim(&self.db, self.settings.concurrency, lease).await?;
            if claim.ids.is_empty() {
                break;
            }
            let until = claim.until;
            let attempts = send::load(&self.db, &claim).await?;
            futures_util::stream::iter(attempts)
                .for_each_concurrent(self.settings.concurrency, |attempt| async move {
                    let id = attempt.delivery.id;
                    if let Err(error) = send::attempt(self, attempt, until).await {
                        tracing::warn!(%error, delivery = %id, "cannot record a webhook attempt");
                    }
                })
                .await;
        }
        Ok(())
    }
}
