//! Identity and access: who the caller is ([`principal`], built by [`authenticator`]), how they
//! prove it (passwords, [`session`]s with JWT access tokens, [`api_key`]s), and the [`scope`]s.

pub mod api_key;
pub mod authenticator;
pub mod client_address;
pub mod jwt;
pub mod password;
pub mod principal;
pub mod scope;
pub mod secret;
pub mod session;
pub mod users;
