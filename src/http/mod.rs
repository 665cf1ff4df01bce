//! The HTTP surface: routes (GraphQL over HTTP and WebSocket, the REST shim, health, metrics), and the layers every request passes through — request id, tracing,
//! security headers and CORS for all; authentication and rate limiting for the API routes.

mod authenticate;
pub mod graphiql;
mod graphql;
mod health;
mod media;
pub mod metrics;
pub mod rate_limit;
mod rest;
pub mod shared_buckets;
mod subscriptions;

use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use authenticate::Caller;

use crate::auth::authenticator::Authenticator;
use crate::db::StatementCounter;
use crate::graphql::exec::engine::Engine;
use crate::limits::{LiveLimits, TransportLimits};
use crate::live::Hub;
use rate_limit::RateLimiters;

/// What handlers share: one allocation, so the handler and every middleware layer take it with
/// one reference count rather than one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub db: sea_orm::DatabaseConnection,
    pub auth: Arc<Authenticator>,
    pub statements: StatementCounter,
    pub engine: Arc<Engine>,
    pub transport: Arc<TransportLimits>,
    /// `None` when rate limiting is off.
    pub rate_limits: Option<Arc<RateLimiters>>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    pub metrics: Arc<metrics::Metrics>,
    /// Wakes this process's webhook delivery worker.
    pub deliveries_waiting: Arc<tokio::sync::Notify>,
    /// Committed events for this process's subscriptions.
    pub hub: Arc<Hub>,
    pub live: LiveLimits,
    /// Open WebSocket connections per credential.
    pub sockets: Arc<subscriptions::Registry>,
    /// Becomes `true` when the server begins to shut down (sockets close with "going away").
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// Origins allowed to call from browsers (CORS); empty allows none.
    pub cors_origins: Arc<Vec<HeaderValue>>,
    /// The GraphiQL page and the pinned files it may load from here.
    pub graphiql: Arc<graphiql::GraphiqlPage>,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Headers every response carries unless its handler set them.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-resource-policy", "same-origin"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
];

impl AppState {
    /// A request's events have committed: wake the delivery worker and the live feed.
    pub fn committed(&self) {
        self.deliveries_waiting.notify_one();
        self.hub.committed();
    }
}

/// Wakes the webhook worker and the live feed after a request that recorded events has
/// finished (and committed).
async fn announce_events(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    crate::domain::events::announcing(|| state.committed(), next.run(request)).await
}

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .merge(rest::router())
        .layer(from_fn_with_state(state.clone(), announce_events))
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), authenticate::authenticate))
        .layer(from_fn_with_state(state.clone(), metrics::measure));

    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(state.cors_origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("idempotency-key")])
        .expose_headers([
            REQUEST_ID,
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            header::RETRY_AFTER,
        ]);
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID));
    let mut router = Router::new()
        .merge(api)
        .route("/healthz", get(health::check))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics::render))
        .route("/graphiql/assets/{*path}", get(graphiql::asset))
        .layer(cors);
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router.layer(layers).with_state(state)
}
