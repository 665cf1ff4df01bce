//! Batch loaders. Each relation is one instance of a generic loader, so a nested query costs one
//! SQL statement per level (plus counts when asked), however many parents that level has.
//!
//! - [`HasMany`]: all children of many parents (`variants` of products, …).
//! - [`PagedHasMany`]: one page of children for many parents at once, using a window function
//!   (`ROW_NUMBER() OVER (PARTITION BY parent …)`), so `stores { products(first: 5) }` is one
//!   statement for every store.
//! - [`CountBy`]: how many children each parent has, for `totalCount`.
//! - [`ById`]: rows by their id (the belongs-to side: the products of category links, …).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, IdenStatic, ModelTrait,
    QueryFilter, QueryOrder, QuerySelect, Value,
};
use uuid::Uuid;

use entity::{category, category_product, custom_field, custom_field_option, product, variant};

/// Loader errors are shared between every key of a batch.
pub type LoadError = Arc<DbErr>;

/// The relation loaders of one request.
pub struct Loaders {
    pub store_products: DataLoader<PagedHasMany<product::Entity>>,
    pub store_product_count: DataLoader<CountBy<product::Entity>>,
    pub store_categories: DataLoader<PagedHasMany<category::Entity>>,
    pub store_category_count: DataLoader<CountBy<category::Entity>>,
    pub product_variants: DataLoader<HasMany<variant::Entity>>,
    pub variant_custom_fields: DataLoader<HasMany<custom_field::Entity>>,
    pub custom_field_options: DataLoader<HasMany<custom_field_option::Entity>>,
    pub category_links: DataLoader<PagedHasMany<category_product::Entity>>,
    pub category_link_count: DataLoader<CountBy<category_product::Entity>>,
    pub live_products: DataLoader<ById<product::Entity>>,
}

impl Loaders {
    /// Loaders over `db` that wait `delay` after a level's first key for the level's other keys.
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
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
            store_products: loader(
                PagedHasMany::new(
                    db,
                    product::Column::StoreId,
                    product::Column::SortOrder,
                    product::Column::Id,
                    live_products(),
                ),
                delay,
            ),
            store_product_count: loader(CountBy::new(db, product::Column::StoreId, live_products()), delay),
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
            product_variants: loader(
                HasMany::new(db, variant::Column::ProductId, &[variant::Column::SortOrder, variant::Column::Id]),
                delay,
            ),
            variant_custom_fields: loader(
                HasMany::new(
                    db,
                    custom_field::Column::VariantId,
                    &[custom_field::Column::SortOrder, custom_field::Column::Id],
                ),
                delay,
            ),
            custom_field_options: loader(
                HasMany::new(
                    db,
                    custom_field_option::Column::CustomFieldId,
                    &[custom_field_option::Column::SortOrder, custom_field_option::Column::Id],
                ),
                delay,
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
        }
    }
}

/// Most parents loaded by one statement: below the bound-parameter limits of SQLite (32 766)
/// and PostgreSQL (65 535), so a level costs one statement per 30 000 parents.
pub const MAX_BATCH: usize = 30_000;

fn loader<L: Loader<K>, K: Send + Sync + std::hash::Hash + Eq + Clone + 'static>(
    inner: L,
    delay: Duration,
) -> DataLoader<L> {
    DataLoader::new(inner, tokio::spawn).max_batch_size(MAX_BATCH).delay(delay)
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
        let mut grouped: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
        for row in query.all(&self.db).await? {
            grouped.entry(uuid_of(&row, self.parent)?).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// Where a page starts, which way it runs and how long it is. Keys with equal pages are loaded
/// in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// Rows wanted; one more is fetched to tell whether more exist beyond the page.
    pub size: u64,
    /// The row the page starts beyond (after it going forward, before it going backward).
    pub cursor: Option<SortKey>,
    /// `first`/`after` (false) or `last`/`before` (true).
    pub backward: bool,
}

/// A row's place in a `(sort_order, id)` ordering; what cursors encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SortKey {
    pub order: i32,
    pub id: Uuid,
}

/// One page of rows, in the sort order, and whether more exist beyond it (in the page's
/// direction).
#[derive(Debug, Clone)]
pub struct Page<M> {
    pub rows: Vec<M>,
    pub has_more: bool,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self { rows: Vec::new(), has_more: false }
    }
}

/// A page of children for each parent, ordered by `(sort, id)`.
pub struct PagedHasMany<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    sort: E::Column,
    id: E::Column,
    filter: Condition,
}

impl<E: EntityTrait> PagedHasMany<E> {
    pub fn new(db: &DatabaseConnection, parent: E::Column, sort: E::Column, id: E::Column, filter: Condition) -> Self {
        Self { db: db.clone(), parent, sort, id, filter }
    }

    /// The key of a row in this loader's ordering.
    pub fn sort_key(&self, row: &E::Model) -> Result<SortKey, DbErr> {
        let order = match row.get(self.sort) {
            Value::Int(Some(order)) => order,
            other => return Err(DbErr::Type(format!("expected an integer sort key, found {other:?}"))),
        };
        Ok(SortKey { order, id: uuid_of(row, self.id)? })
    }

    async fn load_page(
        &self,
        parents: Vec<Uuid>,
        page: PageRequest,
    ) -> Result<HashMap<(Uuid, PageRequest), Page<E::Model>>, DbErr>
    where
        E::Model: FromQueryResult + Send + Sync,
    {
        let rank = Alias::new("page_rank");
        // Backward pages rank from the end; their rows are put back in order below.
        let order = if page.backward { Order::Desc } else { Order::Asc };
        let mut ranked = Query::select();
        ranked
            .column(Asterisk)
            .expr_window_as(
                Func::cust("ROW_NUMBER"),
                WindowStatement::partition_by(self.parent)
                    .order_by(self.sort, order.clone())
                    .order_by(self.id, order)
                    .to_owned(),
                rank.clone(),
            )
            .from(E::default())
            .cond_where(self.filter.clone())
            .and_where(Expr::col(self.parent).is_in(parents.iter().copied()));
        if let Some(cursor) = page.cursor {
            let beyond = |column: E::Column, value: sea_orm::Value| {
                if page.backward {
                    Expr::col(column).lt(value)
                } else {
                    Expr::col(column).gt(value)
                }
            };
            ranked.cond_where(
                Condition::any()
                    .add(beyond(self.sort, cursor.order.into()))
                    .add(Expr::col(self.sort).eq(cursor.order).and(beyond(self.id, cursor.id.into()))),
            );
        }
        let limit = i64::try_from(page.size.saturating_add(1)).unwrap_or(i64::MAX);
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(ranked.to_owned(), Alias::new("ranked"))
            .and_where(Expr::col(rank.clone()).lte(limit))
            .order_by(self.parent, Order::Asc)
            .order_by(rank, Order::Asc)
            .to_owned();
        let statement = self.db.get_database_backend().build(&outer);
        let rows = E::find().from_raw_sql(statement).all(&self.db).await?;

        let mut pages: HashMap<(Uuid, PageRequest), Page<E::Model>> =
            parents.into_iter().map(|parent| ((parent, page), Page::default())).collect();
        for row in rows {
            let entry = pages.entry((uuid_of(&row, self.parent)?, page)).or_default();
            if entry.rows.len() as u64 == page.size {
                entry.has_more = true;
            } else {
                entry.rows.push(row);
            }
        }
        if page.backward {
            pages.values_mut().for_each(|p| p.rows.reverse());
        }
        Ok(pages)
    }
}

impl<E> Loader<(Uuid, PageRequest)> for PagedHasMany<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync,
{
    type Value = Page<E::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, PageRequest)],
    ) -> Result<HashMap<(Uuid, PageRequest), Self::Value>, Self::Error> {
        let mut by_page: HashMap<PageRequest, Vec<Uuid>> = HashMap::new();
        for (parent, page) in keys {
            by_page.entry(*page).or_default().push(*parent);
        }
        let mut pages = HashMap::new();
        for (page, parents) in by_page {
            pages.extend(self.load_page(parents, page).await?);
        }
        Ok(pages)
    }
}

/// How many children (matching a filter) each parent has.
pub struct CountBy<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    filter: Condition,
    entity: PhantomData<E>,
}

impl<E: EntityTrait> CountBy<E> {
    pub fn new(db: &DatabaseConnection, parent: E::Column, filter: Condition) -> Self {
        Self { db: db.clone(), parent, filter, entity: PhantomData }
    }
}

#[derive(FromQueryResult)]
struct ParentCount {
    parent: Uuid,
    count: i64,
}

impl<E: EntityTrait> Loader<Uuid> for CountBy<E> {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        let counts = E::find()
            .select_only()
            .column_as(self.parent, "parent")
            .column_as(Expr::cust("COUNT(*)"), "count")
            .filter(self.filter.clone())
            .filter(self.parent.is_in(keys.iter().copied()))
            .group_by(self.parent)
            .into_model::<ParentCount>()
            .all(&self.db)
            .await?;
        let mut found: HashMap<Uuid, u64> = keys.iter().map(|k| (*k, 0)).collect();
        for row in counts {
            found.insert(row.parent, u64::try_from(row.count).unwrap_or(0));
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
