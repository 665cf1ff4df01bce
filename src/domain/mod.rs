//! Rules that are neither HTTP nor GraphQL: money, catalog vocabularies, stored JSON lists, users, generated catalogs.

pub mod api_keys;
pub mod catalog;
pub mod catalog_rules;
pub mod categories;
pub mod change;
pub mod coupons;
pub mod custom_fields;
pub mod customers;
pub mod json;
pub mod money;
pub mod order_status;
pub mod ordering;
pub mod orders;
pub mod pricing;
pub mod products;
pub mod seed;
pub mod stores;
pub mod tenancy;
pub mod users;
pub mod validate;
pub mod variants;
