//! Deliveries as the API sees them: the test delivery and resending.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::get;
use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::events::{made_work, TEST_EVENT};
use crate::error::ApiError;
use entity::{event, webhook, webhook_delivery};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// A pending delivery of `event_id` to `webhook_id`, due now.
pub fn new_delivery(webhook_id: Uuid, event_id: Uuid) -> webhook_delivery::Model {
    let now = Utc::now();
    webhook_delivery::Model {
        id: Uuid::now_v7(),
        webhook_id,
        event_id,
        status: DeliveryStatus::Pending.name().to_owned(),
        attempts: 0,
        next_attempt_at: Some(now),
        claimed_until: None,
        last_response_status: None,
        last_error: None,
        created_at: now,
        updated_at: now,
    }
}

/// Sends a `webhook.test` event to one endpoint (and to no other), signed like every delivery.
pub async fn send_test(
    db: &DatabaseConnection,
    principal: &Principal,
    webhook_id: Uuid,
) -> Result<webhook_delivery::Model, ApiError> {
    let hook = get(db, principal, webhook_id).await?;
    enabled(&hook)?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let test = event::Model {
        id: Uuid::now_v7(),
        store_id: None,
        event_type: TEST_EVENT.to_owned(),
        subject_id: hook.id,
        data: Some(json!({ "webhookId": hook.id, "message": "A test delivery from commerce-gateway." })),
        created_at: now,
        dispatched_at: Some(now),
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    let delivery = new_delivery(hook.id, test.id).into_active_model().insert(&txn).await?;
    txn.commit().await?;
    made_work();
    Ok(delivery)
}

/// A disabled endpoint is sent nothing: test and resend are a `CONFLICT` until it is enabled.
fn enabled(hook: &webhook::Model) -> Result<(), ApiError> {
    if hook.is_enabled {
        Ok(())
    } else {
        Err(ApiError::conflict("id", "the endpoint is disabled; enable it first (updateWebhook isEnabled: true)"))
    }
}

/// One delivery of one of the caller's endpoints.
async fn delivery_of(
    db: &DatabaseConnection,
    principal: &Principal,
    webhook_id: Uuid,
    id: Uuid,
) -> Result<webhook_delivery::Model, ApiError> {
    let hook = get(db, principal, webhook_id).await?;
    enabled(&hook)?;
    webhook_delivery::Entity::find_by_id(id)
        .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("delivery"))
}

/// Makes a delivery due now, with the same `webhook-id`; a delivery being attempted right now
/// is a `CONFLICT`.
pub async fn resend(
    db: &DatabaseConnection,
    principal: &Principal,
    webhook_id: Uuid,
    id: Uuid,
) -> Result<webhook_delivery::Model, ApiError> {
    let delivery = delivery_of(db, principal, webhook_id, id).await?;
    let now = Utc::now();
    let idle = sea_orm::Condition::any()
        .add(webhook_delivery::Column::ClaimedUntil.is_null())
        .add(webhook_delivery::Column::ClaimedUntil.lte(now));
    let queued = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(DeliveryStatus::Pending.name()))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .filter(idle)
        .exec_with_returning(db)
        .await?;
    made_work();
    queued
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::conflict("id", "the delivery is being attempted; try again shortly"))
}
