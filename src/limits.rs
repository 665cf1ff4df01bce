//! The limits and options of a deployment, as plain values: read from flags and environment by
//! `config`, enforced by `http` (transport, rate limits), `graphql` (cost) and `domain`
//! (accounts). A leaf module, so none of those needs another to name its limits.

use std::time::Duration;

/// Live API keys a user may hold unless configured otherwise.
pub const DEFAULT_MAX_API_KEYS: u32 = 50;
/// Default cap on webhook endpoints per user.
pub const DEFAULT_MAX_WEBHOOKS: u32 = 20;

/// Limits of the GraphQL transport, per deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportLimits {
    /// Largest request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Longest query document, in characters (400 beyond).
    pub max_query_len: usize,
    /// Most aliased fields in one document.
    pub max_aliases: usize,
    /// Most fields at the root of the executed operation.
    pub max_root_fields: usize,
    /// Whether a JSON array of operations is accepted.
    pub batching: bool,
}

impl Default for TransportLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_query_len: 16 * 1024,
            max_aliases: 30,
            max_root_fields: 15,
            batching: false,
        }
    }
}

/// Limits of GraphQL subscriptions over WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveLimits {
    /// Open WebSocket connections per credential (login session or API key).
    pub max_connections: usize,
    /// Operations running at once on one connection.
    pub max_subscriptions: usize,
    /// How often the server pings an idle connection.
    pub keepalive: Duration,
    /// How long a new connection has to send `connection_init`.
    pub init_timeout: Duration,
    /// Events a process keeps for subscribers that are behind; one further behind is dropped.
    pub buffer: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            max_connections: 10,
            max_subscriptions: 20,
            keepalive: Duration::from_secs(15),
            init_timeout: Duration::from_secs(10),
            buffer: 1024,
        }
    }
}

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

/// One bucket shape: how many tokens it holds and how long one token takes to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub burst: u32,
    pub period: Duration,
}

/// What a request gets when the shared rate-limit store (Redis) does not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OnStoreFailure {
    /// Admitted (and counted in `/metrics`).
    #[default]
    Allow,
    /// Limited by this replica's own buckets, as without a shared store.
    Local,
}

/// The limits of a deployment, per surface: anonymous callers by address everywhere; verified
/// callers per API key or user, with the Komerza numbers on GraphQL and the Komerza routes and
/// the Commerce API's own on `/v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub anonymous: Bucket,
    /// A verified caller on GraphQL (HTTP and WebSocket) and the Komerza routes.
    pub authenticated: Bucket,
    /// A verified caller on the Commerce API (`/v2`), a bucket apart.
    pub commerce: Bucket,
    /// When buckets are shared (Redis) and the store does not answer.
    pub on_store_failure: OnStoreFailure,
}

impl RateLimits {
    /// The documented limits: Komerza's anonymous 10 tokens, +4 every 7 s, and authenticated 12,
    /// +4 every 2 s; the Commerce API's 1 000 requests a minute per key.
    pub fn documented() -> Self {
        Self {
            anonymous: Bucket { burst: 10, period: Duration::from_millis(1750) },
            authenticated: Bucket { burst: 12, period: Duration::from_millis(500) },
            commerce: Bucket { burst: 1000, period: Duration::from_millis(60) },
            on_store_failure: OnStoreFailure::Allow,
        }
    }
}

/// Schema features that help developers and help attackers as much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphqlOptions {
    pub introspection: bool,
    pub suggestions: bool,
    pub cost: CostLimits,
    /// How long loaders wait after a level's first key for the level's other keys.
    pub batch_delay: Duration,
    /// Most operations executing at once. An answer's memory (its rows and values) lives while
    /// it executes, so this bounds the memory of answers under a flood of requests; operations
    /// beyond it wait.
    pub max_in_flight: usize,
}

impl Default for GraphqlOptions {
    fn default() -> Self {
        Self {
            introspection: true,
            suggestions: true,
            cost: CostLimits::default(),
            batch_delay: Duration::from_millis(1),
            max_in_flight: 64,
        }
    }
}

/// Bounds on what one user may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    /// Live (unrevoked) API keys per user.
    pub max_api_keys: u32,
    /// Webhook endpoints per user.
    pub max_webhooks: u32,
}

impl Default for AccountLimits {
    fn default() -> Self {
        Self { max_api_keys: DEFAULT_MAX_API_KEYS, max_webhooks: DEFAULT_MAX_WEBHOOKS }
    }
}
