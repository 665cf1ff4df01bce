//! The `Category` type: a store's product groupings, ordered for display.

use async_graphql::connection::{Connection, ConnectionNameType, EmptyFields};
use async_graphql::{Context, Object};
use uuid::Uuid;

use crate::domain::catalog::{self, Coded};
use crate::error::GraphqlResult;
use crate::graphql::catalog::product::Product;
use crate::graphql::exec::policy::scope;
use crate::graphql::load::loaders::{Loaders, Natural};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::graphql::vocab::Visibility;
use entity::category;

pub struct Category(pub category::Model);

/// A grouping of a store's products (footwear, apparel, …), ordered for display.
#[Object(directive = scope::apply("stores.categories.view".into()))]
impl Category {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the category was created (UTC).
    async fn date_created(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// The store it belongs to.
    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// URL slug, unique within the store.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Who can see it on the storefront.
    async fn visibility(&self) -> Visibility {
        catalog::Visibility::from_code(self.0.visibility).into()
    }

    /// Display position among the store's categories (ascending).
    async fn order(&self) -> i32 {
        self.0.sort_order
    }

    /// The category's live products in the category's display order. Page forward with
    /// `first`/`after` or backward with `last`/`before`; pages of at most 100.
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.products.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the products after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size counted from the end, 0–100.")] last: Option<i32>,
        #[graphql(desc = "Return the products before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<
        Option<Connection<Cursor, Product, CategoryProductTotals, EmptyFields, CategoryProductsName>>,
    > {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let name = format!("category-products:{}", self.0.id);
        let args = PageArgs { first, after, last, before, offset: None };
        let links = pagination::load_page(ctx, &loaders.category_links, &name, self.0.id, args, Natural).await?;
        let ids: Vec<Uuid> = links.page.rows.iter().map(|(_, link)| link.product_id).collect();
        let products = loaders.live_products.load_many(ids).await.into_graphql()?;
        let totals = CategoryProductTotals { category_id: self.0.id, known: links.total() };
        pagination::connection(ctx, &name, links, totals, |link| products.get(&link.product_id).cloned().map(Product))
            .map(Some)
    }
}

/// Names the connection `CategoryProductConnection` (a store's is `ProductConnection`).
pub struct CategoryProductsName;

impl ConnectionNameType for CategoryProductsName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "CategoryProductConnection".into()
    }
}

pub struct CategoryProductTotals {
    category_id: Uuid,
    known: Option<u64>,
}

/// Connection-wide fields of a category's product list.
#[Object]
impl CategoryProductTotals {
    /// How many live products the category has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let count = crate::graphql::data::<Loaders>(ctx)?.category_link_count.load_one((self.category_id, Natural));
        pagination::total_count(self.known, count).await
    }
}

/// Category queries.
#[derive(Default)]
pub struct CategoryQuery;

#[Object]
impl CategoryQuery {
    /// One category of the caller's stores by id; null when there is none (or it is another
    /// tenant's).
    #[graphql(directive = scope::apply("stores.categories.view".into()))]
    async fn category(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Category>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let found = crate::domain::tenancy::category(db, principal, id).await;
        Ok(crate::domain::tenancy::optional(found).into_graphql()?.map(Category))
    }
}
