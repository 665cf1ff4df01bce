//! Rules that are neither HTTP nor GraphQL: money, catalog vocabularies, stored JSON lists, users.

pub mod catalog;
pub mod json;
pub mod money;
pub mod users;
