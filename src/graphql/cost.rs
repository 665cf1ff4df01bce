//! Query cost: every operation's depth and complexity are computed before execution (list fields
//! cost their page size or an estimate times their children) and refused, with the limit named
//! and no SQL run, when over the limits. Every response reports the cost in `extensions.cost`:
//! what was requested, what was actually resolved (fields, not counting list items), and the
//! limits, like Shopify's `extensions.cost`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::{QueryPathSegment, Response, ServerError, ServerResult, ValidationResult, Value};

/// Limits on one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
}

impl Default for CostLimits {
    fn default() -> Self {
        Self { max_depth: 10, max_complexity: 25_000 }
    }
}

/// Installs [`CostLimits`] and the cost report on a schema.
pub struct CostExtension(pub CostLimits);

/// Marks a request whose document is one of the server's own (a REST route's), not a client's:
/// its cost is bounded by the route (pages of at most 100), so the limits for client-written
/// documents do not apply; the cost is still measured and reported.
pub struct FixedDocument;

impl ExtensionFactory for CostExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostMeter {
            limits: self.0,
            requested: AtomicUsize::new(0),
            depth: AtomicUsize::new(0),
            resolved: AtomicUsize::new(0),
        })
    }
}

/// The cost of one request.
struct CostMeter {
    limits: CostLimits,
    requested: AtomicUsize,
    depth: AtomicUsize,
    resolved: AtomicUsize,
}

fn refusal(message: String, limit: &str) -> Vec<ServerError> {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "VALIDATION");
    extensions.set("limit", limit);
    error.extensions = Some(extensions);
    vec![error]
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostMeter {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let requested = self.requested.load(Ordering::Relaxed);
        if requested > 0 {
            let cost = async_graphql::value!({
                "requestedQueryCost": requested,
                "actualQueryCost": self.resolved.load(Ordering::Relaxed),
                "depth": self.depth.load(Ordering::Relaxed),
                "maxQueryCost": self.limits.max_complexity,
                "maxDepth": self.limits.max_depth,
            });
            response.extensions.insert("cost".into(), cost);
        }
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        self.requested.store(result.complexity, Ordering::Relaxed);
        self.depth.store(result.depth, Ordering::Relaxed);
        if ctx.data_opt::<FixedDocument>().is_some() {
            return Ok(result);
        }
        if result.depth > self.limits.max_depth {
            let message =
                format!("the query is nested {} levels deep; the limit is {}", result.depth, self.limits.max_depth);
            return Err(refusal(message, "depth"));
        }
        if result.complexity > self.limits.max_complexity {
            let message = format!(
                "the query costs {}; the limit is {} (lists cost their page size times their fields)",
                result.complexity, self.limits.max_complexity
            );
            return Err(refusal(message, "complexity"));
        }
        Ok(result)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if !info.is_for_introspection && matches!(info.path_node.segment, QueryPathSegment::Name(_)) {
            self.resolved.fetch_add(1, Ordering::Relaxed);
        }
        next.run(ctx, info).await
    }
}
