//! The REST shim on axum: one route per row of the route tables ([`rest::all_routes`]), a 405
//! with `Allow` for a method a path does not take and a 404 for a path no route serves (each in
//! its family's envelope), and `GET /openapi.json`.

use axum::body::Body;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Json, Router};

use super::{AppState, Caller};
use crate::auth::client_address::ClientAddress;
use crate::error::Code;
use crate::rest::route::{Family, RestError, Route};
use crate::rest::{self, all_routes, envelope, family_of, openapi};

/// The OpenAPI document, built once from the route tables.
static OPENAPI: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(openapi::document);

/// The shim's router (its layers — authentication, rate limits, metrics — are the API's).
pub fn router() -> Router<AppState> {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for route in all_routes() {
        let filter = match route.method {
            Method::GET => MethodFilter::GET,
            Method::POST => MethodFilter::POST,
            Method::PUT => MethodFilter::PUT,
            Method::PATCH => MethodFilter::PATCH,
            _ => MethodFilter::DELETE,
        };
        let handler =
            move |state: State<AppState>,
                  caller: Extension<Caller>,
                  client: Extension<ClientAddress>,
                  params: RawPathParams,
                  query: RawQuery,
                  headers: HeaderMap,
                  body: Body| handle(route, state, (caller, client), params, query, headers, body);
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).on(filter, handler),
            None => by_path.push((route.path, on(filter, handler))),
        }
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            let family = family_of(path).unwrap_or(Family::Komerza);
            let allow = allowed_methods(path);
            router.route(path, methods.fallback(move || async move { wrong_method(family, &allow) }))
        })
        .route("/openapi.json", axum::routing::get(|| async { Json(OPENAPI.clone()) }))
        .fallback(|uri: Uri| async move { unrouted(uri.path()) })
}

/// The methods the route table has for `path`, as an `Allow` header lists them.
fn allowed_methods(path: &str) -> String {
    let methods: Vec<&str> = all_routes().filter(|r| r.path == path).map(|r| r.method.as_str()).collect();
    methods.join(", ")
}

/// A method the path does not take: 405 with `Allow`, in the family's envelope.
fn wrong_method(family: Family, allow: &str) -> Response {
    let error = RestError {
        status: Some(StatusCode::METHOD_NOT_ALLOWED),
        ..RestError::new(Code::Validation, format!("this path takes {allow}"))
    };
    let mut response = envelope::error(family, &error);
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// A path no route serves: the family's 404 under its prefixes, a bare 404 elsewhere.
fn unrouted(path: &str) -> Response {
    match family_of(path) {
        Some(family) => envelope::error(family, &RestError::new(Code::NotFound, "no such endpoint")),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Answers a call of `route` in its family's envelope.
async fn handle(
    route: &'static Route,
    State(state): State<AppState>,
    (Extension(caller), Extension(client)): (Extension<Caller>, Extension<ClientAddress>),
    params: RawPathParams,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let shim = rest::Shim { db: &state.db, engine: &state.engine, max_body_bytes: state.transport.max_body_bytes };
    let path = params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let call = rest::Call { caller: caller.0, client, path, query, headers, body };
    match rest::run(route, &shim, call).await {
        Ok(reply) => match reply.body {
            Some(body) => (reply.status, Json(body)).into_response(),
            None => reply.status.into_response(),
        },
        Err(error) => envelope::error(route.family, &error),
    }
}
