//! The rules below the API, as operations that take a connection, the caller and plain inputs
//! and return rows or one [`ApiError`](crate::error::ApiError): the tenancy gate
//! ([`tenancy`]), every write of the catalog, sales and API keys, and the vocabularies, limits and
//! money arithmetic they use. Nothing here knows GraphQL or HTTP; resolvers and REST routes parse,
//! call and convert.

pub mod affiliates;
pub mod analytics;
pub mod api_keys;
pub mod catalog;
pub mod catalog_rules;
pub mod categories;
pub mod change;
pub mod coupons;
pub mod custom_fields;
pub mod customers;
pub mod events;
pub mod money;
pub mod order_status;
pub mod ordering;
pub mod orders;
pub mod pricing;
pub mod products;
pub mod reviews;
pub mod store_options;
pub mod stores;
pub mod tenancy;
pub mod tickets;
pub mod unique;
pub mod validate;
pub mod variant_files;
pub mod variants;
pub mod webhooks;
