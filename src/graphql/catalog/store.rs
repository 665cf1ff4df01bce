//! The `Store` type and the store queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::tenancy;
use crate::error::GraphqlResult;
use crate::graphql::catalog::category::Category;
use crate::graphql::catalog::product::Product;
use crate::graphql::catalog::product_list::{ProductFilter, ProductSortKey, ProductView};
use crate::graphql::catalog::store_options::{BrandOptions, NotificationOptions};
use crate::graphql::exec::policy::scope;
use crate::graphql::load::loaders::ByCreation;
use crate::graphql::load::loaders::{Loaders, Natural};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::graphql::load::plan;
use crate::graphql::sales::affiliate::AffiliateOptions;
use crate::graphql::sales::analytics::{self, StoreAnalytics};
use crate::graphql::sales::coupon::Coupon;
use crate::graphql::sales::customer::{Customer, CustomerView};
use crate::graphql::sales::order::{self, Order, OrderFilter, OrderTotals};
use crate::graphql::support::ticket::{self, Ticket, TicketFilter, TicketTotals};
use entity::store;

pub struct Store(pub store::Model);

/// A merchant's storefront: the unit of tenancy that owns products, categories, customers and orders.
#[Object(directive = scope::apply("stores.view".into()))]
impl Store {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the store was created (UTC).
    async fn date_created(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// Name shown on the store page (3–32 characters).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Description shown under the title on the store home page.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The store's URL slug, unique across the platform.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// ISO 4217 code of the store's currency; every price in the store is in it.
    async fn currency_code(&self) -> &str {
        &self.0.currency_code
    }

    /// Whether delivery receipts start with the product name.
    async fn prepend_product_name_to_receipt(&self) -> bool {
        self.0.prepend_product_name_to_receipt
    }

    /// Whether buyers are asked for a review automatically.
    async fn is_automatic_reviews_enabled(&self) -> bool {
        self.0.is_automatic_reviews_enabled
    }

    /// Whether customers can hold and spend store credit.
    async fn is_customer_balance_enabled(&self) -> bool {
        self.0.is_customer_balance_enabled
    }

    /// Whether the store is closed to buyers.
    async fn is_inactive(&self) -> bool {
        self.0.is_inactive
    }

    /// Why the store is in maintenance, when it is.
    async fn maintenance_reason(&self) -> Option<&str> {
        self.0.maintenance_reason.as_deref()
    }

    /// Stock level at or below which a FIXED-stock variant announces `variant.stock_low`;
    /// null: never.
    async fn low_stock_threshold(&self) -> Option<i32> {
        self.0.low_stock_threshold
    }

    /// The store's own secret of the Komerza store object (needs `user.webhooks.view`). Webhook
    /// deliveries are signed with their endpoint's secret (`createWebhook`), not this one.
    /// Null, with its error, when refused (the rest of the object stays).
    #[graphql(directive = scope::apply("user.webhooks.view".into()))]
    async fn webhook_secret(&self) -> Option<&str> {
        Some(&self.0.webhook_secret)
    }

    /// The store's live products matching `filter`, sorted by `sortKey` (display order by
    /// default; `reverse` for descending), ties broken by id. Page forward with `first`/`after`
    /// or backward with `last`/`before`; pages of at most 100. A cursor pages only the list (same
    /// filter and sort) it came from.
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.products.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the products after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size counted from the end, 0–100.")] last: Option<i32>,
        #[graphql(desc = "Return the products before this cursor.")] before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
        #[graphql(desc = "Which products to list (all live ones when absent).")] filter: Option<ProductFilter>,
        #[graphql(desc = "What to sort by (ORDER when absent).")] sort_key: Option<ProductSortKey>,
        #[graphql(desc = "Sort descending (false when absent).")] reverse: Option<bool>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Product, ProductTotals>>> {
        let view = ProductView::new(filter.unwrap_or_default(), sort_key.unwrap_or_default(), reverse.unwrap_or(false))
            .into_graphql()?;
        let loader = &crate::graphql::data::<Loaders>(ctx)?.store_products;
        let name = product_list_name(self.0.id, &view);
        let args = PageArgs { first, after, last, before, offset };
        let page = pagination::load_page(ctx, loader, &name, self.0.id, args, view.clone()).await?;
        let totals = ProductTotals { store_id: self.0.id, view, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(Product(row))).map(Some)
    }

    /// The store's categories in display order (`order`, then id). Page forward with
    /// `first`/`after` or backward with `last`/`before`; pages of at most 100.
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.categories.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn categories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the categories after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size counted from the end, 0–100.")] last: Option<i32>,
        #[graphql(desc = "Return the categories before this cursor.")] before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Category, CategoryTotals>>> {
        let loader = &crate::graphql::data::<Loaders>(ctx)?.store_categories;
        let args = PageArgs { first, after, last, before, offset };
        let name = format!("categories:{}", self.0.id);
        let page = pagination::load_page(ctx, loader, &name, self.0.id, args, Natural).await?;
        let totals = CategoryTotals { store_id: self.0.id, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(Category(row))).map(Some)
    }

    /// The store's customers, oldest first, optionally only those whose email or name contains
    /// `search` (ignoring ASCII case, 1–100 characters).
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.customers.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn customers(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Customer, CustomerTotals>>> {
        let view = CustomerView::new(search).into_graphql()?;
        let loader = &crate::graphql::data::<Loaders>(ctx)?.store_customers;
        let name = pagination::list_name("customers", self.0.id, &view);
        let args = PageArgs { first, after, last, before, offset };
        let page = pagination::load_page(ctx, loader, &name, self.0.id, args, view.clone()).await?;
        let totals = CustomerTotals { store_id: self.0.id, view, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(Customer(row))).map(Some)
    }

    /// The store's coupons, oldest first.
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.coupons.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn coupons(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Coupon, CouponTotals>>> {
        let loader = &crate::graphql::data::<Loaders>(ctx)?.store_coupons;
        let name = pagination::list_name("coupons", self.0.id, &ByCreation);
        let args = PageArgs { first, after, last, before, offset };
        let page = pagination::load_page(ctx, loader, &name, self.0.id, args, ByCreation).await?;
        let totals = CouponTotals { store_id: self.0.id, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(Coupon(row))).map(Some)
    }

    /// The store's orders, newest first, matching `filter`.
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.orders.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn orders(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrderFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Order, OrderTotals>>> {
        order::orders_page(ctx, self.0.id, PageArgs { first, after, last, before, offset }, filter).await.map(Some)
    }

    /// The store's support tickets, newest first, matching `filter` (a customer sees only its
    /// own).
    /// Null, with its error, when refused or its arguments are wrong (the rest of the object stays).
    #[graphql(
        directive = scope::apply("stores.tickets.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        filter: Option<TicketFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Ticket, TicketTotals>>> {
        let args = PageArgs { first, after, last, before, offset };
        ticket::tickets_page(ctx, self.0.id, args, filter).await.map(Some)
    }

    /// Earlier URL slugs, oldest first (each change of `url` keeps the one before).
    async fn url_history(&self) -> Vec<String> {
        crate::db::json::strings(&self.0.url_history)
    }

    /// The store's own domain, if it has one.
    async fn custom_domain(&self) -> Option<&str> {
        self.0.custom_domain.as_deref()
    }

    /// The user who owns the store.
    async fn user_id(&self) -> Uuid {
        self.0.owner_id
    }

    /// How the store looks and prices for buyers (the defaults until first set).
    async fn store_brand_options(&self, ctx: &Context<'_>) -> async_graphql::Result<BrandOptions> {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let found = loaders.occasional().brand_options.load_one(self.0.id).await.into_graphql()?;
        Ok(BrandOptions(found.unwrap_or_else(|| crate::domain::store_options::default_brand(self.0.id))))
    }

    /// Where the store's staff are told about its events (the defaults until first set).
    async fn notification_options(&self, ctx: &Context<'_>) -> async_graphql::Result<NotificationOptions> {
        let loaders = crate::graphql::data::<Loaders>(ctx)?;
        let found = loaders.occasional().notification_options.load_one(self.0.id).await.into_graphql()?;
        Ok(NotificationOptions(found.unwrap_or_else(|| crate::domain::store_options::default_notification(self.0.id))))
    }

    /// How the store's affiliate programme works (the programme is off until these are set).
    async fn affiliate_options(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AffiliateOptions>> {
        let found = crate::graphql::data::<Loaders>(ctx)?
            .occasional()
            .affiliate_options
            .load_one(self.0.id)
            .await
            .into_graphql()?;
        let options = found.unwrap_or_else(|| crate::domain::affiliates::default_options(self.0.id));
        Ok(Some(AffiliateOptions(options)))
    }

    /// Sales between `from` (default: 30 days before `to`) and `to` (default: now): revenue,
    /// order count, average order value and the `top` (0–50, default 5) products by revenue.
    /// Null, with its error, when refused (the rest of the object stays).
    #[graphql(directive = scope::apply("stores.analytics.view".into()))]
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        from: Option<chrono::DateTime<chrono::Utc>>,
        to: Option<chrono::DateTime<chrono::Utc>>,
        top: Option<i32>,
    ) -> async_graphql::Result<Option<StoreAnalytics>> {
        let range = crate::domain::analytics::range(from, to, top).into_graphql()?;
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        analytics::of_store(db, self.0.id, range).await.map(Some).into_graphql()
    }
}

pub struct CustomerTotals {
    store_id: Uuid,
    view: CustomerView,
    known: Option<u64>,
}

/// Connection-wide fields of a customer list.
#[Object]
impl CustomerTotals {
    /// How many customers match, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, self.view.clone());
        pagination::total_count(self.known, crate::graphql::data::<Loaders>(ctx)?.store_customer_count.load_one(key))
            .await
    }
}

pub struct CouponTotals {
    store_id: Uuid,
    known: Option<u64>,
}

/// Connection-wide fields of a coupon list.
#[Object]
impl CouponTotals {
    /// How many coupons the store has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, ByCreation);
        pagination::total_count(self.known, crate::graphql::data::<Loaders>(ctx)?.store_coupon_count.load_one(key))
            .await
    }
}

pub struct CategoryTotals {
    store_id: Uuid,
    known: Option<u64>,
}

/// Connection-wide fields of a store's category list.
#[Object]
impl CategoryTotals {
    /// How many categories the store has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let count = crate::graphql::data::<Loaders>(ctx)?.store_category_count.load_one((self.store_id, Natural));
        pagination::total_count(self.known, count).await
    }
}

/// The name of `store`'s product list shown through `view` (what its cursors are bound to).
pub fn product_list_name(store: Uuid, view: &ProductView) -> String {
    pagination::list_name("products", store, view)
}

pub struct ProductTotals {
    store_id: Uuid,
    view: ProductView,
    known: Option<u64>,
}

/// Connection-wide fields of a store's product list.
#[Object]
impl ProductTotals {
    /// How many live products of the store match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, self.view.clone());
        pagination::total_count(self.known, crate::graphql::data::<Loaders>(ctx)?.store_product_count.load_one(key))
            .await
    }
}

/// Store queries.
#[derive(Default)]
pub struct StoreQuery;

#[Object]
impl StoreQuery {
    /// The caller's stores, by name.
    #[graphql(directive = scope::apply("stores.view".into()), complexity = "5 * child_complexity")]
    async fn stores(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Store>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let stores = tenancy::stores(db, principal).await.into_graphql()?;
        plan::stores(ctx, &stores.iter().map(|s| s.id).collect::<Vec<_>>()).await;
        Ok(stores.into_iter().map(Store).collect())
    }

    /// One of the caller's stores by id; null when there is none (or it is another tenant's).
    #[graphql(directive = scope::apply("stores.view".into()))]
    async fn store(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Store>> {
        let found = tenancy::store(
            crate::graphql::data::<DatabaseConnection>(ctx)?,
            crate::graphql::data::<Principal>(ctx)?,
            id,
        )
        .await;
        let found = tenancy::optional(found).into_graphql()?;
        if let Some(store) = &found {
            plan::stores(ctx, &[store.id]).await;
        }
        Ok(found.map(Store))
    }
}
