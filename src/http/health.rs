//! `GET /healthz` (liveness) and `GET /readyz` (readiness, for load balancers): 200 when the
//! database answers, 503 with the reason when it does not; `/readyz` also answers 503 once the
//! server has begun to stop, so no new work is routed to it while it drains, and reports the
//! shared rate-limit store (Redis) when there is one: unreachable, the replica is `degraded`
//! (still 200: requests are then admitted or limited locally, as configured).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::AppState;

/// How long the database may take to answer before the service counts as unhealthy.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn check(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match tokio::time::timeout(PING_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unreachable");
            unavailable("the database is unreachable")
        }
        Err(_) => unavailable("the database did not answer within 2 seconds"),
    }
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if *state.stopping.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "stopping" })));
    }
    let shared = match &state.rate_limits {
        Some(limits) => limits.shared_store().await,
        None => None,
    };
    let (status, Json(mut body)) = check(State(state)).await;
    // Redis down degrades rate limiting (as `RATE_LIMIT_REDIS_FAILURE` says), not the service.
    match shared {
        Some(Ok(())) => body["redis"] = json!("ok"),
        Some(Err(reason)) => {
            body["redis"] = json!(reason);
            if status == StatusCode::OK {
                body["status"] = json!("degraded");
            }
        }
        None => {}
    }
    (status, Json(body))
}

fn unavailable(reason: &str) -> (StatusCode, Json<Value>) {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": reason })))
}
