//! Exact money. Amounts are stored as integer minor units (hundredths) and shown as decimals
//! with two places; floating point is never involved.

use rust_decimal::Decimal;

/// `1999` → `19.99`.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_become_exact_decimals() {
        assert_eq!(from_cents(1999).to_string(), "19.99");
        assert_eq!(from_cents(0).to_string(), "0.00");
        assert_eq!(from_cents(10_000_000).to_string(), "100000.00");
    }
}
