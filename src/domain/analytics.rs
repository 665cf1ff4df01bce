//! Store analytics over a time range, computed in SQL in two statements: revenue, order count,
//! average order value and top products. Only orders that brought money count: confirmed,
//! shipped or delivered (pending orders are not yet accepted; cancelled and refunded ones were
//! given back).

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use crate::domain::order_status::OrderStatus;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{order, order_item};

type DateTime = chrono::DateTime<chrono::Utc>;

/// Statuses whose orders count as sales.
const COUNTED: [OrderStatus; 3] = [OrderStatus::Confirmed, OrderStatus::Shipped, OrderStatus::Delivered];
/// Most products a top list may hold.
pub const MAX_TOP: i32 = 50;

/// Sales of a store between `from` (inclusive) and `to` (exclusive), in cents.
#[derive(Debug, Clone)]
pub struct Sales {
    pub from: DateTime,
    pub to: DateTime,
    pub revenue_cents: i64,
    pub order_count: u64,
    /// Revenue ÷ order count, rounded half up (0 without orders).
    pub average_cents: i64,
    /// Best-selling products by revenue, then by id.
    pub top_products: Vec<ProductSales>,
}

/// What one product sold.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ProductSales {
    /// The product (none once it is gone from the database).
    pub product_id: Option<Uuid>,
    /// Its name as on the order lines.
    pub product_name: String,
    pub quantity: i64,
    pub revenue_cents: i64,
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
    db: &DatabaseConnection,
    store_id: Uuid,
    (from, to, top): (DateTime, DateTime, u64),
) -> Result<Sales, ApiError> {
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
    Ok(Sales {
        from,
        to,
        revenue_cents: summary.revenue,
        order_count: u64::try_from(summary.orders).unwrap_or(0),
        average_cents: average,
        top_products,
    })
}
