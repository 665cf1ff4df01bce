//! Store analytics over a time range, computed in SQL in five statements: revenue, order count,
//! average order value and the part that came through affiliates; top products; commission
//! earned by affiliates (net of reversals); reviews written and their average rating (flagged
//! ones left out); and, as of now, the open support tickets. Only orders that brought money
//! count: confirmed, shipped or delivered (pending orders are not yet accepted; cancelled and
//! refunded ones were given back).

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use uuid::Uuid;

use crate::domain::affiliates::EntryKind;
use crate::domain::order_status::OrderStatus;
use crate::domain::tickets::TicketStatus;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{affiliate, affiliate_entry, order, order_item, review, ticket};

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
    /// Revenue of the counted orders placed with an affiliate code.
    pub affiliate_revenue_cents: i64,
    /// Commission credited to affiliates in the range, less what refunds took back.
    pub affiliate_commission_cents: i64,
    /// Reviews written in the range (flagged ones left out) and the sum of their ratings.
    pub reviews: (u64, i64),
    /// Tickets waiting for the store now (OPEN, not archived).
    pub open_tickets: u64,
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
    affiliate_revenue: i64,
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

/// The analytics of `store_id` over `[from, to)`: five statements.
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
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN orders.affiliate_id IS NULL THEN 0 ELSE orders.total_cents END), 0) AS BIGINT)",
            ),
            "affiliate_revenue",
        )
        .filter(order::Column::StoreId.eq(store_id))
        .filter(order::Column::Status.is_in(counted.clone()))
        .filter(order::Column::CreatedAt.gte(from))
        .filter(order::Column::CreatedAt.lt(to))
        .into_model::<Summary>()
        .one(db)
        .await?
        .unwrap_or(Summary { revenue: 0, orders: 0, affiliate_revenue: 0 });
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
    let commission: Option<i64> = affiliate_entry::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(affiliate_entries.amount_cents), 0) AS BIGINT)"), "commission")
        .join(JoinType::InnerJoin, affiliate_entry::Relation::Affiliate.def())
        .filter(affiliate::Column::StoreId.eq(store_id))
        .filter(affiliate_entry::Column::Kind.is_in([EntryKind::Commission.name(), EntryKind::Reversal.name()]))
        .filter(affiliate_entry::Column::CreatedAt.gte(from))
        .filter(affiliate_entry::Column::CreatedAt.lt(to))
        .into_tuple()
        .one(db)
        .await?;
    let reviews: Option<(i64, i64)> = review::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "count")
        .column_as(Expr::cust("CAST(COALESCE(SUM(reviews.rating), 0) AS BIGINT)"), "total")
        .filter(review::Column::StoreId.eq(store_id))
        .filter(review::Column::FlaggedAt.is_null())
        .filter(review::Column::CreatedAt.gte(from))
        .filter(review::Column::CreatedAt.lt(to))
        .into_tuple()
        .one(db)
        .await?;
    let open_tickets = ticket::Entity::find()
        .filter(ticket::Column::StoreId.eq(store_id))
        .filter(ticket::Column::Status.eq(TicketStatus::Open.name()))
        .filter(ticket::Column::ArchivedAt.is_null())
        .count(db)
        .await?;
    let (review_count, rating_total) = reviews.unwrap_or((0, 0));
    let average = if summary.orders > 0 { (2 * summary.revenue + summary.orders) / (2 * summary.orders) } else { 0 };
    Ok(Sales {
        from,
        to,
        revenue_cents: summary.revenue,
        order_count: u64::try_from(summary.orders).unwrap_or(0),
        average_cents: average,
        top_products,
        affiliate_revenue_cents: summary.affiliate_revenue,
        affiliate_commission_cents: commission.unwrap_or(0),
        reviews: (u64::try_from(review_count).unwrap_or(0), rating_total),
        open_tickets,
    })
}
