//! Runtime configuration, assembled once from flags and environment. Secrets are wrapped so
//! they never print.

use std::fmt;
use std::net::SocketAddr;

use anyhow::bail;
use base64::Engine;
use rand::RngCore;

use std::time::Duration;

use crate::cli::{self, AppEnv, Cli, Switch};
use crate::domain::reviews::ReviewSettings;
use crate::egress::Egress;
use crate::limits::{AccountLimits, Bucket, CostLimits, GraphqlOptions, LiveLimits, RateLimits, TransportLimits};

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: DatabaseConfig,
    pub jwt_secret: Secret,
    pub environment: AppEnv,
    pub demo: bool,
    /// `None` turns rate limiting off.
    pub rate_limits: Option<RateLimits>,
    /// Proxies whose `X-Forwarded-For` is believed; the client is the nearest address not in it.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where rate-limit buckets shared by every replica live (Redis); `None` keeps them in the
    /// process.
    pub rate_limit_store: Option<Secret>,
    pub transport: TransportLimits,
    pub graphql: GraphqlOptions,
    pub accounts: AccountLimits,
    pub cors_origins: Vec<String>,
    pub webhooks: WebhookSettings,
    pub live: LiveLimits,
    pub graphiql: GraphiqlAssets,
    /// How long a stopping server keeps serving with `/readyz` answering 503.
    pub drain: Duration,
    /// When delivered order lines left unreviewed get the store's automatic review.
    pub reviews: ReviewSettings,
}

/// Where the GraphiQL page loads its pinned React and GraphiQL files from.
#[derive(Debug, Clone)]
pub struct GraphiqlAssets {
    /// The base the pinned paths are appended to (unpkg's layout: `name@version/path`).
    pub url: String,
    /// A folder holding the pinned files in that layout, which this server then serves itself.
    pub dir: Option<std::path::PathBuf>,
}

impl Default for GraphiqlAssets {
    fn default() -> Self {
        Self { url: crate::cli::DEFAULT_GRAPHIQL_ASSETS_URL.to_owned(), dir: None }
    }
}

/// How webhook deliveries are made.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// What endpoints may be (checked at registration and at every attempt).
    pub egress: Egress,
    /// Wait before each retry; `retry_schedule.len() + 1` attempts in all.
    pub retry_schedule: Vec<Duration>,
    /// Longest attempt (connect, send, read).
    pub timeout: Duration,
    /// An endpoint failing this long is disabled.
    pub disable_after: Duration,
    /// How often the worker looks for due work when nothing wakes it.
    pub poll_interval: Duration,
    /// Attempts in flight at once per replica.
    pub concurrency: usize,
    /// Run the delivery worker in this process.
    pub worker: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            egress: Egress::default(),
            retry_schedule: cli::parse_schedule(cli::DEFAULT_RETRY_SCHEDULE).map(|s| s.0).unwrap_or_default(),
            timeout: Duration::from_secs(cli::DEFAULT_WEBHOOK_TIMEOUT_SECS),
            disable_after: cli::parse_duration(cli::DEFAULT_DISABLE_AFTER).unwrap_or_default(),
            poll_interval: Duration::from_millis(500),
            concurrency: 16,
            worker: true,
        }
    }
}

/// The pool size when none is configured. PostgreSQL connections spend much of their time
/// waiting on the network and the server, so 8 keep its cores busy. SQLite runs in this process
/// and each connection works on a thread of its own: connections beyond the cores only add
/// threads, contention and memory (`bench/catalog.sh` measured the same throughput with 2
/// connections as with 8 on 2 cores, at 104 instead of 156 MB peak RSS, and `bench/orders.sh` a
/// p99 of 42 instead of 236 ms for createOrder).
fn default_pool(url: &str) -> u32 {
    if url.starts_with("sqlite:") {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        u32::try_from(cores.clamp(2, 8)).unwrap_or(2)
    } else {
        8
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: Secret,
    pub max_connections: u32,
}

impl DatabaseConfig {
    pub fn from_cli(cli: &Cli) -> Self {
        let max_connections = cli.db_max_connections.unwrap_or_else(|| default_pool(&cli.database_url));
        Self { url: Secret::new(cli.database_url.clone()), max_connections: max_connections.max(2) }
    }

    /// The URL with any password replaced, for messages and logs.
    pub fn redacted_url(&self) -> String {
        let url = self.url.expose();
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &url[scheme_end + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => {
                        format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                    }
                    None => url.to_owned(),
                }
            }
            _ => url.to_owned(),
        }
    }
}

/// A string that must not appear in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Operations executing at once per pooled connection, by default. Fewer starve small queries:
/// on SQLite's two connections, 4 in flight cut one product by id from 3 840 to 2 629 req/s (8:
/// 3 697) while the nested query's peak memory was the same at 4, 8 and 16 (89–90 MB).
const IN_FLIGHT_PER_CONNECTION: usize = 8;

/// Shortest `JWT_SECRET` accepted: HS256 wants at least 256 bits of key.
const MIN_JWT_SECRET_LEN: usize = 32;

impl Config {
    /// The configuration of `serve`: resolves the JWT secret (see [`jwt_secret`]).
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Self> {
        let jwt_secret = jwt_secret(std::env::var("JWT_SECRET").ok(), cli.app_env)?;
        let development = cli.app_env == AppEnv::Development;
        let database = DatabaseConfig::from_cli(cli);
        let pool = usize::try_from(database.max_connections).unwrap_or(usize::MAX);
        Ok(Self {
            bind: cli.bind,
            database,
            jwt_secret,
            environment: cli.app_env,
            demo: cli.demo,
            rate_limits: cli.rate_limit.is_on().then(|| RateLimits {
                anonymous: Bucket {
                    burst: cli.rate_limit_anon_burst,
                    period: Duration::from_millis(cli.rate_limit_anon_period_ms),
                },
                authenticated: Bucket {
                    burst: cli.rate_limit_auth_burst,
                    period: Duration::from_millis(cli.rate_limit_auth_period_ms),
                },
                commerce: Bucket {
                    burst: cli.rate_limit_v2_burst,
                    period: Duration::from_millis(cli.rate_limit_v2_period_ms),
                },
                on_store_failure: cli.rate_limit_redis_failure,
            }),
            trusted_proxies: cli.trusted_proxies.clone(),
            rate_limit_store: cli.rate_limit_redis_url.clone().filter(|url| !url.is_empty()).map(Secret::new),
            transport: TransportLimits {
                max_body_bytes: cli.graphql_max_body_bytes,
                max_query_len: cli.graphql_max_query_len,
                max_aliases: cli.graphql_max_aliases,
                max_root_fields: cli.graphql_max_root_fields,
                batching: cli.graphql_batching.is_on(),
            },
            graphql: GraphqlOptions {
                introspection: cli.graphql_introspection.map_or(development, Switch::is_on),
                suggestions: cli.graphql_suggestions.map_or(development, Switch::is_on),
                cost: CostLimits { max_depth: cli.graphql_max_depth, max_complexity: cli.graphql_max_complexity },
                batch_delay: Duration::from_micros(cli.graphql_batch_delay_us),
                max_in_flight: cli
                    .graphql_max_in_flight
                    .unwrap_or(pool.saturating_mul(IN_FLIGHT_PER_CONNECTION))
                    .max(1),
            },
            accounts: AccountLimits {
                max_api_keys: cli.max_api_keys_per_user,
                max_webhooks: cli.max_webhooks_per_user,
            },
            cors_origins: cli.cors_origins.clone(),
            webhooks: WebhookSettings {
                egress: Egress {
                    allow_http: cli.webhook_allow_http,
                    allowed_networks: cli.webhook_allowed_networks.clone(),
                    ..Egress::default()
                },
                retry_schedule: cli.webhook_retry_schedule.0.clone(),
                timeout: Duration::from_secs(cli.webhook_timeout_secs),
                disable_after: cli.webhook_disable_after,
                ..WebhookSettings::default()
            },
            live: LiveLimits {
                max_connections: usize::from(cli.ws_max_connections),
                max_subscriptions: usize::from(cli.ws_max_subscriptions),
                keepalive: Duration::from_secs(cli.ws_keepalive_secs),
                buffer: usize::try_from(cli.ws_event_buffer).unwrap_or(usize::MAX),
                ..LiveLimits::default()
            },
            graphiql: GraphiqlAssets { url: cli.graphiql_assets_url.clone(), dir: cli.graphiql_assets_dir.clone() },
            drain: Duration::from_secs(cli.shutdown_drain_secs),
            reviews: ReviewSettings {
                after: Duration::from_secs(u64::from(cli.automatic_review_days) * 86_400),
                ..ReviewSettings::default()
            },
        })
    }
}

fn jwt_secret(configured: Option<String>, environment: AppEnv) -> anyhow::Result<Secret> {
    match configured.filter(|s| !s.is_empty()) {
        Some(secret) if secret.len() < MIN_JWT_SECRET_LEN => {
            bail!("JWT_SECRET must be at least {MIN_JWT_SECRET_LEN} characters long")
        }
        Some(secret) => Ok(Secret::new(secret)),
        None if environment == AppEnv::Production => {
            bail!("JWT_SECRET is not set; production mode (APP_ENV=production) refuses to start without it")
        }
        None => {
            tracing::warn!(
                "JWT_SECRET is not set: using a random secret for this run only. Every token is \
                 invalidated at restart, and replicas cannot verify each other's tokens. Set \
                 JWT_SECRET (32+ characters) outside development."
            );
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            Ok(Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_defaults_are_the_documented_ones() {
        let defaults = WebhookSettings::default();
        let hours = |h: u64| Duration::from_secs(h * 3600);
        let schedule =
            [Duration::from_secs(5), Duration::from_secs(300), Duration::from_secs(1800), hours(2), hours(5)];
        assert_eq!(defaults.retry_schedule[..5], schedule);
        assert_eq!(defaults.retry_schedule[5..], [hours(10), hours(10)]);
        assert_eq!(defaults.disable_after, hours(5 * 24));
    }

    #[test]
    fn the_pool_defaults_to_the_cores_on_sqlite_and_to_8_on_postgresql() {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let expected = u32::try_from(cores.clamp(2, 8)).expect("small");
        assert_eq!(default_pool("sqlite://shop.db?mode=rwc"), expected);
        assert_eq!(default_pool("postgres://app@db/shop"), 8);
    }

    #[test]
    fn operations_in_flight_default_to_eight_per_connection_and_are_at_least_one() {
        use clap::Parser;
        let in_flight = |args: &[&str]| {
            let cli =
                Cli::try_parse_from([&["commerce-gateway", "--database-url", "postgres://app@db/shop"], args].concat());
            cli.map(|cli| Config::from_cli(&cli).expect("config").graphql.max_in_flight)
        };
        assert_eq!(in_flight(&[]).expect("parsed"), 64);
        assert_eq!(in_flight(&["--db-max-connections", "3"]).expect("parsed"), 24);
        assert_eq!(in_flight(&["--graphql-max-in-flight", "5"]).expect("parsed"), 5);
        assert_eq!(in_flight(&["--graphql-max-in-flight", "0"]).expect("parsed"), 1);
        assert!(in_flight(&["--graphql-max-in-flight", "-1"]).is_err());
        assert!(in_flight(&["--graphql-max-in-flight", "many"]).is_err());
        assert!(in_flight(&["--graphql-max-in-flight", "1000000000000000000000"]).is_err());
        assert!(in_flight(&["--graphql-max-in-flight"]).is_err(), "a flag without its value");
    }

    #[test]
    fn production_refuses_a_missing_jwt_secret() {
        assert!(jwt_secret(None, AppEnv::Production).is_err());
        assert!(jwt_secret(Some(String::new()), AppEnv::Production).is_err());
    }

    #[test]
    fn development_generates_a_random_jwt_secret() {
        let first = jwt_secret(None, AppEnv::Development).expect("generated");
        let second = jwt_secret(None, AppEnv::Development).expect("generated");
        assert!(first.expose().len() >= MIN_JWT_SECRET_LEN);
        assert_ne!(first.expose(), second.expose());
    }

    #[test]
    fn short_jwt_secrets_are_refused() {
        assert!(jwt_secret(Some("short".into()), AppEnv::Development).is_err());
    }

    #[test]
    fn secrets_do_not_print_and_urls_hide_passwords() {
        let config = DatabaseConfig { url: Secret::new("postgres://app:hunter2@db:5432/shop"), max_connections: 2 };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.redacted_url(), "postgres://app:***@db:5432/shop");
        let sqlite = DatabaseConfig { url: Secret::new("sqlite://commerce.db?mode=rwc"), max_connections: 2 };
        assert_eq!(sqlite.redacted_url(), "sqlite://commerce.db?mode=rwc");
    }
}
