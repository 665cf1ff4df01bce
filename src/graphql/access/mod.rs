//! Who is calling on GraphQL: `me`, sessions (login, refresh, logout), API keys, and the
//! account's webhook endpoints.

pub mod api_keys;
pub mod session;
pub mod user;
pub mod webhooks;
