//! Identity: password hashing, scopes, and API key secrets.

pub mod api_key;
pub mod password;
pub mod scope;
