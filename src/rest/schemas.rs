//! The objects the shim answers with, as JSON Schemas for `GET /openapi.json`: Commerce API
//! 2.4.0's product, order and tokens (seed 002), Komerza's store and product tree (seeds 003
//! and 004) and the Komerza objects the seeds name without printing (categories, coupons,
//! customers, orders, tickets, reviews, affiliates, webhooks). Every property an answer carries
//! is required — a field without a value is `null`, never left out — so a contract fuzzer
//! catches a missing field as well as a wrong type.

use serde_json::{json, Map, Value};

use super::commerce::CATEGORIES;
use super::komerza_tickets::STATUSES as TICKET_STATUSES;
use crate::domain::catalog_rules::DELIVERY_TYPES;

/// Order statuses as both families spell them.
pub const ORDER_STATUSES: &[&str] = &["pending", "confirmed", "shipped", "delivered", "cancelled", "refunded"];

fn id() -> Value {
    json!({ "type": "string", "format": "uuid" })
}
fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}
fn text() -> Value {
    json!({ "type": "string" })
}
fn number() -> Value {
    json!({ "type": "number" })
}
fn whole() -> Value {
    json!({ "type": "integer" })
}
fn flag() -> Value {
    json!({ "type": "boolean" })
}
fn words(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}
/// A Komerza integer code: the position of a name in its list.
fn codes(count: usize) -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": count - 1 })
}
fn list(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}
fn to(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
/// `schema`, or null.
fn or_null(mut schema: Value) -> Value {
    match schema.get("type").cloned() {
        Some(Value::String(kind)) => {
            schema["type"] = json!([kind, "null"]);
            schema
        }
        _ => json!({ "anyOf": [schema, { "type": "null" }] }),
    }
}

/// `object` with `names` no longer required: fields for the store's staff only, which a
/// customer's answer leaves out.
fn staff_only(mut object: Value, names: &[&str]) -> Value {
    if let Some(required) = object["required"].as_array_mut() {
        required.retain(|name| !name.as_str().is_some_and(|name| names.contains(&name)));
    }
    object["description"] =
        json!(format!("{} are for the store's staff: a customer's answer leaves them out", names.join(", ")));
    object
}

/// An object with every one of `properties` required.
fn object(properties: Vec<(&str, Value)>) -> Value {
    let required: Vec<&str> = properties.iter().map(|(name, _)| *name).collect();
    let properties: Map<String, Value> =
        properties.into_iter().map(|(name, schema)| (name.to_owned(), schema)).collect();
    json!({ "type": "object", "required": required, "properties": properties })
}

fn commerce() -> Vec<(&'static str, Value)> {
    vec![
        (
            "CommerceTokens",
            object(vec![
                ("accessToken", text()),
                ("tokenType", text()),
                ("expiresIn", whole()),
                ("refreshToken", or_null(text())),
            ]),
        ),
        (
            "CommerceProduct",
            object(vec![
                ("productId", id()),
                ("sku", or_null(text())),
                ("name", text()),
                ("description", or_null(text())),
                ("price", number()),
                ("currency", text()),
                ("stock", whole()),
                ("category", words(CATEGORIES)),
                ("imageUrl", or_null(json!({ "type": "string", "format": "uri" }))),
                ("active", flag()),
                ("createdAt", time()),
                ("updatedAt", or_null(time())),
            ]),
        ),
        (
            "CommerceOrderItem",
            object(vec![
                ("productId", id()),
                ("sku", or_null(text())),
                ("name", text()),
                ("quantity", whole()),
                ("unitPrice", number()),
                ("lineTotal", number()),
            ]),
        ),
        (
            "CommerceOrder",
            object(vec![
                ("orderId", id()),
                ("customerId", id()),
                ("items", list(to("CommerceOrderItem"))),
                ("subtotal", number()),
                ("discount", or_null(number())),
                ("total", number()),
                ("currency", text()),
                ("status", words(ORDER_STATUSES)),
                ("notes", or_null(text())),
                ("createdAt", time()),
                ("updatedAt", or_null(time())),
            ]),
        ),
    ]
}

fn catalog() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Option",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("customFieldId", id()),
                ("label", text()),
                ("value", text()),
                ("order", whole()),
            ]),
        ),
        (
            "CustomField",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("variantId", id()),
                ("label", text()),
                ("identifier", text()),
                ("type", words(&["text", "textarea", "select", "checkbox", "radio", "number"])),
                ("isRequired", flag()),
                ("placeholder", or_null(text())),
                ("hint", or_null(text())),
                ("options", list(to("Option"))),
            ]),
        ),
        (
            "VariantFile",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("friendlyName", text()),
                ("ipAddress", text()),
                ("userId", or_null(id())),
            ]),
        ),
        (
            "Variant",
            staff_only(
                object(vec![
                    ("id", id()),
                    ("dateCreated", time()),
                    ("name", text()),
                    ("productId", id()),
                    ("storeId", id()),
                    ("cost", number()),
                    ("deliveryTypes", list(words(DELIVERY_TYPES))),
                    ("files", list(to("VariantFile"))),
                    ("minimumQuantity", whole()),
                    ("maximumQuantity", whole()),
                    ("order", whole()),
                    ("imageNames", list(text())),
                    ("stock", whole()),
                    ("stockMode", codes(3)),
                    ("type", codes(2)),
                    ("dynamicUrl", or_null(text())),
                    ("deliveryMessage", or_null(text())),
                    ("metadata", or_null(text())),
                    ("customFields", list(to("CustomField"))),
                ]),
                &["dynamicUrl", "deliveryMessage", "metadata"],
            ),
        ),
        (
            "Product",
            staff_only(
                object(vec![
                    ("id", id()),
                    ("dateCreated", time()),
                    ("name", text()),
                    ("description", text()),
                    ("visibility", codes(3)),
                    ("imageNames", list(text())),
                    ("storeId", id()),
                    ("userId", or_null(id())),
                    ("shouldBlockVpns", flag()),
                    ("order", whole()),
                    ("isBestSeller", flag()),
                    ("blacklistedPaymentGateways", list(text())),
                    (
                        "additionalFees",
                        json!({ "type": "object", "description": "Percent of the price by payment gateway",
                            "additionalProperties": { "type": "number", "minimum": 0, "maximum": 100 } }),
                    ),
                    ("slug", text()),
                    ("metadata", or_null(text())),
                    ("variants", list(to("Variant"))),
                ]),
                &["userId", "metadata"],
            ),
        ),
        (
            "Category",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("name", text()),
                ("visibility", codes(3)),
                ("order", whole()),
                ("storeId", id()),
                ("slug", text()),
            ]),
        ),
        (
            "Coupon",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("code", text()),
                ("uses", whole()),
                ("maximumUses", or_null(whole())),
                ("isEnabled", flag()),
                ("storeId", id()),
                ("percentageDecrease", or_null(number())),
                ("amountDecrease", or_null(number())),
                ("variantIds", list(id())),
                ("expirationDate", or_null(time())),
            ]),
        ),
    ]
}

fn store() -> Vec<(&'static str, Value)> {
    vec![
        (
            "AffiliateOptions",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("isEnabled", flag()),
                ("defaultReturnPercentage", number()),
                ("isPublicRegistrationEnabled", flag()),
                ("isLinkEditingEnabled", flag()),
                ("canConvertAffiliateBalance", flag()),
                ("defaultPercentageOff", number()),
            ]),
        ),
        (
            "StoreBrandOptions",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("storeId", id()),
                ("isAutomaticCurrencyConversionEnabled", flag()),
                ("bannerFileName", or_null(text())),
                ("iconFileName", or_null(text())),
                ("accentColor", or_null(text())),
            ]),
        ),
        (
            "NotificationOptions",
            object(vec![("id", id()), ("dateCreated", time()), ("discordWebhookUrl", or_null(text()))]),
        ),
        ("Store", {
            let mut store = object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("name", text()),
                ("description", text()),
                ("url", text()),
                ("urlHistory", list(text())),
                ("domain", or_null(text())),
                ("customDomain", or_null(text())),
                ("lastCustomDomainUpdate", or_null(time())),
                ("userId", id()),
                ("currencyCode", json!({ "type": "string", "pattern": "^[A-Z]{3}$" })),
                ("prependProductNameToReceipt", flag()),
                ("isAutomaticReviewsEnabled", flag()),
                ("isCustomerBalanceEnabled", flag()),
                ("isInactive", flag()),
                ("maintenanceReason", or_null(text())),
                ("builderRepository", or_null(json!({ "type": "object" }))),
                ("affiliateOptions", to("AffiliateOptions")),
                ("storeBrandOptions", to("StoreBrandOptions")),
                ("notificationOptions", to("NotificationOptions")),
            ]);
            // Present only for a caller holding the scope that reads them.
            for (part, schema) in [
                ("products", list(to("Product"))),
                ("categories", list(to("Category"))),
                ("coupons", list(to("Coupon"))),
                ("webhookSecret", text()),
            ] {
                store["properties"][part] = schema;
            }
            store
        }),
        (
            "TopProduct",
            object(vec![("productId", id()), ("productName", text()), ("quantity", whole()), ("revenue", number())]),
        ),
        (
            "Analytics",
            object(vec![
                ("from", time()),
                ("to", time()),
                ("revenue", number()),
                ("orderCount", whole()),
                ("averageOrderValue", number()),
                ("affiliateRevenue", number()),
                ("affiliateCommission", number()),
                ("reviewCount", whole()),
                ("averageRating", or_null(number())),
                ("openTickets", whole()),
                ("topProducts", list(to("TopProduct"))),
            ]),
        ),
        ("User", object(vec![("id", id()), ("email", text()), ("name", or_null(text())), ("dateCreated", time())])),
    ]
}

fn sales() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Customer",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("email", text()),
                ("name", or_null(text())),
                ("storeId", id()),
                ("balance", number()),
            ]),
        ),
        (
            "OrderItem",
            object(vec![
                ("id", id()),
                ("productId", or_null(id())),
                ("variantId", or_null(id())),
                ("productName", text()),
                ("variantName", text()),
                ("sku", or_null(text())),
                ("quantity", whole()),
                ("unitPrice", number()),
                ("lineTotal", number()),
                ("customFieldValues", list(object(vec![("identifier", text()), ("value", text())]))),
            ]),
        ),
        (
            "OrderStatusChange",
            object(vec![
                ("from", or_null(words(ORDER_STATUSES))),
                ("to", words(ORDER_STATUSES)),
                ("reason", or_null(text())),
                ("dateCreated", time()),
            ]),
        ),
        (
            "Order",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("storeId", id()),
                ("customerId", id()),
                ("customerEmail", text()),
                ("status", words(ORDER_STATUSES)),
                ("currencyCode", text()),
                ("couponCode", or_null(text())),
                ("subtotal", number()),
                ("discount", number()),
                ("affiliateDiscount", number()),
                ("creditUsed", number()),
                ("total", number()),
                ("notes", or_null(text())),
                ("items", list(to("OrderItem"))),
                ("history", list(to("OrderStatusChange"))),
            ]),
        ),
        (
            "AffiliateEntry",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("kind", text()),
                ("amount", number()),
                ("balanceAfter", number()),
                ("orderId", or_null(id())),
            ]),
        ),
        ("Affiliate", {
            let mut affiliate = object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("storeId", id()),
                ("customerId", id()),
                ("code", text()),
                ("isEnabled", flag()),
                ("returnPercentage", or_null(number())),
                ("percentageOff", or_null(number())),
                ("balance", number()),
                ("referredOrders", whole()),
                ("revenue", number()),
                ("earnedCommission", number()),
            ]);
            // Lists leave the ledger out; one affiliate carries it.
            affiliate["properties"]["ledger"] = list(to("AffiliateEntry"));
            affiliate
        }),
    ]
}

fn engagement() -> Vec<(&'static str, Value)> {
    vec![
        (
            "TicketMessage",
            object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("author", words(&["customer", "merchant"])),
                ("body", text()),
            ]),
        ),
        ("TicketMessages", list(to("TicketMessage"))),
        ("Ticket", {
            let mut ticket = object(vec![
                ("id", id()),
                ("dateCreated", time()),
                ("dateUpdated", time()),
                ("storeId", id()),
                ("customerId", id()),
                ("email", text()),
                ("subject", text()),
                ("orderId", or_null(id())),
                ("status", words(TICKET_STATUSES)),
                ("messageCount", whole()),
                ("lastMessageAt", time()),
                ("isArchived", flag()),
            ]);
            ticket = staff_only(ticket, &["isArchived"]);
            // Lists leave the messages out; one ticket carries them.
            ticket["properties"]["messages"] = to("TicketMessages");
            ticket
        }),
        (
            "Review",
            staff_only(
                object(vec![
                    ("id", id()),
                    ("dateCreated", time()),
                    ("dateUpdated", time()),
                    ("storeId", id()),
                    ("productId", id()),
                    ("customerId", or_null(id())),
                    ("orderItemId", id()),
                    ("rating", json!({ "type": "integer", "minimum": 1, "maximum": 5 })),
                    ("text", or_null(text())),
                    ("reply", or_null(text())),
                    ("dateReplied", or_null(time())),
                    ("isAutomatic", flag()),
                    ("isFlagged", flag()),
                    ("flagReason", or_null(text())),
                ]),
                &["customerId", "orderItemId", "isFlagged", "flagReason"],
            ),
        ),
        ("Webhook", {
            let mut hook = object(vec![
                ("id", id()),
                ("url", json!({ "type": "string", "format": "uri" })),
                ("description", or_null(text())),
                ("eventTypes", list(text())),
                ("storeIds", list(id())),
                ("isEnabled", flag()),
                ("disabledReason", or_null(text())),
                ("dateCreated", time()),
            ]);
            // Only the answers that create or rotate it carry the signing secret.
            hook["properties"]["secret"] = text();
            hook
        }),
        ("Deleted", object(vec![("id", id())])),
        (
            "DeliveryAttempt",
            object(vec![
                ("dateCreated", time()),
                ("responseStatus", or_null(whole())),
                ("durationMs", whole()),
                ("error", or_null(text())),
                ("responseBody", or_null(text())),
            ]),
        ),
        (
            "WebhookDelivery",
            object(vec![
                ("id", id()),
                ("eventId", id()),
                ("status", words(&["pending", "succeeded", "failed"])),
                ("attemptCount", whole()),
                ("nextAttemptAt", or_null(time())),
                ("lastResponseStatus", or_null(whole())),
                ("lastError", or_null(text())),
                ("dateCreated", time()),
                ("attempts", list(to("DeliveryAttempt"))),
            ]),
        ),
    ]
}

/// Every answer object by name, for the document's `components.schemas`.
pub fn all() -> Map<String, Value> {
    [commerce(), catalog(), store(), sales(), engagement()]
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect()
}
