//! Command-line interface: flags with environment fallbacks, and the subcommands.

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

use crate::limits::OnStoreFailure;

/// GraphQL gateway over a multi-tenant commerce domain, with a REST compatibility shim.
#[derive(Debug, Parser)]
#[command(name = "commerce-gateway", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,

    /// Database to use: `sqlite://FILE?mode=rwc` or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://commerce.db?mode=rwc", global = true)]
    pub database_url: String,

    /// Largest number of pooled database connections (at least 2). Default: 8 on PostgreSQL;
    /// on SQLite the number of CPU cores, from 2 to 8.
    #[arg(long, env = "DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,

    /// Seed the demo data (idempotently) and print demo logins and a ready API key at start-up.
    #[arg(long, env = "DEMO", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,

    /// `development` allows conveniences such as a random JWT secret; `production` refuses them.
    #[arg(long, env = "APP_ENV", value_enum, default_value_t = AppEnv::Development, global = true)]
    pub app_env: AppEnv,

    /// Rate limiting of API routes (`on`, the default, or `off`).
    #[arg(long, env = "RATE_LIMIT", value_enum, default_value_t = Switch::On, global = true)]
    pub rate_limit: Switch,

    /// Anonymous bucket: tokens it holds.
    #[arg(long, env = "RATE_LIMIT_ANON_BURST", default_value_t = 10, global = true)]
    pub rate_limit_anon_burst: u32,

    /// Anonymous bucket: milliseconds for one token to come back (1750 = 4 every 7 s).
    #[arg(long, env = "RATE_LIMIT_ANON_PERIOD_MS", default_value_t = 1750, global = true)]
    pub rate_limit_anon_period_ms: u64,

    /// Authenticated bucket (per API key or user): tokens it holds.
    #[arg(long, env = "RATE_LIMIT_AUTH_BURST", default_value_t = 12, global = true)]
    pub rate_limit_auth_burst: u32,

    /// Authenticated bucket: milliseconds for one token to come back (500 = 4 every 2 s).
    #[arg(long, env = "RATE_LIMIT_AUTH_PERIOD_MS", default_value_t = 500, global = true)]
    pub rate_limit_auth_period_ms: u64,

    /// Commerce API bucket (`/v2`, per API key or user): tokens it holds.
    #[arg(long, env = "RATE_LIMIT_V2_BURST", default_value_t = 1000, global = true)]
    pub rate_limit_v2_burst: u32,

    /// Commerce API bucket: milliseconds for one token to come back (60 = 1 000 a minute).
    #[arg(long, env = "RATE_LIMIT_V2_PERIOD_MS", default_value_t = 60, global = true)]
    pub rate_limit_v2_period_ms: u64,

    /// Keep rate-limit buckets in this Redis, shared by every replica (`redis://host:6379`);
    /// without it each process keeps its own.
    #[arg(long, env = "RATE_LIMIT_REDIS_URL", global = true, hide_env_values = true)]
    pub rate_limit_redis_url: Option<String>,

    /// When the Redis of `RATE_LIMIT_REDIS_URL` does not answer: `allow` the request, or limit
    /// it with this process's own buckets (`local`). Counted in `/metrics` either way.
    #[arg(long, env = "RATE_LIMIT_REDIS_FAILURE", value_enum, default_value_t = OnStoreFailure::Allow, global = true)]
    pub rate_limit_redis_failure: OnStoreFailure,

    /// Proxy addresses whose `X-Forwarded-For` is trusted for the client address (comma-separated).
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Browser origins allowed to call the API (CORS), comma-separated, e.g. `https://shop.example`.
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,

    /// Largest GraphQL request body in bytes.
    #[arg(long, env = "GRAPHQL_MAX_BODY_BYTES", default_value_t = 1 << 20, global = true)]
    pub graphql_max_body_bytes: usize,

    /// Longest GraphQL document in characters.
    #[arg(long, env = "GRAPHQL_MAX_QUERY_LEN", default_value_t = 16 * 1024, global = true)]
    pub graphql_max_query_len: usize,

    /// Most aliases in one GraphQL document.
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = 30, global = true)]
    pub graphql_max_aliases: usize,

    /// Most root fields in one GraphQL operation.
    #[arg(long, env = "GRAPHQL_MAX_ROOT_FIELDS", default_value_t = 15, global = true)]
    pub graphql_max_root_fields: usize,

    /// Deepest nesting of one GraphQL operation.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 10, global = true)]
    pub graphql_max_depth: usize,

    /// Highest cost of one GraphQL operation (lists cost their page size times their fields);
    /// also the most fields a document may select with its fragments expanded.
    #[arg(long, env = "GRAPHQL_MAX_COMPLEXITY", default_value_t = 25_000, global = true)]
    pub graphql_max_complexity: usize,

    /// Microseconds a loader waits after a level's first key for the level's other keys (more
    /// gathers larger levels into one statement; less lowers latency).
    #[arg(long, env = "GRAPHQL_BATCH_DELAY_US", default_value_t = 1000, global = true)]
    pub graphql_batch_delay_us: u64,

    /// Most GraphQL operations executing at once (at least 1); more wait for their turn,
    /// parsed and admitted, holding no rows. Default: 8 per pooled database connection.
    #[arg(long, env = "GRAPHQL_MAX_IN_FLIGHT", global = true)]
    pub graphql_max_in_flight: Option<usize>,

    /// Accept JSON arrays of GraphQL operations (`on`/`off`, default off).
    #[arg(long, env = "GRAPHQL_BATCHING", value_enum, default_value_t = Switch::Off, global = true)]
    pub graphql_batching: Switch,

    /// Schema introspection (default: on in development, off in production).
    #[arg(long, env = "GRAPHQL_INTROSPECTION", value_enum, global = true)]
    pub graphql_introspection: Option<Switch>,

    /// "Did you mean …?" suggestions in errors (default: on in development, off in production).
    #[arg(long, env = "GRAPHQL_SUGGESTIONS", value_enum, global = true)]
    pub graphql_suggestions: Option<Switch>,

    /// Live API keys one user may hold (1–100000); creating another is a `CONFLICT`.
    #[arg(
        long,
        env = "MAX_API_KEYS_PER_USER",
        default_value_t = crate::limits::DEFAULT_MAX_API_KEYS,
        value_parser = clap::value_parser!(u32).range(1..=100_000),
        global = true
    )]
    pub max_api_keys_per_user: u32,

    /// Webhook endpoints one user may register (1–1000); registering another is a `CONFLICT`.
    #[arg(
        long,
        env = "MAX_WEBHOOKS_PER_USER",
        default_value_t = crate::limits::DEFAULT_MAX_WEBHOOKS,
        value_parser = clap::value_parser!(u32).range(1..=1000),
        global = true
    )]
    pub max_webhooks_per_user: u32,

    /// Webhook deliveries: wait before each retry after a failed attempt, comma-separated
    /// durations (`ms`, `s`, `m`, `h`, `d`); one more attempt than entries is made in all.
    #[arg(long, env = "WEBHOOK_RETRY_SCHEDULE", default_value = DEFAULT_RETRY_SCHEDULE, value_parser = parse_schedule, global = true)]
    pub webhook_retry_schedule: Schedule,

    /// Webhook deliveries: seconds an attempt may take in all (connect, send, read).
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECS", default_value_t = DEFAULT_WEBHOOK_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=120), global = true)]
    pub webhook_timeout_secs: u64,

    /// An endpoint whose deliveries have all failed for this long is disabled (a duration).
    #[arg(long, env = "WEBHOOK_DISABLE_AFTER", default_value = DEFAULT_DISABLE_AFTER, value_parser = parse_duration, global = true)]
    pub webhook_disable_after: std::time::Duration,

    /// Accept plain `http://` webhook URLs (development only; production refuses it).
    #[arg(long, env = "WEBHOOK_ALLOW_HTTP", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub webhook_allow_http: bool,

    /// Networks (CIDRs, comma-separated) webhook endpoints may be in although they are
    /// private, loopback or otherwise internal, e.g. `127.0.0.0/8` for a local receiver.
    #[arg(long, env = "WEBHOOK_ALLOWED_NETWORKS", value_delimiter = ',', global = true)]
    pub webhook_allowed_networks: Vec<ipnet::IpNet>,

    /// GraphQL subscriptions: open WebSocket connections per login session or API key.
    #[arg(long, env = "WS_MAX_CONNECTIONS", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    pub ws_max_connections: u16,

    /// GraphQL subscriptions: operations running at once on one connection.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    pub ws_max_subscriptions: u16,

    /// GraphQL subscriptions: seconds between the server's pings on a connection.
    #[arg(long, env = "WS_KEEPALIVE_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub ws_keepalive_secs: u64,

    /// GraphQL subscriptions: events kept for subscribers that are behind; a subscriber further
    /// behind is disconnected (close code 1013, try again later).
    #[arg(long, env = "WS_EVENT_BUFFER", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(16..=1_000_000), global = true)]
    pub ws_event_buffer: u32,

    /// Seconds a server told to stop (SIGTERM) keeps serving while `/readyz` answers 503, so a
    /// load balancer takes it out of rotation before it stops accepting connections.
    #[arg(long, env = "SHUTDOWN_DRAIN_SECS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=600), global = true)]
    pub shutdown_drain_secs: u64,

    /// Days a delivered order line stays unreviewed before a store with automatic reviews on
    /// writes its 5-star automatic review.
    #[arg(long, env = "AUTOMATIC_REVIEW_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u16).range(1..=365), global = true)]
    pub automatic_review_days: u16,

    /// GraphiQL: the base URL its pinned React and GraphiQL files are loaded from (unpkg's
    /// layout, `name@version/path`).
    #[arg(long, env = "GRAPHIQL_ASSETS_URL", default_value = DEFAULT_GRAPHIQL_ASSETS_URL, global = true)]
    pub graphiql_assets_url: String,

    /// GraphiQL: a folder holding those files (fill it with `scripts/graphiql-assets.sh DIR`),
    /// served by this server instead of loading them from GRAPHIQL_ASSETS_URL.
    #[arg(long, env = "GRAPHIQL_ASSETS_DIR", global = true)]
    pub graphiql_assets_dir: Option<std::path::PathBuf>,

    /// Log lines for people (`human`) or for log collectors (`json`).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
}

/// Where GraphiQL's pinned files come from unless configured (shared with
/// [`crate::config::GraphiqlAssets::default`]).
pub const DEFAULT_GRAPHIQL_ASSETS_URL: &str = "https://unpkg.com";

/// The webhook defaults, shared by the flags and [`crate::config::WebhookSettings::default`].
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,10h";
pub const DEFAULT_WEBHOOK_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_DISABLE_AFTER: &str = "5d";

/// Waits between webhook attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(pub Vec<std::time::Duration>);

/// A duration such as `250ms`, `5s`, `30m`, `2h` or `5d`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration such as 5s or 30m"))?;
    let millis = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("{text:?} needs a unit: ms, s, m, h or d")),
    };
    number
        .checked_mul(millis)
        .filter(|ms| *ms <= 30 * 86_400_000)
        .map(std::time::Duration::from_millis)
        .ok_or_else(|| format!("{text:?} is longer than 30 days"))
}

pub fn parse_schedule(text: &str) -> Result<Schedule, String> {
    let waits = text.split(',').map(parse_duration).collect::<Result<Vec<_>, _>>()?;
    if waits.len() > 20 {
        return Err("at most 20 retries".into());
    }
    Ok(Schedule(waits))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) and exit.
    Schema,
    /// Add generated stores (with products, variants, custom fields and options) owned by an
    /// existing user, for benchmarks and for trying the API at scale.
    Seed {
        /// Email of the user who will own the stores.
        #[arg(long)]
        owner: String,
        /// Stores to add (1–1000).
        #[arg(long, default_value_t = 10)]
        stores: usize,
        /// Products per store (0–10000).
        #[arg(long, default_value_t = 20)]
        products: usize,
        /// Variants per product (1–10).
        #[arg(long, default_value_t = 3)]
        variants: usize,
        /// Custom fields per variant (0–10).
        #[arg(long, default_value_t = 2)]
        fields: usize,
        /// Options per custom field (0–10).
        #[arg(long, default_value_t = 2)]
        options: usize,
    },
    /// Manage users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user who can log in.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Self::On
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}
