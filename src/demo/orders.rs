//! Demo orders in different states, each with its lines and its status history.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use serde_json::json;
use uuid::Uuid;

use crate::domain::pricing;

use entity::{coupon, customer, order, order_item, order_status_change, product, store, user, variant};

/// A demo order: who bought what, and the statuses it went through.
pub struct DemoOrder {
    pub customer: &'static str,
    /// (SKU, quantity).
    pub lines: &'static [(&'static str, i32)],
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
        coupon: None,
        path: DELIVERED,
        reason: None,
        days_ago: 12,
    },
    DemoOrder {
        customer: "customer@example.com",
        lines: &[("MUG-1", 1), ("CANDLE-CEDAR", 1)],
        coupon: Some("WELCOME10"),
        path: &["pending"],
        reason: None,
        days_ago: 0,
    },
    DemoOrder {
        customer: "alex@example.com",
        lines: &[("BUDS-WHT", 1)],
        coupon: None,
        path: &["pending", "confirmed", "shipped"],
        reason: None,
        days_ago: 3,
    },
    DemoOrder {
        customer: "sam@example.com",
        lines: &[("WALLET-BRN", 1)],
        coupon: None,
        path: &["pending", "cancelled"],
        reason: Some("Customer changed their mind"),
        days_ago: 8,
    },
    DemoOrder {
        customer: "alex@example.com",
        lines: &[("TRAIL-42", 1)],
        coupon: None,
        path: &["pending", "confirmed"],
        reason: None,
        days_ago: 1,
    },
    DemoOrder {
        customer: "sam@example.com",
        lines: &[("CANDLE-CEDAR", 2)],
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
        coupon: None,
        path: DELIVERED,
        reason: None,
        days_ago: 5,
    },
    DemoOrder {
        customer: "rory@example.com",
        lines: &[("PILLOW-GRY", 2)],
        coupon: None,
        path: &["pending"],
        reason: None,
        days_ago: 0,
    },
];

impl DemoOrder {
    pub async fn seed(
        &self,
        txn: &DatabaseTransaction,
        store: &store::Model,
        merchant: &user::Model,
        customers: &HashMap<&str, customer::Model>,
        coupons: &HashMap<&str, coupon::Model>,
        variants: &HashMap<&str, (product::Model, variant::Model)>,
    ) -> anyhow::Result<()> {
        let buyer = customers
            .get(self.customer)
            .ok_or_else(|| anyhow::anyhow!("demo order names an unknown customer {}", self.customer))?;
        let created_at = Utc::now() - Duration::days(self.days_ago);
        let order_id = Uuid::now_v7();
        let mut items = Vec::new();
        for (sku, quantity) in self.lines {
            let (product, variant) =
                variants.get(sku).ok_or_else(|| anyhow::anyhow!("demo order names an unknown SKU {sku}"))?;
            let line_total = variant.cost_cents * i64::from(*quantity);
            items.push(order_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                order_id: Set(order_id),
                product_id: Set(Some(product.id)),
                variant_id: Set(Some(variant.id)),
                product_name: Set(product.name.clone()),
                variant_name: Set(variant.name.clone()),
                sku: Set(variant.sku.clone()),
                unit_price_cents: Set(variant.cost_cents),
                quantity: Set(*quantity),
                line_total_cents: Set(line_total),
                custom_field_values: Set(json!({})),
                created_at: Set(created_at),
            });
        }
        let coupon = match self.coupon {
            Some(code) => {
                Some(coupons.get(code).ok_or_else(|| anyhow::anyhow!("demo order names an unknown coupon {code}"))?)
            }
            None => None,
        };
        let lines: Vec<pricing::Line> = self
            .lines
            .iter()
            .filter_map(|(sku, quantity)| variants.get(sku).map(|(_, v)| (v, *quantity)))
            .map(|(v, quantity)| pricing::Line { variant_id: v.id, unit_cents: v.cost_cents, quantity })
            .collect();
        let totals = pricing::price(&lines, coupon.map(pricing::CouponTerms::of).as_ref(), 0);
        let status = self.path.last().copied().unwrap_or("pending");
        order::ActiveModel {
            id: Set(order_id),
            store_id: Set(store.id),
            customer_id: Set(Some(buyer.id)),
            customer_email: Set(buyer.email.clone()),
            status: Set(status.into()),
            currency_code: Set(store.currency_code.clone()),
            subtotal_cents: Set(totals.subtotal),
            discount_cents: Set(totals.discount),
            credit_used_cents: Set(totals.credit_used),
            total_cents: Set(totals.total),
            coupon_id: Set(coupon.map(|c| c.id)),
            coupon_code: Set(coupon.map(|c| c.code.clone())),
            created_by: Set(buyer.user_id),
            notes: Set(None),
            created_at: Set(created_at),
            updated_at: Set(created_at + Duration::hours(self.path.len() as i64)),
        }
        .insert(txn)
        .await?;
        for item in items {
            item.insert(txn).await?;
        }

        let mut from = None;
        for (step, to) in (0i64..).zip(self.path) {
            let is_last = step + 1 == self.path.len() as i64;
            let closing = matches!(*to, "cancelled" | "refunded");
            order_status_change::ActiveModel {
                id: Set(Uuid::now_v7()),
                order_id: Set(order_id),
                from_status: Set(from.map(str::to_owned)),
                to_status: Set((*to).into()),
                reason: Set(if is_last && closing { self.reason.map(Into::into) } else { None }),
                actor_user_id: Set(if step == 0 { buyer.user_id } else { Some(merchant.id) }),
                actor_api_key_id: Set(None),
                created_at: Set(created_at + Duration::hours(step)),
            }
            .insert(txn)
            .await?;
            from = Some(*to);
        }
        Ok(())
    }
}
