//! Runs GraphQL requests. The schema is built twice over the same types: `checked` carries the
//! extensions — the cost limits at validation and the policy check on every field — and `fast`
//! carries none, so its fields resolve without a hook apiece. Every request is first validated
//! by `checked`, which measures and limits its cost without executing it (once per document and
//! variables: what passed is remembered, see [`Documents`]); then
//! [`Policy::admits`] reads the document: when the caller may read every field it selects, `fast`
//! runs it; otherwise `checked` does, answering each refused field with its own error exactly as
//! the policy promises. Every response to a valid document reports its cost, and every error has a
//! code.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::Positioned;
use async_graphql::{
    ErrorExtensions, Name, Pos, Request, Response, ServerError, ValidationMode, Value as ConstValue, Variables,
};
use sea_orm::DatabaseConnection;

use super::cost::{self, CostExtension, FixedDocument, SchemaOnly, ValidateOnly};
use super::documents::{Admission, AdmissionKey, Documents};
use super::text_input;
use crate::auth::authenticator::Authenticator;
use crate::auth::principal::Principal;
use crate::egress::Egress;
use crate::error::{ApiError, FieldError};
use crate::graphql::exec::policy::{Policy, PolicyExtension};
use crate::graphql::exec::types::SchemaTypes;
use crate::graphql::exec::{coercion, nulls};
use crate::graphql::load::loaders::{Loaders, Reading};
use crate::graphql::load::pagination::CursorSigner;
use crate::graphql::{builder, ensure_error_codes, sdl, AppSchema};
use crate::limits::{AccountLimits, CostLimits, GraphqlOptions};
use crate::live::{FellBehind, Hub};

/// Whose document a request runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A client's: the cost limits apply.
    Client,
    /// One of the server's own (a REST route's), bounded by its route; see [`FixedDocument`].
    Route,
}

impl Origin {
    /// `request` with what its origin means for the cost limits.
    fn mark(self, request: Request) -> Request {
        match self {
            Origin::Client => request,
            Origin::Route => request.data(FixedDocument),
        }
    }
}

/// The executable schema and what each request needs from the server.
pub struct Engine {
    checked: AppSchema,
    fast: AppSchema,
    policy: Arc<Policy>,
    types: SchemaTypes,
    limits: CostLimits,
    db: DatabaseConnection,
    batch_delay: Duration,
    documents: Documents,
    /// Turns to execute (see [`GraphqlOptions::max_in_flight`]), and the operations waiting for one.
    in_flight: tokio::sync::Semaphore,
    max_in_flight: usize,
    waiting: AtomicUsize,
}

/// Operations executing and waiting to, at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Turns {
    pub executing: usize,
    pub waiting: usize,
}

impl Engine {
    /// The schema over `db`, enforcing the policy its own SDL declares.
    pub fn new(
        db: DatabaseConnection,
        auth: Arc<Authenticator>,
        cursors: CursorSigner,
        options: GraphqlOptions,
        accounts: AccountLimits,
        egress: Egress,
        hub: Arc<Hub>,
    ) -> Result<Self, String> {
        let policy = Arc::new(Policy::from_sdl(&sdl())?);
        let max_in_flight = options.max_in_flight.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        let build = |checked: bool| {
            let mut builder = builder().data(db.clone()).data(auth.clone()).data(cursors.clone()).data(accounts);
            builder = builder.data(egress.clone()).data(hub.clone()).data(policy.clone());
            if checked {
                builder = builder.extension(CostExtension(options.cost)).extension(PolicyExtension(policy.clone()));
            } else {
                // Runs only documents `checked` has just validated in full.
                builder = builder.validation_mode(ValidationMode::Fast);
            }
            if !options.introspection {
                builder = builder.disable_introspection();
            }
            if !options.suggestions {
                builder = builder.disable_suggestions();
            }
            builder.finish()
        };
        Ok(Self {
            checked: build(true),
            fast: build(false),
            policy,
            types: SchemaTypes::from_sdl(&sdl())?,
            limits: options.cost,
            batch_delay: options.batch_delay,
            db,
            documents: Documents::default(),
            in_flight: tokio::sync::Semaphore::new(max_in_flight),
            max_in_flight,
            waiting: AtomicUsize::new(0),
        })
    }

    /// The parsed document of `text`, kept for the requests that send it again (`None` when it
    /// does not parse).
    pub fn document(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        self.documents.parsed(text)
    }

    /// Waits for a turn to execute, held until the answer is complete. The semaphore is never
    /// closed, so a turn always comes.
    async fn turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        /// Counts a waiting operation, also when its client goes away while it waits.
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::Relaxed);
            }
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(&self.waiting);
        self.in_flight.acquire().await.ok()
    }

    /// Operations executing and waiting now (for `/metrics`).
    pub fn turns(&self) -> Turns {
        Turns {
            executing: self.max_in_flight.saturating_sub(self.in_flight.available_permits()),
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }

    /// The limits every client document is held to.
    pub fn cost_limits(&self) -> CostLimits {
        self.limits
    }

    /// Runs `request` as `principal`. Loaders are fresh for each request: nothing is cached
    /// across requests.
    pub async fn execute(&self, request: Request, principal: Principal, origin: Origin) -> Response {
        self.answer(request, principal, origin).await.response
    }

    /// [`Engine::execute`], telling too whether execution started: GraphQL over HTTP answers a
    /// request refused before it (parsing, validation, variables, limits) with 400 when the
    /// client accepts `application/graphql-response+json`.
    pub async fn answer(&self, mut request: Request, principal: Principal, origin: Origin) -> Answer {
        let mut executed = false;
        let mut response = match self.admit(&mut request, origin).await {
            Err(refused) => refused,
            Ok(admitted) => {
                executed = true;
                let _turn = self.turn().await;
                let operation = request.operation_name.clone();
                let open = request
                    .parsed_query()
                    .is_ok_and(|document| self.policy.admits(document, operation.as_deref(), &principal));
                let schema = if open { &self.fast } else { &self.checked };
                let text = (origin == Origin::Client).then(|| request.query.clone());
                let reading = match request.parsed_query().ok().and_then(|d| self::operation(d, operation.as_deref())) {
                    Some(asked) if asked.node.ty == OperationType::Query => Reading::Planned,
                    _ => Reading::Fresh,
                };
                let request = request.data(Loaders::new(&self.db, self.batch_delay, reading)).data(principal);
                let mut response = schema.execute(admitted.mark(request)).await;
                if let Some(text) = text {
                    self.propagate_nulls(&mut response, &text, operation.as_deref());
                }
                cost::report(&mut response, admitted.measured, self.limits);
                response
            }
        };
        ensure_error_codes(&mut response);
        Answer { response, executed }
    }

    /// Null propagation for a client's response (see [`nulls`]); REST routes read their own
    /// documents' answers, where a refused field is left out.
    fn propagate_nulls(&self, response: &mut Response, text: &str, operation_name: Option<&str>) {
        if response.errors.iter().all(|e| e.path.is_empty()) {
            return;
        }
        let Ok(document) = async_graphql::parser::parse_query(text) else { return };
        if let Some(operation) = operation(&document, operation_name) {
            nulls::Shapes::new(&self.types).propagate(response, &document, &operation.node);
        }
    }

    /// Starts a client's operation sent over a WebSocket: a subscription's responses as its
    /// events come (a query or mutation answers once). A document the limits or the GraphQL
    /// rules refuse is the errors; the subscription's own refusals (the policy, tenancy) are its
    /// first response. `behind` is raised if it falls too far behind the events.
    pub async fn subscribe(
        self: &Arc<Self>,
        mut request: Request,
        principal: Principal,
        behind: Arc<FellBehind>,
    ) -> Result<BoxStream<'static, Response>, Vec<ServerError>> {
        let admitted = match self.admit(&mut request, Origin::Client).await {
            Ok(admitted) => admitted,
            Err(refused) => return Err(refused.errors),
        };
        let operation = request.operation_name.clone();
        let is_subscription = request.parsed_query().is_ok_and(|document| {
            self::operation(document, operation.as_deref()).is_some_and(|op| op.node.ty == OperationType::Subscription)
        });
        if !is_subscription {
            let engine = self.clone();
            return Ok(stream::once(async move { engine.execute(request, principal, Origin::Client).await }).boxed());
        }
        let text = request.query.clone();
        let loaders = Loaders::new(&self.db, self.batch_delay, Reading::Fresh);
        let request = request.data(loaders).data(principal).data(behind);
        let engine = self.clone();
        Ok(self
            .checked
            .execute_stream(admitted.mark(request))
            .map(move |mut response| {
                engine.propagate_nulls(&mut response, &text, operation.as_deref());
                ensure_error_codes(&mut response);
                response
            })
            .boxed())
    }

    /// Validates `request` against the GraphQL rules, the cost limits and the text-input checks
    /// without running it (leaving it parsed, its declared defaults filled in): what it costs, or
    /// the response refusing it. A document is parsed, and a document with the same variables
    /// checked, once ([`Documents`]).
    async fn admit(&self, request: &mut Request, origin: Origin) -> Result<Admitted, Response> {
        self.documents.parse(request);
        complete_variables(request);
        let key = AdmissionKey::of(request, origin);
        if let Some(Admission { schema_only, measured }) = self.documents.admitted(&key) {
            return Ok(Admitted { origin, schema_only, measured });
        }
        // The values first: a missing variable or a value its type refuses is named by its
        // field (`items[0].quantity`), which REST routes translate to their own names.
        let variables = std::mem::take(&mut request.variables);
        let operation_name = request.operation_name.clone();
        let values = match request.parsed_query() {
            Ok(document) => {
                let mut refused = missing_variables(document, operation_name.as_deref(), &variables);
                if let (true, Some(asked)) = (refused.is_empty(), operation(document, operation_name.as_deref())) {
                    refused.extend(coercion::problems(&self.types, document, &asked.node, &variables));
                }
                refused
            }
            Err(_) => Vec::new(),
        };
        request.variables = variables;
        if !values.is_empty() {
            return Err(refusal(values));
        }
        let probe = ValidateOnly::default();
        let mut check = Request::new(request.query.clone()).variables(request.variables.clone()).data(probe.share());
        check.operation_name = request.operation_name.clone();
        check.introspection_mode = request.introspection_mode;
        let mut schema_only = false;
        if let Ok(document) = request.parsed_query() {
            // Parsed once for both runs and the policy check.
            check.set_parsed_query(document.clone());
            let asked = operation(document, check.operation_name.as_deref());
            schema_only = asked.is_some_and(|op| asks_only_schema(document, op));
        }
        let mut response = self.checked.execute(mark(origin, schema_only, check)).await;
        let Some(measured) = probe.measured() else {
            ensure_error_codes(&mut response);
            return Err(response);
        };
        let variables = std::mem::take(&mut request.variables);
        let texts = match request.parsed_query() {
            Ok(document) if response.is_ok() => text_input::problems(document, &variables),
            _ => Vec::new(),
        };
        request.variables = variables;
        if !texts.is_empty() {
            response = refusal(texts);
        }
        if !response.is_ok() {
            cost::report(&mut response, measured, self.limits);
            ensure_error_codes(&mut response);
            return Err(response);
        }
        self.documents.remember(key, Admission { schema_only, measured });
        Ok(Admitted { origin, schema_only, measured })
    }
}

/// A request refused for `problems` with its values: one `VALIDATION` error naming each field.
fn refusal(problems: Vec<FieldError>) -> Response {
    // The request's problem, not one place's: no location (Pos::default() would be 0:0).
    let mut error = ApiError::Validation(problems).extend().into_server_error(Pos::default());
    error.locations.clear();
    let mut response = Response::from_errors(vec![error]);
    ensure_error_codes(&mut response);
    response
}

/// A response and whether execution started (see [`Engine::answer`]).
pub struct Answer {
    pub response: Response,
    pub executed: bool,
}

/// A request that passed [`Engine::admit`].
struct Admitted {
    origin: Origin,
    /// It asks only about the schema (see [`asks_only_schema`]).
    schema_only: bool,
    measured: cost::Measured,
}

impl Admitted {
    fn mark(&self, request: Request) -> Request {
        mark(self.origin, self.schema_only, request)
    }
}

/// `request` marked with what its origin and content mean for the cost limits.
fn mark(origin: Origin, schema_only: bool, request: Request) -> Request {
    let request = origin.mark(request);
    if schema_only {
        request.data(SchemaOnly)
    } else {
        request
    }
}

/// Gives every variable the operation declares with a default, and the request does not send,
/// that default. async-graphql applies defaults to arguments but evaluates `@include(if:)` and
/// `@skip(if:)` from the sent variables only, so `query($w: Boolean = true) { a @include(if: $w) }`
/// would leave `a` out; the checks of the request's text read the same completed variables.
fn complete_variables(request: &mut Request) {
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else { return };
    let defaults: Vec<(Name, ConstValue)> = operation(document, operation_name.as_deref())
        .map(|operation| {
            operation
                .node
                .variable_definitions
                .iter()
                .filter_map(|d| d.node.default_value.as_ref().map(|v| (d.node.name.node.clone(), v.node.clone())))
                .collect()
        })
        .unwrap_or_default();
    for (name, value) in defaults {
        request.variables.entry(name).or_insert(value);
    }
}

/// The variables the operation requires (a non-null type, no default) that the request does
/// not give a value: a request error, before execution (async-graphql would run the operation
/// and fail each field that reads one).
fn missing_variables(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Vec<FieldError> {
    let Some(operation) = operation(document, operation_name) else { return Vec::new() };
    operation
        .node
        .variable_definitions
        .iter()
        .filter(|definition| {
            let definition = &definition.node;
            !definition.var_type.node.nullable
                && definition.default_value.is_none()
                && variables.get(&definition.name.node).is_none_or(|value| *value == ConstValue::Null)
        })
        .map(|definition| {
            let (name, ty) = (&definition.node.name.node, &definition.node.var_type.node);
            FieldError {
                field: format!("${name}"),
                message: format!("variable ${name} of required type {ty} was not given a value"),
            }
        })
        .collect()
}

/// The operation a request runs: the one named, or the document's only one.
fn operation<'a>(document: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a Positioned<OperationDefinition>> {
    match (&document.operations, name) {
        (DocumentOperations::Single(only), _) => Some(only),
        (DocumentOperations::Multiple(all), Some(name)) => all.get(name),
        (DocumentOperations::Multiple(all), None) if all.len() == 1 => all.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Whether an operation asks only about the schema (`__schema`, `__type`, `__typename` at its
/// root, fragments included): introspection is exempt from the depth and cost limits meant for
/// data — the standard introspection query of GraphiQL and codegen tools is 13+ levels deep — and
/// stays bounded by the transport's field count (and off in production unless enabled).
fn asks_only_schema(document: &ExecutableDocument, operation: &Positioned<OperationDefinition>) -> bool {
    fn root(document: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        depth < 8
            && set.items.iter().all(|item| match &item.node {
                Selection::Field(field) => field.node.name.node.starts_with("__"),
                Selection::InlineFragment(inline) => root(document, &inline.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| root(document, &fragment.node.selection_set.node, depth + 1)),
            })
    }
    root(document, &operation.node.selection_set.node, 0)
}

#[cfg(test)]
mod tests {

    use super::*;

    const DEFAULTED: &str = "query Q($w: Boolean = true, $s: Boolean = true) { __schema { queryType { a: name @include(if: $w) b: name @skip(if: $s) } } }";

    #[tokio::test]
    async fn declared_defaults_reach_include_and_skip() {
        let schema = crate::graphql::builder().finish();
        // Upstream async-graphql evaluates the directives from the sent variables only. When this
        // assertion fails, the upstream fix has landed and `complete_variables` can go.
        let upstream = schema.execute(Request::new(DEFAULTED)).await;
        assert_eq!(
            upstream.data.to_string(),
            "{__schema: {queryType: {b: \"Query\"}}}",
            "upstream still ignores defaults in directives: {:?}",
            upstream.errors
        );

        let mut request = Request::new(DEFAULTED);
        complete_variables(&mut request);
        let completed = schema.execute(request).await;
        assert_eq!(completed.data.to_string(), "{__schema: {queryType: {a: \"Query\"}}}");

        let mut sent =
            Request::new(DEFAULTED).variables(Variables::from_json(serde_json::json!({ "w": false, "s": false })));
        complete_variables(&mut sent);
        let sent = schema.execute(sent).await.data.to_string();
        assert_eq!(sent, "{__schema: {queryType: {b: \"Query\"}}}", "sent values win over the defaults");
    }
}
