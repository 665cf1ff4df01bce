//! Who is calling on GraphQL: `me`, sessions (login, refresh, logout) and API keys.

pub mod api_keys;
pub mod session;
pub mod user;
