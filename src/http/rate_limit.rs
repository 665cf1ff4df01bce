//! Token-bucket rate limits (the `governor` crate's GCRA), keyed by the verified caller: an API
//! key or user gets the authenticated bucket of the surface it calls (GraphQL and the Komerza
//! routes share Komerza's numbers; the Commerce API under `/v2` has its own, 1 000 a minute);
//! anonymous callers, and callers whose credential did not verify, share the bucket of their
//! address, so made-up tokens cannot mint buckets.
//!
//! Refill is continuous: a bucket of `burst` tokens regains one token every `period` (4 tokens
//! every 7 s is one token every 1.75 s). The buckets live in this process, or with
//! `RATE_LIMIT_REDIS_URL` in Redis, shared by every replica ([`SharedBuckets`]), so N replicas
//! enforce the documented limit once. Every limited response carries `x-ratelimit-limit` and
//! `x-ratelimit-remaining`; a refused one also `retry-after` (whole seconds, rounded up) and a
//! body in the envelope of the surface called.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::authenticate::Caller;
use super::shared_buckets::{SharedBuckets, Taken};
use super::AppState;
use crate::auth::client_address::ClientAddress;
use crate::auth::principal::{Access, Credential, Principal};
use crate::error::Code;
use crate::limits::{Bucket, OnStoreFailure, RateLimits};
use crate::rest::route::{Family, RestError};
use crate::rest::{self, envelope};

type Limiter = DefaultKeyedRateLimiter<BucketKey, StateInformationMiddleware>;

/// Whose bucket a request draws from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum BucketKey {
    Address(IpAddr),
    User(uuid::Uuid),
    ApiKey(uuid::Uuid),
}

impl BucketKey {
    /// A verified caller's bucket of a surface: its key's, or its user's.
    fn of(access: &Access) -> Self {
        match access.credential {
            Credential::ApiKey(id) => Self::ApiKey(id),
            Credential::Session(_) | Credential::Gateway => Self::User(access.user_id),
        }
    }

    /// The bucket's key in the shared store (the Commerce API's buckets apart).
    fn shared_name(&self, quotas: Quotas) -> String {
        let surface = if quotas == Quotas::Commerce { "v2:" } else { "" };
        match self {
            Self::Address(ip) => format!("cg:rl:{surface}ip:{ip}"),
            Self::User(id) => format!("cg:rl:{surface}user:{id}"),
            Self::ApiKey(id) => format!("cg:rl:{surface}key:{id}"),
        }
    }
}

/// The quotas: anonymous, and a verified caller's on each surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quotas {
    Anonymous,
    /// GraphQL and the Komerza routes.
    Authenticated,
    /// The Commerce API (`/v2`).
    Commerce,
}

/// The buckets of every caller seen recently.
pub struct RateLimiters {
    limits: RateLimits,
    anonymous: Limiter,
    authenticated: Limiter,
    commerce: Limiter,
    clock: DefaultClock,
    /// Buckets shared by every replica, when configured.
    shared: Option<SharedBuckets>,
}

/// Buckets kept before idle ones are swept early (they are swept every minute anyway).
const MAX_TRACKED: usize = 100_000;

fn limiter(bucket: Bucket) -> Limiter {
    let burst = NonZeroU32::new(bucket.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(bucket.period.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>()
}

impl RateLimiters {
    /// Buckets in this process, or in `shared` (with this process's as the fallback when
    /// `limits.on_store_failure` says so).
    pub fn new(limits: RateLimits, shared: Option<SharedBuckets>) -> Self {
        Self {
            anonymous: limiter(limits.anonymous),
            authenticated: limiter(limits.authenticated),
            commerce: limiter(limits.commerce),
            limits,
            clock: DefaultClock::default(),
            shared,
        }
    }

    /// Whether the shared store answers (`None` without one).
    pub async fn shared_store(&self) -> Option<Result<(), String>> {
        match &self.shared {
            Some(shared) => Some(shared.ping().await),
            None => None,
        }
    }

    /// Forgets buckets that are full again (indistinguishable from new ones).
    pub fn sweep(&self) {
        for limiter in [&self.anonymous, &self.authenticated, &self.commerce] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many buckets are held (for tests of bounded memory).
    pub fn tracked(&self) -> usize {
        self.anonymous.len() + self.authenticated.len() + self.commerce.len()
    }
}

/// Marks a request whose address bucket was charged before its credential was looked up in the
/// database (see [`RateLimiters::charge_address`]); the remaining tokens, for the headers.
#[derive(Debug, Clone, Copy)]
pub struct AddressCharged(u32);

impl RateLimiters {
    /// The address bucket of `request`'s client.
    fn address_key(&self, request: &Request) -> BucketKey {
        let client = request.extensions().get::<ClientAddress>().map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0);
        BucketKey::Address(client)
    }

    /// Takes a token from bucket `key` of `quotas`: the tokens left, or when the next one comes.
    /// From the shared store when there is one; when it does not answer, the request is
    /// admitted or this process's bucket decides, as configured.
    async fn take(&self, quotas: Quotas, key: &BucketKey) -> Result<u32, Refusal> {
        let (limiter, bucket) = self.quota(quotas);
        if let Some(shared) = &self.shared {
            match shared.take(&key.shared_name(quotas), bucket).await {
                Some(Taken::Left(left)) => return Ok(left),
                Some(Taken::Wait(wait)) => return Err(Refusal::after(bucket.burst, wait)),
                None if self.limits.on_store_failure == OnStoreFailure::Allow => {
                    return Ok(bucket.burst.saturating_sub(1))
                }
                None => {}
            }
        }
        if limiter.len() > MAX_TRACKED {
            limiter.retain_recent();
        }
        limiter
            .check_key(key)
            .map(|snapshot| snapshot.remaining_burst_capacity())
            .map_err(|not_until| Refusal::after(bucket.burst, not_until.wait_time_from(self.clock.now())))
    }

    /// Takes a token from a verified caller's bucket for an operation that arrived outside
    /// HTTP (a `subscribe` message on a WebSocket): the same bucket its HTTP requests draw from.
    pub async fn charge_caller(&self, access: &Access) -> Result<(), Refusal> {
        self.take(Quotas::Authenticated, &BucketKey::of(access)).await.map(drop)
    }

    /// The limiter and bucket shape of `quotas`.
    fn quota(&self, quotas: Quotas) -> (&Limiter, Bucket) {
        match quotas {
            Quotas::Anonymous => (&self.anonymous, self.limits.anonymous),
            Quotas::Authenticated => (&self.authenticated, self.limits.authenticated),
            Quotas::Commerce => (&self.commerce, self.limits.commerce),
        }
    }

    /// Charges the address bucket of a request whose credential must be looked up in the database
    /// (not cached, so possibly made up) before the lookup: a flood of invented keys is refused
    /// without touching the database. Marks the request so [`limit`] does not charge it twice.
    pub async fn charge_address(&self, request: &mut Request) -> Result<(), Refusal> {
        let key = self.address_key(request);
        let remaining = self.take(Quotas::Anonymous, &key).await?;
        request.extensions_mut().insert(AddressCharged(remaining));
        Ok(())
    }
}

/// A request refused for want of tokens: its bucket's size and when the next token comes.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    burst: u32,
    seconds: u64,
}

impl Refusal {
    fn after(burst: u32, wait: Duration) -> Self {
        Self { burst, seconds: wait.as_secs() + u64::from(wait.subsec_nanos() > 0) }
    }

    /// What the caller is told: when to try again.
    pub fn message(self) -> String {
        format!("rate limit exceeded; retry in {} s", self.seconds)
    }

    /// The 429 in the envelope of the surface at `path`, with `retry-after` (whole seconds,
    /// rounded up) and the budget headers.
    pub fn response(self, path: &str) -> Response {
        let mut response = refused(path, &self.message());
        budget_headers(response.headers_mut(), self.burst, 0);
        if let Ok(value) = HeaderValue::from_str(&self.seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

/// Takes a token for the request's caller, or answers 429.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiters) = state.rate_limits.clone() else { return next.run(request).await };
    let verified = match request.extensions().get::<Caller>() {
        Some(Caller(Ok(Principal::Authenticated(access)))) => Some(BucketKey::of(access)),
        _ => None,
    };
    // A verified caller draws from its own bucket (a real key that was not cached has also paid
    // its address a token for the lookup); an unverified one whose address paid before the lookup
    // is not charged again.
    // A verified caller's bucket is its surface's: the Commerce API's under `/v2`.
    let surface = match rest::family_of(request.uri().path()) {
        Some(Family::Commerce) => Quotas::Commerce,
        _ => Quotas::Authenticated,
    };
    let taken = match (verified, request.extensions().get::<AddressCharged>()) {
        (None, Some(AddressCharged(left))) => Ok((limiters.limits.anonymous.burst, *left)),
        (Some(key), _) => limiters.take(surface, &key).await.map(|left| (limiters.quota(surface).1.burst, left)),
        (None, None) => {
            let key = limiters.address_key(&request);
            limiters.take(Quotas::Anonymous, &key).await.map(|left| (limiters.limits.anonymous.burst, left))
        }
    };
    match taken {
        Ok((burst, left)) => {
            let mut response = next.run(request).await;
            budget_headers(response.headers_mut(), burst, left);
            response
        }
        Err(refusal) => refusal.response(request.uri().path()),
    }
}

fn budget_headers(headers: &mut HeaderMap, limit: u32, remaining: u32) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
}

/// A 429 in the envelope of the surface that was called.
fn refused(path: &str, message: &str) -> Response {
    match rest::family_of(path) {
        None if path.starts_with("/graphql") => {
            super::graphql::error_response(StatusCode::TOO_MANY_REQUESTS, Code::RateLimited, message)
        }
        family => envelope::error(family.unwrap_or(Family::Komerza), &RestError::new(Code::RateLimited, message)),
    }
}

/// Sweeps idle buckets every minute, so memory stays bounded however many callers appear.
pub async fn sweep_forever(limiters: Arc<RateLimiters>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        limiters.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_buckets_are_swept_so_memory_stays_bounded() {
        let bucket = Bucket { burst: 1, period: Duration::from_millis(1) };
        let limits =
            RateLimits { anonymous: bucket, authenticated: bucket, commerce: bucket, ..RateLimits::documented() };
        let limiters = RateLimiters::new(limits, None);
        for n in 0..5_000u32 {
            let _ = limiters.anonymous.check_key(&BucketKey::Address(IpAddr::from(n.to_be_bytes())));
        }
        assert_eq!(limiters.tracked(), 5_000);
        std::thread::sleep(Duration::from_millis(20));
        limiters.sweep();
        assert_eq!(limiters.tracked(), 0, "full buckets are forgotten");
    }
}
