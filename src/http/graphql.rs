//! GraphQL over HTTP. `POST /graphql` takes `application/json` only (so browsers cannot post
//! forms cross-site), within a body-size limit, one operation per request unless batching is
//! enabled; the answer's media type and status follow `Accept` (see [`super::media`]).
//! `GET /graphql?query=…` runs queries (never mutations: 405); `GET /graphql` with a
//! WebSocket upgrade speaks `graphql-transport-ws` (see [`super::subscriptions`]); `GET /graphql`
//! without a query from a browser (`Accept` names `text/html`) serves GraphiQL. Every refusal is a JSON GraphQL error with a code, decided before the
//! schema (and so the database) is touched.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions};
use axum::body::{to_bytes, Body};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::authenticate::Caller;
use super::media::{self, Media};
use super::metrics::OperationKind;
use super::AppState;
use crate::auth::client_address::ClientAddress;
use crate::auth::principal::Principal;
use crate::error::{ApiError, Code};
use crate::graphql::exec::engine::Origin;

/// A JSON GraphQL error response with a status and a code.
pub fn error_response(status: StatusCode, code: Code, message: &str) -> Response {
    (status, Json(json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })))
        .into_response()
}

fn refused_credential(error: &ApiError) -> Response {
    let body = async_graphql::Response::from_errors(vec![error.extend().into_server_error(Default::default())]);
    let mut value = serde_json::to_value(&body).unwrap_or_else(|_| json!({}));
    if let Some(errors) = value["errors"].as_array_mut() {
        errors.iter_mut().filter_map(Value::as_object_mut).for_each(|e| {
            e.remove("locations");
        });
    }
    let status = match error {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response = (status, Json(value)).into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Why a request was refused before execution.
pub(super) struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub(super) fn message(&self) -> &str {
        &self.message
    }
}

impl Refusal {
    /// The refusal as a GraphQL response in `media`, with its own status whatever the media.
    fn respond(self, media: Media) -> Response {
        let body =
            json!({ "errors": [{ "message": self.message, "extensions": { "code": Code::Validation.as_str() } }] });
        let mut response = media.write(self.status, &body);
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).is_some_and(
        |media| {
            let media = media.trim();
            media.eq_ignore_ascii_case("application/json")
                || media.eq_ignore_ascii_case("application/graphql-response+json")
        },
    )
}

pub async fn post(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limits = &state.transport;
    if !is_json(&headers) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::Validation,
            "POST /graphql takes Content-Type: application/json",
        );
    }
    let Some(media) = Media::negotiate(&headers) else { return media::not_acceptable() };
    let principal: Principal = match caller.0 {
        Ok(principal) => principal,
        Err(error) => return refused_credential(&error),
    };
    let Ok(bytes) = to_bytes(body, limits.max_body_bytes).await else {
        let message = format!("the request body is larger than {} bytes", limits.max_body_bytes);
        return Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, message).respond(media);
    };
    let batch = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Array(_)) if !limits.batching => {
            return Refusal::new(StatusCode::BAD_REQUEST, "batched requests are not enabled on this server")
                .respond(media)
        }
        Ok(value) => serde_json::from_value::<BatchRequest>(value),
        Err(error) => {
            return Refusal::new(StatusCode::BAD_REQUEST, format!("the body is not JSON: {error}")).respond(media)
        }
    };
    let Ok(batch) = batch else {
        return Refusal::new(StatusCode::BAD_REQUEST, "the body is not a GraphQL request").respond(media);
    };
    let mut kind = OperationKind("batch");
    let single = matches!(batch, BatchRequest::Single(_));
    for request in batch.iter() {
        match check_document(request, &state, false) {
            Ok(operation) if single => kind = operation_kind(operation),
            Ok(_) => {}
            Err(refusal) => return refusal.respond(media),
        }
    }
    let response = match batch {
        BatchRequest::Single(request) => {
            media.answer(state.engine.answer(request.data(client), principal, Origin::Client).await)
        }
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(state.engine.execute(request.data(client), principal.clone(), Origin::Client).await);
            }
            media.write(StatusCode::OK, &BatchResponse::Batch(responses))
        }
    };
    (Extension(kind), response).into_response()
}

pub async fn get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    websocket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Ok(websocket) = websocket {
        return super::subscriptions::upgrade(state, websocket);
    }
    let query = query.filter(|q| q.split('&').any(|pair| pair.starts_with("query=")));
    if query.is_none() && Media::wants_page(&headers) {
        return state.graphiql.response();
    }
    let Some(media) = Media::negotiate(&headers) else { return media::not_acceptable() };
    let Some(query) = query else {
        return Refusal::new(StatusCode::BAD_REQUEST, "the request has no query").respond(media);
    };
    let principal: Principal = match caller.0 {
        Ok(principal) => principal,
        Err(error) => return refused_credential(&error),
    };
    let request = match parse_get(&query) {
        Ok(request) => request,
        Err(message) => return Refusal::new(StatusCode::BAD_REQUEST, message).respond(media),
    };
    let kind = match check_document(&request, &state, true) {
        Ok(operation) => operation_kind(operation),
        Err(refusal) => return refusal.respond(media),
    };
    let answer = state.engine.answer(request.data(client), principal, Origin::Client).await;
    (Extension(kind), media.answer(answer)).into_response()
}

fn operation_kind(operation: Option<OperationType>) -> OperationKind {
    OperationKind(match operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "invalid",
    })
}

/// The parameters of a GraphQL GET request, named as GraphQL over HTTP names them.
#[derive(serde::Deserialize)]
struct GetParams {
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
}

fn parse_get(query_string: &str) -> Result<async_graphql::Request, String> {
    let params: GetParams = serde_urlencoded::from_str(query_string).map_err(|e| format!("bad query string: {e}"))?;
    let mut request = async_graphql::Request::new(params.query);
    request.operation_name = params.operation_name;
    if let Some(variables) = params.variables {
        let variables = serde_json::from_str(&variables).map_err(|e| format!("variables are not JSON: {e}"))?;
        request.variables = async_graphql::Variables::from_json(variables);
    }
    Ok(request)
}

/// Checks a document against the transport limits before it is executed (parsed once for the
/// engine too, which keeps it). Documents that do not parse are left to the schema, which
/// reports them.
pub(super) fn check_document(
    request: &async_graphql::Request,
    state: &AppState,
    over_get: bool,
) -> Result<Option<OperationType>, Refusal> {
    let limits = &state.transport;
    let query = &request.query;
    if query.trim().is_empty() {
        return Err(Refusal::new(StatusCode::BAD_REQUEST, "the request has no query"));
    }
    if query.chars().count() > limits.max_query_len {
        let message = format!("the query is longer than {} characters", limits.max_query_len);
        return Err(Refusal::new(StatusCode::BAD_REQUEST, message));
    }
    let operation_name = request.operation_name.as_deref();
    let Some(document) = state.engine.document(query) else { return Ok(None) };
    let document = &*document;
    // Every field but `__typename` costs at least 1, so the cost limit bounds the fields too; the
    // count is linear where validating the expansion (which the cost is measured on) may not be.
    let max_fields = state.engine.cost_limits().max_complexity;
    let fields = field_count(document);
    if fields > max_fields {
        let message =
            format!("the query selects {fields} fields with its fragments expanded; at most {max_fields} are allowed");
        return Err(Refusal::new(StatusCode::BAD_REQUEST, message));
    }
    let aliases = alias_count(document);
    if aliases > limits.max_aliases {
        let message = format!("the query uses {aliases} aliases; at most {} are allowed", limits.max_aliases);
        return Err(Refusal::new(StatusCode::BAD_REQUEST, message));
    }
    let operation = document.operations.iter().find(|(name, _)| match operation_name {
        Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
        None => true,
    });
    if let Some((_, operation)) = operation {
        if over_get && operation.node.ty == OperationType::Mutation {
            return Err(Refusal::new(StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST"));
        }
        let roots = root_field_count(&operation.node.selection_set.node, document);
        if roots > limits.max_root_fields {
            let message =
                format!("the operation selects {roots} root fields; at most {} are allowed", limits.max_root_fields);
            return Err(Refusal::new(StatusCode::BAD_REQUEST, message));
        }
        return Ok(Some(operation.node.ty));
    }
    Ok(None)
}

/// Fields in the document's operations as they execute: a fragment's fields again at every spread.
fn field_count(document: &ExecutableDocument) -> usize {
    SpreadCounts::new(document, |_: &Field, inner: usize| inner.saturating_add(1)).operations()
}

/// Aliases in the document's operations as they execute: a fragment's count again at every spread.
fn alias_count(document: &ExecutableDocument) -> usize {
    SpreadCounts::new(document, |field: &Field, inner: usize| inner.saturating_add(usize::from(field.alias.is_some())))
        .operations()
}

/// Root fields of an operation, through fragments and inline fragments.
fn root_field_count(set: &SelectionSet, document: &ExecutableDocument) -> usize {
    SpreadCounts::new(document, |_: &Field, _| 1).count(set)
}

/// Sums `per_field(field, what its selection counts)` over a selection with every fragment spread
/// expanded. A fragment is counted once and remembered, so nested spreads stay cheap; a spread
/// cycle counts nothing here (validation refuses it after these limits).
struct SpreadCounts<'a, F> {
    document: &'a ExecutableDocument,
    per_field: F,
    fragments: HashMap<&'a str, usize>,
}

impl<'a, F: Fn(&Field, usize) -> usize> SpreadCounts<'a, F> {
    fn new(document: &'a ExecutableDocument, per_field: F) -> Self {
        Self { document, per_field, fragments: HashMap::new() }
    }

    /// The sum over every operation of the document.
    fn operations(&mut self) -> usize {
        let document = self.document;
        document
            .operations
            .iter()
            .fold(0, |total, (_, op)| total.saturating_add(self.count(&op.node.selection_set.node)))
    }

    fn count(&mut self, set: &'a SelectionSet) -> usize {
        set.items.iter().fold(0, |total, item| {
            let n = match &item.node {
                Selection::Field(field) => {
                    let inner = self.count(&field.node.selection_set.node);
                    (self.per_field)(&field.node, inner)
                }
                Selection::InlineFragment(fragment) => self.count(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str()),
            };
            total.saturating_add(n)
        })
    }

    fn fragment(&mut self, name: &'a str) -> usize {
        if let Some(known) = self.fragments.get(name) {
            return *known;
        }
        let Some(fragment) = self.document.fragments.get(name) else { return 0 };
        self.fragments.insert(name, 0);
        let n = self.count(&fragment.node.selection_set.node);
        self.fragments.insert(name, n);
        n
    }
}
