//! Start-up: `Application::build(config)` → `local_addr()` → `run_until_stopped()`.

use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;

use std::sync::Arc;

use crate::auth::authenticator::Authenticator;
use crate::auth::jwt::JwtKeys;
use crate::cli::AppEnv;
use crate::config::Config;
use crate::delivery::{self, Deliverer};
use crate::graphql::load::pagination::CursorSigner;
use crate::http::graphiql::GraphiqlPage;
use crate::http::metrics::Metrics;
use crate::http::rate_limit::{self, RateLimiters};
use crate::http::shared_buckets::SharedBuckets;
use crate::http::{self, AppState, Shared};
use crate::live::{self, Hub};
use crate::{db, demo, graphql, replicas};
use axum::http::HeaderValue;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// The webhook delivery worker, when this process runs one.
    deliverer: Option<Deliverer>,
    /// What the live feed receives from the hub.
    inbox: live::Inbox,
    /// Tells open WebSocket connections the server is stopping.
    stopping: tokio::sync::watch::Sender<bool>,
    /// How long to keep serving, with `/readyz` answering 503, once told to stop.
    drain: std::time::Duration,
    /// When automatic reviews are written.
    reviews: crate::domain::reviews::ReviewSettings,
}

impl Application {
    /// Connects and migrates the database, seeds the demo data when asked, and binds the port.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        if config.demo && config.environment == AppEnv::Production {
            anyhow::bail!(
                "--demo seeds published passwords and an every-scope API key; production mode \
                 (APP_ENV=production) refuses to start with it"
            );
        }
        if config.webhooks.egress.allow_http && config.environment == AppEnv::Production {
            anyhow::bail!(
                "WEBHOOK_ALLOW_HTTP sends webhook payloads and signatures in clear text; production mode \
                 (APP_ENV=production) refuses to start with it"
            );
        }
        let db = db::connect(&config.database).await?;
        let listener =
            TcpListener::bind(config.bind).await.with_context(|| format!("cannot listen on {}", config.bind))?;
        let demo_key = if config.demo {
            let seeded = demo::seed(&db.conn).await.context("cannot seed the demo data")?;
            let address = listener.local_addr()?;
            println!("{}", seeded.banner(address));
            Some(seeded.api_key)
        } else {
            None
        };
        let graphiql = GraphiqlPage::new(&config.graphiql, demo_key.as_deref()).context("cannot set up GraphiQL")?;
        let auth = Arc::new(Authenticator::new(db.conn.clone(), JwtKeys::new(&config.jwt_secret)));
        let (hub, inbox) = Hub::new(config.live.buffer);
        let engine = graphql::exec::engine::Engine::new(
            db.conn.clone(),
            auth.clone(),
            CursorSigner::new(config.jwt_secret.expose().as_bytes()),
            config.graphql,
            config.accounts,
            config.webhooks.egress.clone(),
            hub.clone(),
        )
        .map_err(|e| anyhow::anyhow!("invalid schema policy: {e}"))?;
        let cors_origins = config
            .cors_origins
            .iter()
            .map(|origin| HeaderValue::from_str(origin).with_context(|| format!("invalid CORS origin {origin:?}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let metrics = Metrics::new().context("cannot set up metrics")?;
        let shared_buckets = match (&config.rate_limits, &config.rate_limit_store) {
            (Some(_), Some(url)) => Some(
                SharedBuckets::new(url.expose(), metrics.registry())
                    .context("invalid RATE_LIMIT_REDIS_URL (expected redis://host:port)")?,
            ),
            _ => None,
        };
        let rate_limits = config.rate_limits.map(|limits| Arc::new(RateLimiters::new(limits, shared_buckets)));
        let engine = Arc::new(engine);
        let wake = Arc::new(tokio::sync::Notify::new());
        let (stopping, stopping_receiver) = tokio::sync::watch::channel(false);
        let deliverer = if config.webhooks.worker {
            let delivery_metrics = delivery::Metrics::register(metrics.registry()).context("cannot set up metrics")?;
            let settings = config.webhooks.clone();
            let deliverer =
                Deliverer::new(db.conn.clone(), engine.clone(), settings, Arc::new(delivery_metrics), wake.clone())
                    .context("cannot set up the webhook client")?;
            Some(deliverer)
        } else {
            None
        };
        let state = AppState::new(Shared {
            db: db.conn,
            auth,
            statements: db.statements,
            engine,
            transport: Arc::new(config.transport),
            rate_limits,
            trusted_proxies: config.trusted_proxies.clone().into(),
            cors_origins: Arc::new(cors_origins),
            metrics: Arc::new(metrics),
            deliveries_waiting: wake,
            hub,
            live: config.live,
            sockets: Arc::default(),
            stopping: stopping_receiver,
            graphiql: Arc::new(graphiql),
        });
        Ok(Self { listener, state, deliverer, inbox, stopping, drain: config.drain, reviews: config.reviews })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state, for tests that need the database handle.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish (for at most
    /// [`SHUTDOWN_GRACE`]) and writes pending API key usage.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(address = %self.local_addr()?, "listening");
        let (db, auth) = (self.state.db.clone(), self.state.auth.clone());
        let flusher = tokio::spawn(flush_key_usage(db.clone(), auth.clone()));
        let sweeper = self.state.rate_limits.clone().map(|limits| tokio::spawn(rate_limit::sweep_forever(limits)));
        let hub = self.state.hub.clone();
        let listener = tokio::spawn(replicas::listen(
            db.clone(),
            auth.clone(),
            self.state.deliveries_waiting.clone(),
            hub.clone(),
        ));
        let feed = tokio::spawn(live::feed::run(db.clone(), hub, self.inbox));
        let reviewer = tokio::spawn(crate::domain::reviews::write_automatic_forever(db.clone(), self.reviews));
        let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
        let worker = self.deliverer.map(|deliverer| tokio::spawn(deliverer.run(worker_stop)));
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = http::router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let (sockets, drain) = (self.stopping, self.drain);
        let server = axum::serve(self.listener, app).with_graceful_shutdown(async move {
            shutdown_signal().await;
            // `/readyz` answers 503 and open WebSocket connections close with "going away";
            // requests are still served for `drain`, then no more are accepted and those in
            // flight finish.
            let _ = sockets.send(true);
            if !drain.is_zero() {
                tracing::info!("stopping: serving for {drain:?} more while load balancers notice");
                tokio::time::sleep(drain).await;
            }
            let _ = stopping.send(());
        });
        let served = tokio::select! {
            served = server => served.context("the HTTP server failed"),
            () = async {
                let _ = stopped.await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::warn!("in-flight requests did not finish within {SHUTDOWN_GRACE:?}; stopping anyway");
                Ok(())
            }
        };
        // The delivery worker finishes the attempts in flight; unclaimed work stays for later.
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            if tokio::time::timeout(SHUTDOWN_GRACE, worker).await.is_err() {
                tracing::warn!("webhook attempts did not finish in time; their claims expire and they are retried");
            }
        }
        flusher.abort();
        listener.abort();
        feed.abort();
        reviewer.abort();
        if let Some(sweeper) = sweeper {
            sweeper.abort();
        }
        if let Err(error) = auth.usage.flush(&db).await {
            tracing::warn!(%error, "cannot record API key usage at shutdown");
        }
        tracing::info!("stopped");
        served
    }
}

/// How long in-flight requests may take to finish once shutdown begins.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);
/// How often API key usage is written to the database.
const KEY_USAGE_FLUSH: std::time::Duration = std::time::Duration::from_secs(60);

async fn flush_key_usage(db: sea_orm::DatabaseConnection, auth: Arc<Authenticator>) {
    let mut every = tokio::time::interval(KEY_USAGE_FLUSH);
    loop {
        every.tick().await;
        if let Err(error) = auth.usage.flush(&db).await {
            tracing::warn!(%error, "cannot record API key usage");
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
