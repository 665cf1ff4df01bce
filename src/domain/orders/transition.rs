//! The status machine's only door: every status change of an order goes through [`transition`].

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::principal::{Credential, Principal};
use crate::db::begin_write;
use crate::domain::affiliates;
use crate::domain::catalog::{Coded, StockMode};
use crate::domain::customers::{change_balance, REASON_MAX};
use crate::domain::events::{self, EventType};
use crate::domain::order_status::OrderStatus;
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{order, order_item, order_status_change, variant};

/// Who made a change, for the history: the user, and the API key when one was used.
fn actor(principal: &Principal) -> (Option<Uuid>, Option<Uuid>) {
    match principal.access() {
        Some(access) => {
            let key = match access.credential {
                Credential::ApiKey(id) => Some(id),
                Credential::Session(_) | Credential::Gateway => None,
            };
            (Some(access.user_id), key)
        }
        None => (None, None),
    }
}

pub(super) fn history(
    order_id: Uuid,
    from: Option<OrderStatus>,
    to: OrderStatus,
    reason: Option<String>,
    principal: &Principal,
) -> order_status_change::ActiveModel {
    let (user, key) = actor(principal);
    order_status_change::Model {
        id: Uuid::now_v7(),
        order_id,
        from_status: from.map(|s| s.name().to_owned()),
        to_status: to.name().to_owned(),
        reason,
        actor_user_id: user,
        actor_api_key_id: key,
        created_at: Utc::now(),
    }
    .into_active_model()
}

/// Moves an order to `to`, with what that status change entails: a cancellation puts stock
/// back, a cancellation or refund returns store credit, a delivery credits a referring
/// affiliate's commission and a refund takes it back.
pub async fn transition(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    id: Uuid,
    to: OrderStatus,
    reason: Option<String>,
) -> Result<order::Model, ApiError> {
    let mut checks = Checks::new();
    if to.needs_reason() {
        checks.text("reason", reason.as_deref().unwrap_or_default(), 1..=REASON_MAX);
    }
    checks.finish()?;
    let txn = begin_write(db).await?;
    let order = tenancy::order(&txn, principal, id).await?;
    let from = OrderStatus::from_name(&order.status).unwrap_or(OrderStatus::Pending);
    let refused =
        || ApiError::InvalidTransition(format!("an order that is {} cannot become {}", from.name(), to.name()));
    if !from.can_become(to) {
        return Err(refused());
    }
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.name()))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(from.name()))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(refused());
    }
    match to {
        OrderStatus::Delivered => affiliates::credit_commission(&txn, &order).await?,
        OrderStatus::Refunded => affiliates::reverse_commission(&txn, &order).await?,
        _ => {}
    }
    if to == OrderStatus::Cancelled {
        let items = order_item::Entity::find().filter(order_item::Column::OrderId.eq(order.id)).all(&txn).await?;
        let mut returned: BTreeMap<Uuid, i64> = BTreeMap::new();
        for item in items {
            if let Some(variant_id) = item.variant_id {
                *returned.entry(variant_id).or_default() += i64::from(item.quantity);
            }
        }
        for (variant_id, quantity) in returned {
            let restocked = variant::Entity::update_many()
                .col_expr(variant::Column::Stock, Expr::col(variant::Column::Stock).add(quantity))
                .filter(variant::Column::Id.eq(variant_id))
                .filter(variant::Column::StockMode.eq(StockMode::Fixed.code()))
                .exec(&txn)
                .await?;
            if restocked.rows_affected > 0 {
                events::record(&txn, order.store_id, EventType::VariantStockChanged, variant_id).await?;
            }
        }
    }
    if matches!(to, OrderStatus::Cancelled | OrderStatus::Refunded) && order.credit_used_cents > 0 {
        if let Some(customer_id) = order.customer_id {
            let why = format!("Returned: order {}", to.name());
            let actor = principal.access().map(|a| a.user_id);
            change_balance(&txn, customer_id, order.credit_used_cents, &why, Some(order.id), actor).await?;
        }
    }
    history(order.id, Some(from), to, reason, principal).insert(&txn).await?;
    events::record(&txn, order.store_id, EventType::order_became(to), order.id).await?;
    let order = order::Entity::find_by_id(order.id).one(&txn).await?.ok_or(ApiError::NotFound("order"))?;
    txn.commit().await?;
    Ok(order)
}

/// Delivers an order from wherever it stands — pending, confirmed or shipped — walking the
/// status machine through every step left (confirmed, shipped, delivered) in one transaction,
/// each step through [`transition`] with its history row, events and effects. This is Komerza's
/// `deliver`: digital goods (keys, files, links) need no separate confirm or ship step. Any
/// other status, or a concurrent change, is `INVALID_TRANSITION` and changes nothing.
pub async fn deliver_now(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    id: Uuid,
) -> Result<order::Model, ApiError> {
    let txn = begin_write(db).await?;
    let order = tenancy::order(&txn, principal, id).await?;
    let from = OrderStatus::from_name(&order.status).unwrap_or(OrderStatus::Pending);
    let steps: &[OrderStatus] = match from {
        OrderStatus::Pending => &[OrderStatus::Confirmed, OrderStatus::Shipped, OrderStatus::Delivered],
        OrderStatus::Confirmed => &[OrderStatus::Shipped, OrderStatus::Delivered],
        OrderStatus::Shipped => &[OrderStatus::Delivered],
        other => {
            return Err(ApiError::InvalidTransition(format!("an order that is {} cannot be delivered", other.name())));
        }
    };
    let mut order = order;
    for step in steps {
        order = transition(&txn, principal, id, *step, None).await?;
    }
    txn.commit().await?;
    Ok(order)
}
