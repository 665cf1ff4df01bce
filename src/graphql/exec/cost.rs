//! Query cost: every operation's depth and complexity are computed before execution (list fields
//! cost their page size or an estimate times their children) and refused, with the limit named
//! and no SQL run, when over the limits. Every response to a valid document reports the cost in
//! `extensions.cost`: what was requested, what was actually resolved (the fields in the answer,
//! not counting list items), and the limits, like Shopify's `extensions.cost`. A dry run carrying
//! [`ValidateOnly`] stops right after validation: the engine measures every document that way
//! before anything executes.

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{Response, ServerError, ValidationResult, Value};

use crate::error::Code;
use crate::limits::CostLimits;

/// Enforces [`CostLimits`] when a document is validated.
pub struct CostExtension(pub CostLimits);

/// Marks a request whose document is one of the server's own (a REST route's), not a client's:
/// its cost is bounded by the route (pages of at most 100), so the limits for client-written
/// documents do not apply; the cost is still measured and reported.
pub struct FixedDocument;

/// Marks a request that asks only about the schema (introspection): measured and reported, but
/// not held to the limits meant for data.
pub struct SchemaOnly;

/// What validating a document measured: its complexity and depth.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub requested: usize,
    pub depth: usize,
}

/// Marks a request that is only to be validated: the limits are checked, what was measured is
/// left here, and the request stops before anything executes.
#[derive(Default)]
pub struct ValidateOnly(Arc<OnceLock<Measured>>);

impl ValidateOnly {
    /// What was measured, once the document passed the GraphQL rules.
    pub fn measured(&self) -> Option<Measured> {
        self.0.get().copied()
    }

    /// Another handle on the same measurement (the request takes one).
    pub fn share(&self) -> Self {
        Self(self.0.clone())
    }
}

impl ExtensionFactory for CostExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostCheck(self.0))
    }
}

struct CostCheck(CostLimits);

fn refusal(message: String, limit: &str) -> Vec<ServerError> {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", Code::Validation.as_str());
    extensions.set("limit", limit);
    error.extensions = Some(extensions);
    vec![error]
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostCheck {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let probe = ctx.data_opt::<ValidateOnly>();
        if let Some(probe) = probe {
            // Set once per request: a second value cannot occur.
            let _ = probe.0.set(Measured { requested: result.complexity, depth: result.depth });
        }
        let limits = self.0;
        let exempt = ctx.data_opt::<FixedDocument>().is_some() || ctx.data_opt::<SchemaOnly>().is_some();
        if !exempt {
            if result.depth > limits.max_depth {
                let message =
                    format!("the query is nested {} levels deep; the limit is {}", result.depth, limits.max_depth);
                return Err(refusal(message, "depth"));
            }
            if result.complexity > limits.max_complexity {
                let message = format!(
                    "the query costs {}; the limit is {} (lists cost their page size times their fields)",
                    result.complexity, limits.max_complexity
                );
                return Err(refusal(message, "complexity"));
            }
        }
        if probe.is_some() {
            // Validated only: stop before execution, without an error.
            return Err(Vec::new());
        }
        Ok(result)
    }
}

/// Adds `extensions.cost` to a response: what validation measured, the fields the answer holds,
/// and the limits.
pub fn report(response: &mut Response, measured: Measured, limits: CostLimits) {
    let cost = async_graphql::value!({
        "requestedQueryCost": measured.requested,
        "actualQueryCost": fields_in(&response.data),
        "depth": measured.depth,
        "maxQueryCost": limits.max_complexity,
        "maxDepth": limits.max_depth,
    });
    response.extensions.insert("cost".into(), cost);
}

/// Fields in an answer, at every level, not counting list items. Every key counts, introspection
/// included: the answer cannot tell `__typename` from a field aliased `__x`.
fn fields_in(value: &Value) -> usize {
    match value {
        Value::Object(fields) => fields.values().map(|value| 1 + fields_in(value)).sum(),
        Value::List(items) => items.iter().map(fields_in).sum(),
        _ => 0,
    }
}
