//! Order totals in exact integer cents: line totals, a coupon's discount, an affiliate's
//! percentage off, store credit, and the total. Nothing here touches the database; placing an
//! order (`orders::create`) uses it.
//!
//! The rule for a coupon with an affiliate code: the coupon comes off first (from the lines it
//! applies to), then the affiliate's percentage comes off what is left, then store credit pays
//! as much of the rest as it can. So 10 % and 10 % off 100.00 leave 81.00, never less than zero.

use uuid::Uuid;

use crate::db::json::strings;
use entity::coupon;

/// One order line as priced.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub variant_id: Uuid,
    pub unit_cents: i64,
    pub quantity: i32,
}

impl Line {
    pub fn total(&self) -> i64 {
        self.unit_cents.saturating_mul(i64::from(self.quantity))
    }
}

/// What a coupon takes off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    /// A percentage (0–100) of the eligible lines, rounded half up to the cent.
    Percent(i32),
    /// A fixed amount, at most the eligible lines' total.
    Amount(i64),
}

/// A coupon as pricing sees it: its discount and the variants it is limited to (empty: all).
#[derive(Debug, Clone)]
pub struct CouponTerms {
    pub discount: Discount,
    pub variant_ids: Vec<Uuid>,
}

impl CouponTerms {
    /// The terms of a stored coupon.
    pub fn of(row: &coupon::Model) -> Self {
        let discount = match (row.percentage_decrease, row.amount_decrease_cents) {
            (Some(percent), _) => Discount::Percent(percent),
            (None, amount) => Discount::Amount(amount.unwrap_or(0)),
        };
        let variant_ids = strings(&row.variant_ids).iter().filter_map(|id| Uuid::parse_str(id).ok()).collect();
        Self { discount, variant_ids }
    }
}

/// The money of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: i64,
    /// The coupon's.
    pub discount: i64,
    /// The affiliate's percentage off.
    pub affiliate_discount: i64,
    pub credit_used: i64,
    pub total: i64,
}

/// `amount × percent / 100`, rounded half up (amounts are never negative).
pub fn percent_of(amount: i64, percent: i32) -> i64 {
    (amount.saturating_mul(i64::from(percent)) + 50) / 100
}

/// Prices `lines` with an optional coupon and an affiliate's percentage off (0–100), then
/// spends up to `credit` of store credit on what is left. The coupon never exceeds the lines it
/// applies to, and credit never exceeds what is left to pay.
pub fn price(lines: &[Line], coupon: Option<&CouponTerms>, affiliate_percent: i32, credit: i64) -> Totals {
    let subtotal: i64 = lines.iter().map(Line::total).sum();
    let discount = coupon.map_or(0, |terms| {
        let eligible: i64 = lines
            .iter()
            .filter(|line| terms.variant_ids.is_empty() || terms.variant_ids.contains(&line.variant_id))
            .map(Line::total)
            .sum();
        match terms.discount {
            Discount::Percent(percent) => percent_of(eligible, percent),
            Discount::Amount(amount) => amount.min(eligible),
        }
    });
    let discount = discount.clamp(0, subtotal);
    let affiliate_discount = percent_of(subtotal - discount, affiliate_percent.clamp(0, 100));
    let left = subtotal - discount - affiliate_discount;
    let credit_used = credit.clamp(0, left);
    Totals { subtotal, discount, affiliate_discount, credit_used, total: left - credit_used }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit_cents: i64, quantity: i32) -> Line {
        Line { variant_id: Uuid::now_v7(), unit_cents, quantity }
    }

    #[test]
    fn ten_percent_off_three_at_19_99_is_exact() {
        let terms = CouponTerms { discount: Discount::Percent(10), variant_ids: vec![] };
        let totals = price(&[line(1999, 3)], Some(&terms), 0, 0);
        // 59.97 × 10 % = 5.997 → 6.00
        assert_eq!(
            totals,
            Totals { subtotal: 5997, discount: 600, affiliate_discount: 0, credit_used: 0, total: 5397 }
        );
    }

    #[test]
    fn mixed_quantities_and_a_limited_coupon() {
        let mug = line(1250, 2);
        let tee = line(2499, 1);
        let terms = CouponTerms { discount: Discount::Percent(15), variant_ids: vec![tee.variant_id] };
        let totals = price(&[mug, tee], Some(&terms), 0, 0);
        // Only the tee is eligible: 24.99 × 15 % = 3.7485 → 3.75.
        assert_eq!(
            totals,
            Totals { subtotal: 4999, discount: 375, affiliate_discount: 0, credit_used: 0, total: 4624 }
        );
    }

    #[test]
    fn an_amount_off_larger_than_the_subtotal_makes_the_order_free_not_negative() {
        let terms = CouponTerms { discount: Discount::Amount(10_000), variant_ids: vec![] };
        let totals = price(&[line(1999, 2)], Some(&terms), 10, 500);
        assert_eq!(totals, Totals { subtotal: 3998, discount: 3998, affiliate_discount: 0, credit_used: 0, total: 0 });
    }

    #[test]
    fn credit_pays_at_most_what_is_left() {
        assert_eq!(price(&[line(1000, 1)], None, 0, 250).total, 750);
        assert_eq!(
            price(&[line(1000, 1)], None, 0, 5000),
            Totals { subtotal: 1000, discount: 0, affiliate_discount: 0, credit_used: 1000, total: 0 }
        );
    }

    #[test]
    fn an_affiliate_percentage_comes_off_what_the_coupon_leaves_then_credit_pays() {
        let terms = CouponTerms { discount: Discount::Percent(10), variant_ids: vec![] };
        // 3 × 33.33 = 99.99; coupon 10.00 (9.999 rounded); 10 % of 89.99 = 9.00 (8.999); credit 5.
        let totals = price(&[line(3333, 3)], Some(&terms), 10, 500);
        assert_eq!(
            totals,
            Totals { subtotal: 9999, discount: 1000, affiliate_discount: 900, credit_used: 500, total: 7599 }
        );
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(percent_of(5, 10), 1, "0.5 cent rounds up");
        assert_eq!(percent_of(4, 10), 0);
        assert_eq!(percent_of(1999, 100), 1999);
    }
}
