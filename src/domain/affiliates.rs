//! The affiliate programme of a store.
//!
//! - The store's options (`store_affiliate_options`; a store without a row has the programme
//!   off): whether it runs, the default commission (`defaultReturnPercentage`) and percentage off
//!   for referred buyers, whether customers may register themselves, edit their code, and
//!   convert their balance into store credit.
//! - An affiliate is a customer of the store (one each) with a unique upper-case code and
//!   optional overrides of the two percentages. The staff create and change affiliates; a
//!   customer registers itself when public registration is on and edits its code when link
//!   editing is on.
//! - An order placed with a code takes the percentage off after the coupon
//!   ([`pricing`](crate::domain::pricing)) and remembers the commission rate. When the order is
//!   delivered the affiliate earns that rate of what the buyer paid (`total`, after discounts
//!   and store credit), rounded half up; a refund reverses it. Every balance change is a ledger
//!   entry, and a unique index keeps one commission and one reversal per order. A reversal may
//!   take the balance below zero when the commission was already converted.

use std::ops::RangeInclusive;

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::change;
use crate::domain::coupons::normalize_code;
use crate::domain::customers::{self, change_balance};
use crate::domain::events::{self, EventType};
use crate::domain::pricing::percent_of;
use crate::domain::validate::Checks;
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{affiliate, affiliate_entry, customer, order, store_affiliate_options as options};

/// An affiliate code's length.
pub const CODE: RangeInclusive<usize> = 3..=32;
/// A percentage.
pub const PERCENT: RangeInclusive<i32> = 0..=100;

/// Why an affiliate's balance moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// Earned on a referred order's delivery.
    Commission,
    /// Taken back when that order was refunded.
    Reversal,
    /// Turned into the affiliate's store credit.
    Conversion,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::Reversal => "reversal",
            Self::Conversion => "conversion",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "reversal" => Self::Reversal,
            "conversion" => Self::Conversion,
            _ => Self::Commission,
        }
    }
}

/// The options of a store that has never set them: the programme is off (the id is the
/// store's until the first change writes the row).
pub fn default_options(store_id: Uuid) -> options::Model {
    options::Model {
        id: store_id,
        store_id,
        is_enabled: false,
        default_return_percentage: 10,
        is_public_registration_enabled: false,
        is_link_editing_enabled: false,
        can_convert_affiliate_balance: false,
        default_percentage_off: 0,
        created_at: Utc::now(),
    }
}

/// A store's affiliate options (the defaults when it has none).
pub async fn options_of<C: ConnectionTrait>(db: &C, store_id: Uuid) -> Result<options::Model, ApiError> {
    let found = options::Entity::find().filter(options::Column::StoreId.eq(store_id)).one(db).await?;
    Ok(found.unwrap_or_else(|| default_options(store_id)))
}

/// Changes to a store's affiliate options; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct OptionsChange {
    pub is_enabled: Option<bool>,
    pub default_return_percentage: Option<i32>,
    pub is_public_registration_enabled: Option<bool>,
    pub is_link_editing_enabled: Option<bool>,
    pub can_convert_affiliate_balance: Option<bool>,
    pub default_percentage_off: Option<i32>,
}

/// Changes a store's affiliate options (the store's staff).
pub async fn update_options(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    change: OptionsChange,
) -> Result<options::Model, ApiError> {
    let mut checks = Checks::new();
    if let Some(percent) = change.default_return_percentage {
        checks.number("defaultReturnPercentage", percent, PERCENT);
    }
    if let Some(percent) = change.default_percentage_off {
        checks.number("defaultPercentageOff", percent, PERCENT);
    }
    checks.finish()?;
    tenancy::staff_only(principal, "changing the affiliate options")?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let existing = options::Entity::find().filter(options::Column::StoreId.eq(store_id)).one(&txn).await?;
    let is_new = existing.is_none();
    let mut row = existing.unwrap_or_else(|| options::Model { id: Uuid::now_v7(), ..default_options(store_id) });
    let set = |value: Option<bool>, field: &mut bool| {
        if let Some(value) = value {
            *field = value;
        }
    };
    set(change.is_enabled, &mut row.is_enabled);
    set(change.is_public_registration_enabled, &mut row.is_public_registration_enabled);
    set(change.is_link_editing_enabled, &mut row.is_link_editing_enabled);
    set(change.can_convert_affiliate_balance, &mut row.can_convert_affiliate_balance);
    if let Some(percent) = change.default_return_percentage {
        row.default_return_percentage = percent;
    }
    if let Some(percent) = change.default_percentage_off {
        row.default_percentage_off = percent;
    }
    let row = tenancy::save_or_insert(&txn, row, is_new).await?;
    txn.commit().await?;
    Ok(row)
}

/// A new affiliate. A customer registering itself gives at most `code`.
#[derive(Debug, Clone, Default)]
pub struct NewAffiliate {
    /// The customer (required for the staff; a customer session is its own).
    pub customer_id: Option<Uuid>,
    /// 3–32 letters, digits, '-' or '_' (stored upper-case); one is made up when absent.
    pub code: Option<String>,
    pub return_percentage: Option<i32>,
    pub percentage_off: Option<i32>,
    pub is_enabled: Option<bool>,
}

/// Changes to an affiliate; `Some(None)` goes back to the store's default. A customer may change
/// only its own code, and only where link editing is on.
#[derive(Debug, Clone, Default)]
pub struct AffiliateChange {
    pub code: Option<String>,
    pub return_percentage: Option<Option<i32>>,
    pub percentage_off: Option<Option<i32>>,
    pub is_enabled: Option<bool>,
}

fn check_affiliate(checks: &mut Checks, row: &affiliate::Model) {
    checks.slug("code", &row.code, CODE);
    if let Some(percent) = row.return_percentage {
        checks.number("returnPercentage", percent, PERCENT);
    }
    if let Some(percent) = row.percentage_off {
        checks.number("percentageOff", percent, PERCENT);
    }
}

async fn ensure_code_free<C: ConnectionTrait>(db: &C, row: &affiliate::Model) -> Result<(), ApiError> {
    let taken =
        Condition::all().add(affiliate::Column::StoreId.eq(row.store_id)).add(affiliate::Column::Code.eq(&row.code));
    let clash = ("code", "is already an affiliate code of this store");
    unique::ensure_free::<affiliate::Entity, _>(db, taken, (affiliate::Column::Id, row.id), clash).await
}

/// A code made from the customer's email (its first letters and digits) and four random digits.
fn made_up_code(email: &str) -> String {
    let stem: String = email.chars().take_while(|c| *c != '@').filter(char::is_ascii_alphanumeric).take(8).collect();
    let stem = if stem.len() < 2 { "REF".to_owned() } else { stem.to_uppercase() };
    format!("{stem}{:04}", rand::rng().random_range(0..10_000))
}

/// Makes a customer of `store_id` an affiliate: the staff for a customer they name, or a
/// customer session for itself where public registration is on.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    input: NewAffiliate,
) -> Result<affiliate::Model, ApiError> {
    let registering = tenancy::is_customer(principal);
    let mut checks = Checks::new();
    if registering {
        for (field, given) in [
            ("customerId", input.customer_id.is_some()),
            ("returnPercentage", input.return_percentage.is_some()),
            ("percentageOff", input.percentage_off.is_some()),
            ("isEnabled", input.is_enabled.is_some()),
        ] {
            if given {
                checks.fail(field, "is set by the store");
            }
        }
    } else if input.customer_id.is_none() {
        checks.fail("customerId", "is required: the customer who becomes an affiliate");
    }
    checks.finish()?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let customer = if registering {
        let programme = options_of(&txn, store_id).await?;
        if !(programme.is_enabled && programme.is_public_registration_enabled) {
            return Err(ApiError::Forbidden("this store does not take affiliate registrations".into()));
        }
        tenancy::own_customer_in(&txn, principal, store_id).await?.ok_or(ApiError::NotFound("store"))?
    } else {
        customers::named_in(&txn, store_id, input.customer_id.unwrap_or_default()).await?
    };
    let taken = affiliate::Entity::find()
        .filter(affiliate::Column::StoreId.eq(store_id))
        .filter(affiliate::Column::CustomerId.eq(customer.id))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict("customerId", "is already an affiliate of this store"));
    }
    let now = Utc::now();
    let mut row = affiliate::Model {
        id: Uuid::now_v7(),
        store_id,
        customer_id: customer.id,
        code: input.code.as_deref().map_or_else(|| made_up_code(&customer.email), normalize_code),
        return_percentage: input.return_percentage,
        percentage_off: input.percentage_off,
        balance_cents: 0,
        is_enabled: input.is_enabled.unwrap_or(true),
        created_at: now,
        updated_at: now,
    };
    let mut checks = Checks::new();
    check_affiliate(&mut checks, &row);
    checks.finish()?;
    // A made-up code that happens to be taken is made up again.
    let mut attempts = 0;
    loop {
        match ensure_code_free(&txn, &row).await {
            Err(ApiError::Conflict(_)) if input.code.is_none() && attempts < 3 => {
                row.code = made_up_code(&customer.email);
                attempts += 1;
            }
            other => break other?,
        }
    }
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "code"))?;
    events::record(&txn, store_id, EventType::AffiliateCreated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes an affiliate: the staff any field; the affiliate itself its code, where link editing
/// is on.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: AffiliateChange,
) -> Result<affiliate::Model, ApiError> {
    let own = tenancy::is_customer(principal);
    if own {
        let mut checks = Checks::new();
        for (field, given) in [
            ("returnPercentage", input.return_percentage.is_some()),
            ("percentageOff", input.percentage_off.is_some()),
            ("isEnabled", input.is_enabled.is_some()),
        ] {
            if given {
                checks.fail(field, "is set by the store");
            }
        }
        checks.finish()?;
    }
    let txn = begin_write(db).await?;
    let mut row = tenancy::affiliate(&txn, principal, id).await?;
    if own && input.code.is_some() && !options_of(&txn, row.store_id).await?.is_link_editing_enabled {
        return Err(ApiError::Forbidden("this store does not let affiliates change their code".into()));
    }
    if let Some(code) = input.code {
        row.code = normalize_code(&code);
    }
    change::apply(input.return_percentage, &mut row.return_percentage);
    change::apply(input.percentage_off, &mut row.percentage_off);
    if let Some(enabled) = input.is_enabled {
        row.is_enabled = enabled;
    }
    let mut checks = Checks::new();
    check_affiliate(&mut checks, &row);
    checks.finish()?;
    ensure_code_free(&txn, &row).await?;
    row.updated_at = Utc::now();
    let row = tenancy::save(&txn, row, "code").await?;
    txn.commit().await?;
    Ok(row)
}

/// Turns an affiliate's whole (positive) balance into its store credit, where the store allows
/// it: one conversion entry, and the credit in the customer's balance history.
pub async fn convert_balance(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<affiliate::Model, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::affiliate(&txn, principal, id).await?;
    let store = tenancy::store(&txn, principal, row.store_id).await?;
    if !options_of(&txn, row.store_id).await?.can_convert_affiliate_balance || !store.is_customer_balance_enabled {
        return Err(ApiError::Forbidden("this store does not turn affiliate balances into store credit".into()));
    }
    if row.balance_cents <= 0 {
        return Err(ApiError::invalid("balance", "has nothing to convert"));
    }
    let amount = row.balance_cents;
    let Some(after) = move_balance(&txn, row.id, -amount, Some(amount)).await? else {
        return Err(ApiError::conflict("balance", "changed meanwhile; try again"));
    };
    entry(&txn, row.id, None, EntryKind::Conversion, -amount, after).await?;
    let actor = principal.access().map(|a| a.user_id);
    change_balance(&txn, row.customer_id, amount, "Affiliate balance converted", None, actor).await?;
    let row = tenancy::affiliate(&txn, principal, id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Adds `amount` to an affiliate's balance (when `exactly` is given, only while the balance is
/// that much); the balance after, or `None` when the condition failed.
async fn move_balance<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    amount: i64,
    exactly: Option<i64>,
) -> Result<Option<i64>, ApiError> {
    let balance = Expr::col(affiliate::Column::BalanceCents);
    let mut update = affiliate::Entity::update_many()
        .col_expr(affiliate::Column::BalanceCents, balance.add(amount))
        .col_expr(affiliate::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(affiliate::Column::Id.eq(id));
    if let Some(expected) = exactly {
        update = update.filter(affiliate::Column::BalanceCents.eq(expected));
    }
    Ok(update.exec_with_returning(db).await?.first().map(|row| row.balance_cents))
}

async fn entry<C: ConnectionTrait>(
    db: &C,
    affiliate_id: Uuid,
    order_id: Option<Uuid>,
    kind: EntryKind,
    amount_cents: i64,
    balance_after_cents: i64,
) -> Result<(), ApiError> {
    affiliate_entry::Model {
        id: Uuid::now_v7(),
        affiliate_id,
        order_id,
        kind: kind.name().to_owned(),
        amount_cents,
        balance_after_cents,
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(db)
    .await
    .map_err(|e| ApiError::from_write(e, "order"))?;
    Ok(())
}

/// What an affiliate code gives an order of `buyer` in `store_id`: the affiliate, the
/// percentage off and the commission rate.
pub(crate) async fn for_order(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    code: &str,
    buyer: &customer::Model,
) -> Result<(affiliate::Model, i32, i32), ApiError> {
    let programme = options_of(txn, store_id).await?;
    let found = affiliate::Entity::find()
        .filter(affiliate::Column::StoreId.eq(store_id))
        .filter(affiliate::Column::Code.eq(normalize_code(code)))
        .filter(affiliate::Column::IsEnabled.eq(true))
        .one(txn)
        .await?
        .filter(|_| programme.is_enabled);
    let Some(affiliate) = found else {
        return Err(ApiError::invalid("affiliateCode", "is not an affiliate code of this store"));
    };
    if affiliate.customer_id == buyer.id {
        return Err(ApiError::invalid("affiliateCode", "is the buyer's own code"));
    }
    let off = affiliate.percentage_off.unwrap_or(programme.default_percentage_off);
    let rate = affiliate.return_percentage.unwrap_or(programme.default_return_percentage);
    Ok((affiliate, off, rate))
}

/// Credits the commission of a referred order that was just delivered (inside its transition).
pub(crate) async fn credit_commission(txn: &DatabaseTransaction, order: &order::Model) -> Result<(), ApiError> {
    let (Some(affiliate_id), Some(rate)) = (order.affiliate_id, order.affiliate_return_percentage) else {
        return Ok(());
    };
    let amount = percent_of(order.total_cents, rate);
    if amount == 0 {
        return Ok(());
    }
    let Some(after) = move_balance(txn, affiliate_id, amount, None).await? else { return Ok(()) };
    entry(txn, affiliate_id, Some(order.id), EntryKind::Commission, amount, after).await
}

/// Takes back the commission of a referred order that was just refunded, if it earned one.
pub(crate) async fn reverse_commission(txn: &DatabaseTransaction, order: &order::Model) -> Result<(), ApiError> {
    let earned = affiliate_entry::Entity::find()
        .filter(affiliate_entry::Column::OrderId.eq(order.id))
        .filter(affiliate_entry::Column::Kind.eq(EntryKind::Commission.name()))
        .one(txn)
        .await?;
    let Some(earned) = earned else { return Ok(()) };
    let Some(after) = move_balance(txn, earned.affiliate_id, -earned.amount_cents, None).await? else { return Ok(()) };
    entry(txn, earned.affiliate_id, Some(order.id), EntryKind::Reversal, -earned.amount_cents, after).await
}
