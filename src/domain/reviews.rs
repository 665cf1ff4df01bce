//! Reviews: a customer rates a product it received, one review per order line.
//!
//! - Only a customer session writes one, for a line of its own order in the store once the
//!   order is delivered (and while the product is still sold). A line holds one review (a unique
//!   index, so racing requests cannot both write one); a customer's review replaces the
//!   automatic one of its line.
//! - With the store's `isAutomaticReviewsEnabled`, a delivered line left unreviewed for
//!   [`ReviewSettings::after`] gets an automatic 5-star review without text, marked as automatic
//!   ([`write_automatic`], run by every replica: the unique index keeps it to one).
//! - The store's staff reply, and flag a review (with a reason), which hides it from customers
//!   and from the product's rating until it is unflagged.

use std::ops::RangeInclusive;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::events::{self, EventType};
use crate::domain::order_status::OrderStatus;
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{order, order_item, order_status_change, product, review, store};

/// A rating.
pub const RATING: RangeInclusive<i32> = 1..=5;
/// A review's or a reply's length in characters.
pub const TEXT: RangeInclusive<usize> = 1..=2_000;
/// A flag's reason, in characters.
pub const REASON: RangeInclusive<usize> = 1..=512;
/// Most automatic reviews one pass writes (the next pass writes the rest).
const AUTOMATIC_BATCH: u64 = 500;

/// When automatic reviews are written.
#[derive(Debug, Clone, Copy)]
pub struct ReviewSettings {
    /// How long a delivered line stays unreviewed before it gets an automatic review.
    pub after: Duration,
    /// How often this process looks for such lines; `None`: never (another replica does).
    pub every: Option<Duration>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self { after: Duration::from_secs(14 * 86_400), every: Some(Duration::from_secs(60)) }
    }
}

/// The mean of `count` ratings adding up to `total`, rounded to two decimals; `None` without
/// ratings. (Ratings are 1–5, so the sum and the count are exact in an f64 far beyond any store.)
pub fn mean_rating(count: u64, total: i64) -> Option<f64> {
    (count > 0).then(|| ((total as f64 / count as f64) * 100.0).round() / 100.0)
}

/// A customer's review of one of its order lines.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub order_item_id: Uuid,
    /// 1 to 5.
    pub rating: i32,
    /// 1–2000 characters, or none.
    pub text: Option<String>,
}

/// A customer's review of the line `order_item_id` of `order` (not yet written).
fn new_review(
    order: &order::Model,
    product_id: Uuid,
    order_item_id: Uuid,
    rating: i16,
    text: Option<String>,
) -> review::Model {
    let now = Utc::now();
    review::Model {
        id: Uuid::now_v7(),
        store_id: order.store_id,
        product_id,
        order_item_id,
        customer_id: order.customer_id,
        rating,
        text,
        is_automatic: false,
        reply: None,
        replied_at: None,
        flagged_at: None,
        flag_reason: None,
        created_at: now,
        updated_at: now,
    }
}

/// Writes the caller's review of an order line of its own in `store_id`.
pub async fn create(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    store_id: Uuid,
    input: NewReview,
) -> Result<review::Model, ApiError> {
    let mut checks = Checks::new();
    checks.number("rating", input.rating, RATING);
    if let Some(text) = &input.text {
        checks.words("text", text, TEXT);
    }
    checks.finish()?;
    if !tenancy::is_customer(principal) {
        return Err(ApiError::Forbidden("reviews are written by the store's customers".into()));
    }
    let rating = i16::try_from(input.rating).map_err(|_| ApiError::invalid("rating", "must be between 1 and 5"))?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let found = order_item::Entity::find_by_id(input.order_item_id).find_also_related(order::Entity).one(&txn).await?;
    let (item, order) = match found {
        Some((item, Some(order))) if order.store_id == store_id && tenancy::readable_order(principal, &order) => {
            (item, order)
        }
        _ => return Err(ApiError::invalid("orderItemId", "names no order line of yours in this store")),
    };
    if OrderStatus::from_name(&order.status) != Some(OrderStatus::Delivered) {
        return Err(ApiError::invalid("orderItemId", "is on an order that is not delivered"));
    }
    let live = match item.product_id {
        Some(id) => product::Entity::find_by_id(id).filter(product::Column::DeletedAt.is_null()).one(&txn).await?,
        None => None,
    };
    let Some(product) = live else {
        return Err(ApiError::invalid("orderItemId", "is for a product that is no longer sold"));
    };
    let now = Utc::now();
    let existing = review::Entity::find().filter(review::Column::OrderItemId.eq(item.id)).one(&txn).await?;
    let row = match existing {
        // The customer's own words replace the store's automatic review of the line.
        Some(automatic) if automatic.is_automatic => {
            let replaced = review::Entity::update_many()
                .col_expr(review::Column::Rating, Expr::value(rating))
                .col_expr(review::Column::Text, Expr::value(input.text.clone()))
                .col_expr(review::Column::IsAutomatic, Expr::value(false))
                .col_expr(review::Column::CustomerId, Expr::value(order.customer_id))
                .col_expr(review::Column::UpdatedAt, Expr::value(now))
                .filter(review::Column::Id.eq(automatic.id))
                .filter(review::Column::IsAutomatic.eq(true))
                .exec(&txn)
                .await?;
            if replaced.rows_affected == 0 {
                return Err(ApiError::conflict("orderItemId", "is already reviewed"));
            }
            review::Entity::find_by_id(automatic.id).one(&txn).await?.ok_or(ApiError::NotFound("review"))?
        }
        Some(_) => return Err(ApiError::conflict("orderItemId", "is already reviewed")),
        None => new_review(&order, product.id, item.id, rating, input.text)
            .into_active_model()
            .insert(&txn)
            .await
            .map_err(|e| ApiError::from_write(e, "orderItemId"))?,
    };
    events::record(&txn, store_id, EventType::ReviewCreated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// The store's reply to a review (replacing an earlier one); the store's staff only.
pub async fn reply(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    principal: &Principal,
    id: Uuid,
    text: &str,
) -> Result<review::Model, ApiError> {
    let mut checks = Checks::new();
    checks.words("reply", text, TEXT);
    checks.finish()?;
    tenancy::staff_only(principal, "replying to a review")?;
    let txn = begin_write(db).await?;
    let mut row = tenancy::review(&txn, principal, id).await?;
    let now = Utc::now();
    row.reply = Some(text.to_owned());
    row.replied_at = Some(now);
    row.updated_at = now;
    let row = tenancy::save(&txn, row, "id").await?;
    txn.commit().await?;
    Ok(row)
}

/// Flags a review with a reason (hidden from customers and from the rating until unflagged);
/// flagging a flagged review replaces its reason.
pub async fn flag(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    reason: &str,
) -> Result<review::Model, ApiError> {
    let mut checks = Checks::new();
    checks.text("reason", reason.trim(), REASON);
    checks.finish()?;
    tenancy::staff_only(principal, "flagging a review")?;
    let txn = begin_write(db).await?;
    let mut row = tenancy::review(&txn, principal, id).await?;
    let now = Utc::now();
    row.flagged_at = Some(row.flagged_at.unwrap_or(now));
    row.flag_reason = Some(reason.trim().to_owned());
    row.updated_at = now;
    let row = tenancy::save(&txn, row, "id").await?;
    events::record(&txn, row.store_id, EventType::ReviewFlagged, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Shows a flagged review again.
pub async fn unflag(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<review::Model, ApiError> {
    tenancy::staff_only(principal, "unflagging a review")?;
    let txn = begin_write(db).await?;
    let mut row = tenancy::review(&txn, principal, id).await?;
    if row.flagged_at.is_some() {
        row.flagged_at = None;
        row.flag_reason = None;
        row.updated_at = Utc::now();
        row = tenancy::save(&txn, row, "id").await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Writes the automatic review of every line delivered at least `after` ago, still unreviewed,
/// in a store with automatic reviews on (at most [`AUTOMATIC_BATCH`] a call). Returns how many
/// it wrote; a line another replica reviewed meanwhile is left alone.
pub async fn write_automatic(db: &DatabaseConnection, after: Duration) -> Result<u64, ApiError> {
    let cutoff = Utc::now() - chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX);
    let delivered_long_ago = Query::select()
        .column(order_status_change::Column::OrderId)
        .from(order_status_change::Entity)
        .and_where(order_status_change::Column::ToStatus.eq(OrderStatus::Delivered.name()))
        .and_where(order_status_change::Column::CreatedAt.lte(cutoff))
        .to_owned();
    let automatic_stores = Query::select()
        .column(store::Column::Id)
        .from(store::Entity)
        .and_where(store::Column::IsAutomaticReviewsEnabled.eq(true))
        .to_owned();
    let reviewed = Query::select().column(review::Column::OrderItemId).from(review::Entity).to_owned();
    let live_products = Query::select()
        .column(product::Column::Id)
        .from(product::Entity)
        .and_where(product::Column::DeletedAt.is_null())
        .to_owned();
    let lines = order_item::Entity::find()
        .find_also_related(order::Entity)
        .filter(order::Column::Status.eq(OrderStatus::Delivered.name()))
        .filter(order::Column::Id.in_subquery(delivered_long_ago))
        .filter(order::Column::StoreId.in_subquery(automatic_stores))
        .filter(order_item::Column::Id.not_in_subquery(reviewed))
        .filter(order_item::Column::ProductId.in_subquery(live_products))
        .limit(AUTOMATIC_BATCH)
        .all(db)
        .await?;
    if lines.is_empty() {
        return Ok(0);
    }
    let txn = begin_write(db).await?;
    let mut written = 0;
    for (item, order) in lines {
        let (Some(order), Some(product_id)) = (order, item.product_id) else { continue };
        let row = review::Model { is_automatic: true, ..new_review(&order, product_id, item.id, 5, None) };
        let once = OnConflict::column(review::Column::OrderItemId).do_nothing().to_owned();
        let inserted = review::Entity::insert(row.clone().into_active_model())
            .on_conflict(once)
            .exec_without_returning(&txn)
            .await?;
        if inserted > 0 {
            events::record(&txn, order.store_id, EventType::ReviewCreated, row.id).await?;
            written += 1;
        }
    }
    txn.commit().await?;
    Ok(written)
}

/// Runs [`write_automatic`] every `settings.every`, forever.
pub async fn write_automatic_forever(db: DatabaseConnection, settings: ReviewSettings) {
    let Some(every) = settings.every else { return };
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match write_automatic(&db, settings.after).await {
            Ok(0) => {}
            Ok(written) => tracing::info!(written, "wrote automatic reviews"),
            Err(error) => tracing::warn!(%error, "cannot write automatic reviews now; trying again later"),
        }
    }
}
