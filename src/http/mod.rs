//! The HTTP surface: routes, and the layers every request passes through (request id, tracing).

mod graphql;
mod health;
mod metrics;

use axum::http::HeaderName;
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use std::sync::Arc;

use crate::auth::authenticator::Authenticator;
use crate::db::StatementCounter;
use crate::graphql::AppSchema;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: sea_orm::DatabaseConnection,
    pub auth: Arc<Authenticator>,
    pub statements: StatementCounter,
    pub schema: AppSchema,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID));
    Router::new()
        .route("/graphql", get(graphql::graphiql).post(graphql::execute))
        .route("/healthz", get(health::check))
        .route("/metrics", get(metrics::render))
        .layer(layers)
        .with_state(state)
}
