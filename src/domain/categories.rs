//! Categories of a store and their ordered product links; slugs unique within a store.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::{slugify, Coded, Visibility};
use crate::domain::catalog_rules as rules;
use crate::domain::ordering::next_order;
use crate::domain::products::listed_products;
use crate::domain::validate::Checks;
use crate::domain::{tenancy, unique};
use crate::error::ApiError;
use entity::{category, category_product};

/// A new category of a store.
#[derive(Debug, Clone)]
pub struct NewCategory {
    /// Display name (1–64 characters).
    pub name: String,
    /// URL slug, unique within the store (1–72 letters, digits, '-' or '_'; default from the
    /// name).
    pub slug: Option<String>,
    /// Who can see it (default PUBLIC).
    pub visibility: Option<Visibility>,
    /// Display position among the store's categories, 0 or more (default: after the others).
    pub order: Option<i32>,
    /// Its products, in display order (live products of the store, each once, up to 1000).
    pub product_ids: Option<Vec<Uuid>>,
}

/// Changes to a category; absent fields keep their value.
#[derive(Debug, Clone)]
pub struct CategoryChange {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    pub order: Option<i32>,
}

async fn ensure_slug_free<C: ConnectionTrait>(db: &C, row: &category::Model) -> Result<(), ApiError> {
    let taken =
        Condition::all().add(category::Column::StoreId.eq(row.store_id)).add(category::Column::Slug.eq(&row.slug));
    let clash = ("slug", "is already used by another category of this store");
    unique::ensure_free::<category::Entity, _>(db, taken, (category::Column::Id, row.id), clash).await
}

/// Replaces a category's product links by `product_ids`, in that order.
async fn link_products<C: ConnectionTrait>(
    db: &C,
    category: &category::Model,
    product_ids: &[Uuid],
) -> Result<(), ApiError> {
    listed_products(db, category.store_id, product_ids).await?;
    category_product::Entity::delete_many()
        .filter(category_product::Column::CategoryId.eq(category.id))
        .exec(db)
        .await?;
    if product_ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let links = product_ids.iter().zip(1..).map(|(product_id, order)| {
        category_product::Model {
            id: Uuid::now_v7(),
            category_id: category.id,
            product_id: *product_id,
            sort_order: order,
            created_at: now,
        }
        .into_active_model()
    });
    category_product::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

/// Creates a category, optionally with its products in display order.
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    input: NewCategory,
) -> Result<category::Model, ApiError> {
    let txn = begin_write(db).await?;
    let store = tenancy::store(&txn, principal, store_id).await?;
    let order = match input.order {
        Some(order) => order,
        None => {
            next_order::<category::Entity, _>(&txn, category::Column::SortOrder, category::Column::StoreId, store.id)
                .await?
        }
    };
    let row = category::Model {
        id: Uuid::now_v7(),
        store_id: store.id,
        slug: input.slug.unwrap_or_else(|| slugify(&input.name)),
        name: input.name,
        visibility: input.visibility.unwrap_or(Visibility::Public).code(),
        sort_order: order,
        created_at: Utc::now(),
    };
    let mut checks = Checks::new();
    rules::check_category(&mut checks, &row);
    checks.finish()?;
    ensure_slug_free(&txn, &row).await?;
    let row = row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "slug"))?;
    link_products(&txn, &row, &input.product_ids.unwrap_or_default()).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a category.
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    input: CategoryChange,
) -> Result<category::Model, ApiError> {
    let txn = begin_write(db).await?;
    let mut row = tenancy::category(&txn, principal, id).await?;
    if let Some(name) = input.name {
        row.name = name;
    }
    if let Some(slug) = input.slug {
        row.slug = slug;
    }
    if let Some(visibility) = input.visibility {
        row.visibility = visibility.code();
    }
    if let Some(order) = input.order {
        row.sort_order = order;
    }
    let mut checks = Checks::new();
    rules::check_category(&mut checks, &row);
    checks.finish()?;
    ensure_slug_free(&txn, &row).await?;
    let row = tenancy::save(&txn, row, "slug").await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a category (its products stay); returns its id.
pub async fn delete(db: &DatabaseConnection, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::category(&txn, principal, id).await?;
    category::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Replaces the products of a category with `productIds`, in that display order.
pub async fn set_products(
    db: &DatabaseConnection,
    principal: &Principal,
    category_id: Uuid,
    product_ids: Vec<Uuid>,
) -> Result<category::Model, ApiError> {
    let txn = begin_write(db).await?;
    let row = tenancy::category(&txn, principal, category_id).await?;
    link_products(&txn, &row, &product_ids).await?;
    txn.commit().await?;
    Ok(row)
}
