//! The authorization policy: every field is guarded or explicitly public, and every guard refuses
//! a caller without its scope (naming it) and lets a caller with it through.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use commerce_gateway::auth::principal::{Access, Credential, Principal};
use commerce_gateway::auth::scope;
use commerce_gateway::graphql::exec::policy::{is_connection_plumbing, Policy, Rule};
use serde_json::{json, Value};

use crate::helpers::{count_rows, demo_catalog, error_codes, spawn_demo_app, TestApp};

/// Every `Type.field` of the SDL's object types.
fn all_fields(sdl: &str) -> Vec<(String, String)> {
    let document = async_graphql::parser::parse_schema(sdl).expect("valid SDL");
    let mut fields = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        if let TypeKind::Object(object) = &definition.node.kind {
            for field in &object.fields {
                fields.push((definition.node.name.node.to_string(), field.node.name.node.to_string()));
            }
        }
    }
    fields
}

#[test]
fn every_field_is_guarded_or_explicitly_public() {
    let sdl = commerce_gateway::graphql::sdl();
    let policy = Policy::from_sdl(&sdl).expect("policy");
    let uncovered: Vec<String> = all_fields(&sdl)
        .into_iter()
        .filter(|(ty, field)| !is_connection_plumbing(ty) && policy.rules(ty, field).is_empty())
        .map(|(ty, field)| format!("{ty}.{field}"))
        .collect();
    assert!(uncovered.is_empty(), "fields with neither @scope, @session nor @public: {uncovered:?}");
    for (ty, field) in all_fields(&sdl) {
        for rule in policy.rules(&ty, &field) {
            if let Rule::Scope(name) = rule {
                assert!(scope::parse(name).is_some(), "{ty}.{field} names an unknown scope {name}");
            }
        }
    }
}

/// A request that reaches a guarded type or field, with the scope it needs.
struct Probe {
    target: &'static str,
    scope: &'static str,
    query: &'static str,
}

const PROBES: &[Probe] = &[
    Probe { target: "Query.stores", scope: "stores.view", query: "{ stores { id } }" },
    Probe { target: "Query.store", scope: "stores.view", query: "query($s: UUID!) { store(id: $s) { id } }" },
    Probe { target: "Store", scope: "stores.view", query: "query($s: UUID!) { store(id: $s) { name } }" },
    Probe {
        target: "Store.products",
        scope: "stores.products.view",
        query: "{ stores { products(first: 1) { totalCount } } }",
    },
    Probe { target: "Store.webhookSecret", scope: "user.webhooks.view", query: "{ stores { name webhookSecret } }" },
    Probe {
        target: "Query.product",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { id } }",
    },
    Probe {
        target: "Query.productBySlug",
        scope: "stores.products.view",
        query: "query($s: UUID!) { productBySlug(storeId: $s, slug: \"ceramic-mug\") { id } }",
    },
    Probe { target: "Product", scope: "stores.products.view", query: "query($p: UUID!) { product(id: $p) { name } }" },
    Probe {
        target: "Variant",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { variants { sku } } }",
    },
    Probe {
        target: "CustomField",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { variants { customFields { label } } } }",
    },
    Probe {
        target: "CustomFieldOption",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { variants { customFields { options { label } } } } }",
    },
    Probe {
        target: "Store.categories",
        scope: "stores.categories.view",
        query: "{ stores { categories(first: 1) { totalCount } } }",
    },
    Probe {
        target: "Category",
        scope: "stores.categories.view",
        query: "{ stores { categories { nodes { name } } } }",
    },
    Probe {
        target: "Category.products",
        scope: "stores.products.view",
        query: "{ stores { categories(first: 1) { nodes { products(first: 1) { totalCount } } } } }",
    },
    Probe { target: "Query.me", scope: "user.view", query: "{ me { id } }" },
    Probe {
        target: "Store.customers",
        scope: "stores.customers.view",
        query: "{ stores { customers(first: 1) { totalCount } } }",
    },
    Probe {
        target: "Customer",
        scope: "stores.customers.view",
        query: "{ stores { customers(first: 1) { nodes { email } } } }",
    },
    Probe {
        target: "BalanceEntry",
        scope: "stores.customers.view",
        query: "{ stores { customers(first: 1) { nodes { balanceHistory { amount } } } } }",
    },
    Probe { target: "Store.coupons", scope: "stores.coupons.view", query: "{ stores { coupons(first: 1) { totalCount } } }" },
    Probe { target: "Coupon", scope: "stores.coupons.view", query: "{ stores { coupons(first: 1) { nodes { code } } } }" },
    Probe { target: "Store.orders", scope: "stores.orders.view", query: "{ stores { orders(first: 1) { totalCount } } }" },
    Probe { target: "Query.order", scope: "stores.orders.view", query: "query($or: UUID!) { order(id: $or) { id } }" },
    Probe {
        target: "Query.orders",
        scope: "stores.orders.view",
        query: "query($s: UUID!) { orders(storeId: $s, first: 1) { totalCount } }",
    },
    Probe { target: "Order", scope: "stores.orders.view", query: "query($or: UUID!) { order(id: $or) { total } }" },
    Probe {
        target: "OrderItem",
        scope: "stores.orders.view",
        query: "query($or: UUID!) { order(id: $or) { items { sku } } }",
    },
    Probe {
        target: "OrderStatusChange",
        scope: "stores.orders.view",
        query: "query($or: UUID!) { order(id: $or) { history { to } } }",
    },
    Probe {
        target: "CustomFieldValue",
        scope: "stores.orders.view",
        query: "query($or: UUID!) { order(id: $or) { items { customFieldValues { value } } } }",
    },
    Probe { target: "Store.analytics", scope: "stores.analytics.view", query: "{ stores { analytics { revenue } } }" },
    Probe { target: "StoreAnalytics", scope: "stores.analytics.view", query: "{ stores { analytics { orderCount } } }" },
    Probe {
        target: "ProductSales",
        scope: "stores.analytics.view",
        query: "{ stores { analytics { topProducts { quantity } } } }",
    },
    // Mutations, ordered so that each finds what it writes (deletes come last).
    Probe {
        target: "Mutation.createCustomer",
        scope: "stores.customers.create",
        query: "mutation($s: UUID!) { createCustomer(storeId: $s, input: { email: \"probe@example.com\" }) { id } }",
    },
    Probe {
        target: "Mutation.updateCustomer",
        scope: "stores.customers.update",
        query: "mutation($cu: UUID!) { updateCustomer(id: $cu, input: { name: \"Probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.adjustCustomerBalance",
        scope: "stores.customers.update",
        query: "mutation($cu: UUID!) { adjustCustomerBalance(id: $cu, input: { amount: 1, reason: \"Probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.createCoupon",
        scope: "stores.coupons.create",
        query: "mutation($s: UUID!) { createCoupon(storeId: $s, input: { code: \"PROBE\", percentageDecrease: 5 }) { id } }",
    },
    Probe {
        target: "Mutation.updateCoupon",
        scope: "stores.coupons.update",
        query: "mutation($cp: UUID!) { updateCoupon(id: $cp, input: { isEnabled: true }) { id } }",
    },
    Probe {
        target: "Mutation.createOrder",
        scope: "stores.orders.create",
        query: "mutation($s: UUID!, $pv: UUID!) { createOrder(storeId: $s, input: { customerEmail: \"probe@example.com\", items: [{ variantId: $pv, quantity: 1 }] }) { id } }",
    },
    Probe {
        target: "Mutation.confirmOrder",
        scope: "stores.orders.deliver",
        query: "mutation($or: UUID!) { confirmOrder(id: $or) { id } }",
    },
    Probe { target: "Mutation.shipOrder", scope: "stores.orders.deliver", query: "mutation($or: UUID!) { shipOrder(id: $or) { id } }" },
    Probe {
        target: "Mutation.deliverOrder",
        scope: "stores.orders.deliver",
        query: "mutation($or: UUID!) { deliverOrder(id: $or) { id } }",
    },
    Probe {
        target: "Mutation.refundOrder",
        scope: "stores.orders.refund",
        query: "mutation($or: UUID!) { refundOrder(id: $or, reason: \"Probe\") { id } }",
    },
    Probe {
        target: "Mutation.completeOrder",
        scope: "stores.orders.deliver",
        query: "mutation($or3: UUID!) { completeOrder(id: $or3) { id } }",
    },
    Probe {
        target: "Mutation.cancelOrder",
        scope: "stores.orders.refund",
        query: "mutation($or2: UUID!) { cancelOrder(id: $or2, reason: \"Probe\") { id } }",
    },
    Probe { target: "Mutation.deleteCoupon", scope: "stores.coupons.delete", query: "mutation($cp: UUID!) { deleteCoupon(id: $cp) }" },
    Probe {
        target: "Mutation.createStore",
        scope: "stores.create",
        query: "mutation { createStore(input: { name: \"Probe Store\" }) { id } }",
    },
    Probe {
        target: "Mutation.updateStore",
        scope: "stores.update",
        query: "mutation($s: UUID!) { updateStore(id: $s, input: { name: \"Demo Store\" }) { id } }",
    },
    Probe {
        target: "Mutation.createCategory",
        scope: "stores.categories.create",
        query: "mutation($s: UUID!) { createCategory(storeId: $s, input: { name: \"Probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.updateCategory",
        scope: "stores.categories.update",
        query: "mutation($c: UUID!) { updateCategory(id: $c, input: { name: \"Probed\" }) { id } }",
    },
    Probe {
        target: "Mutation.setCategoryProducts",
        scope: "stores.categories.update",
        query: "mutation($c: UUID!, $p: UUID!) { setCategoryProducts(categoryId: $c, productIds: [$p]) { id } }",
    },
    Probe {
        target: "Mutation.createProduct",
        scope: "stores.products.create",
        query: "mutation($s: UUID!) { createProduct(storeId: $s, input: { name: \"Probe product\", variants: [{ name: \"Probe\", cost: 1 }] }) { id } }",
    },
    Probe {
        target: "Mutation.updateProduct",
        scope: "stores.products.update",
        query: "mutation($p: UUID!) { updateProduct(id: $p, input: { isBestSeller: true }) { id } }",
    },
    Probe {
        target: "Mutation.duplicateProduct",
        scope: "stores.products.create",
        query: "mutation($p: UUID!) { duplicateProduct(id: $p) { id } }",
    },
    Probe {
        target: "Mutation.reorderProducts",
        scope: "stores.products.update",
        query: "mutation($s: UUID!, $p: UUID!) { reorderProducts(storeId: $s, productIds: [$p]) { id } }",
    },
    Probe {
        target: "Mutation.reorderVariants",
        scope: "stores.products.update",
        query: "mutation($p: UUID!, $vs: [UUID!]!) { reorderVariants(productId: $p, variantIds: $vs) { id } }",
    },
    Probe {
        target: "Mutation.createVariant",
        scope: "stores.products.create",
        query: "mutation($p: UUID!) { createVariant(productId: $p, input: { name: \"Probe\", cost: 2 }) { id } }",
    },
    Probe {
        target: "Mutation.updateVariant",
        scope: "stores.products.update",
        query: "mutation($v: UUID!) { updateVariant(id: $v, input: { stock: 9 }) { id } }",
    },
    Probe {
        target: "Mutation.createCustomField",
        scope: "stores.products.create",
        query: "mutation($v: UUID!) { createCustomField(variantId: $v, input: { label: \"Probe\", identifier: \"probe\", type: TEXT }) { id } }",
    },
    Probe {
        target: "Mutation.updateCustomField",
        scope: "stores.products.update",
        query: "mutation($f: UUID!) { updateCustomField(id: $f, input: { hint: \"Probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.createCustomFieldOption",
        scope: "stores.products.create",
        query: "mutation($f: UUID!) { createCustomFieldOption(customFieldId: $f, input: { label: \"Probe\", value: \"probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.updateCustomFieldOption",
        scope: "stores.products.update",
        query: "mutation($o: UUID!) { updateCustomFieldOption(id: $o, input: { label: \"Probe\" }) { id } }",
    },
    Probe {
        target: "VariantFile",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { variants { files { friendlyName } } } }",
    },
    Probe {
        target: "Mutation.addVariantFile",
        scope: "stores.products.update",
        query: "mutation($v: UUID!) { addVariantFile(variantId: $v, friendlyName: \"Probe.pdf\") { id } }",
    },
    Probe {
        target: "Mutation.deleteVariantFile",
        scope: "stores.products.update",
        query: "mutation($fl: UUID!) { deleteVariantFile(id: $fl) }",
    },
    Probe {
        target: "Mutation.deleteCustomFieldOption",
        scope: "stores.products.delete",
        query: "mutation($o: UUID!) { deleteCustomFieldOption(id: $o) }",
    },
    Probe {
        target: "Mutation.deleteCustomField",
        scope: "stores.products.delete",
        query: "mutation($f: UUID!) { deleteCustomField(id: $f) }",
    },
    Probe { target: "Mutation.deleteVariant", scope: "stores.products.delete", query: "mutation($v: UUID!) { deleteVariant(id: $v) }" },
    Probe {
        target: "Mutation.deleteCategory",
        scope: "stores.categories.delete",
        query: "mutation($c: UUID!) { deleteCategory(id: $c) }",
    },
    Probe { target: "Mutation.deleteProduct", scope: "stores.products.delete", query: "mutation($p: UUID!) { deleteProduct(id: $p) }" },
    Probe { target: "User", scope: "user.view", query: "{ me { email } }" },
    Probe {
        target: "Query.customer",
        scope: "stores.customers.view",
        query: "query($cu: UUID!) { customer(id: $cu) { id } }",
    },
    Probe {
        target: "Query.category",
        scope: "stores.categories.view",
        query: "query($c: UUID!) { category(id: $c) { id } }",
    },
    Probe { target: "Query.coupon", scope: "stores.coupons.view", query: "query($cp: UUID!) { coupon(id: $cp) { id } }" },
    Probe { target: "Query.webhooks", scope: "user.webhooks.view", query: "{ webhooks { id } }" },
    Probe { target: "Query.webhookEventTypes", scope: "user.webhooks.view", query: "{ webhookEventTypes { name } }" },
    Probe { target: "Query.webhook", scope: "user.webhooks.view", query: "query($wh: UUID!) { webhook(id: $wh) { id } }" },
    Probe { target: "Webhook", scope: "user.webhooks.view", query: "query($wh: UUID!) { webhook(id: $wh) { url } }" },
    Probe {
        target: "WebhookDelivery",
        scope: "user.webhooks.view",
        query: "query($wh: UUID!) { webhook(id: $wh) { deliveries(first: 1) { nodes { status } } } }",
    },
    Probe {
        target: "WebhookAttempt",
        scope: "user.webhooks.view",
        query: "query($wh: UUID!) { webhook(id: $wh) { deliveries(first: 1) { nodes { attempts { error } } } } }",
    },
    Probe {
        target: "Mutation.createWebhook",
        scope: "user.webhooks.create",
        query: "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/probe\", eventTypes: [\"order.created\"] }) { secret } }",
    },
    Probe {
        target: "Mutation.updateWebhook",
        scope: "user.webhooks.update",
        query: "mutation($wh: UUID!) { updateWebhook(id: $wh, input: { description: \"probe\" }) { id } }",
    },
    Probe {
        target: "Mutation.rotateWebhookSecret",
        scope: "user.webhooks.update",
        query: "mutation($wh: UUID!) { rotateWebhookSecret(id: $wh) { secret } }",
    },
    Probe {
        target: "Mutation.sendTestWebhook",
        scope: "user.webhooks.update",
        query: "mutation($wh: UUID!) { sendTestWebhook(id: $wh) { id } }",
    },
    Probe {
        target: "Mutation.resendWebhookDelivery",
        scope: "user.webhooks.update",
        query: "mutation($wh: UUID!, $wd: UUID!) { resendWebhookDelivery(webhookId: $wh, deliveryId: $wd) { id } }",
    },
    Probe { target: "Ticket", scope: "stores.tickets.view", query: "query($tk: UUID!) { ticket(id: $tk) { subject } }" },
    Probe {
        target: "TicketMessage",
        scope: "stores.tickets.view",
        query: "query($tk: UUID!) { ticket(id: $tk) { messages { body } } }",
    },
    Probe { target: "Query.ticket", scope: "stores.tickets.view", query: "query($tk: UUID!) { ticket(id: $tk) { id } }" },
    Probe {
        target: "Query.tickets",
        scope: "stores.tickets.view",
        query: "query($s: UUID!) { tickets(storeId: $s, first: 1) { totalCount } }",
    },
    Probe {
        target: "Store.tickets",
        scope: "stores.tickets.view",
        query: "query($s: UUID!) { store(id: $s) { tickets(first: 1) { totalCount } } }",
    },
    Probe {
        target: "Mutation.openTicket",
        scope: "stores.tickets.update",
        query: "mutation($s: UUID!, $cu: UUID!) { openTicket(storeId: $s, input: { customerId: $cu, subject: \"Probe\", message: \"Hi\" }) { id } }",
    },
    Probe {
        target: "Mutation.replyToTicket",
        scope: "stores.tickets.update",
        query: "mutation($tk: UUID!) { replyToTicket(id: $tk, message: \"Probe\") { id } }",
    },
    Probe {
        target: "Mutation.archiveTicket",
        scope: "stores.tickets.update",
        query: "mutation($tk: UUID!) { archiveTicket(id: $tk) { id } }",
    },
    // After the reply: a closed ticket takes no merchant message.
    Probe { target: "Mutation.closeTicket", scope: "stores.tickets.update", query: "mutation($tk: UUID!) { closeTicket(id: $tk) { id } }" },
    Probe { target: "Mutation.deleteTicket", scope: "stores.tickets.delete", query: "mutation($tk: UUID!) { deleteTicket(id: $tk) }" },
    Probe { target: "Review", scope: "stores.products.view", query: "query($rv: UUID!) { review(id: $rv) { rating } }" },
    Probe {
        target: "AdditionalFee",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { additionalFees { gateway percentage } } }",
    },
    Probe {
        target: "ProductRating",
        scope: "stores.products.view",
        query: "query($p: UUID!) { product(id: $p) { rating { count } } }",
    },
    Probe { target: "Query.review", scope: "stores.products.view", query: "query($rv: UUID!) { review(id: $rv) { id } }" },
    Probe {
        target: "Query.reviews",
        scope: "stores.products.view",
        query: "query($s: UUID!) { reviews(storeId: $s, first: 1) { totalCount } }",
    },
    Probe {
        target: "Mutation.replyToReview",
        scope: "stores.products.update",
        query: "mutation($rv: UUID!) { replyToReview(id: $rv, reply: \"Probe\") { id } }",
    },
    Probe {
        target: "Mutation.flagReview",
        scope: "stores.reviews.flagged.create",
        query: "mutation($rv: UUID!) { flagReview(id: $rv, reason: \"Probe\") { id } }",
    },
    Probe {
        target: "Mutation.unflagReview",
        scope: "stores.reviews.flagged.create",
        query: "mutation($rv: UUID!) { unflagReview(id: $rv) { id } }",
    },
    Probe { target: "Affiliate", scope: "stores.affiliates.view", query: "query($af: UUID!) { affiliate(id: $af) { code } }" },
    Probe {
        target: "AffiliateEntry",
        scope: "stores.affiliates.view",
        query: "query($af: UUID!) { affiliate(id: $af) { ledger { kind } } }",
    },
    Probe {
        target: "AffiliateOptions",
        scope: "stores.view",
        query: "query($s: UUID!) { store(id: $s) { affiliateOptions { isEnabled } } }",
    },
    Probe {
        target: "BrandOptions",
        scope: "stores.view",
        query: "query($s: UUID!) { store(id: $s) { storeBrandOptions { accentColor } } }",
    },
    Probe {
        target: "NotificationOptions",
        scope: "stores.view",
        query: "query($s: UUID!) { store(id: $s) { notificationOptions { discordWebhookUrl } } }",
    },
    Probe {
        target: "Mutation.updateStoreBrandOptions",
        scope: "stores.update",
        query: "mutation($s: UUID!) { updateStoreBrandOptions(storeId: $s, input: { accentColor: \"#112233\" }) { id } }",
    },
    Probe {
        target: "Mutation.updateNotificationOptions",
        scope: "stores.update",
        query: "mutation($s: UUID!) { updateNotificationOptions(storeId: $s, input: { discordWebhookUrl: null }) { id } }",
    },
    Probe { target: "Query.affiliate", scope: "stores.affiliates.view", query: "query($af: UUID!) { affiliate(id: $af) { id } }" },
    Probe {
        target: "Query.affiliates",
        scope: "stores.affiliates.view",
        query: "query($s: UUID!) { affiliates(storeId: $s, first: 1) { totalCount } }",
    },
    Probe {
        target: "Mutation.updateAffiliate",
        scope: "stores.affiliates.update",
        query: "mutation($af: UUID!) { updateAffiliate(id: $af, input: { percentageOff: 7 }) { id } }",
    },
    // The set-up gives the demo affiliate a balance to convert.
    Probe {
        target: "Mutation.convertAffiliateBalance",
        scope: "stores.affiliates.update",
        query: "mutation($af: UUID!) { convertAffiliateBalance(id: $af) { id } }",
    },
    Probe {
        target: "Mutation.createAffiliate",
        scope: "stores.affiliates.update",
        query: "mutation($s: UUID!, $cu: UUID!) { createAffiliate(storeId: $s, input: { customerId: $cu }) { id } }",
    },
    Probe {
        target: "Mutation.updateAffiliateOptions",
        scope: "stores.affiliates.update",
        query: "mutation($s: UUID!) { updateAffiliateOptions(storeId: $s, input: { defaultPercentageOff: 5 }) { isEnabled } }",
    },
    // Last: the endpoint is gone afterwards.
    Probe { target: "Mutation.deleteWebhook", scope: "user.webhooks.delete", query: "mutation($wh: UUID!) { deleteWebhook(id: $wh) }" },
];

/// Every scope-guarded type and field of the SDL, as `Type` or `Type.field`.
fn scope_guarded(sdl: &str) -> BTreeSet<String> {
    let policy = Policy::from_sdl(sdl).expect("policy");
    let mut targets = BTreeSet::new();
    for (ty, field) in all_fields(sdl) {
        let scoped = |rules: &[Rule]| rules.iter().any(|rule| matches!(rule, Rule::Scope(_)));
        if scoped(policy.type_rules(&ty)) {
            targets.insert(ty.clone());
        }
        if scoped(policy.field_rules(&ty, &field)) {
            targets.insert(format!("{ty}.{field}"));
        }
    }
    targets
}

/// Guards probed over WebSocket by `subscriptions::every_subscription_guard_refuses_without_its_scope`
/// (the event types are reached only through the subscription fields, which carry the same scope).
pub const PROBED_OVER_WEBSOCKET: &[&str] = &[
    "Subscription.orderEvents",
    "Subscription.myOrderUpdates",
    "Subscription.stockChanges",
    "OrderEvent",
    "StockChange",
];

#[test]
fn every_scope_guard_has_a_probe() {
    let guarded = scope_guarded(&commerce_gateway::graphql::sdl());
    let probed: BTreeSet<String> = PROBES
        .iter()
        .map(|p| p.target.to_owned())
        .chain(PROBED_OVER_WEBSOCKET.iter().map(|t| (*t).to_owned()))
        .collect();
    let missing: Vec<&String> = guarded.difference(&probed).collect();
    assert!(missing.is_empty(), "add a probe for {missing:?}");
}

/// The principal an API key holding `scopes` becomes (its stores do not matter to the policy).
fn key_holding(scopes: &[&'static str]) -> Principal {
    Principal::Authenticated(Arc::new(Access {
        user_id: uuid::Uuid::nil(),
        credential: Credential::ApiKey(uuid::Uuid::nil()),
        scopes: scopes.iter().copied().collect(),
        stores: HashSet::new(),
        customers: HashSet::new(),
        store_limited: false,
    }))
}

/// Whether the engine would run `query` for `principal` on the schema without per-field checks.
fn admitted(policy: &Policy, query: &str, principal: &Principal) -> bool {
    let document = async_graphql::parser::parse_query(query).expect("a valid document");
    policy.admits(&document, None, principal)
}

/// The demo catalog's ids, plus `vs`: every variant of product `p`.
async fn demo_ids(app: &TestApp) -> Value {
    let catalog = demo_catalog(app, &app.merchant).await;
    let mut ids = catalog.variables();
    let variants = app.as_merchant("query($p: UUID!) { product(id: $p) { variants { id } } }", ids.clone()).await;
    ids["vs"] =
        variants["data"]["product"]["variants"].as_array().expect("variants").iter().map(|v| v["id"].clone()).collect();
    let tickets =
        app.as_merchant("query($s: UUID!) { tickets(storeId: $s, first: 1) { nodes { id } } }", ids.clone()).await;
    ids["tk"] = tickets["data"]["tickets"]["nodes"][0]["id"].clone();
    ids["rv"] = catalog.review.clone();
    ids
}

#[tokio::test]
async fn the_scope_matrix_refuses_without_the_scope_and_allows_with_it() {
    // A key per probe: more than a user may usually hold.
    let app = crate::helpers::spawn_with(crate::helpers::TestDatabase::new().await, true, |config| {
        config.accounts.max_api_keys = 1000;
        // An endpoint on a closed local port (no worker runs, so nothing is sent).
        config.webhooks.egress.allow_http = true;
        config.webhooks.egress.allowed_networks = vec!["127.0.0.0/8".parse().expect("network")];
    })
    .await;
    let mut ids = demo_ids(&app).await;
    let hook = app
        .as_merchant(
            "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/probe\", eventTypes: [\"order.created\"] }) { webhook { id } } }",
            json!({}),
        )
        .await;
    ids["wh"] = hook["data"]["createWebhook"]["webhook"]["id"].clone();
    let test = app.as_merchant("mutation($wh: UUID!) { sendTestWebhook(id: $wh) { id } }", ids.clone()).await;
    ids["wd"] = test["data"]["sendTestWebhook"]["id"].clone();
    // A pending order of its own for completeOrder.
    let placed = app
        .as_merchant(
            "mutation($s: UUID!, $pv: UUID!) { createOrder(storeId: $s, input: { customerEmail: \"complete-probe@example.com\", items: [{ variantId: $pv, quantity: 1 }] }) { id } }",
            ids.clone(),
        )
        .await;
    ids["or3"] = placed["data"]["createOrder"]["id"].clone();
    // Commission to convert (once: the refused second call runs nothing).
    {
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared("UPDATE affiliates SET balance_cents = 500").await.expect("a balance");
    }
    let policy = Policy::from_sdl(&commerce_gateway::graphql::sdl()).expect("policy");
    let everything = app.api_key(&app.merchant, scope::ALL, None).await;
    for probe in PROBES {
        let variables = ids.clone();
        let allowed = app.graphql_as(&everything, probe.query, variables.clone()).await;
        assert!(allowed.get("errors").is_none(), "{}: with every scope: {allowed}", probe.target);

        let others: Vec<&'static str> = scope::ALL.iter().copied().filter(|s| *s != probe.scope).collect();
        // The document check that lets a request skip the per-field checks agrees with them.
        assert!(admitted(&policy, probe.query, &key_holding(scope::ALL)), "{}: every scope", probe.target);
        assert!(!admitted(&policy, probe.query, &key_holding(&others)), "{}: without {}", probe.target, probe.scope);
        let lacking = app.api_key(&app.merchant, &others, None).await;
        let refused = app.graphql_as(&lacking, probe.query, variables).await;
        assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{}: without {}: {refused}", probe.target, probe.scope);
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(probe.scope), "{}: the message names {}: {message}", probe.target, probe.scope);
    }
}

#[tokio::test]
async fn a_sensitive_field_errors_alone_while_the_rest_is_returned() {
    let app = spawn_demo_app().await;
    let key = app.api_key(&app.merchant, &["stores.view"], None).await;
    let body = app.graphql_as(&key, "{ stores { name webhookSecret } }", json!({})).await;
    assert_eq!(body["data"]["stores"][0]["name"], "Demo Store", "{body}");
    assert!(body["data"]["stores"][0].get("webhookSecret").is_none_or(Value::is_null));
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    assert_eq!(body["errors"][0]["path"], json!(["stores", 0, "webhookSecret"]));
    // The same field reached through fragments and a skipped branch.
    for query in [
        "{ stores { ...S } } fragment S on Store { name webhookSecret }",
        "{ stores { name ... on Store { webhookSecret } } }",
        "query($no: Boolean!) { stores { name webhookSecret @include(if: $no) } }",
    ] {
        let body = app.graphql_as(&key, query, json!({ "no": false })).await;
        assert_eq!(body["data"]["stores"][0]["name"], "Demo Store", "{query}: {body}");
        assert!(body["data"]["stores"][0].get("webhookSecret").is_none_or(Value::is_null), "{query}: {body}");
        let refused = if query.contains("@include") { 0 } else { 1 };
        assert_eq!(error_codes(&body).len(), refused, "{query}: {body}");
    }
    let merchant = app.as_merchant("{ stores { webhookSecret } }", json!({})).await;
    assert!(merchant["data"]["stores"][0]["webhookSecret"].as_str().is_some_and(|s| s.starts_with("whsec_")));
}

#[tokio::test]
async fn session_only_mutations_refuse_keys_and_change_nothing() {
    let app = spawn_demo_app().await;
    let everything = app.api_key(&app.merchant, scope::ALL, None).await;
    let (keys, sessions) =
        (count_rows(&app.db, "api_keys").await, count_rows(&app.db, "refresh_tokens WHERE revoked_at IS NULL").await);
    let policy = Policy::from_sdl(&commerce_gateway::graphql::sdl()).expect("policy");
    for (operation, variables) in [
        ("mutation { createApiKey(input: { name: \"k\", scopes: [\"stores.view\"] }) { secret } }", json!({})),
        ("mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": uuid::Uuid::now_v7() })),
        ("mutation { logout }", json!({})),
        ("mutation($id: UUID!) { deleteStore(id: $id) }", json!({ "id": uuid::Uuid::now_v7() })),
        ("{ apiKeys { id } }", json!({})),
    ] {
        let body = app.graphql_as(&everything, operation, variables.clone()).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{operation}: {body}");
        let anonymous = app.graphql(operation, variables).await;
        assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"], "{operation}: {anonymous}");
        assert!(!admitted(&policy, operation, &key_holding(scope::ALL)), "{operation}: a key");
        assert!(!admitted(&policy, operation, &Principal::Anonymous), "{operation}: anonymous");
    }
    assert_eq!(count_rows(&app.db, "api_keys").await, keys);
    assert_eq!(count_rows(&app.db, "refresh_tokens WHERE revoked_at IS NULL").await, sessions);
}

#[tokio::test]
async fn a_refused_field_runs_no_sql() {
    let app = spawn_demo_app().await;
    let key = app.api_key(&app.merchant, &["user.view"], None).await;
    app.graphql_as(&key, "{ me { id } }", json!({})).await;
    let before = app.statements.get();
    let body = app.graphql_as(&key, "{ stores { id products(first: 100) { totalCount } } }", json!({})).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    assert_eq!(app.statements.get(), before, "refused before any resolver ran");
}
