//! Authentication as middleware: the bearer credential becomes the request's [`Caller`] once,
//! and the client's address its [`ClientAddress`], before rate limiting (which keys on them) and
//! before any handler.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use crate::auth::client_address::ClientAddress;
use crate::auth::principal::Principal;
use crate::error::ApiError;

/// The verified caller of a request, or why its credential was refused.
#[derive(Clone)]
pub struct Caller(pub Result<Principal, std::sync::Arc<ApiError>>);

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer =
        request.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let client = ClientAddress::of(peer, request.headers(), &state.trusted_proxies);
    request.extensions_mut().insert(client);
    let authorization =
        request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{fffd}").to_owned());
    // A credential the caches cannot answer for may be made up: its address pays first, so a
    // flood of invented keys is refused before it reaches the database.
    if let Some(limiters) = &state.rate_limits {
        if state.auth.needs_database(authorization.as_deref()) {
            if let Err(refusal) = limiters.charge_address(&mut request).await {
                return refusal.response(request.uri().path());
            }
        }
    }
    let caller = state.auth.authenticate(authorization.as_deref()).await.map_err(std::sync::Arc::new);
    request.extensions_mut().insert(Caller(caller));
    next.run(request).await
}
