//! Demo orders in different states, each with its lines and its status history.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::principal::Principal;
use crate::domain::order_status::OrderStatus;
use crate::domain::orders::{self, NewLine, NewOrder};
use entity::{customer, order, order_item, order_status_change, product, store, user, variant};

/// A demo order: who bought what, and the statuses it went through.
pub struct DemoOrder {
    pub customer: &'static str,
    /// (SKU, quantity).
    pub lines: &'static [(&'static str, i32)],
    /// Answers to custom fields: (SKU of the line, field identifier, value).
    pub answers: &'static [(&'static str, &'static str, &'static str)],
    /// The code of a percentage coupon of the store used on the order.
    pub coupon: Option<&'static str>,
    /// Statuses in order, starting with `pending`.
    pub path: &'static [&'static str],
    /// Reason recorded with a cancellation or refund.
    pub reason: Option<&'static str>,
    pub days_ago: i64,
}

const DELIVERED: &[&str] = &["pending", "confirmed", "shipped", "delivered"];

pub const DEMO_ORDERS: &[DemoOrder] = &[
    DemoOrder {
        customer: "customer@example.com",
        lines: &[("TEE-M", 2)],
        answers: &[("TEE-M", "fit", "regular")],
        coupon: None,
        path: DELIVERED,
        reason: None,
        days_ago: 12,
    },
    DemoOrder {
        customer: "customer@example.com",
        lines: &[("MUG-1", 1), ("CANDLE-CEDAR", 1)],
        answers: &[("MUG-1", "glaze", "sky")],
        coupon: Some("WELCOME10"),
        path: &["pending"],
        reason: None,
        days_ago: 0,
    },
    DemoOrder {
        customer: "alex@example.com",
        lines: &[("BUDS-WHT", 1)],
        answers: &[],
        coupon: None,
        path: &["pending", "confirmed", "shipped"],
        reason: None,
        days_ago: 3,
    },
    DemoOrder {
        customer: "sam@example.com",
        lines: &[("WALLET-BRN", 1)],
        answers: &[],
        coupon: None,
        path: &["pending", "cancelled"],
        reason: Some("Customer changed their mind"),
        days_ago: 8,
    },
    DemoOrder {
        customer: "alex@example.com",
        lines: &[("TRAIL-42", 1)],
        answers: &[("TRAIL-42", "lace_colour", "neon")],
        coupon: None,
        path: &["pending", "confirmed"],
        reason: None,
        days_ago: 1,
    },
    DemoOrder {
        customer: "sam@example.com",
        lines: &[("CANDLE-CEDAR", 2)],
        answers: &[],
        coupon: None,
        path: &["pending", "confirmed", "shipped", "delivered", "refunded"],
        reason: Some("Arrived damaged"),
        days_ago: 20,
    },
];

pub const RIVAL_ORDERS: &[DemoOrder] = &[
    DemoOrder {
        customer: "rory@example.com",
        lines: &[("LAMP-WW", 1)],
        answers: &[],
        coupon: None,
        path: DELIVERED,
        reason: None,
        days_ago: 5,
    },
    DemoOrder {
        customer: "rory@example.com",
        lines: &[("PILLOW-GRY", 2)],
        answers: &[],
        coupon: None,
        path: &["pending"],
        reason: None,
        days_ago: 0,
    },
];

impl DemoOrder {
    /// Places the order through the same domain functions as the API (prices, stock, coupon),
    /// walks it along its path through the status machine as the store's owner, then dates it
    /// `days_ago` days back (one hour a step). Returns the order's id.
    pub async fn seed(
        &self,
        txn: &DatabaseTransaction,
        store: &store::Model,
        merchant: &user::Model,
        customers: &HashMap<&str, customer::Model>,
        variants: &HashMap<&str, (product::Model, variant::Model)>,
    ) -> anyhow::Result<uuid::Uuid> {
        let buyer = customers
            .get(self.customer)
            .ok_or_else(|| anyhow::anyhow!("demo order names an unknown customer {}", self.customer))?;
        let mut items = Vec::new();
        for (sku, quantity) in self.lines {
            let (_, variant) =
                variants.get(sku).ok_or_else(|| anyhow::anyhow!("demo order names an unknown SKU {sku}"))?;
            let answers = self
                .answers
                .iter()
                .filter(|(of, _, _)| of == sku)
                .map(|(_, identifier, value)| ((*identifier).to_owned(), (*value).to_owned()))
                .collect();
            items.push(NewLine { product_id: None, variant_id: Some(variant.id), quantity: *quantity, answers });
        }
        let input = NewOrder {
            items,
            customer_id: Some(buyer.id),
            coupon_code: self.coupon.map(str::to_owned),
            ..NewOrder::default()
        };
        let owner = Principal::gateway_for(merchant.id, store.id);
        let order = orders::create(txn, &owner, store.id, &input, None).await?;
        for (step, name) in self.path.iter().enumerate().skip(1) {
            let to = OrderStatus::from_name(name).ok_or_else(|| anyhow::anyhow!("unknown demo status {name}"))?;
            let last = step + 1 == self.path.len();
            let reason = if last && to.needs_reason() { self.reason.map(str::to_owned) } else { None };
            orders::transition(txn, &owner, order.id, to, reason).await?;
        }

        let created_at = Utc::now() - Duration::days(self.days_ago);
        let steps = self.path.len() as i64;
        order::Entity::update_many()
            .col_expr(order::Column::CreatedAt, Expr::value(created_at))
            .col_expr(order::Column::UpdatedAt, Expr::value(created_at + Duration::hours(steps)))
            .filter(order::Column::Id.eq(order.id))
            .exec(txn)
            .await?;
        order_item::Entity::update_many()
            .col_expr(order_item::Column::CreatedAt, Expr::value(created_at))
            .filter(order_item::Column::OrderId.eq(order.id))
            .exec(txn)
            .await?;
        let history = order_status_change::Entity::find()
            .filter(order_status_change::Column::OrderId.eq(order.id))
            .order_by_asc(order_status_change::Column::Id)
            .all(txn)
            .await?;
        for (step, change) in (0i64..).zip(history) {
            order_status_change::Entity::update_many()
                .col_expr(order_status_change::Column::CreatedAt, Expr::value(created_at + Duration::hours(step)))
                .filter(order_status_change::Column::Id.eq(change.id))
                .exec(txn)
                .await?;
        }
        Ok(order.id)
    }
}
