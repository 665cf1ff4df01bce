//! Store analytics on GraphQL; the figures come from [`crate::domain::analytics`].

use async_graphql::SimpleObject;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::analytics::{self, Sales};
use crate::domain::money;
use crate::domain::reviews::mean_rating;
use crate::graphql::exec::policy::scope;

type DateTime = chrono::DateTime<chrono::Utc>;

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
    /// The part of `revenue` from orders placed with an affiliate code.
    pub affiliate_revenue: Decimal,
    /// Commission credited to affiliates in the range, less what refunds took back.
    pub affiliate_commission: Decimal,
    /// Reviews written in the range (flagged ones left out).
    pub review_count: u64,
    /// Their mean rating, rounded to two decimals; null without reviews.
    pub average_rating: Option<f64>,
    /// Support tickets waiting for the store now (OPEN and not archived), whatever the range.
    pub open_tickets: u64,
}

/// What one product sold.
#[derive(SimpleObject)]
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

impl From<Sales> for StoreAnalytics {
    fn from(sales: Sales) -> Self {
        let top_products = sales
            .top_products
            .into_iter()
            .map(|p| ProductSales {
                product_id: p.product_id,
                product_name: p.product_name,
                quantity: p.quantity,
                revenue_cents: p.revenue_cents,
            })
            .collect();
        Self {
            from: sales.from,
            to: sales.to,
            revenue: money::from_cents(sales.revenue_cents),
            order_count: sales.order_count,
            average_order_value: money::from_cents(sales.average_cents),
            top_products,
            affiliate_revenue: money::from_cents(sales.affiliate_revenue_cents),
            affiliate_commission: money::from_cents(sales.affiliate_commission_cents),
            review_count: sales.reviews.0,
            average_rating: mean_rating(sales.reviews.0, sales.reviews.1),
            open_tickets: sales.open_tickets,
        }
    }
}

/// The analytics of `store_id` for a range (checked by [`analytics::range`]).
pub async fn of_store(
    db: &sea_orm::DatabaseConnection,
    store_id: Uuid,
    range: (DateTime, DateTime, u64),
) -> Result<StoreAnalytics, crate::error::ApiError> {
    analytics::compute(db, store_id, range).await.map(Into::into)
}
