//! The closed vocabularies as GraphQL enums: each mirrors its domain enum (names, order and
//! descriptions) and converts both ways, so the domain needs no GraphQL derive.

use async_graphql::Enum;

/// Who can see a product or category on the storefront.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::catalog::Visibility")]
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
#[graphql(remote = "crate::domain::catalog::StockMode")]
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
#[graphql(remote = "crate::domain::catalog::VariantType")]
pub enum VariantType {
    /// Bought once (code 0).
    OneTime,
    /// Billed every `subscriptionPeriod` (code 1).
    Subscription,
}

/// The input a custom field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::catalog::CustomFieldType")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::order_status::OrderStatus")]
pub enum OrderStatus {
    /// Placed; stock is reserved.
    Pending,
    /// Accepted by the merchant.
    Confirmed,
    /// On its way.
    Shipped,
    /// Received by the buyer.
    Delivered,
    /// Called off before shipping; its stock was put back.
    Cancelled,
    /// Paid back; store credit spent on it was returned.
    Refunded,
}

/// Where a support ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::tickets::TicketStatus")]
pub enum TicketStatus {
    /// Waiting for the merchant: opened, or the customer wrote last.
    Open,
    /// Waiting for the customer: the merchant wrote last.
    Answered,
    /// Settled; the customer's next message reopens it.
    Closed,
}

/// Who wrote a ticket message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::tickets::Author")]
pub enum TicketAuthor {
    /// The customer the ticket is with.
    Customer,
    /// The store's staff.
    Merchant,
}
