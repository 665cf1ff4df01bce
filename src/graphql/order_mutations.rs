//! Placing orders and moving them through their statuses.
//!
//! `createOrder` prices on the server (exact cents), reserves stock with conditional updates
//! (`stock = stock - q WHERE stock >= q`) in the order's transaction, counts the coupon's use the
//! same way, spends store credit, and records the first status. Rows are always locked in the
//! same order (variants by id, then the coupon, then the customer), so concurrent orders cannot
//! deadlock. An idempotency key makes a retried request return the first order.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::{Context, InputObject, Object};
use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::coupon::normalize_code;
use super::customer::{change_balance, new_customer, REASON_MAX};
use super::order::{readable, CustomFieldValueInput, Order};
use super::owned;
use super::policy::scope;
use crate::auth::principal::{Credential, Principal};
use crate::db::begin_write;
use crate::domain::catalog::{Coded, CustomFieldType, StockMode, Visibility};
use crate::domain::order_status::OrderStatus;
use crate::domain::pricing::{self, CouponTerms, Line};
use crate::domain::validate::Checks;
use crate::error::{ApiError, FieldError, GraphqlResult};
use entity::{
    coupon, custom_field, custom_field_option, customer, idempotency_key, order, order_item, order_status_change,
    product, store, variant,
};

/// Most lines of one order.
pub const MAX_ITEMS: usize = 50;
/// Most answers on one line, and the longest answer.
pub const MAX_ANSWERS: usize = 25;
pub const ANSWER_MAX: usize = 1024;
pub const IDEMPOTENCY_KEY: std::ops::RangeInclusive<usize> = 1..=255;
/// How long an idempotency key is remembered.
const IDEMPOTENCY_TTL_HOURS: i64 = 24;

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
    /// Pay what the coupon leaves with the customer's store credit, as far as it goes.
    pub use_store_credit: Option<bool>,
    /// Free-text notes kept with the order (up to 1000 characters).
    pub notes: Option<String>,
}

/// A line with the rows it was resolved to.
struct Resolved {
    product: product::Model,
    variant: variant::Model,
    quantity: i32,
    answers: serde_json::Map<String, serde_json::Value>,
}

/// Checks what can be checked without the database.
fn check_shape(input: &CreateOrderInput) -> Result<(), ApiError> {
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
            let answers = item.custom_field_values.as_deref().unwrap_or_default();
            if answers.len() > MAX_ANSWERS {
                c.fail("customFieldValues", format!("must have at most {MAX_ANSWERS} entries"));
            }
            for (a, answer) in answers.iter().enumerate() {
                c.text(&format!("customFieldValues[{a}].identifier"), &answer.identifier, 1..=64);
                c.text(&format!("customFieldValues[{a}].value"), &answer.value, 0..=ANSWER_MAX);
            }
        });
    }
    if let Some(email) = &input.customer_email {
        checks.email("customerEmail", email);
    }
    checks.optional_text("customerName", input.customer_name.as_deref(), 1..=128);
    checks.optional_text("couponCode", input.coupon_code.as_deref(), 1..=64);
    checks.optional_text("notes", input.notes.as_deref(), 0..=1000);
    if input.customer_id.is_some() && input.customer_email.is_some() {
        checks.fail("customerId", "give customerId or customerEmail, not both");
    }
    checks.finish()
}

/// The customer an order is for: a customer session's own record in the store, or the
/// customer with the given email (created when new).
async fn buyer(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store_id: Uuid,
    input: &CreateOrderInput,
) -> Result<customer::Model, ApiError> {
    let access = principal.access().ok_or(ApiError::Unauthenticated("sign in first"))?;
    if access.is_customer() {
        return customer::Entity::find()
            .filter(customer::Column::StoreId.eq(store_id))
            .filter(customer::Column::Id.is_in(access.customers.iter().copied()))
            .one(txn)
            .await?
            .ok_or(ApiError::NotFound("store"));
    }
    if let Some(id) = input.customer_id {
        return customer::Entity::find_by_id(id)
            .filter(customer::Column::StoreId.eq(store_id))
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::invalid("customerId", "is not a customer of this store"));
    }
    let Some(email) = input.customer_email.as_deref().and_then(crate::domain::users::normalize_email) else {
        return Err(ApiError::invalid("customerEmail", "is required for an order placed for a customer"));
    };
    // Concurrent first orders of one new email must not collide: insert unless present (waiting
    // for a concurrent insert to commit), then read whichever row exists.
    let fresh = new_customer(store_id, email.clone(), input.customer_name.clone());
    customer::Entity::insert(fresh.into_active_model())
        .on_conflict(OnConflict::columns([customer::Column::StoreId, customer::Column::Email]).do_nothing().to_owned())
        .exec_without_returning(txn)
        .await?;
    customer::Entity::find()
        .filter(customer::Column::StoreId.eq(store_id))
        .filter(customer::Column::Email.eq(&email))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound("customer"))
}

/// Finds each line's product and variant in the store and checks quantities and answers.
async fn resolve_items(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store_id: Uuid,
    items: &[OrderItemInput],
) -> Result<Vec<Resolved>, ApiError> {
    let is_customer = principal.access().is_some_and(|a| a.is_customer());
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
        let answers = item.custom_field_values.as_deref().unwrap_or_default();
        let own_fields: Vec<&custom_field::Model> = fields.iter().filter(|f| f.variant_id == variant.id).collect();
        let mut stored = serde_json::Map::new();
        checks.within(&format!("items[{index}]"), |c| {
            for (a, answer) in answers.iter().enumerate() {
                let Some(field) = own_fields.iter().find(|f| f.identifier == answer.identifier) else {
                    c.fail(&format!("customFieldValues[{a}].identifier"), "is not a custom field of this variant");
                    continue;
                };
                let field_type = CustomFieldType::from_name(&field.field_type);
                let allowed: Vec<&str> =
                    options.iter().filter(|o| o.custom_field_id == field.id).map(|o| o.value.as_str()).collect();
                let valid = match field_type {
                    CustomFieldType::Select | CustomFieldType::Radio => allowed.contains(&answer.value.as_str()),
                    CustomFieldType::Checkbox => matches!(answer.value.as_str(), "true" | "false"),
                    CustomFieldType::Number => answer.value.trim().parse::<rust_decimal::Decimal>().is_ok(),
                    CustomFieldType::Text | CustomFieldType::Textarea => true,
                };
                if !valid {
                    c.fail(&format!("customFieldValues[{a}].value"), "is not an allowed answer for this field");
                }
                if stored.insert(answer.identifier.clone(), json!(answer.value)).is_some() {
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
async fn reserve_stock(txn: &DatabaseTransaction, lines: &[Resolved]) -> Result<(), ApiError> {
    let mut wanted: BTreeMap<Uuid, (i64, usize)> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        if StockMode::from_code(line.variant.stock_mode) == StockMode::Fixed {
            let entry = wanted.entry(line.variant.id).or_insert((0, index));
            entry.0 += i64::from(line.quantity);
        }
    }
    let mut short = Vec::new();
    for (variant_id, (quantity, index)) in wanted {
        let stock = Expr::col(variant::Column::Stock);
        let taken = variant::Entity::update_many()
            .col_expr(variant::Column::Stock, stock.clone().sub(quantity))
            .filter(variant::Column::Id.eq(variant_id))
            .filter(stock.gte(quantity))
            .exec(txn)
            .await?;
        if taken.rows_affected == 0 {
            let left = variant::Entity::find_by_id(variant_id).one(txn).await?.map_or(0, |v| v.stock);
            short.push(FieldError {
                field: format!("items[{index}].quantity"),
                message: format!("only {left} left of {}", lines[index].variant.name),
            });
        }
    }
    if short.is_empty() {
        Ok(())
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

/// Who made a change, for the history: the user, and the API key when one was used.
fn actor(principal: &Principal) -> (Option<Uuid>, Option<Uuid>) {
    match principal.access() {
        Some(access) => {
            let key = match access.credential {
                Credential::ApiKey(id) => Some(id),
                Credential::Session(_) => None,
            };
            (Some(access.user_id), key)
        }
        None => (None, None),
    }
}

fn history(
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

/// Places the order inside `txn` (everything but the idempotency bookkeeping).
async fn place(
    txn: &DatabaseTransaction,
    principal: &Principal,
    store: &store::Model,
    input: &CreateOrderInput,
) -> Result<order::Model, ApiError> {
    let customer = buyer(txn, principal, store.id, input).await?;
    let resolved = resolve_items(txn, principal, store.id, &input.items).await?;
    let lines: Vec<Line> = resolved
        .iter()
        .map(|r| Line { variant_id: r.variant.id, unit_cents: r.variant.cost_cents, quantity: r.quantity })
        .collect();
    let wants_credit = input.use_store_credit.unwrap_or(false);
    if wants_credit && !store.is_customer_balance_enabled {
        return Err(ApiError::invalid("useStoreCredit", "this store does not take store credit"));
    }
    reserve_stock(txn, &resolved).await?;
    let coupon = match &input.coupon_code {
        Some(code) => Some(use_coupon(txn, store.id, code, &lines).await?),
        None => None,
    };
    let credit = if wants_credit { customer.balance_cents } else { 0 };
    let totals = pricing::price(&lines, coupon.as_ref().map(CouponTerms::of).as_ref(), credit);

    let now = Utc::now();
    let order = order::Model {
        id: Uuid::now_v7(),
        store_id: store.id,
        customer_id: Some(customer.id),
        customer_email: customer.email.clone(),
        status: OrderStatus::Pending.name().to_owned(),
        currency_code: store.currency_code.clone(),
        subtotal_cents: totals.subtotal,
        discount_cents: totals.discount,
        credit_used_cents: totals.credit_used,
        total_cents: totals.total,
        coupon_id: coupon.as_ref().map(|c| c.id),
        coupon_code: coupon.as_ref().map(|c| c.code.clone()),
        created_by: principal.access().map(|a| a.user_id),
        notes: input.notes.clone(),
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
    Ok(order)
}

/// A stable hash of a request, to tell a retry from a different request under the same key.
fn request_hash(store_id: Uuid, input: &CreateOrderInput) -> String {
    format!("{:x}", Sha256::digest(format!("{store_id}\n{input:?}").as_bytes()))
}

/// The order an idempotency key already stands for, `None` when the key is new (an expired
/// key is forgotten), or `CONFLICT` when it was used for a different request.
async fn remembered(
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

async fn remember(
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

/// Moves an order to `to`, with what that status change entails.
async fn transition(
    ctx: &Context<'_>,
    id: Uuid,
    to: OrderStatus,
    reason: Option<String>,
) -> async_graphql::Result<Order> {
    let principal = ctx.data::<Principal>()?;
    let mut checks = Checks::new();
    if to.needs_reason() {
        checks.text("reason", reason.as_deref().unwrap_or_default(), 1..=REASON_MAX);
    }
    checks.finish().into_graphql()?;
    let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
    let order = order::Entity::find_by_id(id)
        .one(&txn)
        .await
        .into_graphql()?
        .filter(|o| readable(principal, o))
        .ok_or(ApiError::NotFound("order"))
        .into_graphql()?;
    let from = OrderStatus::from_name(&order.status).unwrap_or(OrderStatus::Pending);
    let refused =
        || ApiError::InvalidTransition(format!("an order that is {} cannot become {}", from.name(), to.name()));
    if !from.can_become(to) {
        return Err(refused()).into_graphql();
    }
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.name()))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(from.name()))
        .exec(&txn)
        .await
        .into_graphql()?;
    if moved.rows_affected == 0 {
        return Err(refused()).into_graphql();
    }
    if to == OrderStatus::Cancelled {
        let items = order_item::Entity::find()
            .filter(order_item::Column::OrderId.eq(order.id))
            .all(&txn)
            .await
            .into_graphql()?;
        let mut returned: BTreeMap<Uuid, i64> = BTreeMap::new();
        for item in items {
            if let Some(variant_id) = item.variant_id {
                *returned.entry(variant_id).or_default() += i64::from(item.quantity);
            }
        }
        for (variant_id, quantity) in returned {
            variant::Entity::update_many()
                .col_expr(variant::Column::Stock, Expr::col(variant::Column::Stock).add(quantity))
                .filter(variant::Column::Id.eq(variant_id))
                .filter(variant::Column::StockMode.eq(StockMode::Fixed.code()))
                .exec(&txn)
                .await
                .into_graphql()?;
        }
    }
    if matches!(to, OrderStatus::Cancelled | OrderStatus::Refunded) && order.credit_used_cents > 0 {
        if let Some(customer_id) = order.customer_id {
            let why = format!("Returned: order {}", to.name());
            let actor = principal.access().map(|a| a.user_id);
            change_balance(&txn, customer_id, order.credit_used_cents, &why, Some(order.id), actor)
                .await
                .into_graphql()?;
        }
    }
    history(order.id, Some(from), to, reason, principal).insert(&txn).await.into_graphql()?;
    let order = order::Entity::find_by_id(order.id)
        .one(&txn)
        .await
        .into_graphql()?
        .ok_or(ApiError::NotFound("order"))
        .into_graphql()?;
    txn.commit().await.into_graphql()?;
    Ok(Order(order))
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
        let principal = ctx.data::<Principal>()?;
        let db = ctx.data::<DatabaseConnection>()?;
        check_shape(&input).into_graphql()?;
        if let Some(key) = &idempotency_key {
            let mut checks = Checks::new();
            checks.text("idempotencyKey", key, IDEMPOTENCY_KEY);
            checks.finish().into_graphql()?;
        }
        let user = principal.access().map(|a| a.user_id).unwrap_or_default();
        let key_scope = format!("createOrder:{user}:{store_id}");
        let hash = request_hash(store_id, &input);
        // A concurrent request with the same key may commit first; then the retry finds it.
        for _ in 0..2 {
            let txn = begin_write(db).await.into_graphql()?;
            let store = owned::store(&txn, principal, store_id).await.into_graphql()?;
            if let Some(key) = &idempotency_key {
                if let Some(order_id) = remembered(&txn, &key_scope, key, &hash).await.into_graphql()? {
                    let order = order::Entity::find_by_id(order_id).one(&txn).await.into_graphql()?;
                    return order.map(Order).ok_or(ApiError::NotFound("order")).into_graphql();
                }
            }
            let order = place(&txn, principal, &store, &input).await.into_graphql()?;
            if let Some(key) = &idempotency_key {
                match remember(&txn, key_scope.clone(), key.clone(), hash.clone(), order.id).await {
                    Ok(()) => {}
                    Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => continue,
                    Err(e) => return Err(ApiError::from(e)).into_graphql(),
                }
            }
            txn.commit().await.into_graphql()?;
            return Ok(Order(order));
        }
        Err(ApiError::conflict("idempotencyKey", "is being used by a request in progress; retry")).into_graphql()
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
