//! Coupon rules shared by the coupon writes and order placement.

/// Normalizes a coupon code (trimmed, upper-case), as stored and as looked up.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_uppercase()
}
