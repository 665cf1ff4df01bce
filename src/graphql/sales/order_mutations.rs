//! The order mutations: `createOrder` and the status changes. The rules — pricing, stock,
//! coupons, store credit, idempotency, the status machine — are in [`crate::domain::orders`].

use async_graphql::{Context, InputObject, Object};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::order_status::OrderStatus;
use crate::domain::orders::{self, NewLine, NewOrder};
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::scope;
use crate::graphql::sales::order::{CustomFieldValueInput, Order};

/// One line of a new order.
#[derive(InputObject, Debug)]
pub struct OrderItemInput {
    /// A product of the store: its first variant in display order is bought. Give this or
    /// `variantId`.
    pub product_id: Option<Uuid>,
    /// A variant of the store. Give this or `productId`.
    pub variant_id: Option<Uuid>,
    /// Units, within the variant's minimum and maximum per order.
    pub quantity: i32,
    /// Answers to the variant's custom fields (required ones must be answered).
    pub custom_field_values: Option<Vec<CustomFieldValueInput>>,
}

/// A new order. Prices, discount and totals are computed by the server.
#[derive(InputObject, Debug)]
pub struct CreateOrderInput {
    /// 1–50 lines.
    pub items: Vec<OrderItemInput>,
    /// The buyer, by id: a customer of the store. Give this or `customerEmail` (neither when a
    /// customer places their own order).
    pub customer_id: Option<Uuid>,
    /// The buyer, by email; a new email becomes a new customer of the store.
    pub customer_email: Option<String>,
    /// The name of a new customer (1–128 characters).
    pub customer_name: Option<String>,
    /// A coupon code of the store.
    pub coupon_code: Option<String>,
    /// An affiliate's code: its percentage off comes off what the coupon leaves, and the
    /// affiliate earns commission on what is paid once the order is delivered.
    pub affiliate_code: Option<String>,
    /// Pay what the coupon leaves with the customer's store credit, as far as it goes.
    pub use_store_credit: Option<bool>,
    /// Free-text notes kept with the order (up to 1000 characters).
    pub notes: Option<String>,
}

impl From<CreateOrderInput> for NewOrder {
    fn from(input: CreateOrderInput) -> Self {
        let items = input
            .items
            .into_iter()
            .map(|item| NewLine {
                product_id: item.product_id,
                variant_id: item.variant_id,
                quantity: item.quantity,
                answers: item
                    .custom_field_values
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| (a.identifier, a.value))
                    .collect(),
            })
            .collect();
        Self {
            items,
            customer_id: input.customer_id,
            customer_email: input.customer_email,
            customer_name: input.customer_name,
            coupon_code: input.coupon_code,
            affiliate_code: input.affiliate_code,
            use_store_credit: input.use_store_credit.unwrap_or(false),
            notes: input.notes,
        }
    }
}

/// Moves an order to `to` as the caller.
async fn transition(
    ctx: &Context<'_>,
    id: Uuid,
    to: OrderStatus,
    reason: Option<String>,
) -> async_graphql::Result<Order> {
    let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
    orders::transition(db, crate::graphql::data::<Principal>(ctx)?, id, to, reason).await.map(Order).into_graphql()
}

/// Order mutations.
#[derive(Default)]
pub struct OrderMutation;

#[Object]
impl OrderMutation {
    /// Places an order (see the module documentation of the rules). With an `idempotencyKey`, a
    /// repeated identical request returns the first order instead of placing another, and the
    /// same key with a different request is a `CONFLICT`. Keys are remembered for 24 hours per
    /// user and store.
    #[graphql(directive = scope::apply("stores.orders.create".into()))]
    async fn create_order(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateOrderInput,
        #[graphql(desc = "A client-chosen key (1–255 characters) that makes retries safe.")] idempotency_key: Option<
            String,
        >,
    ) -> async_graphql::Result<Order> {
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let input = NewOrder::from(input);
        let order =
            orders::create(db, crate::graphql::data::<Principal>(ctx)?, store_id, &input, idempotency_key.as_deref())
                .await;
        order.map(Order).into_graphql()
    }

    /// pending → confirmed.
    #[graphql(directive = scope::apply("stores.orders.deliver".into()))]
    async fn confirm_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        transition(ctx, id, OrderStatus::Confirmed, None).await
    }

    /// confirmed → shipped.
    #[graphql(directive = scope::apply("stores.orders.deliver".into()))]
    async fn ship_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        transition(ctx, id, OrderStatus::Shipped, None).await
    }

    /// shipped → delivered.
    #[graphql(directive = scope::apply("stores.orders.deliver".into()))]
    async fn deliver_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        transition(ctx, id, OrderStatus::Delivered, None).await
    }

    /// Delivers an order from pending, confirmed or shipped, stepping through every status left
    /// (confirmed, shipped, delivered; each in the history, with its event) in one transaction:
    /// digital goods need no separate confirm or ship step. Komerza's `deliver`.
    #[graphql(directive = scope::apply("stores.orders.deliver".into()))]
    async fn complete_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        orders::deliver_now(db, principal, id).await.map(Order).into_graphql()
    }

    /// pending or confirmed → cancelled: the stock goes back and store credit spent on the order
    /// is returned. Needs a reason (1–512 characters).
    #[graphql(directive = scope::apply("stores.orders.refund".into()))]
    async fn cancel_order(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> async_graphql::Result<Order> {
        transition(ctx, id, OrderStatus::Cancelled, Some(reason)).await
    }

    /// confirmed, shipped or delivered → refunded: store credit spent on the order is returned.
    /// Needs a reason (1–512 characters).
    #[graphql(directive = scope::apply("stores.orders.refund".into()))]
    async fn refund_order(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> async_graphql::Result<Order> {
        transition(ctx, id, OrderStatus::Refunded, Some(reason)).await
    }
}
