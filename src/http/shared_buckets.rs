//! Rate-limit buckets shared by every replica, in Redis (`RATE_LIMIT_REDIS_URL`): one atomic
//! script per request runs GCRA — the algorithm of the in-process `governor` buckets, with the
//! same meaning (`burst` tokens, one more every `period`) — timed by Redis's own clock, so the
//! replicas' clocks do not matter. A key expires when its bucket is full again, so Redis holds
//! only callers seen recently.
//!
//! Redis unreachable or slow is never an error for the caller: the request is admitted, or
//! limited by this replica's own buckets (`RATE_LIMIT_REDIS_FAILURE`), and counted in
//! `commerce_rate_limit_store_errors_total`.

use std::time::Duration;

use prometheus::{IntCounter, Registry};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use crate::limits::Bucket;

/// GCRA over one key. ARGV: the period and the burst (µs, tokens). Returns `{1, tokens left}`
/// or `{0, µs until the next token}`. The key holds the theoretical arrival time (µs).
const GCRA: &str = r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local period = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local after = tat + period
local allowed_from = after - period * burst
if allowed_from > now then
  return {0, allowed_from - now}
end
redis.call('SET', KEYS[1], after, 'PX', math.ceil((after - now) / 1000) + 1)
return {1, math.floor((now - allowed_from) / period)}
";

/// Longest wait for Redis on a request before it counts as unreachable.
const TIMEOUT: Duration = Duration::from_millis(250);

/// What taking a token from a shared bucket found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Admitted, with this many tokens left.
    Left(u32),
    /// Refused: the next token comes after this long.
    Wait(Duration),
}

pub struct SharedBuckets {
    connection: ConnectionManager,
    script: Script,
    errors: IntCounter,
}

impl SharedBuckets {
    /// Buckets in the Redis at `url` (connected on first use, and again after it drops).
    pub fn new(url: &str, registry: &Registry) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(client, config)?;
        let errors = IntCounter::new(
            "commerce_rate_limit_store_errors_total",
            "Requests whose shared rate-limit bucket (Redis) could not be reached in time.",
        )?;
        registry.register(Box::new(errors.clone()))?;
        Ok(Self { connection, script: Script::new(GCRA), errors })
    }

    /// Takes a token from the bucket `key` of shape `bucket`; `None` when Redis did not answer
    /// in time (counted).
    pub async fn take(&self, key: &str, bucket: Bucket) -> Option<Taken> {
        let period = u64::try_from(bucket.period.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut connection = self.connection.clone();
        let mut invocation = self.script.key(key);
        invocation.arg(period).arg(bucket.burst.max(1));
        let answer = tokio::time::timeout(TIMEOUT, invocation.invoke_async::<(i64, i64)>(&mut connection)).await;
        match answer {
            Ok(Ok((1, left))) => Some(Taken::Left(u32::try_from(left).unwrap_or(0))),
            Ok(Ok((_, wait))) => Some(Taken::Wait(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))),
            Ok(Err(error)) => {
                tracing::warn!(%error, "shared rate limits: Redis refused");
                self.errors.inc();
                None
            }
            Err(_) => {
                tracing::warn!("shared rate limits: Redis did not answer within {TIMEOUT:?}");
                self.errors.inc();
                None
            }
        }
    }

    /// Whether Redis answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut connection);
        match tokio::time::timeout(TIMEOUT, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(format!("Redis is unreachable: {error}")),
            Err(_) => Err(format!("Redis did not answer within {TIMEOUT:?}")),
        }
    }
}
