//! Products: creating one with its variants, custom fields and options in one transaction,
//! changing it (and its first variant, for single-variant clients), soft deletion, duplication
//! and display order.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::{new_product, AdditionalFee, Coded, Visibility};
use crate::domain::catalog_rules as rules;
use crate::domain::change;
use crate::domain::custom_fields::FieldRows;
use crate::domain::events::{self, EventType};
use crate::domain::ordering::set_positions;
use crate::domain::validate::Checks;
use crate::domain::variants::{announce_stock, check_skus, insert_variants, NewVariant, VariantChange, VariantRows};
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{category, category_product, custom_field, custom_field_option, product, variant};

/// A new product and its variants.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// Public name (3–64 characters).
    pub name: String,
    /// Markdown description (up to 16384 characters).
    pub description: Option<String>,
    /// URL slug (1–72 letters, digits, '-' or '_'), unique among the store's live products. When
    /// absent, the product's id is used.
    pub slug: Option<String>,
    /// Who can see it (default PUBLIC).
    pub visibility: Option<Visibility>,
    /// Display position among the store's products, at least 1 (default 1).
    pub order: Option<i32>,
    /// Whether the store page marks it as a best seller (default false).
    pub is_best_seller: Option<bool>,
    /// Image file names in display order (up to 20).
    pub image_names: Option<Vec<String>>,
    /// Whether buyers on VPNs are refused (default false).
    pub should_block_vpns: Option<bool>,
    /// Payment gateways that may not be used for it (up to 20).
    pub blacklisted_payment_gateways: Option<Vec<String>>,
    /// Surcharges by payment gateway (up to 20, one per gateway).
    pub additional_fees: Option<Vec<AdditionalFee>>,
    /// Free-form metadata (up to 10000 characters).
    pub metadata: Option<String>,
    /// Its variants, 1–50, created with it.
    pub variants: Vec<NewVariant>,
    /// Slugs of the store's categories to put it in (appended last in each; up to 100).
    pub category_slugs: Option<Vec<String>>,
}

/// Changes to a product; absent fields keep their value, `Some(None)` clears an optional one.
#[derive(Debug, Clone)]
pub struct ProductChange {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    pub order: Option<i32>,
    pub is_best_seller: Option<bool>,
    pub image_names: Option<Vec<String>>,
    pub should_block_vpns: Option<bool>,
    pub blacklisted_payment_gateways: Option<Vec<String>>,
    /// Replaces the list of additional fees.
    pub additional_fees: Option<Vec<AdditionalFee>>,
    pub metadata: Option<Option<String>>,
    /// The categories it is in, by slug (replaces the current ones; new ones are appended last).
    pub category_slugs: Option<Vec<String>>,
    /// Changes to its first variant in display order (what single-variant clients call "the
    /// product's" price, SKU and stock).
    pub default_variant: Option<VariantChange>,
}

/// Most categories one product may be put in at once.
pub const MAX_PRODUCT_CATEGORIES: usize = 100;

/// Makes the store's categories with `slugs` the product's categories: links to others are
/// removed, new links are appended last in their category.
async fn set_categories<C: ConnectionTrait>(
    db: &C,
    product: &product::Model,
    slugs: &[String],
) -> Result<(), ApiError> {
    let distinct: HashSet<&String> = slugs.iter().collect();
    if slugs.len() > MAX_PRODUCT_CATEGORIES || distinct.len() != slugs.len() {
        return Err(ApiError::invalid(
            "categorySlugs",
            format!("must list at most {MAX_PRODUCT_CATEGORIES} categories, each once"),
        ));
    }
    let wanted = category::Entity::find()
        .filter(category::Column::StoreId.eq(product.store_id))
        .filter(category::Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await?;
    if wanted.len() != slugs.len() {
        return Err(ApiError::invalid("categorySlugs", "names a category this store does not have"));
    }
    let wanted_ids: Vec<Uuid> = wanted.iter().map(|c| c.id).collect();
    category_product::Entity::delete_many()
        .filter(category_product::Column::ProductId.eq(product.id))
        .filter(category_product::Column::CategoryId.is_not_in(wanted_ids.iter().copied()))
        .exec(db)
        .await?;
    let linked: HashSet<Uuid> = category_product::Entity::find()
        .filter(category_product::Column::ProductId.eq(product.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.category_id)
        .collect();
    let new: Vec<Uuid> = wanted_ids.into_iter().filter(|id| !linked.contains(id)).collect();
    if new.is_empty() {
        return Ok(());
    }
    // The last position in each new category, in one statement.
    let last: HashMap<Uuid, i32> = category_product::Entity::find()
        .select_only()
        .column(category_product::Column::CategoryId)
        .column_as(Expr::from(Func::max(Expr::col(category_product::Column::SortOrder))), "last")
        .filter(category_product::Column::CategoryId.is_in(new.iter().copied()))
        .group_by(category_product::Column::CategoryId)
        .into_tuple::<(Uuid, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let now = Utc::now();
    let links = new.into_iter().map(|category_id| {
        let sort_order = last.get(&category_id).map_or(1, |order| order.saturating_add(1));
        category_product::Model { id: Uuid::now_v7(), category_id, product_id: product.id, sort_order, created_at: now }
            .into_active_model()
    });
    category_product::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

/// Whether another live product of the store already uses `slug`.
async fn ensure_slug_free<C: ConnectionTrait>(db: &C, row: &product::Model) -> Result<(), ApiError> {
    let taken = Condition::all()
        .add(product::Column::StoreId.eq(row.store_id))
        .add(product::Column::Slug.eq(&row.slug))
        .add(product::Column::DeletedAt.is_null());
    let clash = ("slug", "is already used by another product of this store");
    unique::ensure_free::<product::Entity, _>(db, taken, (product::Column::Id, row.id), clash).await
}

impl NewProduct {
    /// The rows this input creates in `store_id`, or every problem found.
    fn rows(self, store_id: Uuid, created_by: Option<Uuid>) -> Result<(product::Model, Vec<VariantRows>), ApiError> {
        let id = Uuid::now_v7();
        let slug = self.slug.unwrap_or_else(|| id.to_string());
        let mut row = new_product(id, store_id, created_by, &self.name, slug, self.order.unwrap_or(1));
        row.description = self.description;
        row.visibility = self.visibility.unwrap_or(Visibility::Public).code();
        row.is_best_seller = self.is_best_seller.unwrap_or(false);
        row.image_names = json!(self.image_names.unwrap_or_default());
        row.should_block_vpns = self.should_block_vpns.unwrap_or(false);
        row.blacklisted_payment_gateways = json!(self.blacklisted_payment_gateways.unwrap_or_default());
        row.additional_fees = AdditionalFee::to_json(&self.additional_fees.unwrap_or_default());
        row.metadata = self.metadata;
        let mut checks = Checks::new();
        rules::check_product(&mut checks, &row);
        if self.variants.is_empty() || self.variants.len() > rules::MAX_VARIANTS {
            checks.fail("variants", format!("must have 1 to {} entries", rules::MAX_VARIANTS));
        }
        let mut variants = Vec::with_capacity(self.variants.len());
        for (input, index) in self.variants.into_iter().zip(0_i32..) {
            checks.within(&format!("variants[{index}]"), |c| {
                variants.push(input.rows(c, (row.id, row.store_id), index.saturating_add(1)));
            });
        }
        checks.finish()?;
        Ok((row, variants))
    }
}

/// Copies of a product's variants, custom fields and options under a new product. SKUs are
/// not copied (they are unique per store).
async fn copy_tree<C: ConnectionTrait>(db: &C, from: Uuid, to: &product::Model) -> Result<Vec<VariantRows>, ApiError> {
    let variants = variant::Entity::find()
        .filter(variant::Column::ProductId.eq(from))
        .order_by_asc(variant::Column::SortOrder)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await?;
    let fields = custom_field::Entity::find()
        .filter(custom_field::Column::VariantId.is_in(variants.iter().map(|v| v.id)))
        .order_by_asc(custom_field::Column::SortOrder)
        .order_by_asc(custom_field::Column::Id)
        .all(db)
        .await?;
    let options = custom_field_option::Entity::find()
        .filter(custom_field_option::Column::CustomFieldId.is_in(fields.iter().map(|f| f.id)))
        .order_by_asc(custom_field_option::Column::SortOrder)
        .order_by_asc(custom_field_option::Column::Id)
        .all(db)
        .await?;
    let now = Utc::now();
    let copies = variants
        .into_iter()
        .map(|source| {
            let variant = variant::Model {
                id: Uuid::now_v7(),
                product_id: to.id,
                sku: None,
                created_at: now,
                updated_at: now,
                ..source.clone()
            };
            let fields = fields
                .iter()
                .filter(|f| f.variant_id == source.id)
                .map(|source_field| {
                    let field = custom_field::Model {
                        id: Uuid::now_v7(),
                        variant_id: variant.id,
                        created_at: now,
                        ..source_field.clone()
                    };
                    let options = options
                        .iter()
                        .filter(|o| o.custom_field_id == source_field.id)
                        .map(|o| custom_field_option::Model {
                            id: Uuid::now_v7(),
                            custom_field_id: field.id,
                            created_at: now,
                            ..o.clone()
                        })
                        .collect();
                    FieldRows { field, options }
                })
                .collect();
            VariantRows { variant, fields }
        })
        .collect();
    Ok(copies)
}

/// Creates a product with its variants (and their custom fields and options) in one
/// transaction: every problem is reported at once and nothing is written unless all is valid.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    input: NewProduct,
) -> Result<product::Model, ApiError> {
    let txn = begin_write(db).await?;
    let store = tenancy::store(&txn, principal, store_id).await?;
    let created_by = principal.access().map(|a| a.user_id);
    let categories = input.category_slugs.clone();
    let (row, variants) = input.rows(store.id, created_by)?;
    ensure_slug_free(&txn, &row).await?;
    let skus = variants
        .iter()
        .enumerate()
        .filter_map(|(index, v)| v.variant.sku.clone().map(|sku| (format!("variants[{index}].sku"), sku)))
        .collect();
    check_skus(&txn, store.id, skus, None).await?;
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "slug"))?;
    insert_variants(&txn, variants).await?;
    if let Some(slugs) = &categories {
        set_categories(&txn, &row, slugs).await?;
    }
    events::record(&txn, row.store_id, EventType::ProductCreated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a product's own fields and, with `defaultVariant`, its first variant (other variants
/// change through [`crate::domain::variants`]).
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: ProductChange,
) -> Result<product::Model, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::product(&txn, principal, id).await?;
    if let Some(name) = input.name {
        row.name = name;
    }
    change::apply(input.description, &mut row.description);
    if let Some(slug) = input.slug {
        row.slug = slug;
    }
    if let Some(visibility) = input.visibility {
        row.visibility = visibility.code();
    }
    if let Some(order) = input.order {
        row.sort_order = order;
    }
    if let Some(best) = input.is_best_seller {
        row.is_best_seller = best;
    }
    if let Some(images) = input.image_names {
        row.image_names = json!(images);
    }
    if let Some(block) = input.should_block_vpns {
        row.should_block_vpns = block;
    }
    if let Some(gateways) = input.blacklisted_payment_gateways {
        row.blacklisted_payment_gateways = json!(gateways);
    }
    if let Some(fees) = input.additional_fees {
        row.additional_fees = AdditionalFee::to_json(&fees);
    }
    change::apply(input.metadata, &mut row.metadata);
    let mut checks = Checks::new();
    rules::check_product(&mut checks, &row);
    let default_variant = match input.default_variant {
        Some(patch) => {
            let first = variant::Entity::find()
                .filter(variant::Column::ProductId.eq(row.id))
                .order_by_asc(variant::Column::SortOrder)
                .order_by_asc(variant::Column::Id)
                .one(&txn)
                .await?;
            first.map(|before| {
                let mut first = before.clone();
                checks.within("defaultVariant", |c| {
                    patch.apply(c, &mut first);
                    rules::check_variant(c, &first);
                });
                (before, first)
            })
        }
        None => None,
    };
    checks.finish()?;
    ensure_slug_free(&txn, &row).await?;
    if let Some((before, first)) = default_variant {
        let skus = first.sku.iter().map(|sku| ("defaultVariant.sku".to_owned(), sku.clone())).collect();
        check_skus(&txn, row.store_id, skus, Some(first.id)).await?;
        let mut first = first;
        first.updated_at = Utc::now();
        let first = tenancy::save(&txn, first, "defaultVariant.sku").await?;
        announce_stock(&txn, &before, &first).await?;
    }
    if let Some(slugs) = &input.category_slugs {
        set_categories(&txn, &row, slugs).await?;
    }
    row.updated_at = Utc::now();
    let row = tenancy::save(&txn, row, "slug").await?;
    events::record(&txn, row.store_id, EventType::ProductUpdated, row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a product: it vanishes from every read and its slug becomes free, while past
/// orders keep their lines. Returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::product(&txn, principal, id).await?.into_active_model();
    let now = Utc::now();
    row.deleted_at = sea_orm::Set(Some(now));
    row.updated_at = sea_orm::Set(now);
    let row = row.update(&txn).await?;
    events::record(&txn, row.store_id, EventType::ProductDeleted, row.id).await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Copies a product with its variants, custom fields, options and category links. The copy
/// is PRIVATE (so it can be reviewed before it is shown), named "<name> (copy)", with its id
/// as slug and no SKUs.
pub async fn duplicate(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<product::Model, ApiError> {
    let txn = begin_write(db).await?;
    let source = tenancy::product(&txn, principal, id).await?;
    let copy_id = Uuid::now_v7();
    let now = Utc::now();
    let mut name: String = source.name.chars().take(rules::PRODUCT_NAME.end() - " (copy)".len()).collect();
    name.push_str(" (copy)");
    let copy = product::Model {
        id: copy_id,
        name,
        slug: copy_id.to_string(),
        visibility: Visibility::Private.code(),
        created_by: principal.access().map(|a| a.user_id),
        created_at: now,
        updated_at: now,
        ..source.clone()
    };
    let variants = copy_tree(&txn, source.id, &copy).await?;
    let links =
        category_product::Entity::find().filter(category_product::Column::ProductId.eq(source.id)).all(&txn).await?;
    let copy = copy.into_active_model().insert(&txn).await?;
    insert_variants(&txn, variants).await?;
    if !links.is_empty() {
        let links = links.into_iter().map(|link| {
            category_product::Model { id: Uuid::now_v7(), product_id: copy.id, created_at: now, ..link }
                .into_active_model()
        });
        category_product::Entity::insert_many(links).exec(&txn).await?;
    }
    events::record(&txn, copy.store_id, EventType::ProductCreated, copy.id).await?;
    txn.commit().await?;
    Ok(copy)
}

/// Sets the display order of a store's products: the listed products come first, in the
/// given sequence (orders 1, 2, …); the others keep their relative order after them.
/// Returns the listed products.
pub async fn reorder(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    product_ids: Vec<Uuid>,
) -> Result<Vec<product::Model>, ApiError> {
    let txn = begin_write(db).await?;
    let store = tenancy::store(&txn, principal, store_id).await?;
    let listed = listed_products(&txn, store.id, &product_ids).await?;
    let count = i32::try_from(product_ids.len()).unwrap_or(i32::MAX);
    product::Entity::update_many()
        .col_expr(product::Column::SortOrder, Expr::col(product::Column::SortOrder).add(count))
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::DeletedAt.is_null())
        .filter(product::Column::Id.is_not_in(product_ids.iter().copied()))
        .exec(&txn)
        .await?;
    set_positions::<product::Entity, _>(&txn, product::Column::Id, product::Column::SortOrder, &product_ids).await?;
    txn.commit().await?;
    let mut by_id: std::collections::HashMap<Uuid, product::Model> = listed.into_iter().map(|p| (p.id, p)).collect();
    Ok(product_ids
        .iter()
        .zip(1..)
        .filter_map(|(id, order)| by_id.remove(id).map(|p| product::Model { sort_order: order, ..p }))
        .collect())
}

/// The live products of `store_id` named by `ids` — every id must be one, listed once, and there
/// may be at most [`rules::MAX_LINKED_PRODUCTS`]; otherwise `VALIDATION` on `field`.
pub async fn listed_products<C: ConnectionTrait>(
    db: &C,
    store_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<product::Model>, ApiError> {
    if ids.len() > rules::MAX_LINKED_PRODUCTS {
        return Err(ApiError::invalid(
            "productIds",
            format!("must have at most {} entries", rules::MAX_LINKED_PRODUCTS),
        ));
    }
    if ids.iter().copied().collect::<HashSet<_>>().len() != ids.len() {
        return Err(ApiError::invalid("productIds", "lists a product twice"));
    }
    let found = product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::DeletedAt.is_null())
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(ApiError::invalid("productIds", "names a product that is not a live product of this store"));
    }
    Ok(found)
}
