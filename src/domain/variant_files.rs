//! The files a variant delivers (Komerza's `files`, for the `files` delivery type): each one's
//! friendly name, who registered it and from which address. The bytes live in the merchant's
//! file store; the gateway keeps what Komerza shows of them. Writing them is the store's staff's
//! (`stores.products.update`), reading them too (`Variant.files` is for the staff).

use std::net::IpAddr;
use std::ops::RangeInclusive;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::events::{self, EventType};
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{variant, variant_file};

/// A friendly name's length, as Komerza documents it.
pub const FRIENDLY_NAME: RangeInclusive<usize> = 1..=128;
/// Most files one variant delivers.
pub const MAX_FILES: u64 = 50;

/// Registers a file of the variant `variant_id`, uploaded from `client` by the caller.
pub async fn add(
    db: &DatabaseConnection,
    principal: &Principal,
    variant_id: Uuid,
    friendly_name: &str,
    client: IpAddr,
) -> Result<variant_file::Model, ApiError> {
    let mut checks = Checks::new();
    checks.words("friendlyName", friendly_name, FRIENDLY_NAME);
    checks.finish()?;
    tenancy::staff_only(principal, "a variant's files")?;
    let txn = begin_write(db).await?;
    let parent = tenancy::variant(&txn, principal, variant_id).await?;
    // The variant's row is the lock that makes the count and the insert one step.
    variant::Entity::find_by_id(parent.id).lock_exclusive().one(&txn).await?;
    let held = variant_file::Entity::find().filter(variant_file::Column::VariantId.eq(parent.id)).count(&txn).await?;
    if held >= MAX_FILES {
        return Err(ApiError::conflict("variantId", format!("a variant delivers at most {MAX_FILES} files")));
    }
    let row = variant_file::Model {
        id: Uuid::now_v7(),
        variant_id: parent.id,
        friendly_name: friendly_name.to_owned(),
        ip_address: client.to_string(),
        uploaded_by: principal.access().map(|access| access.user_id),
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    events::record(&txn, parent.store_id, EventType::ProductUpdated, parent.product_id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Forgets a file; returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    tenancy::staff_only(principal, "a variant's files")?;
    let txn = begin_write(db).await?;
    let (row, parent) = tenancy::variant_file(&txn, principal, id).await?;
    variant_file::Entity::delete_by_id(row.id).exec(&txn).await?;
    events::record(&txn, parent.store_id, EventType::ProductUpdated, parent.product_id).await?;
    txn.commit().await?;
    Ok(row.id)
}
