//! Customers of a store and their store credit: creating and changing customers, and every change
//! of a balance — a conditional update that never takes it below zero, with a history row saying
//! why.

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::events::{self, EventType};
use crate::domain::validate::Checks;
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{customer, customer_balance_entry};

pub const CUSTOMER_NAME_MAX: usize = 128;
pub const REASON_MAX: usize = 512;
/// Largest single balance adjustment, in cents (1 000 000.00).
pub const MAX_ADJUSTMENT_CENTS: i64 = 100_000_000;

/// A new customer.
pub struct NewCustomer {
    pub email: String,
    pub name: Option<String>,
}

/// Changes to a customer: `None` keeps a field; `name: Some(None)` clears the name.
pub struct CustomerChange {
    pub email: Option<String>,
    pub name: Option<Option<String>>,
}

/// A new customer row of `store_id`.
pub fn new_customer(store_id: Uuid, email: String, name: Option<String>) -> customer::Model {
    let now = Utc::now();
    customer::Model {
        id: Uuid::now_v7(),
        store_id,
        user_id: None,
        email,
        name,
        balance_cents: 0,
        created_at: now,
        updated_at: now,
    }
}

fn check_customer(checks: &mut Checks, row: &customer::Model) {
    checks.optional_text("name", row.name.as_deref(), 1..=CUSTOMER_NAME_MAX);
}

async fn ensure_email_free<C: ConnectionTrait>(db: &C, row: &customer::Model) -> Result<(), ApiError> {
    let taken =
        Condition::all().add(customer::Column::StoreId.eq(row.store_id)).add(customer::Column::Email.eq(&row.email));
    let clash = ("email", "is already a customer of this store");
    unique::ensure_free::<customer::Entity, _>(db, taken, (customer::Column::Id, row.id), clash).await
}

/// The customer `id` of `store_id`, as named in an input's `customerId` (another store's, or
/// none, is a `VALIDATION` error on that field).
pub async fn named_in<C: ConnectionTrait>(db: &C, store_id: Uuid, id: Uuid) -> Result<customer::Model, ApiError> {
    let found = customer::Entity::find_by_id(id).one(db).await?.filter(|c| c.store_id == store_id);
    found.ok_or_else(|| ApiError::invalid("customerId", "names no customer of this store"))
}

/// Adds a customer to a store the caller sees; the email must be free in the store.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    input: NewCustomer,
) -> Result<customer::Model, ApiError> {
    let mut checks = Checks::new();
    let email = checks.email("email", &input.email).unwrap_or_default();
    let row = new_customer(store_id, email, input.name);
    check_customer(&mut checks, &row);
    checks.finish()?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    ensure_email_free(&txn, &row).await?;
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "email"))?;
    events::record(&txn, store_id, EventType::CustomerCreated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a customer's email or name.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    change: CustomerChange,
) -> Result<customer::Model, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::customer(&txn, principal, id).await?;
    let mut checks = Checks::new();
    if let Some(email) = change.email {
        row.email = checks.email("email", &email).unwrap_or_default();
    }
    if let Some(name) = change.name {
        row.name = name;
    }
    check_customer(&mut checks, &row);
    checks.finish()?;
    ensure_email_free(&txn, &row).await?;
    row.updated_at = Utc::now();
    let row = tenancy::save(&txn, row, "email").await?;
    txn.commit().await?;
    Ok(row)
}

/// Adds (positive) or takes (negative) store credit with a reason kept in the history; taking
/// more than the balance is a `VALIDATION` error on `amount`.
pub async fn adjust_balance(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    amount: Decimal,
    reason: &str,
) -> Result<customer::Model, ApiError> {
    let mut checks = Checks::new();
    let amount = checks.cents("amount", amount);
    if amount == 0 || amount.abs() > MAX_ADJUSTMENT_CENTS {
        checks.fail("amount", "must be non-zero and at most 1000000 either way");
    }
    checks.text("reason", reason, 1..=REASON_MAX);
    checks.finish()?;
    let txn = begin_write(db).await?;
    let row = tenancy::customer(&txn, principal, id).await?;
    let actor = principal.access().map(|a| a.user_id);
    let Some(row) = change_balance(&txn, row.id, amount, reason, None, actor).await? else {
        return Err(ApiError::invalid("amount", "would take the balance below zero"));
    };
    txn.commit().await?;
    Ok(row)
}

/// Adds `amount_cents` (negative: takes) to a customer's balance with a conditional update, so
/// the balance never goes below zero even under concurrent changes, and records why. `None`
/// when the balance is too low.
pub async fn change_balance<C: ConnectionTrait>(
    db: &C,
    customer_id: Uuid,
    amount_cents: i64,
    reason: &str,
    order_id: Option<Uuid>,
    actor: Option<Uuid>,
) -> Result<Option<customer::Model>, ApiError> {
    let balance = Expr::col(customer::Column::BalanceCents);
    let updated = customer::Entity::update_many()
        .col_expr(customer::Column::BalanceCents, balance.clone().add(amount_cents))
        .col_expr(customer::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(customer::Column::Id.eq(customer_id))
        .filter(balance.add(amount_cents).gte(0))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let row = customer::Entity::find_by_id(customer_id).one(db).await?.ok_or(ApiError::NotFound("customer"))?;
    customer_balance_entry::Model {
        id: Uuid::now_v7(),
        customer_id,
        amount_cents,
        balance_after_cents: row.balance_cents,
        reason: reason.to_owned(),
        order_id,
        actor_user_id: actor,
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(Some(row))
}
