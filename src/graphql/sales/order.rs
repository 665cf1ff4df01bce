//! Orders as read: `Order`, its lines and status history, the view behind order lists, and the
//! order queries. A customer session sees only its own orders.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::order_status::OrderStatus;
use crate::domain::validate::Checks;
use crate::domain::{money, tenancy};
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::{merchant, scope};
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::graphql::vocab;
use entity::{order, order_item, order_status_change};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Order(pub order::Model);

/// A purchase from a store: its lines, its money (exact, in `currencyCode`) and its status.
#[Object(directive = scope::apply("stores.orders.view".into()))]
impl Order {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the order was placed (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// The buying customer.
    async fn customer_id(&self) -> Option<Uuid> {
        self.0.customer_id
    }

    /// The buyer's email as at the time of the order.
    async fn customer_email(&self) -> &str {
        &self.0.customer_email
    }

    async fn status(&self) -> vocab::OrderStatus {
        OrderStatus::from_name(&self.0.status).unwrap_or(OrderStatus::Pending).into()
    }

    /// ISO 4217 code of every amount of the order.
    async fn currency_code(&self) -> &str {
        &self.0.currency_code
    }

    /// Sum of the lines.
    async fn subtotal(&self) -> Decimal {
        money::from_cents(self.0.subtotal_cents)
    }

    /// Taken off by the coupon and the affiliate code together (`affiliateDiscount` is the
    /// code's part), so `total = subtotal - discount - creditUsed`.
    async fn discount(&self) -> Decimal {
        money::from_cents(self.0.discount_cents)
    }

    /// The affiliate code's part of `discount` (its percentage of what the coupon left).
    async fn affiliate_discount(&self) -> Decimal {
        money::from_cents(self.0.affiliate_discount_cents)
    }

    /// The affiliate whose code the buyer used (the store's staff only).
    #[graphql(directive = merchant::apply())]
    async fn affiliate_id(&self) -> Option<Uuid> {
        self.0.affiliate_id
    }

    /// Paid with store credit.
    async fn credit_used(&self) -> Decimal {
        money::from_cents(self.0.credit_used_cents)
    }

    /// What the buyer pays: subtotal − discount − credit used.
    async fn total(&self) -> Decimal {
        money::from_cents(self.0.total_cents)
    }

    /// Free-text notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// When the order last changed (UTC).
    async fn date_updated(&self) -> DateTime {
        self.0.updated_at
    }

    /// The coupon code used, if any.
    async fn coupon_code(&self) -> Option<&str> {
        self.0.coupon_code.as_deref()
    }

    /// Its lines, as priced when the order was placed.
    #[graphql(complexity = "5 * child_complexity")]
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderItem>> {
        let rows = crate::graphql::data::<Loaders>(ctx)?.order_items.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(OrderItem).collect())
    }

    /// Every status change, oldest first, with who made it and why.
    #[graphql(complexity = "5 * child_complexity")]
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderStatusChange>> {
        let rows = crate::graphql::data::<Loaders>(ctx)?.order_history.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(OrderStatusChange).collect())
    }
}

pub struct OrderItem(pub order_item::Model);

/// One line of an order. Names, SKU and price are copies made when the order was placed, so
/// later catalog changes (or deletions) leave the order intact.
#[Object(directive = scope::apply("stores.orders.view".into()))]
impl OrderItem {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// The product, while it exists.
    async fn product_id(&self) -> Option<Uuid> {
        self.0.product_id
    }

    /// The variant, while it exists.
    async fn variant_id(&self) -> Option<Uuid> {
        self.0.variant_id
    }

    async fn product_name(&self) -> &str {
        &self.0.product_name
    }

    async fn variant_name(&self) -> &str {
        &self.0.variant_name
    }

    async fn sku(&self) -> Option<&str> {
        self.0.sku.as_deref()
    }

    /// Price of one unit.
    async fn unit_price(&self) -> Decimal {
        money::from_cents(self.0.unit_price_cents)
    }

    async fn quantity(&self) -> i32 {
        self.0.quantity
    }

    /// Unit price × quantity.
    async fn line_total(&self) -> Decimal {
        money::from_cents(self.0.line_total_cents)
    }

    /// The buyer's answers to the variant's custom fields.
    async fn custom_field_values(&self) -> Vec<CustomFieldValue> {
        self.0
            .custom_field_values
            .as_object()
            .map(|answers| {
                answers
                    .iter()
                    .map(|(identifier, value)| CustomFieldValue {
                        identifier: identifier.clone(),
                        value: value.as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An answer to a custom field, as recorded on an order line.
#[derive(SimpleObject)]
#[graphql(directive = scope::apply("stores.orders.view".into()))]
pub struct CustomFieldValue {
    /// The field's identifier.
    pub identifier: String,
    /// The answer.
    pub value: String,
}

/// An answer to a custom field of the variant being ordered.
#[derive(InputObject, Debug)]
pub struct CustomFieldValueInput {
    /// The field's identifier.
    pub identifier: String,
    /// The answer (up to 1024 characters): for SELECT and RADIO one of the option values, for
    /// CHECKBOX `true` or `false`, for NUMBER a number.
    pub value: String,
}

pub struct OrderStatusChange(pub order_status_change::Model);

/// One step of an order's life.
#[Object(directive = scope::apply("stores.orders.view".into()))]
impl OrderStatusChange {
    /// The status before; null for the order's creation.
    async fn from(&self) -> Option<vocab::OrderStatus> {
        self.0.from_status.as_deref().and_then(OrderStatus::from_name).map(Into::into)
    }

    async fn to(&self) -> vocab::OrderStatus {
        OrderStatus::from_name(&self.0.to_status).unwrap_or(OrderStatus::Pending).into()
    }

    /// Why (required for cancellations and refunds).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The user who made the change (directly or through one of their API keys); the store's
    /// staff only.
    #[graphql(directive = merchant::apply())]
    async fn actor_user_id(&self) -> Option<Uuid> {
        self.0.actor_user_id
    }

    /// The API key that made the change, when one did; the store's staff only.
    #[graphql(directive = merchant::apply())]
    async fn actor_api_key_id(&self) -> Option<Uuid> {
        self.0.actor_api_key_id
    }

    /// When (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }
}

/// Which orders a list shows; every condition given must hold.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    pub status: Option<vocab::OrderStatus>,
    /// Placed at or after this time.
    pub from: Option<DateTime>,
    /// Placed before this time.
    pub to: Option<DateTime>,
    /// Placed by this email address.
    pub customer_email: Option<String>,
}

/// A checked order filter; newest first (by `dateCreated`, then id). Customers' lists are limited to their own orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OrderView {
    status: Option<OrderStatus>,
    from: Option<DateTime>,
    to: Option<DateTime>,
    email: Option<String>,
    customers: Option<Vec<Uuid>>,
}

impl OrderView {
    /// The view of `filter` for `principal`.
    pub fn new(filter: OrderFilter, principal: &Principal) -> Result<Self, ApiError> {
        let mut checks = Checks::new();
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from >= to {
                checks.fail("filter.to", "must be after from");
            }
        }
        let email = filter.customer_email.and_then(|e| checks.email("filter.customerEmail", &e));
        checks.finish()?;
        let customers = tenancy::own_customers(principal);
        Ok(Self { status: filter.status.map(Into::into), from: filter.from, to: filter.to, email, customers })
    }
}

impl View for OrderView {
    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(status) = self.status {
            condition = condition.add(order::Column::Status.eq(status.name()));
        }
        if let Some(from) = self.from {
            condition = condition.add(order::Column::CreatedAt.gte(from));
        }
        if let Some(to) = self.to {
            condition = condition.add(order::Column::CreatedAt.lt(to));
        }
        if let Some(email) = &self.email {
            condition = condition.add(order::Column::CustomerEmail.eq(email.as_str()));
        }
        if let Some(customers) = &self.customers {
            condition = condition.add(order::Column::CustomerId.is_in(customers.iter().copied()));
        }
        condition
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Time(Expr::col(order::Column::CreatedAt)), descending: true })
    }
}

pub struct OrderTotals {
    store_id: Uuid,
    view: OrderView,
    known: Option<u64>,
}

/// Connection-wide fields of an order list.
#[Object]
impl OrderTotals {
    /// How many orders match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, self.view.clone());
        pagination::total_count(self.known, crate::graphql::data::<Loaders>(ctx)?.store_order_count.load_one(key)).await
    }
}

/// A page of a store's orders (newest first) matching `filter`.
pub async fn orders_page(
    ctx: &Context<'_>,
    store_id: Uuid,
    args: PageArgs,
    filter: Option<OrderFilter>,
) -> async_graphql::Result<Connection<Cursor, Order, OrderTotals>> {
    let view = OrderView::new(filter.unwrap_or_default(), crate::graphql::data::<Principal>(ctx)?).into_graphql()?;
    let loader = &crate::graphql::data::<Loaders>(ctx)?.store_orders;
    let name = pagination::list_name("orders", store_id, &view);
    let page = pagination::load_page(ctx, loader, &name, store_id, args, view.clone()).await?;
    let totals = OrderTotals { store_id, view, known: page.total() };
    pagination::connection(ctx, &name, page, totals, |row| Some(Order(row)))
}

/// Order queries.
#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// One order by id; null when there is none the caller may see (another tenant's, or — for
    /// a customer — someone else's).
    #[graphql(directive = scope::apply("stores.orders.view".into()))]
    async fn order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Order>> {
        let principal = crate::graphql::data::<Principal>(ctx)?;
        let found = tenancy::order(crate::graphql::data::<DatabaseConnection>(ctx)?, principal, id).await;
        Ok(tenancy::optional(found).into_graphql()?.map(Order))
    }

    /// A store's orders, newest first: all of them for the merchant, only their own for a
    /// customer. Pages like every connection (at most 100).
    #[graphql(
        directive = scope::apply("stores.orders.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn orders(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        filter: Option<OrderFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Order, OrderTotals>>> {
        if !tenancy::sees_store(crate::graphql::data::<Principal>(ctx)?, store_id) {
            return Ok(None);
        }
        orders_page(ctx, store_id, PageArgs { first, after, last, before, offset }, filter).await.map(Some)
    }
}
