//! The catalog's closed vocabularies (with the integer codes the Komerza documents use), slugs,
//! and the defaults of new product and variant rows.

use chrono::Utc;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use entity::{product, variant};

/// A surcharge, in percent of the price, that buying with a payment gateway adds (Komerza's
/// `additionalFees`). This gateway takes no payments: the checkout that does applies it for the
/// gateway the buyer picks; orders placed here hold prices without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditionalFee {
    pub gateway: String,
    pub percentage: Decimal,
}

impl AdditionalFee {
    /// A product row's JSON of `fees`, in their order; percentages as exact decimal strings.
    pub fn to_json(fees: &[Self]) -> serde_json::Value {
        json!(fees
            .iter()
            .map(|f| json!({ "gateway": f.gateway, "percentage": f.percentage.to_string() }))
            .collect::<Vec<_>>())
    }

    /// The fees of a product row's JSON (written by [`AdditionalFee::to_json`]).
    pub fn from_json(json: &serde_json::Value) -> Vec<Self> {
        let entries = json.as_array().map(Vec::as_slice).unwrap_or_default();
        entries
            .iter()
            .filter_map(|entry| {
                let gateway = entry["gateway"].as_str()?.to_owned();
                let percentage = entry["percentage"].as_str()?.parse().ok()?;
                Some(Self { gateway, percentage })
            })
            .collect()
    }
}

/// Who can see a product or category on the storefront.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Listed and reachable by everyone (code 0).
    Public,
    /// Reachable by link only (code 1).
    Unlisted,
    /// Hidden from the storefront (code 2).
    Private,
}

/// How a variant's available stock is determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockMode {
    /// The `stock` number is authoritative and is decremented by orders (code 0).
    Fixed,
    /// Stock is computed from deliverables such as license keys (code 1).
    Calculated,
    /// Stock is not tracked (code 2).
    Unlimited,
}

/// Whether a variant is bought once or subscribed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantType {
    /// Bought once (code 0).
    OneTime,
    /// Billed every `subscriptionPeriod` (code 1).
    Subscription,
}

/// The input a custom field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The code this value is stored as.
    fn code(self) -> i16
    where
        Self: PartialEq,
    {
        Self::CODES.iter().find(|(v, _)| *v == self).map_or(0, |(_, c)| *c)
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

    /// The stored name (`text`, `select`, …).
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(t, _)| *t == self).map_or("text", |(_, n)| n)
    }

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
) -> product::Model {
    let now = Utc::now();
    product::Model {
        id,
        store_id,
        created_by,
        name: name.to_owned(),
        description: None,
        slug,
        visibility: 0,
        sort_order,
        is_best_seller: false,
        image_names: json!([]),
        should_block_vpns: false,
        blacklisted_payment_gateways: json!([]),
        additional_fees: json!([]),
        metadata: None,
        deleted_at: None,
        created_at: now,
        updated_at: now,
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
) -> variant::Model {
    let now = Utc::now();
    let (product_id, store_id) = product;
    variant::Model {
        id,
        product_id,
        store_id,
        name: name.to_owned(),
        sku,
        cost_cents,
        stock,
        stock_mode: 0,
        variant_type: 0,
        minimum_quantity: 1,
        maximum_quantity: -1,
        sort_order,
        delivery_types: json!(["instructions"]),
        image_names: json!([]),
        dynamic_url: None,
        delivery_message: None,
        subscription_period: None,
        metadata: None,
        created_at: now,
        updated_at: now,
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
