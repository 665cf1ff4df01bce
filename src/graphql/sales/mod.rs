//! Sales on GraphQL: orders and their history, customers and store credit, coupons, analytics,
//! and their mutations (which call `domain`).

pub mod analytics;
pub mod coupon;
pub mod coupon_mutations;
pub mod customer;
pub mod order;
pub mod order_mutations;
