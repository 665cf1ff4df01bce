//! Coupons: a percentage or a fixed amount off (exactly one), optionally only off some variants,
//! until they expire or reach their maximum uses; `uses` is counted by orders with a conditional
//! update.

use std::collections::HashSet;

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog_rules::MAX_COST_CENTS;
use crate::domain::change;
use crate::domain::money;
use crate::domain::validate::Checks;
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{coupon, variant};

type DateTime = chrono::DateTime<chrono::Utc>;

/// A code's length.
pub const CODE: std::ops::RangeInclusive<usize> = 1..=64;
/// Most variants a coupon may be limited to.
pub const MAX_COUPON_VARIANTS: usize = 100;

/// Normalizes a coupon code (trimmed, upper-case), as stored and as looked up.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_uppercase()
}

/// A new coupon.
#[derive(Debug, Clone)]
pub struct NewCoupon {
    /// The code (1–64 letters, digits, '-' or '_'); stored upper-case, unique within the store.
    pub code: String,
    /// Percentage off, 1–100. Give this or `amountDecrease`.
    pub percentage_decrease: Option<i32>,
    /// Amount off, 0.01–100000. Give this or `percentageDecrease`.
    pub amount_decrease: Option<Decimal>,
    /// Most orders that may use it (1 or more); absent for no limit.
    pub maximum_uses: Option<i32>,
    /// Whether it can be used (default true).
    pub is_enabled: Option<bool>,
    /// Variants of the store it is limited to (up to 100); absent or empty for all.
    pub variant_ids: Option<Vec<Uuid>>,
    /// When it stops working; absent for never.
    pub expiration_date: Option<DateTime>,
}

/// Changes to a coupon; absent fields keep their value, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct CouponChange {
    pub code: Option<String>,
    pub percentage_decrease: Option<Option<i32>>,
    pub amount_decrease: Option<Option<Decimal>>,
    pub maximum_uses: Option<Option<i32>>,
    pub is_enabled: Option<bool>,
    pub variant_ids: Option<Vec<Uuid>>,
    pub expiration_date: Option<Option<DateTime>>,
}

fn amount_cents(checks: &mut Checks, amount: Option<Decimal>) -> Option<i64> {
    let amount = amount?;
    let cents = money::to_cents(amount).filter(|c| (1..=MAX_COST_CENTS).contains(c));
    if cents.is_none() {
        checks.fail("amountDecrease", "must be 0.01 to 100000 with at most two decimals");
    }
    cents
}

fn check_coupon(checks: &mut Checks, row: &coupon::Model) {
    checks.slug("code", &row.code, CODE);
    match (row.percentage_decrease, row.amount_decrease_cents) {
        (Some(percent), None) => checks.number("percentageDecrease", percent, 1..=100),
        (None, Some(_)) => {}
        _ => checks.fail("percentageDecrease", "give exactly one of percentageDecrease and amountDecrease"),
    }
    if let Some(maximum) = row.maximum_uses {
        checks.number("maximumUses", maximum, row.uses.max(1)..=i32::MAX);
    }
}

/// Checks that `ids` are distinct variants of `store_id` (at most [`MAX_COUPON_VARIANTS`]).
async fn check_variants<C: ConnectionTrait>(db: &C, store_id: Uuid, ids: &[Uuid]) -> Result<(), ApiError> {
    if ids.len() > MAX_COUPON_VARIANTS {
        return Err(ApiError::invalid("variantIds", format!("must have at most {MAX_COUPON_VARIANTS} entries")));
    }
    if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        return Err(ApiError::invalid("variantIds", "lists a variant twice"));
    }
    if ids.is_empty() {
        return Ok(());
    }
    let found = variant::Entity::find()
        .filter(variant::Column::StoreId.eq(store_id))
        .filter(variant::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(ApiError::invalid("variantIds", "names a variant that is not one of this store"));
    }
    Ok(())
}

async fn ensure_code_free<C: ConnectionTrait>(db: &C, row: &coupon::Model) -> Result<(), ApiError> {
    let taken = Condition::all().add(coupon::Column::StoreId.eq(row.store_id)).add(coupon::Column::Code.eq(&row.code));
    let clash = ("code", "is already a coupon of this store");
    unique::ensure_free::<coupon::Entity, _>(db, taken, (coupon::Column::Id, row.id), clash).await
}

/// Creates a coupon.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    input: NewCoupon,
) -> Result<coupon::Model, ApiError> {
    let mut checks = Checks::new();
    let now = Utc::now();
    let variant_list = input.variant_ids.unwrap_or_default();
    let row = coupon::Model {
        id: Uuid::now_v7(),
        store_id,
        code: normalize_code(&input.code),
        uses: 0,
        maximum_uses: input.maximum_uses,
        is_enabled: input.is_enabled.unwrap_or(true),
        percentage_decrease: input.percentage_decrease,
        amount_decrease_cents: amount_cents(&mut checks, input.amount_decrease),
        variant_ids: json!(variant_list),
        expires_at: input.expiration_date,
        created_at: now,
        updated_at: now,
    };
    if input.amount_decrease.is_none() || checks.is_clean() {
        check_coupon(&mut checks, &row);
    }
    checks.finish()?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    check_variants(&txn, store_id, &variant_list).await?;
    ensure_code_free(&txn, &row).await?;
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "code"))?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a coupon. Its maximum uses may not go below the uses it already has.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: CouponChange,
) -> Result<coupon::Model, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::coupon(&txn, principal, id).await?;
    let mut checks = Checks::new();
    if let Some(code) = input.code {
        row.code = normalize_code(&code);
    }
    change::apply(input.percentage_decrease, &mut row.percentage_decrease);
    match input.amount_decrease {
        Some(Some(amount)) => row.amount_decrease_cents = amount_cents(&mut checks, Some(amount)),
        Some(None) => row.amount_decrease_cents = None,
        None => {}
    }
    change::apply(input.maximum_uses, &mut row.maximum_uses);
    if let Some(enabled) = input.is_enabled {
        row.is_enabled = enabled;
    }
    if let Some(ids) = &input.variant_ids {
        check_variants(&txn, row.store_id, ids).await?;
        row.variant_ids = json!(ids);
    }
    change::apply(input.expiration_date, &mut row.expires_at);
    if checks.is_clean() {
        check_coupon(&mut checks, &row);
    }
    checks.finish()?;
    ensure_code_free(&txn, &row).await?;
    row.updated_at = Utc::now();
    let row = tenancy::save(&txn, row, "code").await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a coupon; orders that used it keep its code. Returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::coupon(&txn, principal, id).await?;
    coupon::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(row.id)
}
