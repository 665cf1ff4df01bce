//! Planned batching for the catalog graph (stores → products → variants → custom fields →
//! options, and the categories and ratings of products and the files of variants): the field that produces a level's rows looks ahead
//! into its selection and hands each child level's loader the keys of all those rows in one call,
//! level by level, before it returns. The loaders keep what they read for the query, so every
//! child field is then answered from its loader, and a level costs one statement whatever the
//! number of parents, the page size, the concurrency or the machine's speed; no key waits for a
//! gathering window. What the plan does not foresee (a list it cannot read the arguments of,
//! another shape) is still loaded by the child fields themselves, batched as before: the plan
//! decides how many statements run, never what an answer holds.
//!
//! Only queries are planned ([`Reading::Planned`](super::loaders::Reading)): a mutation or a
//! subscription event must read the rows as they are after it.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, InputType, SelectionField, Value};
use uuid::Uuid;

use crate::graphql::catalog::product_list::ProductView;
use crate::graphql::catalog::store::product_list_name;
use crate::graphql::data;
use crate::graphql::load::loaders::{Loaders, MAX_BATCH};
use crate::graphql::load::pagination::{page_request, CursorSigner, PageArgs};

/// Reads ahead for the stores `ids`, produced by the field being resolved.
pub async fn stores(ctx: &Context<'_>, ids: &[Uuid]) {
    let (Ok(loaders), Ok(signer)) = (data::<Loaders>(ctx), data::<CursorSigner>(ctx)) else { return };
    if !loaders.planned || ids.is_empty() {
        return;
    }
    let mut product_fields = Vec::new();
    let mut product_ids = Vec::new();
    for list in children(&[ctx.field()], "products") {
        let Some((view, page)) = product_list(&list) else { continue };
        let keys: Vec<_> = ids
            .iter()
            .filter_map(|store| {
                let request = page_request(signer, &product_list_name(*store, &view), page.clone(), view.clone());
                request.ok().map(|request| (*store, request))
            })
            .collect();
        let counted = !children(&[list], "totalCount").is_empty();
        let mut uncounted: Vec<_> = keys.iter().map(|(store, request)| (*store, request.view.clone())).collect();
        let nodes = nodes(list);
        if !nodes.is_empty() {
            let pages = load(&loaders.store_products, keys).await;
            // A page that counted its list answers `totalCount` too.
            let counted_pages: HashSet<_> = pages
                .iter()
                .filter(|(_, page)| page.total.is_some())
                .map(|((store, request), _)| (*store, &request.view))
                .collect();
            uncounted.retain(|(store, view)| !counted_pages.contains(&(*store, view)));
            product_ids.extend(pages.values().flat_map(|page| page.rows.iter().map(|(_, row)| row.id)));
            product_fields.extend(nodes);
        }
        if counted && !uncounted.is_empty() {
            load(&loaders.store_product_count, uncounted).await;
        }
    }
    products(ctx, &product_fields, &product_ids).await;
}

/// Reads ahead for the products `ids`, selected on Product by `fields`.
pub async fn products(ctx: &Context<'_>, fields: &[SelectionField<'_>], ids: &[Uuid]) {
    let Ok(loaders) = data::<Loaders>(ctx) else { return };
    if !loaders.planned || ids.is_empty() {
        return;
    }
    if !children(fields, "categorySlugs").is_empty() {
        load(&loaders.product_category_slugs, ids.to_vec()).await;
    }
    if !children(fields, "rating").is_empty() {
        load(&loaders.product_ratings, ids.to_vec()).await;
    }
    let variant_fields = children(fields, "variants");
    if variant_fields.is_empty() {
        return;
    }
    let variants = load(&loaders.product_variants, ids.to_vec()).await;
    let variant_ids: Vec<Uuid> = variants.values().flatten().map(|variant| variant.id).collect();
    if !children(&variant_fields, "files").is_empty() && !variant_ids.is_empty() {
        load(&loaders.occasional().variant_files, variant_ids.clone()).await;
    }

    let field_fields = children(&variant_fields, "customFields");
    if field_fields.is_empty() || variant_ids.is_empty() {
        return;
    }
    let custom_fields = load(&loaders.variant_custom_fields, variant_ids).await;
    let field_ids: Vec<Uuid> = custom_fields.values().flatten().map(|field| field.id).collect();

    if !children(&field_fields, "options").is_empty() && !field_ids.is_empty() {
        load(&loaders.custom_field_options, field_ids).await;
    }
}

/// Hands `keys` to `loader` (in calls of at most [`MAX_BATCH`], each one statement) and returns
/// what it read. A failure is left for the fields themselves to meet and report.
async fn load<L, K>(loader: &DataLoader<L, HashMapCache>, mut keys: Vec<K>) -> HashMap<K, L::Value>
where
    L: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let mut found = HashMap::with_capacity(keys.len());
    while !keys.is_empty() {
        let rest = keys.split_off(keys.len().min(MAX_BATCH));
        match loader.load_many(keys).await {
            Ok(values) => found.extend(values),
            Err(_) => break,
        }
        keys = rest;
    }
    found
}

/// The fields named `name` selected under any of `fields` (fragments flattened), leaving out
/// those their own `@skip`/`@include` removes.
fn children<'a>(fields: &[SelectionField<'a>], name: &str) -> Vec<SelectionField<'a>> {
    fields
        .iter()
        .flat_map(|field| field.selection_set())
        .filter(|field| field.name() == name && included(field))
        .collect()
}

fn included(field: &SelectionField<'_>) -> bool {
    let Ok(directives) = field.directives() else { return true };
    directives.iter().all(|directive| {
        let condition = directive.get_argument("if").map(|value| &value.node);
        let removes = matches!(
            (directive.name.node.as_str(), condition),
            ("skip", Some(Value::Boolean(true))) | ("include", Some(Value::Boolean(false)))
        );
        !removes
    })
}

/// The node fields of a connection field: `nodes` and `edges { node }`.
fn nodes(connection: SelectionField<'_>) -> Vec<SelectionField<'_>> {
    let mut found = children(&[connection], "nodes");
    found.extend(children(&children(&[connection], "edges"), "node"));
    found
}

/// The view and page of a `Store.products` field, read as its resolver reads them; `None` when
/// an argument is wrong (the resolver reports it).
fn product_list(field: &SelectionField<'_>) -> Option<(ProductView, PageArgs)> {
    let arguments = field.arguments().ok()?;
    let argument = |name: &str| arguments.iter().find(|(given, _)| given == name).map(|(_, value)| value.clone());
    fn read<T: InputType>(value: Option<Value>) -> Option<T> {
        T::parse(value).ok()
    }
    let filter = read::<Option<_>>(argument("filter"))?;
    let sort = read::<Option<_>>(argument("sortKey"))?;
    let reverse = read::<Option<bool>>(argument("reverse"))?;
    let view = ProductView::new(filter.unwrap_or_default(), sort.unwrap_or_default(), reverse.unwrap_or(false)).ok()?;
    let page = PageArgs {
        first: read(argument("first"))?,
        after: read(argument("after"))?,
        last: read(argument("last"))?,
        before: read(argument("before"))?,
        offset: read(argument("offset"))?,
    };
    Some((view, page))
}
