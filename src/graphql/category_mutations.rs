//! Category mutations: create, update, delete, and the category's ordered product links.

use async_graphql::{Context, InputObject, Object};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use super::category::Category;
use super::ordering::next_order;
use super::policy::scope;
use super::product_mutations::listed_products;
use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::catalog::{slugify, Coded, Visibility};
use crate::domain::catalog_rules as rules;
use crate::domain::tenancy;
use crate::domain::validate::Checks;
use crate::error::{ApiError, GraphqlResult};
use entity::{category, category_product};

/// A new category of a store.
#[derive(InputObject)]
pub struct CreateCategoryInput {
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
#[derive(InputObject)]
pub struct UpdateCategoryInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    pub order: Option<i32>,
}

async fn ensure_slug_free<C: ConnectionTrait>(db: &C, row: &category::Model) -> Result<(), ApiError> {
    let taken = category::Entity::find()
        .filter(category::Column::StoreId.eq(row.store_id))
        .filter(category::Column::Slug.eq(&row.slug))
        .filter(category::Column::Id.ne(row.id))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict("slug", "is already used by another category of this store"));
    }
    Ok(())
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

/// Category mutations.
#[derive(Default)]
pub struct CategoryMutation;

#[Object]
impl CategoryMutation {
    /// Creates a category, optionally with its products in display order.
    #[graphql(directive = scope::apply("stores.categories.create".into()))]
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let store = tenancy::store(&txn, principal, store_id).await.into_graphql()?;
        let order = match input.order {
            Some(order) => order,
            None => next_order::<category::Entity, _>(
                &txn,
                category::Column::SortOrder,
                category::Column::StoreId,
                store.id,
            )
            .await
            .into_graphql()?,
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
        checks.finish().into_graphql()?;
        ensure_slug_free(&txn, &row).await.into_graphql()?;
        let row =
            row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "slug")).into_graphql()?;
        link_products(&txn, &row, &input.product_ids.unwrap_or_default()).await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Category(row))
    }

    /// Changes a category.
    #[graphql(directive = scope::apply("stores.categories.update".into()))]
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let mut row = tenancy::category(&txn, principal, id).await.into_graphql()?;
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
        checks.finish().into_graphql()?;
        ensure_slug_free(&txn, &row).await.into_graphql()?;
        let row = tenancy::save(&txn, row, "slug").await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Category(row))
    }

    /// Deletes a category (its products stay); returns its id.
    #[graphql(directive = scope::apply("stores.categories.delete".into()))]
    async fn delete_category(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let row = tenancy::category(&txn, principal, id).await.into_graphql()?;
        category::Entity::delete_by_id(row.id).exec(&txn).await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(row.id)
    }

    /// Replaces the products of a category with `productIds`, in that display order.
    #[graphql(directive = scope::apply("stores.categories.update".into()))]
    async fn set_category_products(
        &self,
        ctx: &Context<'_>,
        category_id: Uuid,
        #[graphql(desc = "Live products of the store, each once, up to 1000; [] empties the category.")]
        product_ids: Vec<Uuid>,
    ) -> async_graphql::Result<Category> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let row = tenancy::category(&txn, principal, category_id).await.into_graphql()?;
        link_products(&txn, &row, &product_ids).await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Category(row))
    }
}
