//! Rules that are neither HTTP nor GraphQL: money, catalog vocabularies, stored JSON lists, users, generated catalogs.

pub mod catalog;
pub mod json;
pub mod money;
pub mod seed;
pub mod users;
