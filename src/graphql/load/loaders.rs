//! Batch loaders. Each relation is one instance of a generic loader, so a nested query costs one
//! SQL statement per level (plus counts when asked), however many parents that level has.
//!
//! - [`HasMany`]: all children of many parents (`variants` of products, …).
//! - [`PagedHasMany`]: one page of children for many parents at once, using a window function
//!   (`ROW_NUMBER() OVER (PARTITION BY parent …)`), so `stores { products(first: 5) }` is one
//!   statement for every store.
//! - [`CountBy`]: how many children each parent has, for `totalCount`.
//! - [`ById`]: rows by their id (the belongs-to side: the products of category links, …).
//!
//! The catalog graph's loaders keep what they read for the rest of a query, so the field that
//! produces a level can hand its children's loaders every key of the level at once (see
//! [`plan`](super::plan)) and each child is then answered from the loader.

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, JoinType, ModelTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Value,
};
use uuid::Uuid;

use crate::graphql::access::webhooks::DeliveryView;
use crate::graphql::catalog::product_list::ProductView;
use crate::graphql::load::occasional::Occasional;
use crate::graphql::sales::customer::CustomerView;
use crate::graphql::sales::order::OrderView;
use entity::{
    category, category_product, coupon, custom_field, custom_field_option, customer, customer_balance_entry, order,
    order_item, order_status_change, product, review, variant, webhook_attempt, webhook_delivery,
};

/// Loader errors are shared between every key of a batch.
pub type LoadError = Arc<DbErr>;

/// The relation loaders of one request.
pub struct Loaders {
    pub store_products: DataLoader<PagedHasMany<product::Entity, ProductView>, HashMapCache>,
    pub store_product_count: DataLoader<CountBy<product::Entity, ProductView>, HashMapCache>,
    pub store_categories: DataLoader<PagedHasMany<category::Entity>>,
    pub store_category_count: DataLoader<CountBy<category::Entity>>,
    pub product_variants: DataLoader<HasMany<variant::Entity>, HashMapCache>,
    pub variant_custom_fields: DataLoader<HasMany<custom_field::Entity>, HashMapCache>,
    pub custom_field_options: DataLoader<HasMany<custom_field_option::Entity>, HashMapCache>,
    pub category_links: DataLoader<PagedHasMany<category_product::Entity>>,
    pub category_link_count: DataLoader<CountBy<category_product::Entity>>,
    pub live_products: DataLoader<ById<product::Entity>>,
    pub product_category_slugs: DataLoader<CategorySlugs, HashMapCache>,
    pub product_ratings: DataLoader<ProductRatings, HashMapCache>,
    pub store_customers: DataLoader<PagedHasMany<customer::Entity, CustomerView>>,
    pub store_customer_count: DataLoader<CountBy<customer::Entity, CustomerView>>,
    pub customer_balance_entries: DataLoader<HasMany<customer_balance_entry::Entity>>,
    pub store_coupons: DataLoader<PagedHasMany<coupon::Entity, ByCreation>>,
    pub store_coupon_count: DataLoader<CountBy<coupon::Entity, ByCreation>>,
    pub store_orders: DataLoader<PagedHasMany<order::Entity, OrderView>>,
    pub store_order_count: DataLoader<CountBy<order::Entity, OrderView>>,
    pub order_items: DataLoader<HasMany<order_item::Entity>>,
    pub order_history: DataLoader<HasMany<order_status_change::Entity>>,
    pub webhook_deliveries: DataLoader<PagedHasMany<webhook_delivery::Entity, DeliveryView>>,
    pub webhook_delivery_count: DataLoader<CountBy<webhook_delivery::Entity, DeliveryView>>,
    pub delivery_attempts: DataLoader<HasMany<webhook_attempt::Entity>>,
    /// Whether fields may read ahead for their children (see [`Reading`]).
    pub planned: bool,
    /// Tickets, reviews, affiliates and store options, made on first use (most requests read
    /// none of them).
    occasional: OnceLock<Occasional>,
    db: DatabaseConnection,
    delay: Duration,
}

/// How a request's loaders treat what they have read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A query: nothing it reads changes while it runs, so the catalog loaders keep their rows
    /// for the request and fields read a level ahead (see [`plan`](super::plan)).
    Planned,
    /// A mutation or a subscription: a read after a change (or after the next event) sees it.
    Fresh,
}

impl Loaders {
    /// Loaders over `db` that wait `delay` after a level's first key for the level's other keys
    /// (the keys nobody handed them ahead).
    pub fn new(db: &DatabaseConnection, delay: Duration, reading: Reading) -> Self {
        let planned = reading == Reading::Planned;
        let live_products = || Condition::all().add(product::Column::DeletedAt.is_null());
        // Links to deleted products are kept (so an undelete could restore them) but never read.
        let live_links = || {
            let live_ids = Query::select()
                .column(product::Column::Id)
                .from(product::Entity)
                .and_where(product::Column::DeletedAt.is_null())
                .to_owned();
            Condition::all().add(category_product::Column::ProductId.in_subquery(live_ids))
        };
        Self {
            store_products: cached(
                PagedHasMany::new(
                    db,
                    product::Column::StoreId,
                    product::Column::SortOrder,
                    product::Column::Id,
                    live_products(),
                ),
                delay,
                planned,
            ),
            store_product_count: cached(CountBy::new(db, product::Column::StoreId, live_products()), delay, planned),
            store_categories: loader(
                PagedHasMany::new(
                    db,
                    category::Column::StoreId,
                    category::Column::SortOrder,
                    category::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_category_count: loader(CountBy::new(db, category::Column::StoreId, Condition::all()), delay),
            product_variants: cached(
                HasMany::new(db, variant::Column::ProductId, &[variant::Column::SortOrder, variant::Column::Id]),
                delay,
                planned,
            ),
            variant_custom_fields: cached(
                HasMany::new(
                    db,
                    custom_field::Column::VariantId,
                    &[custom_field::Column::SortOrder, custom_field::Column::Id],
                ),
                delay,
                planned,
            ),
            custom_field_options: cached(
                HasMany::new(
                    db,
                    custom_field_option::Column::CustomFieldId,
                    &[custom_field_option::Column::SortOrder, custom_field_option::Column::Id],
                ),
                delay,
                planned,
            ),
            category_links: loader(
                PagedHasMany::new(
                    db,
                    category_product::Column::CategoryId,
                    category_product::Column::SortOrder,
                    category_product::Column::Id,
                    live_links(),
                ),
                delay,
            ),
            category_link_count: loader(CountBy::new(db, category_product::Column::CategoryId, live_links()), delay),
            live_products: loader(ById::new(db, product::Column::Id, live_products()), delay),
            product_category_slugs: cached(CategorySlugs { db: db.clone() }, delay, planned),
            product_ratings: cached(ProductRatings { db: db.clone() }, delay, planned),
            store_customers: loader(
                PagedHasMany::new(
                    db,
                    customer::Column::StoreId,
                    customer::Column::Id,
                    customer::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_customer_count: loader(CountBy::new(db, customer::Column::StoreId, Condition::all()), delay),
            customer_balance_entries: loader(
                HasMany::new(
                    db,
                    customer_balance_entry::Column::CustomerId,
                    &[customer_balance_entry::Column::CreatedAt, customer_balance_entry::Column::Id],
                ),
                delay,
            ),
            store_coupons: loader(
                PagedHasMany::new(
                    db,
                    coupon::Column::StoreId,
                    coupon::Column::Id,
                    coupon::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            store_coupon_count: loader(CountBy::new(db, coupon::Column::StoreId, Condition::all()), delay),
            store_orders: loader(
                PagedHasMany::new(db, order::Column::StoreId, order::Column::Id, order::Column::Id, Condition::all()),
                delay,
            ),
            store_order_count: loader(CountBy::new(db, order::Column::StoreId, Condition::all()), delay),
            webhook_deliveries: loader(
                PagedHasMany::new(
                    db,
                    webhook_delivery::Column::WebhookId,
                    webhook_delivery::Column::Id,
                    webhook_delivery::Column::Id,
                    Condition::all(),
                ),
                delay,
            ),
            webhook_delivery_count: loader(
                CountBy::new(db, webhook_delivery::Column::WebhookId, Condition::all()),
                delay,
            ),
            planned,
            occasional: OnceLock::new(),
            db: db.clone(),
            delay,
            delivery_attempts: loader(
                HasMany::new(db, webhook_attempt::Column::DeliveryId, &[webhook_attempt::Column::Id]),
                delay,
            ),
            order_items: loader(HasMany::new(db, order_item::Column::OrderId, &[order_item::Column::Id]), delay),
            order_history: loader(
                HasMany::new(
                    db,
                    order_status_change::Column::OrderId,
                    &[order_status_change::Column::CreatedAt, order_status_change::Column::Id],
                ),
                delay,
            ),
        }
    }
}

impl Loaders {
    /// The loaders of tickets, reviews, affiliates and store options, made on the first call.
    pub fn occasional(&self) -> &Occasional {
        self.occasional.get_or_init(|| Occasional::new(&self.db, self.delay, self.planned))
    }
}

/// Most parents loaded by one statement: below the bound-parameter limits of SQLite (32 766)
/// and PostgreSQL (65 535), so a level costs one statement per 30 000 parents.
pub const MAX_BATCH: usize = 30_000;

pub(super) fn loader<L: Loader<K>, K: Send + Sync + std::hash::Hash + Eq + Clone + 'static>(
    inner: L,
    delay: Duration,
) -> DataLoader<L> {
    DataLoader::new(inner, tokio::spawn).max_batch_size(MAX_BATCH).delay(delay)
}

/// A loader that keeps what it reads for the request when `planned`.
pub(super) fn cached<L: Loader<K>, K: Send + Sync + std::hash::Hash + Eq + Clone + 'static>(
    inner: L,
    delay: Duration,
    planned: bool,
) -> DataLoader<L, HashMapCache> {
    let loader =
        DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default()).max_batch_size(MAX_BATCH).delay(delay);
    loader.enable_all_cache(planned);
    loader
}

/// Reads a UUID column of a model (the parent key of a child row).
fn uuid_of<M: ModelTrait>(model: &M, column: <M::Entity as EntityTrait>::Column) -> Result<Uuid, DbErr> {
    match model.get(column) {
        Value::Uuid(Some(id)) => Ok(id),
        other => Err(DbErr::Type(format!("expected a UUID in {}, found {other:?}", column.as_str()))),
    }
}

/// Every child of each parent, in a fixed order.
pub struct HasMany<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    order: Vec<E::Column>,
}

impl<E: EntityTrait> HasMany<E> {
    pub fn new(db: &DatabaseConnection, parent: E::Column, order: &[E::Column]) -> Self {
        Self { db: db.clone(), parent, order: order.to_vec() }
    }
}

impl<E> Loader<Uuid> for HasMany<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut query = E::find().filter(self.parent.is_in(keys.iter().copied()));
        for column in &self.order {
            query = query.order_by_asc(*column);
        }
        // Every key gets its list, an empty one too: a kept result is never asked for again.
        let mut grouped: HashMap<Uuid, Vec<E::Model>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in query.all(&self.db).await? {
            grouped.entry(uuid_of(&row, self.parent)?).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// The category slugs of each product in the categories' display order: its links and their
/// categories read in one statement.
pub struct CategorySlugs {
    db: DatabaseConnection,
}

impl Loader<Uuid> for CategorySlugs {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows: Vec<(Uuid, String)> = category_product::Entity::find()
            .select_only()
            .column(category_product::Column::ProductId)
            .column(category::Column::Slug)
            .join(JoinType::InnerJoin, category_product::Relation::Category.def())
            .filter(category_product::Column::ProductId.is_in(keys.iter().copied()))
            .order_by_asc(category::Column::SortOrder)
            .order_by_asc(category::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        // Every key gets its list, an empty one too: a kept result is never asked for again.
        let mut grouped: HashMap<Uuid, Vec<String>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for (product, slug) in rows {
            grouped.entry(product).or_default().push(slug);
        }
        Ok(grouped)
    }
}

/// How many reviews each product has that are not flagged, and the sum of their ratings, in one
/// statement (a product without any has `(0, 0)`).
pub struct ProductRatings {
    db: DatabaseConnection,
}

impl Loader<Uuid> for ProductRatings {
    type Value = (u64, i64);
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows: Vec<(Uuid, i64, i64)> = review::Entity::find()
            .select_only()
            .column(review::Column::ProductId)
            .column_as(Expr::cust("COUNT(*)"), "count")
            .column_as(Expr::cust("COALESCE(SUM(rating), 0)"), "total")
            .filter(review::Column::ProductId.is_in(keys.iter().copied()))
            .filter(review::Column::FlaggedAt.is_null())
            .group_by(review::Column::ProductId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut found: HashMap<Uuid, Self::Value> = keys.iter().map(|key| (*key, (0, 0))).collect();
        for (product, count, total) in rows {
            found.insert(product, (u64::try_from(count).unwrap_or(0), total));
        }
        Ok(found)
    }
}

/// What a paged list shows of a parent's children beyond the loader's own filter: more
/// conditions and an ordering. Keys with equal views and pages share one statement.
pub trait View: Clone + Eq + Hash + Send + Sync + 'static {
    /// Conditions the children must meet.
    fn condition(&self) -> Condition {
        Condition::all()
    }

    /// The ordering; `None` is the loader's display order (its sort column, then id, ascending).
    fn sort(&self) -> Option<Sort> {
        None
    }
}

/// Every child, in the loader's display order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Natural;

impl View for Natural {}

/// Every child, oldest first (ids are UUID v7: creation order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ByCreation;

impl View for ByCreation {
    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Id, descending: false })
    }
}

/// An ordering by an expression; ties are broken by id in the same direction.
pub struct Sort {
    pub key: SortExpr,
    pub descending: bool,
}

/// What a list is sorted by.
pub enum SortExpr {
    /// An integer expression (a column, a count, a price in cents).
    Int(Expr),
    /// A text expression (a lower-cased name).
    Text(Expr),
    /// A timestamp column.
    Time(Expr),
    /// The time-ordered id alone (UUID v7: creation order).
    Id,
}

/// Where a page starts, which way it runs, how long it is, and what it lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRequest<V> {
    /// Rows wanted; one more is fetched to tell whether more exist beyond the page.
    pub size: u64,
    /// The row the page starts beyond (after it going forward, before it going backward).
    pub cursor: Option<SortKey>,
    /// `first`/`after` (false) or `last`/`before` (true).
    pub backward: bool,
    /// Rows skipped before the page (for page-numbered clients), counted in the page's direction.
    pub offset: u64,
    pub view: V,
}

/// A row's place in its list's ordering: the sort value and the id; what cursors encode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SortKey {
    pub value: SortValue,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SortValue {
    Int(i64),
    Text(String),
    Time(chrono::DateTime<chrono::Utc>),
    /// Sorted by id alone.
    None,
}

/// One page of rows with their sort keys, in the list's order, and whether more exist beyond
/// it (in the page's direction).
#[derive(Debug, Clone)]
pub struct Page<M> {
    pub rows: Vec<(SortKey, M)>,
    pub has_more: bool,
    /// How many rows the whole list holds, when the page's own statement could tell: a page
    /// without a cursor counts its list beside its rows; one past the end of its list cannot.
    pub total: Option<u64>,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self { rows: Vec::new(), has_more: false, total: None }
    }
}

/// A page of children for each parent, in the order of the key's view.
pub struct PagedHasMany<E: EntityTrait, V = Natural> {
    db: DatabaseConnection,
    parent: E::Column,
    sort: E::Column,
    id: E::Column,
    filter: Condition,
    view: PhantomData<V>,
}

impl<E: EntityTrait, V: View> PagedHasMany<E, V> {
    /// Children of `parent` matching `filter`, whose display order is `(sort, id)`.
    pub fn new(db: &DatabaseConnection, parent: E::Column, sort: E::Column, id: E::Column, filter: Condition) -> Self {
        Self { db: db.clone(), parent, sort, id, filter, view: PhantomData }
    }

    async fn load_page(
        &self,
        parents: Vec<Uuid>,
        page: PageRequest<V>,
    ) -> Result<HashMap<(Uuid, PageRequest<V>), Page<E::Model>>, DbErr>
    where
        E::Model: FromQueryResult + Send + Sync,
    {
        let sort = page.view.sort().unwrap_or(Sort { key: SortExpr::Int(Expr::col(self.sort)), descending: false });
        // Backward pages rank from the end; their rows are put back in order below.
        let reversed = sort.descending != page.backward;
        let order = if reversed { Order::Desc } else { Order::Asc };
        let beyond = |left: Expr, right: Expr| if reversed { left.lt(right) } else { left.gt(right) };
        let key = match &sort.key {
            SortExpr::Int(expr) => Some(Expr::cast_as(expr.clone(), Alias::new("BIGINT"))),
            // Text compares bytes on both backends (SQLite's BINARY; PostgreSQL's "C" collation
            // rather than the database's locale), so lists and pages agree everywhere.
            SortExpr::Text(expr) if self.db.get_database_backend() == DbBackend::Postgres => {
                Some(Expr::cust_with_expr("($1) COLLATE \"C\"", expr.clone()))
            }
            SortExpr::Text(expr) | SortExpr::Time(expr) => Some(expr.clone()),
            SortExpr::Id => None,
        };
        let rank = Alias::new("page_rank");
        let mut window = WindowStatement::partition_by(self.parent);
        let mut ranked = Query::select();
        ranked.column(Asterisk);
        if let Some(key) = &key {
            window.order_by_expr(key.clone(), order.clone());
            ranked.expr_as(key.clone(), Alias::new("sort_value"));
        }
        window.order_by(self.id, order);
        // Without a cursor every row of the list is ranked, so the list's size comes with the
        // page: its count needs no statement of its own.
        let counted = page.cursor.is_none();
        if counted {
            ranked.expr_window_as(
                Expr::cust("COUNT(*)"),
                WindowStatement::partition_by(self.parent),
                Alias::new("list_total"),
            );
        }
        ranked
            .expr_window_as(Func::cust("ROW_NUMBER"), window, rank.clone())
            .from(E::default())
            .cond_where(self.filter.clone())
            .cond_where(page.view.condition())
            .and_where(Expr::col(self.parent).is_in(parents.iter().copied()));
        if let Some(cursor) = &page.cursor {
            let after_id = beyond(Expr::col(self.id), cursor.id.into());
            let value: Option<Expr> = match &cursor.value {
                SortValue::Int(value) => Some((*value).into()),
                SortValue::Text(value) => Some(value.clone().into()),
                SortValue::Time(value) => Some((*value).into()),
                SortValue::None => None,
            };
            ranked.cond_where(match (&key, value) {
                (Some(key), Some(value)) => {
                    Condition::any().add(beyond(key.clone(), value.clone())).add(key.clone().eq(value).and(after_id))
                }
                _ => Condition::all().add(after_id),
            });
        }
        let skip = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(page.size.saturating_add(1)).unwrap_or(i64::MAX).saturating_add(skip);
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(ranked.to_owned(), Alias::new("ranked"))
            .and_where(Expr::col(rank.clone()).gt(skip))
            .and_where(Expr::col(rank.clone()).lte(limit))
            .order_by(self.parent, Order::Asc)
            .order_by(rank, Order::Asc)
            .to_owned();
        let rows = self.db.query_all_raw(self.db.get_database_backend().build(&outer)).await?;

        // A parent without rows on the page has an empty list only if the page skipped nothing.
        let empty = Page { total: (counted && page.offset == 0).then_some(0), ..Page::default() };
        let mut pages: HashMap<(Uuid, PageRequest<V>), Page<E::Model>> =
            parents.into_iter().map(|parent| ((parent, page.clone()), empty.clone())).collect();
        for row in rows {
            let model = E::Model::from_query_result(&row, "")?;
            let value = match sort.key {
                SortExpr::Int(_) => SortValue::Int(row.try_get("", "sort_value")?),
                SortExpr::Text(_) => SortValue::Text(row.try_get("", "sort_value")?),
                SortExpr::Time(_) => SortValue::Time(row.try_get("", "sort_value")?),
                SortExpr::Id => SortValue::None,
            };
            let key = SortKey { value, id: uuid_of(&model, self.id)? };
            let entry = pages.entry((uuid_of(&model, self.parent)?, page.clone())).or_default();
            if counted {
                entry.total = Some(u64::try_from(row.try_get::<i64>("", "list_total")?).unwrap_or(0));
            }
            if entry.rows.len() as u64 == page.size {
                entry.has_more = true;
            } else {
                entry.rows.push((key, model));
            }
        }
        if page.backward {
            pages.values_mut().for_each(|p| p.rows.reverse());
        }
        Ok(pages)
    }
}

impl<E, V> Loader<(Uuid, PageRequest<V>)> for PagedHasMany<E, V>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync,
    V: View,
{
    type Value = Page<E::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, PageRequest<V>)],
    ) -> Result<HashMap<(Uuid, PageRequest<V>), Self::Value>, Self::Error> {
        let mut by_page: HashMap<PageRequest<V>, Vec<Uuid>> = HashMap::new();
        for (parent, page) in keys {
            by_page.entry(page.clone()).or_default().push(*parent);
        }
        let mut pages = HashMap::new();
        for (page, parents) in by_page {
            pages.extend(self.load_page(parents, page).await?);
        }
        Ok(pages)
    }
}

/// How many children (matching the loader's filter and the key's view) each parent has.
pub struct CountBy<E: EntityTrait, V = Natural> {
    db: DatabaseConnection,
    parent: E::Column,
    filter: Condition,
    entity: PhantomData<(E, V)>,
}

impl<E: EntityTrait, V> CountBy<E, V> {
    pub fn new(db: &DatabaseConnection, parent: E::Column, filter: Condition) -> Self {
        Self { db: db.clone(), parent, filter, entity: PhantomData }
    }
}

#[derive(FromQueryResult)]
struct ParentCount {
    parent: Uuid,
    count: i64,
}

impl<E: EntityTrait, V: View> Loader<(Uuid, V)> for CountBy<E, V> {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[(Uuid, V)]) -> Result<HashMap<(Uuid, V), u64>, Self::Error> {
        let mut by_view: HashMap<&V, Vec<Uuid>> = HashMap::new();
        for (parent, view) in keys {
            by_view.entry(view).or_default().push(*parent);
        }
        let mut found: HashMap<(Uuid, V), u64> = keys.iter().map(|k| (k.clone(), 0)).collect();
        for (view, parents) in by_view {
            let counts = E::find()
                .select_only()
                .column_as(self.parent, "parent")
                .column_as(Expr::cust("COUNT(*)"), "count")
                .filter(self.filter.clone())
                .filter(view.condition())
                .filter(self.parent.is_in(parents))
                .group_by(self.parent)
                .into_model::<ParentCount>()
                .all(&self.db)
                .await?;
            for row in counts {
                found.insert((row.parent, view.clone()), u64::try_from(row.count).unwrap_or(0));
            }
        }
        Ok(found)
    }
}

/// Rows by id, among those matching a filter.
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id: E::Column,
    filter: Condition,
}

impl<E: EntityTrait> ById<E> {
    pub fn new(db: &DatabaseConnection, id: E::Column, filter: Condition) -> Self {
        Self { db: db.clone(), id, filter }
    }
}

impl<E> Loader<Uuid> for ById<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, Self::Error> {
        let rows =
            E::find().filter(self.filter.clone()).filter(self.id.is_in(keys.iter().copied())).all(&self.db).await?;
        rows.into_iter().map(|row| Ok((uuid_of(&row, self.id)?, row))).collect()
    }
}
