//! The category mutations: parse, call [`crate::domain::categories`], convert.

use async_graphql::{Context, InputObject, Object};
use uuid::Uuid;

use crate::domain::categories::{self, CategoryChange, NewCategory};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::catalog::category::Category;
use crate::graphql::exec::policy::scope;
use crate::graphql::vocab::Visibility;

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

impl From<CreateCategoryInput> for NewCategory {
    fn from(input: CreateCategoryInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            visibility: input.visibility.map(Into::into),
            order: input.order,
            product_ids: input.product_ids,
        }
    }
}

impl From<UpdateCategoryInput> for CategoryChange {
    fn from(input: UpdateCategoryInput) -> Self {
        Self { name: input.name, slug: input.slug, visibility: input.visibility.map(Into::into), order: input.order }
    }
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
        let (db, principal) = caller(ctx)?;
        categories::create(db, principal, store_id, input.into()).await.map(Category).into_graphql()
    }

    /// Changes a category.
    #[graphql(directive = scope::apply("stores.categories.update".into()))]
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let (db, principal) = caller(ctx)?;
        categories::update(db, principal, id, input.into()).await.map(Category).into_graphql()
    }

    /// Deletes a category (its products stay); returns its id.
    #[graphql(directive = scope::apply("stores.categories.delete".into()))]
    async fn delete_category(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        categories::delete(db, principal, id).await.into_graphql()
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
        let (db, principal) = caller(ctx)?;
        categories::set_products(db, principal, category_id, product_ids).await.map(Category).into_graphql()
    }
}
