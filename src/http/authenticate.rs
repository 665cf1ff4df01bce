//! Authentication as middleware: the bearer credential becomes the request's [`Caller`] once,
//! before rate limiting (which keys on it) and before any handler.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use crate::auth::principal::Principal;
use crate::error::ApiError;

/// The verified caller of a request, or why its credential was refused.
#[derive(Clone)]
pub struct Caller(pub Result<Principal, std::sync::Arc<ApiError>>);

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let authorization = request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let caller = state.auth.authenticate(authorization).await.map_err(std::sync::Arc::new);
    request.extensions_mut().insert(Caller(caller));
    next.run(request).await
}
