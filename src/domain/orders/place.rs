//! Placing an order inside one write transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::idempotency::{remember, remembered, request_hash};
use super::transition::history;
use super::{NewLine, NewOrder, ANSWER_MAX, IDEMPOTENCY_KEY, MAX_ANSWERS, MAX_ITEMS};
use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::affiliates;
use crate::domain::catalog::{Coded, CustomFieldType, StockMode, Visibility};
use crate::domain::coupons::normalize_code;
use crate::domain::customers::{change_balance, new_customer};
use crate::domain::events::{self, EventType};
use crate::domain::order_status::OrderStatus;
use crate::domain::pricing::{self, CouponTerms, Line};
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::{ApiError, FieldError};
use entity::{coupon, custom_field, custom_field_option, customer, order, order_item, product, store, variant};

/// A line with the rows it was resolved to.
struct Resolved {
    product: product::Model,
    variant: variant::Model,
    quantity: i32,
    answers: serde_json::Map<String, serde_json::Value>,
}

/// Places an order in a store the caller sees. With an idempotency key, a repeated identical
/// request returns the first order instead of placing another, and the same key with a
/// different request is a `CONFLICT`; keys are remembered for 24 hours per user and store.
pub async fn create(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    store_id: Uuid,
    input: &NewOrder,
    idempotency_key: Option<&str>,
) -> Result<order::Model, ApiError> {
    check_shape(input)?;
    if let Some(key) = idempotency_key {
        let mut checks = Checks::new();
        checks.text("idempotencyKey", key, IDEMPOTENCY_KEY);
        checks.finish()?;
    }
    let user = principal.access().map(|a| a.user_id).unwrap_or_default();
    let key_scope = format!("createOrder:{user}:{store_id}");
    let hash = request_hash(store_id, input);
    // A concurrent request with the same key may commit first; then the retry finds it.
    for _ in 0..2 {
        let txn = begin_write(db).await?;
        let store = tenancy::store(&txn, principal, store_id).await?;
        if let Some(key) = idempotency_key {
            if let Some(order_id) = remembered(&txn, &key_scope, key, &hash).await? {
                return order::Entity::find_by_id(order_id).one(&txn).await?.ok_or(ApiError::NotFound("order"));
            }
        }
        let order = place(&txn, principal, &store, input).await?;
        if let Some(key) = idempotency_key {
            match remember(&txn, key_scope.clone(), key.to_owned(), hash.clone(), order.id).await {
                Ok(()) => {}
                Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        txn.commit().await?;
        return Ok(order);
    }
    Err(ApiError::conflict("idempotencyKey", "is being used by a request in progress; retry"))
}

/// Checks what can be checked without the database.
fn check_shape(input: &NewOrder) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    if input.items.is_empty() || input.items.len() > MAX_ITEMS {
        checks.fail("items", format!("must have 1 to {MAX_ITEMS} entries"));
    }
    for (index, item) in input.items.iter().enumerate() {
        checks.within(&format!("items[{index}]"), |c| {
            if item.product_id.is_some() == item.variant_id.is_some() {
                c.fail("variantId", "give exactly one of productId and variantId");
            }
            if item.quantity < 1 {
                c.fail("quantity", "must be at least 1");
            }
            let answers = &item.answers;
            if answers.len() > MAX_ANSWERS {
                c.fail("customFieldValues", format!("must have at most {MAX_ANSWERS} entries"));
            }
            for (a, (identifier, value)) in answers.iter().enumerate() {
                c.text(&format!("customFieldValues[{a}].identifier"), identifier, 1..=64);
                c.text(&format!("customFieldValues[{a}].value"), value, 0..=ANSWER_MAX);
            }
        });
    }
    if let Some(email) = &input.customer_email {
        checks.email("customerEmail", email);
    }
    checks.optional_text("customerName", input.customer_name.as_deref(), 1..=128);
    checks.optional_text("couponCode", input.coupon_code.as_deref(), 1..=64);
    checks.optional_text("affiliateCode", input.affiliate_code.as_deref(), 1..=64);
    checks.optional_text("notes", input.notes.as_deref(), 0..=1000);
    if input.customer_id.is_some() && input.customer_email.is_some() {
        checks.fail("customerId", "give customerId or customerEmail, not both");
    }
    checks.finish()
}

/// The customer an order is for: a customer session's own record in the store, or the
/// customer with the given email (created when new, which the flag tells).
async fn buyer(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store_id: Uuid,
    input: &NewOrder,
) -> Result<(customer::Model, bool), ApiError> {
    let access = principal.access().ok_or(ApiError::Unauthenticated("sign in first"))?;
    if access.is_customer() {
        return customer::Entity::find()
            .filter(customer::Column::StoreId.eq(store_id))
            .filter(customer::Column::Id.is_in(access.customers.iter().copied()))
            .one(txn)
            .await?
            .map(|c| (c, false))
            .ok_or(ApiError::NotFound("store"));
    }
    if let Some(id) = input.customer_id {
        return customer::Entity::find_by_id(id)
            .filter(customer::Column::StoreId.eq(store_id))
            .one(txn)
            .await?
            .map(|c| (c, false))
            .ok_or_else(|| ApiError::invalid("customerId", "is not a customer of this store"));
    }
    let Some(email) = input.customer_email.as_deref().and_then(crate::auth::users::normalize_email) else {
        return Err(ApiError::invalid("customerEmail", "is required for an order placed for a customer"));
    };
    // Concurrent first orders of one new email must not collide: insert unless present (waiting
    // for a concurrent insert to commit), then read whichever row exists.
    let fresh = new_customer(store_id, email.clone(), input.customer_name.clone());
    let inserted = customer::Entity::insert(fresh.into_active_model())
        .on_conflict(OnConflict::columns([customer::Column::StoreId, customer::Column::Email]).do_nothing().to_owned())
        .exec_without_returning(txn)
        .await?;
    let customer = customer::Entity::find()
        .filter(customer::Column::StoreId.eq(store_id))
        .filter(customer::Column::Email.eq(&email))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound("customer"))?;
    Ok((customer, inserted > 0))
}

/// Finds each line's product and variant in the store and checks quantities and answers.
async fn resolve_items(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store_id: Uuid,
    items: &[NewLine],
) -> Result<Vec<Resolved>, ApiError> {
    let is_customer = tenancy::is_customer(principal);
    let product_ids: HashSet<Uuid> = items.iter().filter_map(|i| i.product_id).collect();
    let variant_ids: HashSet<Uuid> = items.iter().filter_map(|i| i.variant_id).collect();
    let variants = variant::Entity::find()
        .filter(variant::Column::StoreId.eq(store_id))
        .filter(
            sea_orm::Condition::any()
                .add(variant::Column::Id.is_in(variant_ids.iter().copied()))
                .add(variant::Column::ProductId.is_in(product_ids.iter().copied())),
        )
        .order_by_asc(variant::Column::SortOrder)
        .order_by_asc(variant::Column::Id)
        .all(txn)
        .await?;
    let products: HashMap<Uuid, product::Model> = product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::DeletedAt.is_null())
        .filter(product::Column::Id.is_in(variants.iter().map(|v| v.product_id)))
        .all(txn)
        .await?
        .into_iter()
        .filter(|p| !is_customer || Visibility::from_code(p.visibility) != Visibility::Private)
        .map(|p| (p.id, p))
        .collect();
    let fields = custom_field::Entity::find()
        .filter(custom_field::Column::VariantId.is_in(variants.iter().map(|v| v.id)))
        .all(txn)
        .await?;
    let options = custom_field_option::Entity::find()
        .filter(custom_field_option::Column::CustomFieldId.is_in(fields.iter().map(|f| f.id)))
        .all(txn)
        .await?;

    let mut checks = Checks::new();
    let mut resolved = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let chosen = match (item.variant_id, item.product_id) {
            (Some(id), _) => variants.iter().find(|v| v.id == id),
            (None, Some(id)) => variants.iter().find(|v| v.product_id == id),
            (None, None) => None,
        };
        let Some((variant, product)) = chosen.and_then(|v| products.get(&v.product_id).map(|p| (v, p))) else {
            let field = if item.variant_id.is_some() { "variantId" } else { "productId" };
            checks.fail(&format!("items[{index}].{field}"), "is not for sale in this store");
            continue;
        };
        let maximum = if variant.maximum_quantity == -1 { i32::MAX } else { variant.maximum_quantity };
        if !(variant.minimum_quantity..=maximum).contains(&item.quantity) {
            checks.fail(
                &format!("items[{index}].quantity"),
                format!("must be between {} and {} for {}", variant.minimum_quantity, maximum, variant.name),
            );
        }
        let answers = &item.answers;
        let own_fields: Vec<&custom_field::Model> = fields.iter().filter(|f| f.variant_id == variant.id).collect();
        let mut stored = serde_json::Map::new();
        checks.within(&format!("items[{index}]"), |c| {
            for (a, (identifier, value)) in answers.iter().enumerate() {
                let Some(field) = own_fields.iter().find(|f| &f.identifier == identifier) else {
                    c.fail(&format!("customFieldValues[{a}].identifier"), "is not a custom field of this variant");
                    continue;
                };
                let field_type = CustomFieldType::from_name(&field.field_type);
                let allowed: Vec<&str> =
                    options.iter().filter(|o| o.custom_field_id == field.id).map(|o| o.value.as_str()).collect();
                let valid = match field_type {
                    CustomFieldType::Select | CustomFieldType::Radio => allowed.contains(&value.as_str()),
                    CustomFieldType::Checkbox => matches!(value.as_str(), "true" | "false"),
                    CustomFieldType::Number => value.trim().parse::<rust_decimal::Decimal>().is_ok(),
                    CustomFieldType::Text | CustomFieldType::Textarea => true,
                };
                if !valid {
                    c.fail(&format!("customFieldValues[{a}].value"), "is not an allowed answer for this field");
                }
                if stored.insert(identifier.clone(), json!(value)).is_some() {
                    c.fail(&format!("customFieldValues[{a}].identifier"), "is answered twice");
                }
            }
            for field in own_fields.iter().filter(|f| f.is_required) {
                let answered = stored.get(&field.identifier).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty());
                if !answered {
                    c.fail("customFieldValues", format!("needs an answer for {}", field.identifier));
                }
            }
        });
        resolved.push(Resolved {
            product: product.clone(),
            variant: variant.clone(),
            quantity: item.quantity,
            answers: stored,
        });
    }
    checks.finish()?;
    Ok(resolved)
}

/// Takes the ordered units from stock: one conditional update per variant, in variant-id order.
/// Returns the FIXED-stock variants this order took from, and those it took to or below
/// `low_stock` (from above it).
async fn reserve_stock(
    txn: &DatabaseTransaction,
    lines: &[Resolved],
    low_stock: Option<i32>,
) -> Result<(Vec<Uuid>, Vec<Uuid>), ApiError> {
    let mut wanted: BTreeMap<Uuid, (i64, usize)> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        if StockMode::from_code(line.variant.stock_mode) == StockMode::Fixed {
            let entry = wanted.entry(line.variant.id).or_insert((0, index));
            entry.0 += i64::from(line.quantity);
        }
    }
    let mut short = Vec::new();
    let mut low = Vec::new();
    let changed: Vec<Uuid> = wanted.keys().copied().collect();
    for (variant_id, (quantity, index)) in wanted {
        let stock = Expr::col(variant::Column::Stock);
        let taken = variant::Entity::update_many()
            .col_expr(variant::Column::Stock, stock.clone().sub(quantity))
            .filter(variant::Column::Id.eq(variant_id))
            .filter(stock.gte(quantity))
            .exec_with_returning(txn)
            .await?;
        if let (Some(left), Some(threshold)) = (taken.first(), low_stock) {
            if crate::domain::variants::crossed_low_stock(i64::from(left.stock) + quantity, left.stock, threshold) {
                low.push(variant_id);
            }
        }
        if taken.is_empty() {
            let left = variant::Entity::find_by_id(variant_id).one(txn).await?.map_or(0, |v| v.stock);
            short.push(FieldError {
                field: format!("items[{index}].quantity"),
                message: format!("only {left} left of {}", lines[index].variant.name),
            });
        }
    }
    if short.is_empty() {
        Ok((changed, low))
    } else {
        Err(ApiError::InsufficientStock(short))
    }
}

/// The coupon of `code`, its use counted with a conditional update (never past its maximum).
async fn use_coupon(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    code: &str,
    lines: &[Line],
) -> Result<coupon::Model, ApiError> {
    let invalid = |message: &str| ApiError::invalid("couponCode", message);
    let row = coupon::Entity::find()
        .filter(coupon::Column::StoreId.eq(store_id))
        .filter(coupon::Column::Code.eq(normalize_code(code)))
        .one(txn)
        .await?
        .ok_or_else(|| invalid("is not a coupon of this store"))?;
    if !row.is_enabled {
        return Err(invalid("is disabled"));
    }
    if row.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(invalid("has expired"));
    }
    let limited = CouponTerms::of(&row).variant_ids;
    if !limited.is_empty() && !lines.iter().any(|l| limited.contains(&l.variant_id)) {
        return Err(invalid("does not apply to these items"));
    }
    let uses = Expr::col(coupon::Column::Uses);
    let counted = coupon::Entity::update_many()
        .col_expr(coupon::Column::Uses, uses.clone().add(1))
        .filter(coupon::Column::Id.eq(row.id))
        .filter(coupon::Column::IsEnabled.eq(true))
        .filter(
            sea_orm::Condition::any()
                .add(coupon::Column::MaximumUses.is_null())
                .add(uses.lt(Expr::col(coupon::Column::MaximumUses))),
        )
        .exec(txn)
        .await?;
    if counted.rows_affected == 0 {
        return Err(ApiError::conflict("couponCode", "has reached its maximum uses"));
    }
    Ok(row)
}

/// Places the order inside `txn` (everything but the idempotency bookkeeping).
async fn place(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store: &store::Model,
    input: &NewOrder,
) -> Result<order::Model, ApiError> {
    let (customer, is_new_customer) = buyer(txn, principal, store.id, input).await?;
    let resolved = resolve_items(txn, principal, store.id, &input.items).await?;
    let lines: Vec<Line> = resolved
        .iter()
        .map(|r| Line { variant_id: r.variant.id, unit_cents: r.variant.cost_cents, quantity: r.quantity })
        .collect();
    let wants_credit = input.use_store_credit;
    if wants_credit && !store.is_customer_balance_enabled {
        return Err(ApiError::invalid("useStoreCredit", "this store does not take store credit"));
    }
    let (stock_changed, low_stock) = reserve_stock(txn, &resolved, store.low_stock_threshold).await?;
    let coupon = match &input.coupon_code {
        Some(code) => Some(use_coupon(txn, store.id, code, &lines).await?),
        None => None,
    };
    let referral = match &input.affiliate_code {
        Some(code) => Some(affiliates::for_order(txn, store.id, code, &customer).await?),
        None => None,
    };
    let percent_off = referral.as_ref().map_or(0, |(_, off, _)| *off);
    let credit = if wants_credit { customer.balance_cents } else { 0 };
    let totals = pricing::price(&lines, coupon.as_ref().map(CouponTerms::of).as_ref(), percent_off, credit);

    let now = Utc::now();
    let order = order::Model {
        id: Uuid::now_v7(),
        store_id: store.id,
        customer_id: Some(customer.id),
        customer_email: customer.email.clone(),
        status: OrderStatus::Pending.name().to_owned(),
        currency_code: store.currency_code.clone(),
        subtotal_cents: totals.subtotal,
        // Every discount, so `total = subtotal - discount - creditUsed` holds (a CHECK constraint).
        discount_cents: totals.discount + totals.affiliate_discount,
        credit_used_cents: totals.credit_used,
        total_cents: totals.total,
        coupon_id: coupon.as_ref().map(|c| c.id),
        coupon_code: coupon.as_ref().map(|c| c.code.clone()),
        created_by: principal.access().map(|a| a.user_id),
        notes: input.notes.clone(),
        affiliate_id: referral.as_ref().map(|(affiliate, _, _)| affiliate.id),
        affiliate_discount_cents: totals.affiliate_discount,
        affiliate_return_percentage: referral.as_ref().map(|(_, _, rate)| *rate),
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(txn)
    .await?;
    let items = resolved.into_iter().map(|line| {
        order_item::Model {
            id: Uuid::now_v7(),
            order_id: order.id,
            product_id: Some(line.product.id),
            variant_id: Some(line.variant.id),
            product_name: line.product.name,
            variant_name: line.variant.name.clone(),
            sku: line.variant.sku.clone(),
            unit_price_cents: line.variant.cost_cents,
            quantity: line.quantity,
            line_total_cents: line.variant.cost_cents.saturating_mul(i64::from(line.quantity)),
            custom_field_values: serde_json::Value::Object(line.answers),
            created_at: now,
        }
        .into_active_model()
    });
    order_item::Entity::insert_many(items).exec(txn).await?;
    history(order.id, None, OrderStatus::Pending, None, principal).insert(txn).await?;
    if totals.credit_used > 0 {
        let actor = principal.access().map(|a| a.user_id);
        let spent = change_balance(txn, customer.id, -totals.credit_used, "Spent on an order", Some(order.id), actor);
        if spent.await?.is_none() {
            return Err(ApiError::conflict("useStoreCredit", "the balance changed meanwhile; try again"));
        }
    }
    if is_new_customer {
        events::record(txn, store.id, EventType::CustomerCreated, customer.id).await?;
    }
    events::record(txn, store.id, EventType::OrderCreated, order.id).await?;
    for variant_id in stock_changed {
        events::record(txn, store.id, EventType::VariantStockChanged, variant_id).await?;
    }
    for variant_id in low_stock {
        events::record(txn, store.id, EventType::VariantStockLow, variant_id).await?;
    }
    Ok(order)
}
