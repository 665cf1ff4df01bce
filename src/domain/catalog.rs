//! The catalog's closed vocabularies, with the integer codes the Komerza documents use.

use async_graphql::Enum;

/// Who can see a product or category on the storefront.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Visibility {
    /// Listed and reachable by everyone (code 0).
    Public,
    /// Reachable by link only (code 1).
    Unlisted,
    /// Hidden from the storefront (code 2).
    Private,
}

/// How a variant's available stock is determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum StockMode {
    /// The `stock` number is authoritative and is decremented by orders (code 0).
    Fixed,
    /// Stock is computed from deliverables such as license keys (code 1).
    Calculated,
    /// Stock is not tracked (code 2).
    Unlimited,
}

/// Whether a variant is bought once or subscribed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VariantType {
    /// Bought once (code 0).
    OneTime,
    /// Billed every `subscriptionPeriod` (code 1).
    Subscription,
}

/// The input a custom field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum CustomFieldType {
    /// A one-line text input.
    Text,
    /// A multi-line text input.
    Textarea,
    /// A drop-down of the field's options.
    Select,
    /// A yes/no tick box.
    Checkbox,
    /// One choice among the field's options, all shown.
    Radio,
    /// A numeric input.
    Number,
}

/// Maps between an enum and the code it is stored as; unknown codes fall back to a safe default.
pub trait Coded: Sized + Copy + 'static {
    const CODES: &'static [(Self, i16)];
    const FALLBACK: Self;

    fn from_code(code: i16) -> Self {
        Self::CODES.iter().find(|(_, c)| *c == code).map_or(Self::FALLBACK, |(v, _)| *v)
    }
}

impl Coded for Visibility {
    const CODES: &'static [(Self, i16)] = &[(Self::Public, 0), (Self::Unlisted, 1), (Self::Private, 2)];
    const FALLBACK: Self = Self::Private;
}

impl Coded for StockMode {
    const CODES: &'static [(Self, i16)] = &[(Self::Fixed, 0), (Self::Calculated, 1), (Self::Unlimited, 2)];
    const FALLBACK: Self = Self::Fixed;
}

impl Coded for VariantType {
    const CODES: &'static [(Self, i16)] = &[(Self::OneTime, 0), (Self::Subscription, 1)];
    const FALLBACK: Self = Self::OneTime;
}

impl CustomFieldType {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Self::Text, "text"),
        (Self::Textarea, "textarea"),
        (Self::Select, "select"),
        (Self::Checkbox, "checkbox"),
        (Self::Radio, "radio"),
        (Self::Number, "number"),
    ];

    /// The stored name (`text`, `select`, …); unknown names read as `Text`.
    pub fn from_name(name: &str) -> Self {
        Self::NAMES.iter().find(|(_, n)| *n == name).map_or(Self::Text, |(t, _)| *t)
    }
}

/// A URL slug from a name: lower-case ASCII letters and digits separated by single dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_ascii() {
        assert_eq!(slugify("USB-C Charger 65W"), "usb-c-charger-65w");
        assert_eq!(slugify("  Crème brûlée!! "), "cr-me-br-l-e");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_safe() {
        assert_eq!(Visibility::from_code(1), Visibility::Unlisted);
        assert_eq!(Visibility::from_code(42), Visibility::Private);
        assert_eq!(StockMode::from_code(2), StockMode::Unlimited);
        assert_eq!(VariantType::from_code(1), VariantType::Subscription);
        for (ty, name) in CustomFieldType::NAMES {
            assert_eq!(CustomFieldType::from_name(name), *ty);
        }
    }
}
