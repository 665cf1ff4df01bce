//! Idempotency keys of `createOrder`: a retried request returns the first order.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::NewOrder;
use crate::error::ApiError;
use entity::idempotency_key;

/// How long an idempotency key is remembered.
const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// A stable hash of a request, to tell a retry from a different request under the same key: an
/// explicit JSON encoding of what the order asks for, so renaming a field in the code does not
/// make a retry look like another request.
pub(super) fn request_hash(store_id: Uuid, input: &NewOrder) -> String {
    let items: Vec<_> =
        input.items.iter().map(|l| json!([l.product_id, l.variant_id, l.quantity, l.answers])).collect();
    let mut encoded = json!([
        store_id,
        items,
        input.customer_id,
        input.customer_email,
        input.customer_name,
        input.coupon_code,
        input.use_store_credit,
        input.notes,
    ]);
    // Only when given, so requests remembered before affiliate codes existed hash as they did.
    if let (Some(code), Some(parts)) = (&input.affiliate_code, encoded.as_array_mut()) {
        parts.push(json!(code));
    }
    format!("{:x}", Sha256::digest(encoded.to_string().as_bytes()))
}

/// The order an idempotency key already stands for, `None` when the key is new (an expired
/// key is forgotten), or `CONFLICT` when it was used for a different request.
pub(super) async fn remembered(
    txn: &DatabaseTransaction,
    key_scope: &str,
    key: &str,
    hash: &str,
) -> Result<Option<Uuid>, ApiError> {
    let Some(row) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Scope.eq(key_scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    if row.expires_at <= Utc::now() {
        idempotency_key::Entity::delete_by_id(row.id).exec(txn).await?;
        return Ok(None);
    }
    if row.request_hash != hash {
        return Err(ApiError::conflict("idempotencyKey", "was already used for a different request"));
    }
    let order_id = row.response.as_ref().and_then(|r| r["orderId"].as_str()).and_then(|id| Uuid::parse_str(id).ok());
    order_id.map(Some).ok_or(ApiError::conflict("idempotencyKey", "was already used for a different request"))
}

pub(super) async fn remember(
    txn: &DatabaseTransaction,
    key_scope: String,
    key: String,
    hash: String,
    order_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    idempotency_key::Model {
        id: Uuid::now_v7(),
        scope: key_scope,
        key,
        request_hash: hash,
        response: Some(json!({ "orderId": order_id })),
        created_at: now,
        expires_at: now + Duration::hours(IDEMPOTENCY_TTL_HOURS),
    }
    .into_active_model()
    .insert(txn)
    .await
    .map(|_| ())
}
