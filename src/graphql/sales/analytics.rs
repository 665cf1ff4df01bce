//! Store analytics over a time range, computed in SQL: revenue, order count, average order value
//! and top products. Only orders that brought money count: confirmed, shipped or delivered
//! (pending orders are not yet accepted; cancelled and refunded ones were given back).

use async_graphql::{Context, SimpleObject};
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use crate::domain::money;
use crate::domain::order_status::OrderStatus;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use crate::graphql::exec::policy::scope;
use entity::{order, order_item};

type DateTime = chrono::DateTime<chrono::Utc>;

/// Statuses whose orders count as sales.
const COUNTED: [OrderStatus; 3] = [OrderStatus::Confirmed, OrderStatus::Shipped, OrderStatus::Delivered];
/// Most products `topProducts` may list.
pub const MAX_TOP: i32 = 50;

/// Sales of a store between `from` (inclusive) and `to` (exclusive).
#[derive(SimpleObject)]
#[graphql(directive = scope::apply("stores.analytics.view".into()))]
pub struct StoreAnalytics {
    pub from: DateTime,
    pub to: DateTime,
    /// Sum of the counted orders' totals.
    pub revenue: Decimal,
    /// Counted orders.
    pub order_count: u64,
    /// Revenue ÷ order count, rounded half up to the cent (0 without orders).
    pub average_order_value: Decimal,
    /// Best-selling products by revenue, then by id.
    pub top_products: Vec<ProductSales>,
}

/// What one product sold.
#[derive(SimpleObject, FromQueryResult)]
#[graphql(complex, directive = scope::apply("stores.analytics.view".into()))]
pub struct ProductSales {
    /// The product (null once it is gone from the database).
    pub product_id: Option<Uuid>,
    /// Its name as on the order lines.
    pub product_name: String,
    /// Units sold.
    pub quantity: i64,
    #[graphql(skip)]
    pub revenue_cents: i64,
}

#[async_graphql::ComplexObject]
impl ProductSales {
    /// Sum of its line totals.
    async fn revenue(&self) -> Decimal {
        money::from_cents(self.revenue_cents)
    }
}

#[derive(FromQueryResult)]
struct Summary {
    revenue: i64,
    orders: i64,
}

/// Checks the range (default: the last 30 days) and the top-list size (default 5).
pub fn range(
    from: Option<DateTime>,
    to: Option<DateTime>,
    top: Option<i32>,
) -> Result<(DateTime, DateTime, u64), ApiError> {
    let to = to.unwrap_or_else(Utc::now);
    let from = from.unwrap_or(to - Duration::days(30));
    let top = top.unwrap_or(5);
    let mut checks = Checks::new();
    if from >= to {
        checks.fail("to", "must be after from");
    }
    checks.number("top", top, 0..=MAX_TOP);
    checks.finish()?;
    Ok((from, to, u64::try_from(top).unwrap_or(0)))
}

/// The analytics of `store_id` over `[from, to)`: two statements.
pub async fn compute(
    ctx: &Context<'_>,
    store_id: Uuid,
    (from, to, top): (DateTime, DateTime, u64),
) -> Result<StoreAnalytics, ApiError> {
    let db = ctx.data::<DatabaseConnection>().map_err(|_| ApiError::NotFound("database"))?;
    let counted = COUNTED.iter().map(|s| s.name());
    let summary = order::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(orders.total_cents), 0) AS BIGINT)"), "revenue")
        .column_as(Expr::cust("COUNT(*)"), "orders")
        .filter(order::Column::StoreId.eq(store_id))
        .filter(order::Column::Status.is_in(counted.clone()))
        .filter(order::Column::CreatedAt.gte(from))
        .filter(order::Column::CreatedAt.lt(to))
        .into_model::<Summary>()
        .one(db)
        .await?
        .unwrap_or(Summary { revenue: 0, orders: 0 });
    let top_products = order_item::Entity::find()
        .select_only()
        .column(order_item::Column::ProductId)
        .column_as(Expr::cust("MAX(order_items.product_name)"), "product_name")
        .column_as(Expr::cust("CAST(SUM(order_items.quantity) AS BIGINT)"), "quantity")
        .column_as(Expr::cust("CAST(SUM(order_items.line_total_cents) AS BIGINT)"), "revenue_cents")
        .join(JoinType::InnerJoin, order_item::Relation::Order.def())
        .filter(order::Column::StoreId.eq(store_id))
        .filter(order::Column::Status.is_in(counted))
        .filter(order::Column::CreatedAt.gte(from))
        .filter(order::Column::CreatedAt.lt(to))
        .group_by(order_item::Column::ProductId)
        .order_by_desc(Expr::cust("SUM(order_items.line_total_cents)"))
        .order_by_asc(order_item::Column::ProductId)
        .limit(top)
        .into_model::<ProductSales>()
        .all(db)
        .await?;
    let average = if summary.orders > 0 { (2 * summary.revenue + summary.orders) / (2 * summary.orders) } else { 0 };
    Ok(StoreAnalytics {
        from,
        to,
        revenue: money::from_cents(summary.revenue),
        order_count: u64::try_from(summary.orders).unwrap_or(0),
        average_order_value: money::from_cents(average),
        top_products,
    })
}
