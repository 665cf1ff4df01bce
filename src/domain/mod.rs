//! Rules that are neither HTTP nor GraphQL: money, catalog vocabularies, users.

pub mod catalog;
pub mod money;
pub mod users;
