//! SeaORM entities of commerce-gateway: one module per table, nothing else.
//!
//! Conventions shared by every table:
//! - `id` is a UUID (v7 for new rows); timestamps are UTC.
//! - Money is stored exactly, as integer minor units (`*_cents`, hundredths of the store's currency).
//! - Lists of strings (image names, delivery types, scopes, …) are JSON arrays.

pub mod affiliate;
pub mod affiliate_entry;
pub mod api_key;
pub mod category;
pub mod category_product;
pub mod coupon;
pub mod custom_field;
pub mod custom_field_option;
pub mod customer;
pub mod customer_balance_entry;
pub mod event;
pub mod idempotency_key;
pub mod order;
pub mod order_item;
pub mod order_status_change;
pub mod product;
pub mod refresh_token;
pub mod review;
pub mod store;
pub mod store_affiliate_options;
pub mod store_brand_options;
pub mod store_notification_options;
pub mod ticket;
pub mod ticket_message;
pub mod user;
pub mod variant;
pub mod variant_file;
pub mod webhook;
pub mod webhook_attempt;
pub mod webhook_delivery;
