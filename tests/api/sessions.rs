//! Logins, rotating refresh tokens, logout, and refusing every kind of tampered token.

use std::time::{Duration, Instant};

use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{count_rows, error_codes, spawn_demo_app, TestApp, DEMO_MERCHANT};

const TEST_SECRET: &str = "test-secret-that-is-at-least-32-characters";
const ME: &str = "{ me { email } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken expiresIn } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

async fn me_status(app: &TestApp, token: &str) -> (u16, Value) {
    app.post_graphql(Some(token), ME, json!({})).await
}

#[tokio::test]
async fn a_login_returns_an_hour_long_access_token_and_an_opaque_refresh_token() {
    let app = spawn_demo_app().await;
    let tokens = app.login(DEMO_MERCHANT).await;
    assert_eq!(tokens["tokenType"], "Bearer");
    let expires_in = tokens["expiresIn"].as_i64().expect("expiresIn");
    assert!((3590..=3600).contains(&expires_in), "{expires_in}");
    assert!(tokens["refreshToken"].as_str().expect("refresh").starts_with("cgr_"));
    let claims = claims_of(tokens["accessToken"].as_str().expect("access"));
    for claim in ["iss", "aud", "sub", "exp", "iat", "typ", "sid"] {
        assert!(claims.get(claim).is_some(), "claim {claim} is missing from {claims}");
    }
    assert_eq!(claims["typ"], "access");
    let (status, body) = me_status(&app, tokens["accessToken"].as_str().expect("access")).await;
    assert_eq!((status, &body["data"]["me"]["email"]), (200, &json!("demo@example.com")));
}

#[tokio::test]
async fn bad_logins_are_refused_alike_and_write_nothing() {
    let app = spawn_demo_app().await;
    let sessions = count_rows(&app.db, "refresh_tokens").await;
    for (email, password) in [
        ("demo@example.com", "wrong-password"),
        ("nobody@example.com", "demo-password"),
        ("not-an-email", "demo-password"),
        ("demo@example.com", ""),
    ] {
        let body = app.graphql(LOGIN, json!({ "e": email, "p": password })).await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{email}: {body}");
        assert_eq!(body["errors"][0]["message"], "the email or password is incorrect");
    }
    for (email, password, field) in
        [(&"e".repeat(300) as &str, "demo-password", "email"), ("demo@example.com", &"p".repeat(200), "password")]
    {
        let body = app.graphql(LOGIN, json!({ "e": email, "p": password })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["details"][0]["field"], field);
    }
    let missing = app.graphql("mutation($e: String!) { login(email: $e) { accessToken } }", json!({ "e": "x" })).await;
    assert_eq!(error_codes(&missing), ["VALIDATION"], "{missing}");
    assert_eq!(count_rows(&app.db, "refresh_tokens").await, sessions);
}

#[tokio::test]
async fn an_unknown_email_costs_as_much_as_a_wrong_password() {
    let app = spawn_demo_app().await;
    // Alternate the two so a burst of load from the tests beside this one hits both alike, and
    // compare the fastest of each: load only ever adds time, and a skipped hash would make the
    // unknown email's fastest attempt ~30x faster than the known one's.
    let mut fastest = [Duration::MAX, Duration::MAX];
    for _ in 0..9 {
        for (slot, email) in ["demo@example.com", "nobody@example.com"].into_iter().enumerate() {
            let started = Instant::now();
            app.graphql(LOGIN, json!({ "e": email, "p": "wrong-password" })).await;
            fastest[slot] = fastest[slot].min(started.elapsed());
        }
    }
    let [known, unknown] = fastest;
    assert!(unknown * 3 >= known && known * 3 >= unknown, "known {known:?} vs unknown {unknown:?}");
}

#[tokio::test]
async fn refreshing_rotates_and_a_reused_token_revokes_the_session() {
    let app = spawn_demo_app().await;
    let first = app.login(DEMO_MERCHANT).await;
    let old_refresh = first["refreshToken"].as_str().expect("refresh").to_owned();

    let body = app.graphql(REFRESH, json!({ "t": old_refresh })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let second = &body["data"]["refreshSession"];
    let new_refresh = second["refreshToken"].as_str().expect("refresh").to_owned();
    let new_access = second["accessToken"].as_str().expect("access").to_owned();
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(claims_of(&new_access)["sid"], claims_of(first["accessToken"].as_str().expect("access"))["sid"]);
    assert_eq!(me_status(&app, &new_access).await.0, 200);

    let reuse = app.graphql(REFRESH, json!({ "t": old_refresh })).await;
    assert_eq!(error_codes(&reuse), ["UNAUTHENTICATED"], "{reuse}");
    let after = app.graphql(REFRESH, json!({ "t": new_refresh })).await;
    assert_eq!(error_codes(&after), ["UNAUTHENTICATED"], "the rotated token died with its session: {after}");
    let (status, body) = me_status(&app, &new_access).await;
    assert_eq!((status, error_codes(&body)), (401, vec!["UNAUTHENTICATED".to_owned()]), "{body}");

    for bad in ["", "cgr_nope", &"x".repeat(300)] {
        let body = app.graphql(REFRESH, json!({ "t": bad })).await;
        assert!(matches!(error_codes(&body)[0].as_str(), "UNAUTHENTICATED" | "VALIDATION"), "{body}");
    }
}

#[tokio::test]
async fn of_concurrent_refreshes_with_one_token_exactly_one_succeeds() {
    let app = spawn_demo_app().await;
    for _ in 0..3 {
        let refresh = app.login(DEMO_MERCHANT).await["refreshToken"].as_str().expect("refresh").to_owned();
        let attempts = (0..8).map(|_| app.graphql(REFRESH, json!({ "t": refresh })));
        let results = futures::future::join_all(attempts).await;
        let winners = results.iter().filter(|body| body.get("errors").is_none()).count();
        assert_eq!(winners, 1, "{results:?}");
        assert!(results.iter().filter(|b| b.get("errors").is_some()).all(|b| error_codes(b) == ["UNAUTHENTICATED"]));
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_demo_app().await;
    let tokens = app.login(DEMO_MERCHANT).await;
    let access = tokens["accessToken"].as_str().expect("access");
    assert_eq!(me_status(&app, access).await.0, 200);
    let body = app.graphql_as(access, "mutation { logout }", json!({})).await;
    assert_eq!(body["data"]["logout"], true, "{body}");
    assert_eq!(me_status(&app, access).await.0, 401);
    let refresh = app.graphql(REFRESH, json!({ "t": tokens["refreshToken"] })).await;
    assert_eq!(error_codes(&refresh), ["UNAUTHENTICATED"]);
    let anonymous = app.graphql("mutation { logout }", json!({})).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn tampered_and_foreign_tokens_are_refused() {
    let app = spawn_demo_app().await;
    let tokens = app.login(DEMO_MERCHANT).await;
    let valid = tokens["accessToken"].as_str().expect("access").to_owned();
    let claims = claims_of(&valid);
    let sign = |alg: Algorithm, secret: &str, claims: &Value| {
        encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("sign")
    };
    let with = |key: &str, value: Value| {
        let mut changed = claims.clone();
        changed[key] = value;
        changed
    };
    let without = |key: &str| {
        let mut changed = claims.clone();
        changed.as_object_mut().expect("object").remove(key);
        changed
    };
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let parts: Vec<&str> = valid.split('.').collect();
    let now = chrono::Utc::now().timestamp();

    let cases: Vec<(&str, String)> = vec![
        ("alg none", format!("{}.{}.", b64(&json!({ "alg": "none", "typ": "JWT" })), parts[1])),
        ("HS512 with the same secret", sign(Algorithm::HS512, TEST_SECRET, &claims)),
        ("HS384 with the same secret", sign(Algorithm::HS384, TEST_SECRET, &claims)),
        ("another secret", sign(Algorithm::HS256, "another-secret-that-is-at-least-32-chars", &claims)),
        ("edited payload", format!("{}.{}.{}", parts[0], b64(&with("sub", json!(uuid::Uuid::nil()))), parts[2])),
        ("expired", sign(Algorithm::HS256, TEST_SECRET, &with("exp", json!(now - 3600)))),
        ("wrong issuer", sign(Algorithm::HS256, TEST_SECRET, &with("iss", json!("someone-else")))),
        ("wrong audience", sign(Algorithm::HS256, TEST_SECRET, &with("aud", json!("another-api")))),
        ("string exp", sign(Algorithm::HS256, TEST_SECRET, &with("exp", json!((now + 3600).to_string())))),
        ("refresh type", sign(Algorithm::HS256, TEST_SECRET, &with("typ", json!("refresh")))),
        ("no iat", sign(Algorithm::HS256, TEST_SECRET, &without("iat"))),
        ("no sid", sign(Algorithm::HS256, TEST_SECRET, &without("sid"))),
        ("unknown session", sign(Algorithm::HS256, TEST_SECRET, &with("sid", json!(uuid::Uuid::now_v7())))),
        ("refresh token as access token", tokens["refreshToken"].as_str().expect("refresh").to_owned()),
        ("garbage", "not.a.jwt".to_owned()),
        ("oversized", "a".repeat(20_000)),
    ];
    let control = sign(Algorithm::HS256, TEST_SECRET, &claims);
    assert_eq!(me_status(&app, &control).await.0, 200, "the forging helper itself makes valid tokens");
    for (case, token) in cases {
        let (status, body) = me_status(&app, &token).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{case}: {body}");
    }
}

#[tokio::test]
async fn authorization_headers_must_be_bearer_tokens() {
    let app = spawn_demo_app().await;
    for header in ["Basic ZGVtbzpwdw==", "Bearer", "Bearer ", "token", "Bearer a b c"] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": ME }))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"]);
    }
    let lower = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", format!("bearer {}", app.merchant))
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("POST");
    assert_eq!(lower.status(), 200, "the scheme is case-insensitive");
    let anonymous = app.graphql(ME, json!({})).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"], "anonymous callers read nothing guarded");
}
