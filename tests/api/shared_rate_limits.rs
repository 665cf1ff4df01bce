//! Rate-limit buckets shared through Redis (`RATE_LIMIT_REDIS_URL`): two replicas enforce one
//! limit, and a Redis that does not answer degrades limiting as configured, never the request.
//! The tests start their own `redis-server` on loopback (`.ci/run` installs it).

use std::time::Duration;

use commerce_gateway::config::Secret;
use commerce_gateway::limits::{Bucket, OnStoreFailure, RateLimits};
use serde_json::{json, Value};

use crate::helpers::{spawn_with, TestApp, TestDatabase};

/// A `redis-server` on a free loopback port, stopped with the test.
struct RedisServer {
    _child: tokio::process::Child,
    url: String,
}

impl RedisServer {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let child = tokio::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server runs (install it: .ci/run does)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self { _child: child, url: format!("redis://127.0.0.1:{port}") };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start");
    }
}

/// 12 tokens and no refill within a test: the 13th call is refused whatever the timing.
fn slow_refill(on_store_failure: OnStoreFailure) -> RateLimits {
    RateLimits {
        authenticated: Bucket { burst: 12, period: Duration::from_secs(60) },
        on_store_failure,
        ..RateLimits::documented()
    }
}

async fn replica_pair(database: TestDatabase, redis: &str, failure: OnStoreFailure) -> (TestApp, TestApp) {
    let replica = database.replica();
    let store = Secret::new(redis);
    let first = spawn_with(database, true, |config| {
        config.rate_limits = Some(slow_refill(failure));
        config.rate_limit_store = Some(store.clone());
    })
    .await;
    let second = spawn_with(replica, false, |config| {
        config.rate_limits = Some(slow_refill(failure));
        config.rate_limit_store = Some(store);
    })
    .await;
    (first, second)
}

async fn call(app: &TestApp, key: &str) -> (u16, String, String) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(key)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("POST");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (remaining, retry) = (header("x-ratelimit-remaining"), header("retry-after"));
    (response.status().as_u16(), remaining, retry)
}

/// An API key of the demo merchant (made on `app`), without spending the key's own tokens.
async fn key_of(app: &TestApp) -> String {
    app.api_key(&app.merchant, &["user.view"], None).await
}

#[tokio::test]
async fn two_replicas_share_one_bucket_per_key() {
    let redis = RedisServer::start().await;
    let (first, second) = replica_pair(TestDatabase::new().await, &redis.url, OnStoreFailure::Allow).await;
    let key = key_of(&first).await;
    for left in (0..12).rev() {
        let replica = if left % 2 == 0 { &first } else { &second };
        let (status, remaining, _) = call(replica, &key).await;
        assert_eq!((status, remaining), (200, left.to_string()), "call {} of 12", 12 - left);
    }
    for replica in [&first, &second] {
        let (status, remaining, retry) = call(replica, &key).await;
        assert_eq!((status, remaining.as_str()), (429, "0"), "the 13th call, whichever replica answers");
        assert!(retry.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)), "retry-after {retry}");
    }
    // Another key has its own bucket.
    let other = key_of(&first).await;
    assert_eq!(call(&first, &other).await.0, 200);
    let ready: Value = first.get("/readyz").await.json().await.expect("json");
    assert_eq!(ready["redis"], "ok", "{ready}");
}

#[tokio::test]
async fn a_redis_that_does_not_answer_admits_and_counts_or_falls_back_to_local_buckets() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let gone = format!("redis://127.0.0.1:{port}");

    let (allowing, _) = replica_pair(TestDatabase::new().await, &gone, OnStoreFailure::Allow).await;
    let key = key_of(&allowing).await;
    for n in 0..20 {
        assert_eq!(call(&allowing, &key).await.0, 200, "call {n}: admitted, never a 500");
    }
    let metrics = allowing.get("/metrics").await.text().await.expect("metrics");
    let errors: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("commerce_rate_limit_store_errors_total "))
        .and_then(|n| n.parse().ok())
        .expect("the error counter");
    assert!(errors >= 20, "{errors} errors counted");
    let ready = allowing.get("/readyz").await;
    assert_eq!(ready.status(), 200, "degraded, still serving");
    let ready: Value = ready.json().await.expect("json");
    assert_eq!(ready["status"], "degraded", "{ready}");
    assert!(ready["redis"].as_str().is_some_and(|r| r.starts_with("Redis")), "{ready}");

    let (local, _) = replica_pair(TestDatabase::new().await, &gone, OnStoreFailure::Local).await;
    let key = key_of(&local).await;
    for left in (0..12).rev() {
        assert_eq!(call(&local, &key).await.0, 200, "{left} left locally");
    }
    assert_eq!(call(&local, &key).await.0, 429, "this replica's own bucket decides");
}
