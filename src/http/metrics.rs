//! `GET /metrics`: Prometheus text exposition — SQL statements executed, and requests and their
//! latency per surface and operation type (`query`, `mutation`, `batch`, `none` when refused
//! before an operation was known).

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

use super::AppState;

/// What a handler reports about the operation it ran, for the request metrics.
#[derive(Debug, Clone, Copy)]
pub struct OperationKind(pub &'static str);

/// Request metrics of one process.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("commerce_http_requests_total", "HTTP requests by surface, operation type and status."),
            &["surface", "operation", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "commerce_http_request_duration_seconds",
                "HTTP request latency by surface and operation type.",
            )
            .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["surface", "operation"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self { registry, requests, latency })
    }

    /// The registry, for other parts of the process to export their metrics on `/metrics`.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    fn observe(&self, surface: &str, operation: &str, status: u16, elapsed: Duration) {
        self.requests.with_label_values(&[surface, operation, &status.to_string()]).inc();
        self.latency.with_label_values(&[surface, operation]).observe(elapsed.as_secs_f64());
    }
}

/// The API surface a path belongs to.
fn surface(path: &str) -> &'static str {
    if path.starts_with("/graphql") {
        "graphql"
    } else if path.starts_with("/v2") {
        "commerce_api"
    } else {
        "komerza"
    }
}

/// Times an API request and counts it.
pub async fn measure(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let surface = surface(request.uri().path());
    let response = next.run(request).await;
    let operation = response.extensions().get::<OperationKind>().map_or("none", |kind| kind.0);
    state.metrics.observe(surface, operation, response.status().as_u16(), started.elapsed());
    response
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let turns = state.engine.turns();
    let mut body = format!(
        "# HELP commerce_db_statements_total SQL statements executed.\n\
         # TYPE commerce_db_statements_total counter\n\
         commerce_db_statements_total {}\n\
         # HELP commerce_live_subscriptions GraphQL subscriptions following events.\n\
         # TYPE commerce_live_subscriptions gauge\n\
         commerce_live_subscriptions {}\n\
         # HELP commerce_graphql_operations_executing GraphQL operations executing (at most GRAPHQL_MAX_IN_FLIGHT).\n\
         # TYPE commerce_graphql_operations_executing gauge\n\
         commerce_graphql_operations_executing {}\n\
         # HELP commerce_graphql_operations_waiting GraphQL operations waiting for a turn to execute.\n\
         # TYPE commerce_graphql_operations_waiting gauge\n\
         commerce_graphql_operations_waiting {}\n",
        state.statements.get(),
        state.hub.subscriptions(),
        turns.executing,
        turns.waiting
    );
    let mut encoded = Vec::new();
    if TextEncoder::new().encode(&state.metrics.registry.gather(), &mut encoded).is_ok() {
        body.push_str(&String::from_utf8_lossy(&encoded));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
