//! Variants of a product: creating them (also with a new product), changing, deleting (a
//! product keeps at least one) and ordering them; SKUs are unique within a store.

use std::collections::HashSet;

use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::{new_variant, Coded, StockMode, VariantType};
use crate::domain::catalog_rules as rules;
use crate::domain::change;
use crate::domain::custom_fields::{check_identifiers_distinct, insert_fields, FieldRows, NewCustomField};
use crate::domain::events::{self, EventType};
use crate::domain::ordering::{next_order, set_positions};
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use entity::{store, variant};

/// A purchasable version of a product (the Komerza create form's variant, plus `sku` and custom
/// fields).
#[derive(Debug, Clone)]
pub struct NewVariant {
    /// Display name (3–128 characters).
    pub name: String,
    /// Stock-keeping unit, unique within the store (1–64 letters, digits, '-' or '_').
    pub sku: Option<String>,
    /// Unit price in the store's currency: 0–100000 with at most two decimals.
    pub cost: Decimal,
    /// Units available, 0–2147483647 (default 0).
    pub stock: Option<i32>,
    /// How available stock is determined (default FIXED).
    pub stock_mode: Option<StockMode>,
    /// One-time purchase or subscription (default ONE_TIME).
    pub variant_type: Option<VariantType>,
    /// Fewest units per order, at least 1 (default 1).
    pub minimum_quantity: Option<i32>,
    /// Most units per order, or -1 for no limit (default -1).
    pub maximum_quantity: Option<i32>,
    /// Display position among the product's variants, at least 1 (default: after the others).
    pub order: Option<i32>,
    /// Delivery types among license_keys, dynamic, keyauth, instructions, files (default
    /// instructions).
    pub delivery_types: Option<Vec<String>>,
    /// Image file names (up to 20).
    pub image_names: Option<Vec<String>>,
    /// URL called for dynamic fulfilment (http(s), up to 2048 characters; required with `dynamic`).
    pub dynamic_url: Option<String>,
    /// Message shown on delivery (up to 4096 characters).
    pub delivery_message: Option<String>,
    /// Billing period of a subscription (1–32 characters; required for SUBSCRIPTION only).
    pub subscription_period: Option<String>,
    /// Free-form metadata (up to 1000 characters).
    pub metadata: Option<String>,
    /// Questions the buyer answers when ordering (up to 25).
    pub custom_fields: Option<Vec<NewCustomField>>,
}

/// Changes to a variant; absent fields keep their value, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct VariantChange {
    pub name: Option<String>,
    pub sku: Option<Option<String>>,
    pub cost: Option<Decimal>,
    pub stock: Option<i32>,
    pub stock_mode: Option<StockMode>,
    pub variant_type: Option<VariantType>,
    pub minimum_quantity: Option<i32>,
    pub maximum_quantity: Option<i32>,
    pub order: Option<i32>,
    pub delivery_types: Option<Vec<String>>,
    pub image_names: Option<Vec<String>>,
    pub dynamic_url: Option<Option<String>>,
    pub delivery_message: Option<Option<String>>,
    pub subscription_period: Option<Option<String>>,
    pub metadata: Option<Option<String>>,
}

impl VariantChange {
    /// Applies the changes to `row`; a price with too many decimals is recorded in `checks`.
    pub fn apply(self, checks: &mut Checks, row: &mut variant::Model) {
        if let Some(name) = self.name {
            row.name = name;
        }
        change::apply(self.sku, &mut row.sku);
        if let Some(cost) = self.cost {
            row.cost_cents = checks.cents("cost", cost);
        }
        if let Some(stock) = self.stock {
            row.stock = stock;
        }
        if let Some(mode) = self.stock_mode {
            row.stock_mode = mode.code();
        }
        if let Some(kind) = self.variant_type {
            row.variant_type = kind.code();
        }
        if let Some(minimum) = self.minimum_quantity {
            row.minimum_quantity = minimum;
        }
        if let Some(maximum) = self.maximum_quantity {
            row.maximum_quantity = maximum;
        }
        if let Some(order) = self.order {
            row.sort_order = order;
        }
        if let Some(types) = self.delivery_types {
            row.delivery_types = json!(types);
        }
        if let Some(images) = self.image_names {
            row.image_names = json!(images);
        }
        change::apply(self.dynamic_url, &mut row.dynamic_url);
        change::apply(self.delivery_message, &mut row.delivery_message);
        change::apply(self.subscription_period, &mut row.subscription_period);
        change::apply(self.metadata, &mut row.metadata);
    }
}

/// The rows of one new variant with its custom fields.
pub struct VariantRows {
    pub variant: variant::Model,
    pub fields: Vec<FieldRows>,
}

impl NewVariant {
    /// The rows this input creates under the product `(product_id, store_id)`; problems are
    /// recorded in `checks`.
    pub fn rows(self, checks: &mut Checks, product: (Uuid, Uuid), default_order: i32) -> VariantRows {
        let id = Uuid::now_v7();
        let cost = checks.cents("cost", self.cost);
        let mut row = new_variant(id, product, &self.name, self.sku, (cost, self.stock.unwrap_or(0)), 1);
        row.sort_order = self.order.unwrap_or(default_order);
        row.stock_mode = self.stock_mode.unwrap_or(StockMode::Fixed).code();
        row.variant_type = self.variant_type.unwrap_or(VariantType::OneTime).code();
        row.minimum_quantity = self.minimum_quantity.unwrap_or(1);
        row.maximum_quantity = self.maximum_quantity.unwrap_or(-1);
        if let Some(types) = self.delivery_types {
            row.delivery_types = json!(types);
        }
        row.image_names = json!(self.image_names.unwrap_or_default());
        row.dynamic_url = self.dynamic_url;
        row.delivery_message = self.delivery_message;
        row.subscription_period = self.subscription_period;
        row.metadata = self.metadata;
        rules::check_variant(checks, &row);

        let inputs = self.custom_fields.unwrap_or_default();
        if inputs.len() > rules::MAX_CUSTOM_FIELDS {
            checks.fail("customFields", format!("must have at most {} entries", rules::MAX_CUSTOM_FIELDS));
        }
        let mut fields = Vec::with_capacity(inputs.len());
        for (input, index) in inputs.into_iter().zip(0_i32..) {
            checks.within(&format!("customFields[{index}]"), |c| fields.push(input.rows(c, id, index)));
        }
        check_identifiers_distinct(checks, &fields, "customFields");
        VariantRows { variant: row, fields }
    }
}

/// SKUs sent twice in one request, and SKUs another variant of the store already has, as
/// problems on `fields` (the SKU of each variant, by its field path).
pub async fn check_skus<C: ConnectionTrait>(
    db: &C,
    store_id: Uuid,
    skus: Vec<(String, String)>,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    let mut conflicts = Checks::new();
    let mut seen = HashSet::new();
    for (field, sku) in &skus {
        if !seen.insert(sku.as_str()) {
            conflicts.fail(field, "is used twice");
        }
    }
    if !skus.is_empty() {
        let mut query = variant::Entity::find()
            .filter(variant::Column::StoreId.eq(store_id))
            .filter(variant::Column::Sku.is_in(skus.iter().map(|(_, sku)| sku.clone())));
        if let Some(id) = except {
            query = query.filter(variant::Column::Id.ne(id));
        }
        let taken: HashSet<String> = query.all(db).await?.into_iter().filter_map(|v| v.sku).collect();
        for (field, sku) in &skus {
            if taken.contains(sku) {
                conflicts.fail(field, "is already used by another variant of this store");
            }
        }
    }
    conflicts.finish().map_err(|error| match error {
        ApiError::Validation(problems) => ApiError::Conflict(problems),
        other => other,
    })
}

/// Inserts new variants and their custom fields (one statement per table).
pub async fn insert_variants<C: ConnectionTrait>(db: &C, variants: Vec<VariantRows>) -> Result<(), ApiError> {
    let (rows, fields): (Vec<_>, Vec<_>) = variants.into_iter().map(|v| (v.variant, v.fields)).unzip();
    if !rows.is_empty() {
        let rows = rows.into_iter().map(IntoActiveModel::into_active_model);
        variant::Entity::insert_many(rows).exec(db).await.map_err(|e| ApiError::from_write(e, "sku"))?;
    }
    insert_fields(db, fields.into_iter().flatten().collect()).await
}

/// Adds a variant (with its custom fields) to a product.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    product_id: Uuid,
    input: NewVariant,
) -> Result<variant::Model, ApiError> {
    let txn = begin_write(db).await?;
    let product = tenancy::product(&txn, principal, product_id).await?;
    let existing = variant::Entity::find().filter(variant::Column::ProductId.eq(product.id)).count(&txn).await?;
    let order =
        next_order::<variant::Entity, _>(&txn, variant::Column::SortOrder, variant::Column::ProductId, product.id)
            .await?;
    let mut checks = Checks::new();
    if existing >= rules::MAX_VARIANTS as u64 {
        checks.fail("productId", format!("a product has at most {} variants", rules::MAX_VARIANTS));
    }
    let rows = input.rows(&mut checks, (product.id, product.store_id), order);
    checks.finish()?;
    let skus = rows.variant.sku.iter().map(|sku| ("sku".to_owned(), sku.clone())).collect();
    check_skus(&txn, product.store_id, skus, None).await?;
    let created = rows.variant.clone();
    insert_variants(&txn, vec![rows]).await?;
    events::record(&txn, product.store_id, EventType::ProductUpdated, product.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a variant.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: VariantChange,
) -> Result<variant::Model, ApiError> {
    let txn = begin_write(db).await?;
    let before = tenancy::variant(&txn, principal, id).await?;
    let mut row = before.clone();
    let mut checks = Checks::new();
    input.apply(&mut checks, &mut row);
    rules::check_variant(&mut checks, &row);
    checks.finish()?;
    let skus = row.sku.iter().map(|sku| ("sku".to_owned(), sku.clone())).collect();
    check_skus(&txn, row.store_id, skus, Some(row.id)).await?;
    row.updated_at = chrono::Utc::now();
    let row = tenancy::save(&txn, row, "sku").await?;
    events::record(&txn, row.store_id, EventType::ProductUpdated, row.product_id).await?;
    announce_stock(&txn, &before, &row).await?;
    txn.commit().await?;
    Ok(row)
}

/// Whether stock that went from `before` to `after` crossed from above `threshold` to or below it.
pub fn crossed_low_stock(before: i64, after: i32, threshold: i32) -> bool {
    before > i64::from(threshold) && after <= threshold
}

/// Records `variant.stock_changed` when an edit changed the counted stock of a variant (or made
/// it counted), and `variant.stock_low` when it took a FIXED-stock variant from above its
/// store's `lowStockThreshold` to or below it.
pub async fn announce_stock<C: ConnectionTrait>(
    db: &C,
    before: &variant::Model,
    after: &variant::Model,
) -> Result<(), ApiError> {
    let fixed = |v: &variant::Model| StockMode::from_code(v.stock_mode) == StockMode::Fixed;
    // A variant whose stock was not counted before falls from "unlimited".
    let was = if fixed(before) { i64::from(before.stock) } else { i64::MAX };
    if !fixed(after) || i64::from(after.stock) == was {
        return Ok(());
    }
    events::record(db, after.store_id, EventType::VariantStockChanged, after.id).await?;
    if i64::from(after.stock) > was {
        return Ok(());
    }
    let threshold = store::Entity::find_by_id(after.store_id).one(db).await?.and_then(|s| s.low_stock_threshold);
    if threshold.is_some_and(|t| crossed_low_stock(was, after.stock, t)) {
        events::record(db, after.store_id, EventType::VariantStockLow, after.id).await?;
    }
    Ok(())
}

/// Deletes a variant and its custom fields; returns its id. Past order lines keep their
/// copy of its name, SKU and price. A product keeps at least one variant (`CONFLICT`).
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::variant(&txn, principal, id).await?;
    let siblings = variant::Entity::find().filter(variant::Column::ProductId.eq(row.product_id)).count(&txn).await?;
    if siblings <= 1 {
        return Err(ApiError::conflict("id", "a product keeps at least one variant"));
    }
    variant::Entity::delete_by_id(row.id).exec(&txn).await?;
    events::record(&txn, row.store_id, EventType::ProductUpdated, row.product_id).await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Sets the display order of a product's variants: `variantIds` lists every variant of the
/// product once, first to last. Returns the variants in their new order.
pub async fn reorder(
    db: &DatabaseConnection,
    principal: &Principal,
    product_id: Uuid,
    variant_ids: Vec<Uuid>,
) -> Result<Vec<variant::Model>, ApiError> {
    let txn = begin_write(db).await?;
    let product = tenancy::product(&txn, principal, product_id).await?;
    let current: HashSet<Uuid> = variant::Entity::find()
        .filter(variant::Column::ProductId.eq(product.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    let listed: HashSet<Uuid> = variant_ids.iter().copied().collect();
    if listed.len() != variant_ids.len() || listed != current {
        return Err(ApiError::invalid("variantIds", "must list every variant of the product exactly once"));
    }
    set_positions::<variant::Entity, _>(&txn, variant::Column::Id, variant::Column::SortOrder, &variant_ids).await?;
    let rows = variant::Entity::find()
        .filter(variant::Column::ProductId.eq(product.id))
        .order_by_asc(variant::Column::SortOrder)
        .order_by_asc(variant::Column::Id)
        .all(&txn)
        .await?;
    events::record(&txn, product.store_id, EventType::ProductUpdated, product.id).await?;
    txn.commit().await?;
    Ok(rows)
}
