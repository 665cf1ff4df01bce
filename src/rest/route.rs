//! What a REST route is: a row of the route table. It names a GraphQL document, how the request
//! (path, query string, body, headers) becomes the document's variables, and how the result
//! becomes the family's response. Everything else — authentication, scopes, tenancy,
//! validation, loaders — happens in the GraphQL schema, exactly as for GraphQL clients.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::principal::Principal;

use crate::error::{ApiError, Code};

/// The API family a route belongs to; it decides the envelopes and error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Commerce API 2.4.0 under `/v2`: bare objects, `{data, total, page, pageSize, pages}`
    /// lists, `{code, message, details}` errors.
    Commerce,
    /// Komerza at the root: `{success, message, code, data}` envelopes.
    Komerza,
}

/// A documented body field: its name, JSON type (for the OpenAPI document) and whether it is
/// required. Fields a body may not carry (ids, prices of order lines, …) are simply not listed:
/// the shim refuses unlisted fields with a 400.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: bool,
    /// What a value of the right JSON type must also be.
    pub rule: Rule,
}

/// A body field's rule beyond its JSON type, checked with every other problem of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    None,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An absolute http(s) URL.
    WebUrl,
    /// The code of the store's currency.
    StoreCurrency,
    /// Text of this many characters (the domain's bounds, so both say the same).
    Length(usize, usize),
}

pub const fn field(name: &'static str, kind: &'static str, required: bool) -> Field {
    Field { name, kind, required, rule: Rule::None }
}

/// A string field with a rule.
pub const fn rule(name: &'static str, rule: Rule, required: bool) -> Field {
    Field { rule, ..field(name, "string", required) }
}

/// A string field of `length` characters.
pub const fn text(name: &'static str, length: std::ops::RangeInclusive<usize>, required: bool) -> Field {
    rule(name, Rule::Length(*length.start(), *length.end()), required)
}

impl Field {
    /// What is wrong with a value of the right JSON type, if anything; `currency` is the store's.
    pub fn problem(&self, value: &Value, currency: Option<&str>) -> Option<String> {
        let text = value.as_str()?;
        match self.rule {
            Rule::OneOf(values) if !values.contains(&text) => Some(format!("must be one of {}", values.join(", "))),
            Rule::WebUrl if !crate::domain::validate::is_web_url(text) => {
                Some("must be an absolute http(s) URL, such as https://cdn.example.com/shoe.jpg".to_owned())
            }
            Rule::StoreCurrency => match currency {
                Some(store) if store != text => Some(format!("must be the store's currency, {store}")),
                _ => None,
            },
            Rule::Length(min, max) => crate::domain::validate::length_problem(text, &(min..=max)),
            _ => None,
        }
    }

    /// The field's JSON Schema; a field that may be left out may also be null.
    pub fn schema(&self, optional: bool) -> Value {
        let mut schema = serde_json::json!({ "type": if optional { serde_json::json!([self.kind, "null"]) } else { serde_json::json!(self.kind) } });
        match self.rule {
            Rule::OneOf(values) => schema["enum"] = serde_json::json!(values),
            Rule::WebUrl => schema["format"] = serde_json::json!("uri"),
            Rule::StoreCurrency => {
                schema["pattern"] = serde_json::json!("^[A-Z]{3}$");
                schema["description"] = serde_json::json!("ISO 4217 code of the store's currency");
            }
            Rule::Length(min, max) => {
                schema["minLength"] = serde_json::json!(min);
                schema["maxLength"] = serde_json::json!(max);
            }
            Rule::None => {}
        }
        schema
    }
}

/// The JSON body a route takes: its fields, and whether they are all optional (a partial update
/// with the create form's fields).
#[derive(Debug, Clone, Copy)]
pub struct Body {
    pub fields: &'static [Field],
    pub partial: bool,
}

impl Body {
    /// Whether `field` must be present.
    pub fn requires(&self, field: &Field) -> bool {
        field.required && !self.partial
    }
}

/// A body of these fields, the required ones required.
pub const fn form(fields: &'static [Field]) -> Option<Body> {
    Some(Body { fields, partial: false })
}

/// A partial update with a form's fields: each may be left out.
pub const fn patch(fields: &'static [Field]) -> Option<Body> {
    Some(Body { fields, partial: true })
}

/// What a route answers when it succeeds, in its family's envelope; the object is a schema
/// of [`super::schemas`].
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// 200 with one object.
    One(&'static str),
    /// 201 with the object the call made.
    Created(&'static str),
    /// 200 with a page of objects: Commerce `{data, total, page, pageSize, pages}`, Komerza
    /// `{success, pages, data}`.
    Page(&'static str),
    /// Nothing to show: the Commerce API's 204 without a body, Komerza's 200 with `data: null`.
    Nothing,
}

/// A query-string parameter a route reads, and what its value must be. [`super::run`] checks
/// every one present before the route's own code reads it, and the OpenAPI document types it.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// What a query parameter's value must be.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A whole number in this range.
    Whole(i64, i64),
    /// Text of 1 to this many characters.
    Text(usize),
    /// A UUID.
    Id,
    /// An ISO 8601 (RFC 3339) date-time.
    Time,
    /// `true` or `false`.
    Flag,
    /// One of these words (in any letter case).
    OneOf(&'static [&'static str]),
}

pub const fn param(name: &'static str, kind: Kind) -> Param {
    Param { name, kind }
}

impl Param {
    /// What is wrong with `value`, if anything.
    pub fn problem(&self, value: &str) -> Option<String> {
        let unless = |fits: bool, problem: &str| (!fits).then(|| problem.to_owned());
        match self.kind {
            Kind::Whole(min, max) => unless(
                value.parse::<i64>().is_ok_and(|n| (min..=max).contains(&n)),
                &format!("must be a whole number from {min} to {max}"),
            ),
            Kind::Text(max) => crate::domain::validate::length_problem(value, &(1..=max)),
            Kind::Id => {
                unless(Uuid::parse_str(value).is_ok(), "must be a UUID, such as 3c90c3cc-0d44-4b50-8888-8dd25736052a")
            }
            Kind::Time => unless(
                chrono::DateTime::parse_from_rfc3339(value).is_ok(),
                "must be an ISO 8601 date-time, such as 2026-01-31T00:00:00Z",
            ),
            Kind::Flag => unless(matches!(value, "true" | "false"), "must be true or false"),
            Kind::OneOf(words) => unless(
                words.iter().any(|w| w.eq_ignore_ascii_case(value)),
                &format!("must be one of {}", words.join(", ")),
            ),
        }
    }

    /// The parameter's JSON Schema.
    pub fn schema(&self) -> Value {
        use serde_json::json;
        match self.kind {
            Kind::Whole(min, max) => json!({ "type": "integer", "minimum": min, "maximum": max }),
            Kind::Text(max) => json!({ "type": "string", "minLength": 1, "maxLength": max }),
            Kind::Id => json!({ "type": "string", "format": "uuid" }),
            Kind::Time => json!({ "type": "string", "format": "date-time" }),
            Kind::Flag => json!({ "type": "boolean" }),
            Kind::OneOf(words) => json!({ "type": "string", "enum": words }),
        }
    }
}

/// The largest page a list answers.
pub const MAX_PAGE_SIZE: i64 = 100;
/// The furthest page: the first 100 000 items (at one item a page).
const MAX_PAGE: i64 = crate::graphql::load::pagination::MAX_OFFSET as i64 + 1;
/// Komerza's paging parameters.
pub const PAGE: Param = param("Page", Kind::Whole(1, MAX_PAGE));
pub const PAGE_SIZE: Param = param("PageSize", Kind::Whole(1, MAX_PAGE_SIZE));

/// One REST call, parsed.
pub struct RestRequest {
    pub path: HashMap<String, String>,
    pub query: HashMap<String, String>,
    /// The JSON body (`Null` when the route takes none).
    pub body: Value,
    /// The store the call is about: the `{storeId}` of Komerza paths, or for the Commerce API the
    /// caller's store (see [`super::store`]).
    pub store: Option<StoreContext>,
    pub idempotency_key: Option<String>,
    /// Whether the caller presented an API key (not a login session).
    pub api_key: bool,
    /// The caller, for routes whose answer holds parts only some scopes may read.
    pub principal: Principal,
}

/// The store a call is about.
#[derive(Debug, Clone)]
pub struct StoreContext {
    pub id: Uuid,
    /// The store's currency, read before a write whose body has a currency field (reads
    /// select it themselves).
    pub currency: Option<String>,
}

/// A failure before or after the GraphQL document ran, with a GraphQL-style code (and, for
/// transport problems such as a wrong content type, the HTTP status to use).
#[derive(Debug)]
pub struct RestError {
    pub code: Code,
    pub message: String,
    pub details: Vec<(String, String)>,
    pub status: Option<StatusCode>,
}

impl RestError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: vec![], status: None }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            details: vec![(field.to_owned(), message.clone())],
            ..Self::new(Code::Validation, format!("{field}: {message}"))
        }
    }

    /// A `VALIDATION` error listing every `(field, message)` problem, in one answer.
    pub fn problems(problems: Vec<(String, String)>) -> Self {
        let message = problems.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; ");
        Self { details: problems, ..Self::new(Code::Validation, message) }
    }

    /// Merges the problems of several errors (each a `VALIDATION` one) into one.
    pub fn merged(errors: Vec<RestError>) -> Self {
        Self::problems(errors.into_iter().flat_map(|e| e.details).collect())
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    /// A transport-level refusal with its own status (413, 415).
    pub fn transport(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status: Some(status), ..Self::new(Code::Validation, message) }
    }
}

impl From<ApiError> for RestError {
    fn from(error: ApiError) -> Self {
        let details: Vec<(String, String)> =
            error.details().iter().map(|d| (d.field.clone(), d.message.clone())).collect();
        let message = match &error {
            ApiError::Internal(source) => {
                tracing::error!(error = %source, "internal error while answering a REST call");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        Self { code: error.code(), message, details, status: None }
    }
}

/// A row the document answered, or `NOT_FOUND` when it answered null (the path's ids were
/// checked against the called store before the document ran).
pub fn found<'a>(row: &'a Value, what: &str) -> Result<&'a Value, RestError> {
    if row.is_null() {
        Err(RestError::not_found(what))
    } else {
        Ok(row)
    }
}

/// A successful answer: its status and body (none for 204).
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
}

pub type Variables = fn(&RestRequest) -> Result<Value, RestError>;
pub type Respond = fn(&RestRequest, &Value) -> Result<Reply, RestError>;

/// A row of the route table.
pub struct Route {
    pub family: Family,
    pub method: Method,
    /// The path with `{name}` parameters, as axum and OpenAPI write it.
    pub path: &'static str,
    pub summary: &'static str,
    /// Whether the call needs a credential (login and refresh do not).
    pub authenticated: bool,
    /// Whether the call is about one store (resolved before the document runs).
    pub store_scoped: bool,
    /// Query-string parameters it reads.
    pub query: &'static [Param],
    /// The body it accepts; `None` for routes without a body.
    pub body: Option<Body>,
    /// How GraphQL input paths in error details read in this API (`variants[0].cost` → `price`).
    pub renames: &'static [(&'static str, &'static str)],
    /// What it answers when it succeeds.
    pub answer: Answer,
    /// The GraphQL document it runs.
    pub document: &'static str,
    pub variables: Variables,
    pub respond: Respond,
}

impl RestRequest {
    /// A body field, if present and not null.
    pub fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.get(name).filter(|v| !v.is_null())
    }

    /// A path parameter that must be a UUID; anything else answers as a missing resource.
    pub fn path_uuid(&self, name: &str, what: &str) -> Result<Uuid, RestError> {
        self.path.get(name).and_then(|v| Uuid::parse_str(v).ok()).ok_or_else(|| RestError::not_found(what))
    }

    pub fn store_id(&self) -> Result<Uuid, RestError> {
        self.store.as_ref().map(|s| s.id).ok_or_else(|| RestError::not_found("store"))
    }

    /// The page number (1-based) and page size (1–100, default 20) in the query parameters named
    /// `page` and `size`, as a page size and an offset.
    pub fn paging(&self, page: &str, size: &str) -> Result<(i64, i64), RestError> {
        let number = self.query_parse::<i64>(page, "a whole number")?.unwrap_or(1);
        let length = self.query_parse::<i64>(size, "a whole number")?.unwrap_or(20);
        if !(1..=MAX_PAGE_SIZE).contains(&length) {
            return Err(RestError::validation(size, format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
        let offset = number
            .checked_sub(1)
            .and_then(|skipped| skipped.checked_mul(length))
            .filter(|offset| (0..=i64::from(crate::graphql::load::pagination::MAX_OFFSET)).contains(offset));
        let offset = offset
            .ok_or_else(|| RestError::validation(page, "must be at least 1 and not beyond the first 100000 items"))?;
        Ok((length, offset))
    }

    /// A query parameter parsed as `T`, or a validation error naming it.
    pub fn query_parse<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, RestError> {
        match self.query.get(name) {
            None => Ok(None),
            Some(raw) => raw.parse().map(Some).map_err(|_| RestError::validation(name, format!("must be {what}"))),
        }
    }
}
