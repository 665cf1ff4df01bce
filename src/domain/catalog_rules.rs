//! The limits of catalog rows (from the Komerza documents where they give one), checked on a row
//! exactly as it is about to be written — so a create and a partial update obey the same rules.
//! Field names in problems are the API's (`minimumQuantity`, not `minimum_quantity`).

use entity::{category, custom_field, custom_field_option, product, store, variant};

use super::catalog::{AdditionalFee, Coded, CustomFieldType, VariantType};
use super::validate::Checks;
use crate::db::json::strings;

pub const STORE_NAME: std::ops::RangeInclusive<usize> = 3..=32;
pub const STORE_DESCRIPTION_MAX: usize = 4096;
pub const STORE_URL: std::ops::RangeInclusive<usize> = 3..=32;
pub const MAINTENANCE_REASON_MAX: usize = 512;
pub const CATEGORY_NAME: std::ops::RangeInclusive<usize> = 1..=64;
pub const SLUG: std::ops::RangeInclusive<usize> = 1..=72;
pub const PRODUCT_NAME: std::ops::RangeInclusive<usize> = 3..=64;
pub const PRODUCT_DESCRIPTION_MAX: usize = 16_384;
pub const PRODUCT_METADATA_MAX: usize = 10_000;
/// Most images of a product or variant, and the longest image file name.
pub const MAX_IMAGES: usize = 20;
pub const IMAGE_NAME: std::ops::RangeInclusive<usize> = 1..=256;
pub const MAX_BLACKLISTED_GATEWAYS: usize = 20;
/// What an additional fee may be, in percent.
pub const FEE_PERCENTAGE: std::ops::RangeInclusive<rust_decimal::Decimal> =
    rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED;
pub const GATEWAY_NAME: std::ops::RangeInclusive<usize> = 1..=64;
/// Most variants one product may have (and one create may send).
pub const MAX_VARIANTS: usize = 50;
pub const VARIANT_NAME: std::ops::RangeInclusive<usize> = 3..=128;
pub const SKU: std::ops::RangeInclusive<usize> = 1..=64;
/// Highest variant price in cents (Komerza: 0–100000).
pub const MAX_COST_CENTS: i64 = 10_000_000;
pub const DYNAMIC_URL_MAX: usize = 2048;
pub const DELIVERY_MESSAGE_MAX: usize = 4096;
pub const SUBSCRIPTION_PERIOD: std::ops::RangeInclusive<usize> = 1..=32;
pub const VARIANT_METADATA_MAX: usize = 1000;
/// What a variant may be delivered as.
pub const DELIVERY_TYPES: &[&str] = &["license_keys", "dynamic", "keyauth", "instructions", "files"];
pub const FIELD_LABEL: std::ops::RangeInclusive<usize> = 1..=128;
pub const FIELD_IDENTIFIER: std::ops::RangeInclusive<usize> = 1..=64;
pub const PLACEHOLDER_MAX: usize = 256;
pub const HINT_MAX: usize = 512;
/// Most custom fields of a variant, and options of a field.
pub const MAX_CUSTOM_FIELDS: usize = 25;
pub const MAX_OPTIONS: usize = 100;
pub const OPTION_LABEL: std::ops::RangeInclusive<usize> = 1..=128;
pub const OPTION_VALUE: std::ops::RangeInclusive<usize> = 1..=64;
/// Most products one category link list (or one reorder) may name.
pub const MAX_LINKED_PRODUCTS: usize = 1000;

pub fn check_store(c: &mut Checks, row: &store::Model) {
    c.text("name", &row.name, STORE_NAME);
    c.text("description", &row.description, 0..=STORE_DESCRIPTION_MAX);
    c.slug("url", &row.url, STORE_URL);
    check_currency(c, "currencyCode", &row.currency_code);
    c.optional_text("maintenanceReason", row.maintenance_reason.as_deref(), 1..=MAINTENANCE_REASON_MAX);
    if let Some(threshold) = row.low_stock_threshold {
        c.number("lowStockThreshold", threshold, 0..=LOW_STOCK_THRESHOLD_MAX);
    }
}

/// A currency goods are priced in, by its ISO 4217 code (the `iso_currency` crate's table): not a
/// made-up code, a fund, a precious metal or a unit of account (`XAU`, `XDR`, `XTS`), nor one
/// replaced by another.
pub fn check_currency(c: &mut Checks, field: &str, code: &str) {
    match iso_currency::Currency::from_code(code) {
        None => c.fail(field, "must be an ISO 4217 currency code of three capital letters, such as USD"),
        Some(currency) if currency.is_fund() || currency.is_special() => {
            c.fail(field, format!("{code} is not a currency goods are priced in; use one such as USD"));
        }
        Some(currency) => {
            if let Some(successor) = currency.is_superseded() {
                c.fail(field, format!("{code} was replaced by {}", successor.code()));
            }
        }
    }
}

/// Highest `lowStockThreshold`.
pub const LOW_STOCK_THRESHOLD_MAX: i32 = 1_000_000;

pub fn check_category(c: &mut Checks, row: &category::Model) {
    c.text("name", &row.name, CATEGORY_NAME);
    c.slug("slug", &row.slug, SLUG);
    c.number("order", row.sort_order, 0..=i32::MAX);
}

/// At most one fee per payment gateway (named as in `blacklistedPaymentGateways`), each
/// 0–100 percent in hundredths.
fn check_fees(c: &mut Checks, fees: &[AdditionalFee]) {
    if fees.len() > MAX_BLACKLISTED_GATEWAYS {
        c.fail("additionalFees", format!("must have at most {MAX_BLACKLISTED_GATEWAYS} entries"));
    }
    let mut seen = std::collections::HashSet::new();
    for (index, fee) in fees.iter().enumerate() {
        let gateway = format!("additionalFees[{index}].gateway");
        c.text(&gateway, &fee.gateway, GATEWAY_NAME);
        if !seen.insert(fee.gateway.to_lowercase()) {
            c.fail(&gateway, "names a payment gateway listed before");
        }
        if !FEE_PERCENTAGE.contains(&fee.percentage) || fee.percentage.normalize().scale() > 2 {
            c.fail(&format!("additionalFees[{index}].percentage"), "must be 0 to 100 in hundredths (such as 2.9)");
        }
    }
}

pub fn check_product(c: &mut Checks, row: &product::Model) {
    c.text("name", &row.name, PRODUCT_NAME);
    c.optional_text("description", row.description.as_deref(), 1..=PRODUCT_DESCRIPTION_MAX);
    c.slug("slug", &row.slug, SLUG);
    c.number("order", row.sort_order, 1..=i32::MAX);
    c.texts("imageNames", &strings(&row.image_names), MAX_IMAGES, IMAGE_NAME);
    c.texts(
        "blacklistedPaymentGateways",
        &strings(&row.blacklisted_payment_gateways),
        MAX_BLACKLISTED_GATEWAYS,
        GATEWAY_NAME,
    );
    check_fees(c, &AdditionalFee::from_json(&row.additional_fees));
    c.optional_text("metadata", row.metadata.as_deref(), 1..=PRODUCT_METADATA_MAX);
}

pub fn check_variant(c: &mut Checks, row: &variant::Model) {
    c.text("name", &row.name, VARIANT_NAME);
    if let Some(sku) = &row.sku {
        c.slug("sku", sku, SKU);
    }
    c.amount("cost", row.cost_cents, 0..=MAX_COST_CENTS);
    c.number("stock", row.stock, 0..=i32::MAX);
    c.number("minimumQuantity", row.minimum_quantity, 1..=i32::MAX);
    if row.maximum_quantity != -1 && row.maximum_quantity < row.minimum_quantity {
        c.fail("maximumQuantity", "must be -1 (no limit) or at least minimumQuantity");
    }
    c.number("order", row.sort_order, 1..=i32::MAX);
    let delivery = strings(&row.delivery_types);
    c.texts("deliveryTypes", &delivery, DELIVERY_TYPES.len(), 1..=32);
    for (index, kind) in delivery.iter().enumerate() {
        if !DELIVERY_TYPES.contains(&kind.as_str()) {
            c.fail(&format!("deliveryTypes[{index}]"), format!("must be one of {}", DELIVERY_TYPES.join(", ")));
        } else if delivery[..index].contains(kind) {
            c.fail(&format!("deliveryTypes[{index}]"), "is listed twice");
        }
    }
    c.texts("imageNames", &strings(&row.image_names), MAX_IMAGES, IMAGE_NAME);
    match row.dynamic_url.as_deref() {
        Some(url) => {
            c.text("dynamicUrl", url, 1..=DYNAMIC_URL_MAX);
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                c.fail("dynamicUrl", "must be an http(s) URL");
            }
        }
        None if delivery.iter().any(|d| d == "dynamic") => {
            c.fail("dynamicUrl", "is required with the dynamic delivery type");
        }
        None => {}
    }
    c.optional_text("deliveryMessage", row.delivery_message.as_deref(), 1..=DELIVERY_MESSAGE_MAX);
    let subscription = VariantType::from_code(row.variant_type) == VariantType::Subscription;
    match (&row.subscription_period, subscription) {
        (Some(period), true) => c.text("subscriptionPeriod", period, SUBSCRIPTION_PERIOD),
        (None, true) => c.fail("subscriptionPeriod", "is required for a subscription"),
        (Some(_), false) => c.fail("subscriptionPeriod", "is only for subscriptions"),
        (None, false) => {}
    }
    c.optional_text("metadata", row.metadata.as_deref(), 1..=VARIANT_METADATA_MAX);
}

pub fn check_custom_field(c: &mut Checks, row: &custom_field::Model) {
    c.text("label", &row.label, FIELD_LABEL);
    c.slug("identifier", &row.identifier, FIELD_IDENTIFIER);
    c.optional_text("placeholder", row.placeholder.as_deref(), 1..=PLACEHOLDER_MAX);
    c.optional_text("hint", row.hint.as_deref(), 1..=HINT_MAX);
    c.number("order", row.sort_order, 0..=i32::MAX);
}

/// Whether a field of this type offers options to choose from.
pub fn has_options(field_type: CustomFieldType) -> bool {
    matches!(field_type, CustomFieldType::Select | CustomFieldType::Radio)
}

pub fn check_option(c: &mut Checks, row: &custom_field_option::Model) {
    c.text("label", &row.label, OPTION_LABEL);
    c.text("value", &row.value, OPTION_VALUE);
    c.number("order", row.sort_order, 0..=i32::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::new_variant;
    use uuid::Uuid;

    fn variant() -> variant::Model {
        let id = Uuid::now_v7();
        new_variant(id, (id, id), "Large", None, (1999, 5), 1)
    }

    fn problems(row: &variant::Model) -> Vec<String> {
        let mut checks = Checks::new();
        check_variant(&mut checks, row);
        match checks.finish() {
            Ok(()) => Vec::new(),
            Err(crate::error::ApiError::Validation(p)) => p.into_iter().map(|p| p.field).collect(),
            Err(other) => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn a_default_variant_is_valid_and_limits_are_cross_checked() {
        let mut row = variant();
        assert!(problems(&row).is_empty());
        row.minimum_quantity = 5;
        row.maximum_quantity = 4;
        assert_eq!(problems(&row), ["maximumQuantity"]);
        row.maximum_quantity = -1;
        row.variant_type = 1;
        assert_eq!(problems(&row), ["subscriptionPeriod"]);
        row.subscription_period = Some("month".into());
        row.delivery_types = serde_json::json!(["dynamic", "dynamic"]);
        assert_eq!(problems(&row), ["deliveryTypes[1]", "dynamicUrl"]);
    }
}
