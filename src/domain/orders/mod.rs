//! Orders: placing them and moving them through their statuses.
//!
//! [`create`] prices on the server (exact cents), reserves stock with conditional updates
//! (`stock = stock - q WHERE stock >= q`) in the order's transaction, counts the coupon's use the
//! same way, spends store credit, and records the first status. Rows are always locked in the
//! same order (variants by id, then the coupon, then the customer), so concurrent orders cannot
//! deadlock. An idempotency key makes a retried request return the first order. [`transition`]
//! is the status machine's only door: it restocks on cancel and returns store credit on cancel
//! and refund, each with a history row naming the actor; [`deliver_now`] walks it through every
//! step left to delivered (Komerza's `deliver`).

mod idempotency;
mod place;
mod transition;

use uuid::Uuid;

pub use place::create;
pub use transition::{deliver_now, transition};

/// Most lines of one order.
pub const MAX_ITEMS: usize = 50;
/// Most answers on one line, and the longest answer.
pub const MAX_ANSWERS: usize = 25;
pub const ANSWER_MAX: usize = 1024;
pub const IDEMPOTENCY_KEY: std::ops::RangeInclusive<usize> = 1..=255;

/// One line of a new order: a product (its first variant in display order) or a variant.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    pub quantity: i32,
    /// Answers to the variant's custom fields: (identifier, value).
    pub answers: Vec<(String, String)>,
}

/// A new order. Prices, discount and totals are computed here, never taken from the caller.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    pub items: Vec<NewLine>,
    /// The buyer by id (a customer of the store) or by email (a new email becomes a customer);
    /// neither when a customer session orders for itself.
    pub customer_id: Option<Uuid>,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub coupon_code: Option<String>,
    /// An affiliate's code: the buyer gets its percentage off, the affiliate commission on
    /// delivery.
    pub affiliate_code: Option<String>,
    pub use_store_credit: bool,
    pub notes: Option<String>,
}
