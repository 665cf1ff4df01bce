//! Sales on GraphQL: orders and their history, customers and store credit, coupons, affiliates,
//! analytics,
//! and their mutations (which call `domain`).

pub mod affiliate;
pub mod affiliate_mutations;
pub mod analytics;
pub mod coupon;
pub mod coupon_mutations;
pub mod customer;
pub mod order;
pub mod order_mutations;
