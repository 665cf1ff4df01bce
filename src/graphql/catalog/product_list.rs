//! What a storefront asks of a product list: filters (search text, category, visibility, best
//! sellers, low stock, price range) and sort keys (display order, name, price, stock, creation).
//! They become a [`ProductView`], which the paged loader turns into SQL conditions and ordering,
//! still one statement for every store of a request.

use async_graphql::{Enum, InputObject};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::domain::catalog::{Coded, StockMode, Visibility};
use crate::domain::catalog_rules::MAX_COST_CENTS;
use crate::domain::money;
use crate::domain::validate::Checks;
use crate::error::ApiError;
use crate::graphql::load::loaders::{Sort, SortExpr, View};
use crate::graphql::load::search::contains_text;
use crate::graphql::vocab;
use entity::{category, category_product, product, variant};

/// Longest search text.
pub const MAX_SEARCH_LEN: usize = 100;

/// Which products a list shows; every condition given must hold.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    /// Text found in the name or description, ignoring ASCII case (1–100 characters).
    pub search: Option<String>,
    /// Only products linked to this category.
    pub category_id: Option<Uuid>,
    /// Only products linked to the store's category with this slug.
    pub category_slug: Option<String>,
    /// Only products that are not PRIVATE (true) or only PRIVATE ones (false).
    pub active: Option<bool>,
    /// Only products with this visibility.
    pub visibility: Option<vocab::Visibility>,
    /// Only best sellers (true) or only the others (false).
    pub is_best_seller: Option<bool>,
    /// Only products with a FIXED-stock variant that has at most this many units (0 or more).
    pub low_stock: Option<i32>,
    /// Only products with a variant costing at least this much.
    pub min_price: Option<Decimal>,
    /// Only products with a variant costing at most this much.
    pub max_price: Option<Decimal>,
}

/// What a product list is sorted by.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProductSortKey {
    /// The store's display order (`order`).
    #[default]
    Order,
    /// Name, ignoring ASCII case.
    Name,
    /// The lowest price among the product's variants.
    Price,
    /// The total stock of the product's variants.
    Stock,
    /// When the product was created.
    CreatedAt,
}

/// A checked filter and sort: what the loader needs, hashable so equal lists share a statement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProductView {
    search: Option<String>,
    category: Option<Uuid>,
    category_slug: Option<String>,
    active: Option<bool>,
    visibility: Option<i16>,
    best_seller: Option<bool>,
    low_stock: Option<i32>,
    price_cents: (Option<i64>, Option<i64>),
    sort: ProductSortKey,
    reverse: bool,
}

/// A price bound in cents, or a problem with `field`.
fn bound(checks: &mut Checks, field: &str, price: Option<Decimal>) -> Option<i64> {
    let cents = money::to_cents(price?);
    match cents {
        Some(cents) if (0..=MAX_COST_CENTS).contains(&cents) => Some(cents),
        _ => {
            checks.fail(field, "must be between 0 and 100000 with at most two decimals");
            None
        }
    }
}

impl ProductView {
    /// The view of `filter` sorted by `sort` (reversed when `reverse`), or every problem found.
    pub fn new(filter: ProductFilter, sort: ProductSortKey, reverse: bool) -> Result<Self, ApiError> {
        let mut checks = Checks::new();
        let mut prices = (None, None);
        checks.within("filter", |c| {
            c.optional_text("search", filter.search.as_deref(), 1..=MAX_SEARCH_LEN);
            c.optional_text("categorySlug", filter.category_slug.as_deref(), 1..=72);
            if let Some(low) = filter.low_stock {
                c.number("lowStock", low, 0..=i32::MAX);
            }
            prices = (bound(c, "minPrice", filter.min_price), bound(c, "maxPrice", filter.max_price));
            if let (Some(min), Some(max)) = prices {
                if min > max {
                    c.fail("maxPrice", "must not be below minPrice");
                }
            }
        });
        checks.finish()?;
        Ok(Self {
            search: filter.search.map(|s| s.to_lowercase()),
            category: filter.category_id,
            category_slug: filter.category_slug,
            active: filter.active,
            visibility: filter.visibility.map(|v| Visibility::from(v).code()),
            best_seller: filter.is_best_seller,
            low_stock: filter.low_stock,
            price_cents: prices,
            sort,
            reverse,
        })
    }
}

/// Products with a variant matching `condition`.
fn with_variant(condition: Condition) -> Expr {
    let ids = Query::select().column(variant::Column::ProductId).from(variant::Entity).cond_where(condition).to_owned();
    product::Column::Id.in_subquery(ids)
}

impl View for ProductView {
    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(search) = &self.search {
            condition = condition.add(contains_text(&[product::Column::Name, product::Column::Description], search));
        }
        if let Some(category) = self.category {
            let linked = Query::select()
                .column(category_product::Column::ProductId)
                .from(category_product::Entity)
                .and_where(category_product::Column::CategoryId.eq(category))
                .to_owned();
            condition = condition.add(product::Column::Id.in_subquery(linked));
        }
        if let Some(slug) = &self.category_slug {
            let linked = Query::select()
                .column((category_product::Entity, category_product::Column::ProductId))
                .from(category_product::Entity)
                .inner_join(
                    category::Entity,
                    Expr::col((category::Entity, category::Column::Id))
                        .equals((category_product::Entity, category_product::Column::CategoryId)),
                )
                .and_where(Expr::col((category::Entity, category::Column::Slug)).eq(slug.as_str()))
                .to_owned();
            condition = condition.add(product::Column::Id.in_subquery(linked));
        }
        if let Some(active) = self.active {
            let private = Visibility::Private.code();
            condition = condition.add(if active {
                product::Column::Visibility.ne(private)
            } else {
                product::Column::Visibility.eq(private)
            });
        }
        if let Some(visibility) = self.visibility {
            condition = condition.add(product::Column::Visibility.eq(visibility));
        }
        if let Some(best) = self.best_seller {
            condition = condition.add(product::Column::IsBestSeller.eq(best));
        }
        if let Some(low) = self.low_stock {
            condition = condition.add(with_variant(
                Condition::all()
                    .add(variant::Column::StockMode.eq(StockMode::Fixed.code()))
                    .add(variant::Column::Stock.lte(low)),
            ));
        }
        let (min, max) = self.price_cents;
        if min.is_some() || max.is_some() {
            let mut priced = Condition::all();
            if let Some(min) = min {
                priced = priced.add(variant::Column::CostCents.gte(min));
            }
            if let Some(max) = max {
                priced = priced.add(variant::Column::CostCents.lte(max));
            }
            condition = condition.add(with_variant(priced));
        }
        condition
    }

    fn sort(&self) -> Option<Sort> {
        let key = match self.sort {
            ProductSortKey::Order => SortExpr::Int(Expr::col(product::Column::SortOrder)),
            ProductSortKey::Name => SortExpr::Text(Func::lower(Expr::col(product::Column::Name)).into()),
            // Correlated aggregates over the product's variants (fixed SQL, no input in it).
            ProductSortKey::Price => SortExpr::Int(Expr::cust(
                "(SELECT COALESCE(MIN(variants.cost_cents), 0) FROM variants WHERE variants.product_id = products.id)",
            )),
            ProductSortKey::Stock => SortExpr::Int(Expr::cust(
                "(SELECT COALESCE(SUM(variants.stock), 0) FROM variants WHERE variants.product_id = products.id)",
            )),
            // Ids are UUID v7, made when the row is: their order is the creation order.
            ProductSortKey::CreatedAt => SortExpr::Id,
        };
        Some(Sort { key, descending: self.reverse })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_check_their_price_bounds() {
        let filter = ProductFilter {
            min_price: Some(Decimal::new(500, 2)),
            max_price: Some(Decimal::new(100, 2)),
            ..Default::default()
        };
        let Err(ApiError::Validation(problems)) = ProductView::new(filter, ProductSortKey::Price, false) else {
            panic!("min above max is refused");
        };
        assert_eq!(problems[0].field, "filter.maxPrice");
    }
}
