//! The scopes an API key or session can hold, by their Komerza names.

/// Every scope, by its wire name.
pub const ALL: &[&str] = &[
    "stores.view",
    "stores.update",
    "stores.create",
    "stores.analytics.view",
    "stores.categories.view",
    "stores.categories.create",
    "stores.categories.update",
    "stores.categories.delete",
    "stores.products.view",
    "stores.products.create",
    "stores.products.update",
    "stores.products.delete",
    "stores.customers.view",
    "stores.customers.create",
    "stores.customers.update",
    "stores.orders.view",
    "stores.orders.create",
    "stores.orders.deliver",
    "stores.orders.refund",
    "stores.coupons.view",
    "stores.coupons.create",
    "stores.coupons.update",
    "stores.coupons.delete",
    "stores.affiliates.view",
    "stores.affiliates.update",
    "stores.tickets.view",
    "stores.tickets.update",
    "stores.tickets.delete",
    "stores.reviews.flagged.create",
    "user.view",
    "user.webhooks.view",
    "user.webhooks.create",
    "user.webhooks.update",
    "user.webhooks.delete",
];

/// What a customer session may do: browse products, view and place its own orders, open, read
/// and answer its own support tickets, and read and manage its own affiliate record (the
/// tenancy gate limits each to its own rows; the domain to what the store allows).
pub const CUSTOMER: &[&str] = &[
    "stores.products.view",
    "stores.orders.view",
    "stores.orders.create",
    "stores.tickets.view",
    "stores.tickets.update",
    "stores.affiliates.view",
    "stores.affiliates.update",
];

/// The canonical name of a scope, or `None` for a name that is not a scope.
pub fn parse(name: &str) -> Option<&'static str> {
    ALL.iter().copied().find(|scope| *scope == name)
}
