//! The REST compatibility shim (DESIGN decision 5): legacy clients call the documented Komerza and
//! Commerce API endpoints; each endpoint is a row of a route table ([`commerce::ROUTES`],
//! [`komerza::ROUTES`] and the sales routes beside it) that runs a GraphQL document through the same schema, guards, tenancy,
//! validation and loaders as GraphQL clients, and maps the result to the family's envelope.
//! [`run`] checks a call — its store, every id of its path, its body — before the document runs;
//! `http::rest` serves the tables on axum, and `GET /openapi.json` is generated from them.

/// What a Komerza variant answer selects (its files, custom fields and options): the product
/// object's variants and the variant routes say it once.
macro_rules! variant_selection {
    () => {
        concat!(
            "id dateCreated name productId storeId cost deliveryTypes minimumQuantity maximumQuantity order imageNames stock stockMode type dynamicUrl deliveryMessage metadata files { id dateCreated friendlyName ipAddress userId } customFields { ",
            custom_field_selection!(),
            " }"
        )
    };
}

/// What a Komerza custom field answer selects (its options).
macro_rules! custom_field_selection {
    () => {
        "id dateCreated variantId label identifier type isRequired placeholder hint options { id dateCreated customFieldId label value order }"
    };
}

/// A Komerza route about the store its path names: authenticated, GraphQL's input names.
macro_rules! store_route {
    ($method:ident, $path:literal, $summary:literal, $answer:expr, $query:expr, $body:expr, $document:expr, $variables:expr, $respond:expr) => {
        Route {
            family: Family::Komerza,
            method: Method::$method,
            path: $path,
            summary: $summary,
            answer: $answer,
            authenticated: true,
            store_scoped: true,
            query: $query,
            body: $body,
            renames: &[],
            document: $document,
            variables: $variables,
            respond: $respond,
        }
    };
}

pub mod commerce;
pub mod envelope;
pub mod komerza;
mod komerza_affiliates;
mod komerza_reviews;
mod komerza_sales;
mod komerza_tickets;
mod komerza_variants;
mod komerza_webhooks;
pub mod openapi;
pub mod payloads;
pub mod route;
mod schemas;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, StatusCode};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::client_address::ClientAddress;
use crate::auth::principal::{Credential, Principal};
use crate::domain::tenancy::{self, PathIds};
use crate::error::{ApiError, Code, MERCHANT_ONLY};
use crate::graphql::exec::engine::{Engine, Origin};
use route::{Family, RestError, RestRequest, Route, Rule, StoreContext};

/// Every shim route, in table order.
pub fn all_routes() -> impl Iterator<Item = &'static Route> {
    commerce::ROUTES
        .iter()
        .chain(komerza::ROUTES.iter())
        .chain(komerza_sales::ROUTES.iter())
        .chain(komerza_tickets::ROUTES.iter())
        .chain(komerza_reviews::ROUTES.iter())
        .chain(komerza_affiliates::ROUTES.iter())
        .chain(komerza_variants::ROUTES.iter())
        .chain(komerza_webhooks::ROUTES.iter())
}

/// The family whose paths start like `path`: `/v2` is the Commerce API; `/stores`, `/user` and
/// `/webhooks` are Komerza's.
pub fn family_of(path: &str) -> Option<Family> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match first {
        "v2" => Some(Family::Commerce),
        "stores" | "user" | "webhooks" => Some(Family::Komerza),
        _ => None,
    }
}

/// What running a route needs from the server.
pub struct Shim<'a> {
    pub db: &'a DatabaseConnection,
    pub engine: &'a Engine,
    /// Largest JSON body accepted.
    pub max_body_bytes: usize,
}

/// One call of a route: the caller (or why its credential was refused), the path parameters,
/// the query string, the headers and the body.
pub struct Call {
    pub caller: Result<Principal, Arc<ApiError>>,
    /// Where the call came from (what it uploads records it).
    pub client: ClientAddress,
    pub path: HashMap<String, String>,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Body,
}

/// Runs `route` for `call`: authentication, the query string, the store and every path id
/// checked against it, the body, then the route's document and its answer.
pub async fn run(route: &'static Route, shim: &Shim<'_>, call: Call) -> Result<route::Reply, RestError> {
    let Call { caller, client, path, query, headers, body } = call;
    let headers = &headers;
    let principal = caller.map_err(|error| RestError::new(Code::Unauthenticated, error.to_string()))?;
    if route.authenticated && matches!(principal, Principal::Anonymous) {
        return Err(RestError::new(Code::Unauthenticated, "send a credential: Authorization: Bearer <token>"));
    }
    let query: HashMap<String, String> = match query {
        Some(query) => serde_urlencoded::from_str::<Vec<(String, String)>>(&query)
            .map_err(|_| RestError::validation("query", "is not a valid query string"))?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    check_query(route, &query)?;
    let store = if route.store_scoped {
        let store = resolve_store(route, shim.db, &principal, &path, headers).await?;
        // Every id of the path must lie in that store, under the id before it, before anything runs.
        tenancy::check_path(shim.db, &principal, store.id, &path_ids(&path)?).await?;
        Some(store)
    } else {
        None
    };
    let body = match route.body {
        Some(shape) => {
            let currency = store.as_ref().and_then(|s| s.currency.as_deref());
            read_body(headers, body, shim.max_body_bytes, shape, currency).await?
        }
        None => Value::Null,
    };
    let idempotency_key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let api_key = principal.access().is_some_and(|access| matches!(access.credential, Credential::ApiKey(_)));
    let request = RestRequest { path, query, body, store, idempotency_key, api_key, principal: principal.clone() };
    let variables = (route.variables)(&request)?;
    let data = execute(shim.engine, (principal, client), route, variables).await?;
    (route.respond)(&request, &data)
}

/// Every declared query parameter present holds a value of its kind; every problem in one answer.
fn check_query(route: &Route, query: &HashMap<String, String>) -> Result<(), RestError> {
    let problems: Vec<(String, String)> = route
        .query
        .iter()
        .filter_map(|param| Some((param.name.to_owned(), param.problem(query.get(param.name)?)?)))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(RestError::problems(problems))
    }
}

/// The ids a path names below its store; one that is not a UUID names nothing (`NOT_FOUND`).
fn path_ids(path: &HashMap<String, String>) -> Result<PathIds, RestError> {
    let id = |name: &str, what: &str| -> Result<Option<Uuid>, RestError> {
        match path.get(name) {
            None => Ok(None),
            Some(raw) => Uuid::parse_str(raw).map(Some).map_err(|_| RestError::not_found(what)),
        }
    };
    Ok(PathIds {
        product: id("productId", "product")?,
        variant: id("variantId", "variant")?,
        custom_field: id("fieldId", "custom field")?,
        option: id("optionId", "custom field option")?,
        file: id("fileId", "file")?,
        category: id("categoryId", "category")?,
        coupon: id("couponId", "coupon")?,
        customer: id("customerId", "customer")?,
        order: id("orderId", "order")?,
        ticket: id("ticketId", "ticket")?,
        review: id("reviewId", "review")?,
        affiliate: id("affiliateId", "affiliate")?,
    })
}

/// Reads a JSON object body: the right content type, within the size limit, well-formed, and
/// with no field the route does not accept (no mass assignment), every required one, and each
/// value of its type and rule (`currency` is the store's) — every problem in one answer.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    shape: route::Body,
    currency: Option<&str>,
) -> Result<Value, RestError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return Err(RestError::transport(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as Content-Type: application/json",
        ));
    }
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        RestError::transport(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than {limit} bytes"))
    })?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| RestError::validation("body", format!("is not valid JSON: {e}")))?;
    let Value::Object(object) = &value else {
        return Err(RestError::validation("body", "must be a JSON object"));
    };
    let mut problems = Vec::new();
    for (key, value) in object {
        match shape.fields.iter().find(|f| f.name == key) {
            None => problems.push((key.clone(), "is not accepted here".to_owned())),
            Some(field) if !value.is_null() && !has_kind(value, field.kind) => {
                problems.push((key.clone(), format!("must be a JSON {}", field.kind)));
            }
            Some(field) => {
                if let Some(problem) = field.problem(value, currency) {
                    problems.push((key.clone(), problem));
                }
            }
        }
    }
    for field in shape.fields.iter().filter(|f| shape.requires(f)) {
        if object.get(field.name).is_none_or(Value::is_null) {
            problems.push((field.name.to_owned(), "is required".to_owned()));
        }
    }
    if !problems.is_empty() {
        return Err(RestError::problems(problems));
    }
    Ok(value)
}

/// Whether `value` is of the documented JSON type.
fn has_kind(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// The store a call is about: Komerza names it in the path; the Commerce API uses the
/// `X-Store-Id` header, or the caller's only store. Another tenant's store is `NOT_FOUND`.
async fn resolve_store(
    route: &Route,
    db: &DatabaseConnection,
    principal: &Principal,
    path: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<StoreContext, RestError> {
    let id = match route.family {
        Family::Komerza => path.get("storeId").and_then(|v| Uuid::parse_str(v).ok()),
        Family::Commerce => match headers.get("x-store-id") {
            Some(header) => Some(
                header
                    .to_str()
                    .ok()
                    .and_then(|v| Uuid::parse_str(v.trim()).ok())
                    .ok_or_else(|| RestError::validation("X-Store-Id", "must be a store id (UUID)"))?,
            ),
            None => tenancy::only_store(principal)?,
        },
    };
    let id = id.filter(|id| tenancy::sees_store(principal, *id)).ok_or_else(|| RestError::not_found("store"))?;
    // A body with a store-currency field is checked against the store's currency (and the
    // product answered shows it), so the store is read first; reads select the currency in their
    // document (no statement of their own), and other bodies need no row.
    let checks_currency = route.body.is_some_and(|body| body.fields.iter().any(|f| f.rule == Rule::StoreCurrency));
    let currency = if checks_currency { Some(tenancy::store(db, principal, id).await?.currency_code) } else { None };
    Ok(StoreContext { id, currency })
}

/// Runs the route's document as the caller; the first error (with its code and details, field
/// names translated by the route) becomes the answer. Fields only a store's staff may read are
/// left out of a customer's answer rather than failing it.
async fn execute(
    engine: &Engine,
    (principal, client): (Principal, ClientAddress),
    route: &Route,
    variables: Value,
) -> Result<Value, RestError> {
    let request = async_graphql::Request::new(route.document)
        .variables(async_graphql::Variables::from_json(variables))
        .data(client);
    let response = engine.execute(request, principal, Origin::Route).await;
    let (hidden, errors): (Vec<_>, Vec<_>) = response.errors.iter().partition(|error| {
        let reason = error.extensions.as_ref().and_then(|e| e.get("reason"));
        reason == Some(&async_graphql::Value::from(MERCHANT_ONLY))
    });
    if let Some(error) = errors.first() {
        let extensions = error.extensions.as_ref();
        let code = extensions.and_then(|e| e.get("code")).map(|c| c.to_string().trim_matches('"').to_owned());
        let code = code.as_deref().and_then(Code::parse).unwrap_or(Code::Internal);
        let details = extensions
            .and_then(|e| e.get("details"))
            .and_then(|d| serde_json::to_value(d).ok())
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let field = d["field"].as_str().unwrap_or_default();
                let field = route.renames.iter().find(|(from, _)| *from == field).map_or(field, |(_, to)| to);
                (field.to_owned(), d["message"].as_str().unwrap_or_default().to_owned())
            })
            .collect::<Vec<_>>();
        let message = if details.is_empty() {
            error.message.clone()
        } else {
            details.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; ")
        };
        return Err(RestError { details, ..RestError::new(code, message) });
    }
    let mut data = response.data.into_json().map_err(|_| RestError::new(Code::Internal, "internal error"))?;
    for error in hidden {
        remove_at(&mut data, &error.path);
    }
    Ok(data)
}

/// Removes the object key at the end of `path` (a GraphQL response path) from `data`.
fn remove_at(data: &mut Value, path: &[async_graphql::PathSegment]) {
    let Some((async_graphql::PathSegment::Field(last), parents)) = path.split_last() else { return };
    let parent = parents.iter().try_fold(data, |node, segment| match segment {
        async_graphql::PathSegment::Field(name) => node.get_mut(name.as_str()),
        async_graphql::PathSegment::Index(index) => node.get_mut(*index),
    });
    if let Some(Value::Object(object)) = parent {
        object.remove(last.as_str());
    }
}

/// A JSON number from a GraphQL `Decimal` string (`"19.99"` → `19.99`), for the fields the
/// documents declare as numbers; the digits are kept as they are.
pub fn number(value: &Value) -> Value {
    value.as_str().and_then(|s| serde_json::from_str::<serde_json::Number>(s).ok()).map_or(Value::Null, Value::Number)
}

/// A JSON number as the decimal string GraphQL's `Decimal` takes (digits kept, no float).
pub fn decimal(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.to_string()),
        other => other.clone(),
    }
}
