//! Access tokens: HS256 JWTs valid for one hour, carrying the session they belong to. Validation
//! pins the algorithm and requires iss, aud, sub, exp and iat, plus our token type.

use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Secret;

pub const ISSUER: &str = "commerce-gateway";
pub const AUDIENCE: &str = "commerce-gateway-api";
/// The only `typ` claim accepted as an access token.
pub const ACCESS_TOKEN_TYPE: &str = "access";
/// Lifetime of an access token, in seconds.
pub const ACCESS_TOKEN_TTL: i64 = 3600;

/// What an access token asserts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user.
    pub sub: Uuid,
    pub exp: i64,
    pub iat: i64,
    /// Token type: always [`ACCESS_TOKEN_TYPE`].
    pub typ: String,
    /// The session (refresh-token family) the token was issued for.
    pub sid: Uuid,
}

/// Signing and verification keys, made once at start-up from `JWT_SECRET`.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "iat"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
        }
    }

    /// Signs an access token for `user_id` in session `session_id`; returns it with its expiry.
    pub fn issue(&self, user_id: Uuid, session_id: Uuid) -> Result<(String, i64), jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id,
            exp: now + ACCESS_TOKEN_TTL,
            iat: now,
            typ: ACCESS_TOKEN_TYPE.into(),
            sid: session_id,
        };
        Ok((encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, claims.exp))
    }

    /// The claims of a valid access token, or `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        (claims.typ == ACCESS_TOKEN_TYPE).then_some(claims)
    }
}
