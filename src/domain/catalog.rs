//! The catalog's closed vocabularies (with the integer codes the Komerza documents use), slugs,
//! and the defaults of new product and variant rows.

use async_graphql::Enum;
use chrono::Utc;
use sea_orm::Set;
use serde_json::json;
use uuid::Uuid;

use entity::{product, variant};

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

/// A new live product row with the defaults of a new product: public, shown first in its order
/// slot, no images, not a best seller, no VPN block. Callers set whatever differs.
pub fn new_product(
    id: Uuid,
    store_id: Uuid,
    created_by: Option<Uuid>,
    name: &str,
    slug: String,
    sort_order: i32,
) -> product::ActiveModel {
    let now = Utc::now();
    product::ActiveModel {
        id: Set(id),
        store_id: Set(store_id),
        created_by: Set(created_by),
        name: Set(name.to_owned()),
        description: Set(None),
        slug: Set(slug),
        visibility: Set(0),
        sort_order: Set(sort_order),
        is_best_seller: Set(false),
        image_names: Set(json!([])),
        should_block_vpns: Set(false),
        blacklisted_payment_gateways: Set(json!([])),
        metadata: Set(None),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// A new variant row of a product with the defaults of a new variant: one-time, fixed stock,
/// at least one unit and no maximum per order, delivered by instructions. Callers set whatever
/// differs.
pub fn new_variant(
    id: Uuid,
    product: (Uuid, Uuid),
    name: &str,
    sku: Option<String>,
    (cost_cents, stock): (i64, i32),
    sort_order: i32,
) -> variant::ActiveModel {
    let now = Utc::now();
    let (product_id, store_id) = product;
    variant::ActiveModel {
        id: Set(id),
        product_id: Set(product_id),
        store_id: Set(store_id),
        name: Set(name.to_owned()),
        sku: Set(sku),
        cost_cents: Set(cost_cents),
        stock: Set(stock),
        stock_mode: Set(0),
        variant_type: Set(0),
        minimum_quantity: Set(1),
        maximum_quantity: Set(-1),
        sort_order: Set(sort_order),
        delivery_types: Set(json!(["instructions"])),
        image_names: Set(json!([])),
        dynamic_url: Set(None),
        delivery_message: Set(None),
        subscription_period: Set(None),
        metadata: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
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
