//! Exact money. Amounts are stored as integer minor units (hundredths) and shown as decimals
//! with two places; floating point is never involved.

use rust_decimal::Decimal;

/// `1999` → `19.99`.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// `19.99` → `Some(1999)`; `None` when the amount has more than two decimal places or does not
/// fit.
pub fn to_cents(amount: Decimal) -> Option<i64> {
    let normalized = amount.normalize();
    if normalized.scale() > 2 {
        return None;
    }
    let cents = normalized.checked_mul(Decimal::ONE_HUNDRED)?;
    i64::try_from(cents.trunc()).ok()
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

    #[test]
    fn decimals_become_cents_only_when_exact() {
        assert_eq!(to_cents(Decimal::new(1999, 2)), Some(1999));
        assert_eq!(to_cents(Decimal::new(19990, 3)), Some(1999), "trailing zeros are fine");
        assert_eq!(to_cents(Decimal::new(-5, 0)), Some(-500));
        assert_eq!(to_cents(Decimal::new(19999, 3)), None, "a fraction of a cent");
        assert_eq!(to_cents(Decimal::MAX), None);
    }
}
