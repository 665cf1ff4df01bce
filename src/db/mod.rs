//! Database connections: SQLite (WAL, busy timeout, a pool of several connections) or
//! PostgreSQL, migrated to the latest schema on connect, with every SQL statement counted.

pub mod json;
pub mod signals;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::config::DatabaseConfig;

/// A migrated connection pool and the count of statements it has executed.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    pub statements: StatementCounter,
}

/// Counts SQL statements executed through one pool (exported as `commerce_db_statements_total`).
#[derive(Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled connection idle this long is pinged before it is handed out (one that went stale
/// is replaced, not met by a statement). Pinging every hand-out, sqlx's default, cost a round
/// trip to the database for every statement.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Connects, applies pending migrations and starts counting statements.
pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<Db> {
    let url = config.url.expose();
    let is_sqlite = url.starts_with("sqlite:");
    if !is_sqlite && !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
        bail!(
            "unsupported DATABASE_URL {}: expected sqlite://FILE?mode=rwc or postgres://USER:PASSWORD@HOST/DB",
            config.redacted_url()
        );
    }
    // Migrations run alone on one connection, before the pool opens. SQLite migrations run
    // outside a transaction, and a pooled connection whose cached schema predates a `DROP`
    // answered "index … already exists" to the `CREATE` that followed on it.
    let migrator = Database::connect(options(config, 1))
        .await
        .with_context(|| format!("cannot connect to the database at {}", config.redacted_url()))?;
    Migrator::up(&migrator, None)
        .await
        .with_context(|| format!("cannot migrate the database at {}", config.redacted_url()))?;
    migrator.close().await.context("cannot close the migration connection")?;

    let mut conn = Database::connect(options(config, config.max_connections))
        .await
        .with_context(|| format!("cannot connect to the database at {}", config.redacted_url()))?;
    let statements = StatementCounter::default();
    let counter = statements.0.clone();
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(Db { conn, statements })
}

fn options(config: &DatabaseConfig, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(config.url.expose().to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    options
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`), so concurrent writers queue on the busy timeout instead of failing when a read
/// transaction tries to become a write one; PostgreSQL ignores the mode.
pub async fn begin_write<C: TransactionTrait<Transaction = DatabaseTransaction>>(
    db: &C,
) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
