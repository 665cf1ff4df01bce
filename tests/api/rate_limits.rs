//! Token buckets with real time (no mocked clock): anonymous callers by address, verified
//! callers by key or user; made-up tokens do not get buckets of their own.

use std::time::Duration;

use commerce_gateway::limits::RateLimits;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, TestApp, TestDatabase};
use crate::subscriptions::Socket;

const PING: &str = "{ __typename }";

async fn limited_app(demo: bool, trusted: Vec<std::net::IpAddr>) -> TestApp {
    spawn_with(TestDatabase::new().await, demo, |config| {
        config.trusted_proxies = trusted;
        config.rate_limits = Some(RateLimits::documented())
    })
    .await
}

async fn call(app: &TestApp, bearer: Option<&str>, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(app.url("/graphql")).json(&json!({ "query": PING }));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.expect("POST")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn the_eleventh_rapid_anonymous_call_is_refused_until_the_bucket_refills() {
    let app = limited_app(false, vec![]).await;
    for expected_remaining in (0..10).rev() {
        let response = call(&app, None, None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit"), "10");
        assert_eq!(header(&response, "x-ratelimit-remaining"), expected_remaining.to_string());
    }
    let refused = call(&app, None, None).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "retry-after"), "2", "1.75 s rounded up");
    assert_eq!(header(&refused, "x-ratelimit-remaining"), "0");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    tokio::time::sleep(Duration::from_millis(1900)).await;
    assert_eq!(call(&app, None, None).await.status(), 200, "one token came back");
    assert_eq!(call(&app, None, None).await.status(), 429, "and only one");
}

#[tokio::test]
async fn each_key_has_its_own_bucket() {
    let app = limited_app(true, vec![]).await;
    let first = app.api_key(&app.merchant, &["stores.view"], None).await;
    let second = app.api_key(&app.merchant, &["stores.view"], None).await;
    for _ in 0..12 {
        let response = call(&app, Some(&first), None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit"), "12");
    }
    let refused = call(&app, Some(&first), None).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "retry-after"), "1");
    assert_eq!(call(&app, Some(&second), None).await.status(), 200, "another key is unaffected");
    assert_eq!(call(&app, None, None).await.status(), 200, "so is the anonymous bucket");
}

#[tokio::test]
async fn made_up_tokens_share_the_callers_address_bucket() {
    let app = limited_app(false, vec![]).await;
    for n in 0..10 {
        let response = call(&app, Some(&format!("made-up-{n}")), None).await;
        assert_eq!(response.status(), 401);
    }
    assert_eq!(call(&app, Some("made-up-11"), None).await.status(), 429);
    assert_eq!(call(&app, None, None).await.status(), 429, "anonymous calls from there too");
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let untrusting = limited_app(false, vec![]).await;
    for n in 0..10 {
        assert_eq!(call(&untrusting, None, Some(&format!("203.0.113.{n}"))).await.status(), 200);
    }
    assert_eq!(call(&untrusting, None, Some("203.0.113.99")).await.status(), 429, "a spoofed header buys nothing");

    let behind_proxy = limited_app(false, vec!["127.0.0.1".parse().expect("ip")]).await;
    for _ in 0..10 {
        assert_eq!(call(&behind_proxy, None, Some("198.51.100.7")).await.status(), 200);
    }
    assert_eq!(call(&behind_proxy, None, Some("198.51.100.7")).await.status(), 429);
    assert_eq!(call(&behind_proxy, None, Some("10.9.9.9, 198.51.100.8")).await.status(), 200, "another client");
}

#[tokio::test]
async fn health_and_metrics_are_not_limited() {
    let app = limited_app(false, vec![]).await;
    for _ in 0..30 {
        assert_eq!(app.get("/healthz").await.status(), 200);
        assert_eq!(app.get("/metrics").await.status(), 200);
    }
}

#[tokio::test]
async fn made_up_keys_cost_their_address_a_token_before_any_sql() {
    let app = limited_app(false, vec![]).await;
    // The anonymous bucket holds 10 tokens: ten invented keys are looked up and refused…
    for _ in 0..10 {
        let key = format!("cgk_{}", uuid::Uuid::new_v4().simple());
        assert_eq!(call(&app, Some(&key), None).await.status(), 401);
    }
    // …and the next ones are refused by the bucket without a statement.
    let before = app.statements.get();
    for _ in 0..5 {
        let key = format!("cgk_{}", uuid::Uuid::new_v4().simple());
        let refused = call(&app, Some(&key), None).await;
        assert_eq!(refused.status(), 429);
        let body: Value = refused.json().await.expect("json");
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    }
    assert_eq!(app.statements.get() - before, 0, "429s for unverified keys run no SQL");
}

#[tokio::test]
async fn an_unknown_key_is_remembered_so_repeating_it_runs_no_sql() {
    let app = crate::helpers::spawn_app().await;
    let key = format!("cgk_{}", uuid::Uuid::new_v4().simple());
    let first = app.statements.get();
    assert_eq!(call(&app, Some(&key), None).await.status(), 401);
    let second = app.statements.get();
    assert!(second > first, "the first use looks the key up");
    for _ in 0..3 {
        assert_eq!(call(&app, Some(&key), None).await.status(), 401);
    }
    assert_eq!(app.statements.get(), second, "repeats are answered from memory");
}

#[tokio::test]
async fn operations_over_a_websocket_draw_from_the_callers_bucket() {
    let app = limited_app(true, vec![]).await;
    let key = app.api_key(&app.merchant, &["stores.view"], None).await;
    let mut socket = Socket::ready(&app, &key).await;
    let started = std::time::Instant::now();
    for n in 0..20 {
        socket.subscribe(&format!("q{n}"), PING, json!({})).await;
    }
    let (mut answered, mut refused) = (0_u128, Vec::new());
    while answered + (refused.len() as u128) < 20 {
        let message = socket.message().await;
        match message["type"].as_str() {
            Some("next") => answered += 1,
            Some("error") => refused.push(message),
            Some("complete") => {}
            _ => panic!("unexpected: {message}"),
        }
    }
    // The bucket holds 12 and regains one every 500 ms.
    let refilled = started.elapsed().as_millis() / 500 + 1;
    assert!((12..=12 + refilled).contains(&answered), "{answered} of 20 answered");
    let error = &refused[0]["payload"][0];
    assert_eq!(error["extensions"]["code"], "RATE_LIMITED", "{error}");
    assert_eq!(error["message"], "rate limit exceeded; retry in 1 s");
    // The key's HTTP requests draw from the same, now empty, bucket.
    let response = call(&app, Some(&key), None).await;
    if response.status() == 200 {
        let remaining: u128 = header(&response, "x-ratelimit-remaining").parse().expect("remaining");
        assert!(remaining <= started.elapsed().as_millis() / 500, "{remaining} left");
    } else {
        assert_eq!(response.status(), 429);
    }
}

#[tokio::test]
async fn the_commerce_api_has_its_own_per_key_budget_apart_from_graphql() {
    let app = limited_app(true, vec![]).await;
    let key = app.api_key(&app.merchant, &["stores.view", "stores.products.view"], None).await;
    let v2 = |token: &str| {
        let request = app.client.get(app.url("/v2/products")).bearer_auth(token.to_owned());
        async move { request.send().await.expect("GET /v2/products") }
    };
    // Far more than GraphQL's 12: the Commerce API's documented 1 000 a minute.
    for _ in 0..30 {
        let response = v2(&key).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit"), "1000");
    }
    // The key's GraphQL bucket was not touched by them.
    for expected_remaining in (0..12).rev() {
        let response = call(&app, Some(&key), None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit"), "12");
        assert_eq!(header(&response, "x-ratelimit-remaining"), expected_remaining.to_string());
    }
    assert_eq!(call(&app, Some(&key), None).await.status(), 429);
    assert_eq!(v2(&key).await.status(), 200, "nor does an empty GraphQL bucket stop the Commerce API");
}

#[tokio::test]
async fn an_empty_commerce_bucket_answers_429_in_the_commerce_envelope() {
    let app = spawn_with(TestDatabase::new().await, true, |config| {
        let tight = commerce_gateway::limits::Bucket { burst: 3, period: std::time::Duration::from_secs(60) };
        config.rate_limits = Some(RateLimits { commerce: tight, ..RateLimits::documented() })
    })
    .await;
    let key = app.api_key(&app.merchant, &["stores.view", "stores.products.view"], None).await;
    for _ in 0..3 {
        let response = app.client.get(app.url("/v2/products")).bearer_auth(&key).send().await.expect("GET");
        assert_eq!(response.status(), 200);
    }
    let refused = app.client.get(app.url("/v2/products")).bearer_auth(&key).send().await.expect("GET");
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "x-ratelimit-limit"), "3");
    assert_eq!(header(&refused, "retry-after"), "60");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["code"], "RATE_LIMITED", "{body}");
    assert!(body["details"].is_array() && body["message"].is_string(), "{body}");
    // GraphQL still answers the same key.
    assert_eq!(call(&app, Some(&key), None).await.status(), 200);
}
