//! The tenancy gate: the one module that decides which rows a caller may see and change.
//!
//! - A merchant sees the stores it owns; an API key the intersection of its owner's stores with
//!   its own store list; a customer session the stores where it is a customer, and there only
//!   buyable (not PRIVATE) products, its own orders and support tickets, and unflagged reviews.
//! - A row of a store the caller does not see, or below a deleted product, is `NOT_FOUND`,
//!   exactly like a row that does not exist — never `FORBIDDEN`.
//!
//! Reads ask [`readable_product`], [`readable_order`], [`visible_stores`] and
//! [`own_customers`]; writes load their row through the finders below; the REST shim checks the
//! ids of a path against the called store with [`check_path`] before anything runs.

use std::collections::HashSet;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::catalog::{Coded, Visibility};
use crate::error::ApiError;
use entity::{
    affiliate, category, coupon, custom_field, custom_field_option, customer, order, product, review, store, ticket,
    variant, variant_file,
};

/// Whether the caller may see anything of `store_id`.
pub fn sees_store(principal: &Principal, store_id: Uuid) -> bool {
    principal.access().is_some_and(|a| a.stores.contains(&store_id))
}

/// The stores the caller may see (empty for anonymous callers).
pub fn visible_stores(principal: &Principal) -> HashSet<Uuid> {
    principal.access().map(|a| a.stores.clone()).unwrap_or_default()
}

/// For a customer session, its own customer records (sorted), to which its order lists are
/// limited; `None` for everyone else.
pub fn own_customers(principal: &Principal) -> Option<Vec<Uuid>> {
    principal.access().filter(|a| a.is_customer()).map(|a| {
        let mut own: Vec<Uuid> = a.customers.iter().copied().collect();
        own.sort();
        own
    })
}

/// Whether the caller is a customer session (buyable products and its own orders only).
pub fn is_customer(principal: &Principal) -> bool {
    principal.access().is_some_and(|a| a.is_customer())
}

/// Refuses a customer session what only the store's staff may do (`what`, e.g. "archiving a
/// ticket"), with `FORBIDDEN`.
pub fn staff_only(principal: &Principal, what: &str) -> Result<(), ApiError> {
    if is_customer(principal) {
        return Err(ApiError::Forbidden(format!("{what} is for the store's staff only")));
    }
    Ok(())
}

/// The row rule for products: the caller sees the product's store, and a customer sees no
/// PRIVATE product.
pub fn readable_product(principal: &Principal, product: &product::Model) -> bool {
    sees_store(principal, product.store_id)
        && (!is_customer(principal) || Visibility::from_code(product.visibility) != Visibility::Private)
}

/// The row rule for orders: the caller sees the order's store, and a customer only its own orders.
pub fn readable_order(principal: &Principal, order: &order::Model) -> bool {
    staff_or_own(principal, order.customer_id) && sees_store(principal, order.store_id)
}

/// Whether the caller is the store's staff, or a customer session whose own record `customer` is.
fn staff_or_own(principal: &Principal, customer: Option<Uuid>) -> bool {
    match principal.access() {
        Some(access) if access.is_customer() => customer.is_some_and(|id| access.customers.contains(&id)),
        Some(_) => true,
        None => false,
    }
}

/// The row rule for tickets: the caller sees the ticket's store, and a customer only its own.
pub fn readable_ticket(principal: &Principal, ticket: &ticket::Model) -> bool {
    staff_or_own(principal, ticket.customer_id) && sees_store(principal, ticket.store_id)
}

/// The row rule for affiliates: the caller sees the affiliate's store, and a customer only its
/// own affiliate record.
pub fn readable_affiliate(principal: &Principal, affiliate: &affiliate::Model) -> bool {
    staff_or_own(principal, Some(affiliate.customer_id)) && sees_store(principal, affiliate.store_id)
}

/// The row rule for reviews: the caller sees the review's store, and a customer no flagged one.
pub fn readable_review(principal: &Principal, review: &review::Model) -> bool {
    sees_store(principal, review.store_id) && (!is_customer(principal) || review.flagged_at.is_none())
}

/// The row rule for variants: the rule of their product (a customer sees no variant of a
/// PRIVATE product).
pub fn readable_variant(principal: &Principal, variant: &variant::Model, product: &product::Model) -> bool {
    variant.product_id == product.id && readable_product(principal, product)
}

/// Writes back every column of a row found here and changed in memory (an UPDATE by primary
/// key); a unique-index clash is a `CONFLICT` on `field`.
pub async fn save<M, A, C>(db: &C, row: M, field: &str) -> Result<M, ApiError>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: EntityTrait<Model = M>,
    C: ConnectionTrait,
{
    row.into_active_model().reset_all().update(db).await.map_err(|e| ApiError::from_write(e, field))
}

/// Writes a row of a store's settings found here, or made from defaults when the store had none
/// (`is_new`): an UPDATE or an INSERT.
pub async fn save_or_insert<M, A, C>(db: &C, row: M, is_new: bool) -> Result<M, ApiError>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: EntityTrait<Model = M>,
    C: ConnectionTrait,
{
    if is_new {
        Ok(row.into_active_model().insert(db).await?)
    } else {
        save(db, row, "storeId").await
    }
}

/// The caller's stores, by name (then id).
pub async fn stores<C: ConnectionTrait>(db: &C, principal: &Principal) -> Result<Vec<store::Model>, ApiError> {
    let visible = visible_stores(principal);
    if visible.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store::Entity::find()
        .filter(store::Column::Id.is_in(visible))
        .order_by_asc(store::Column::Name)
        .order_by_asc(store::Column::Id)
        .all(db)
        .await?)
}

pub async fn store<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<store::Model, ApiError> {
    if !sees_store(principal, id) {
        return Err(ApiError::NotFound("store"));
    }
    store::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("store"))
}

pub async fn category<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<category::Model, ApiError> {
    category::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| sees_store(principal, row.store_id))
        .ok_or(ApiError::NotFound("category"))
}

pub async fn customer<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<customer::Model, ApiError> {
    customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| sees_store(principal, row.store_id))
        .ok_or(ApiError::NotFound("customer"))
}

pub async fn coupon<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<coupon::Model, ApiError> {
    coupon::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| sees_store(principal, row.store_id))
        .ok_or(ApiError::NotFound("coupon"))
}

/// An order the caller may read (a customer: only its own).
pub async fn order<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<order::Model, ApiError> {
    order::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| readable_order(principal, row))
        .ok_or(ApiError::NotFound("order"))
}

/// A ticket the caller may read (a customer: only its own).
pub async fn ticket<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<ticket::Model, ApiError> {
    ticket::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| readable_ticket(principal, row))
        .ok_or(ApiError::NotFound("ticket"))
}

/// An affiliate the caller may read (a customer: only its own).
pub async fn affiliate<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<affiliate::Model, ApiError> {
    affiliate::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| readable_affiliate(principal, row))
        .ok_or(ApiError::NotFound("affiliate"))
}

/// A review the caller may read (a customer: no flagged one).
pub async fn review<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<review::Model, ApiError> {
    review::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| readable_review(principal, row))
        .ok_or(ApiError::NotFound("review"))
}

/// For a customer session, its own customer record in `store_id`; `None` for everyone else (and
/// for a customer of other stores only).
pub async fn own_customer_in<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    store_id: Uuid,
) -> Result<Option<customer::Model>, ApiError> {
    let Some(own) = own_customers(principal) else { return Ok(None) };
    if !sees_store(principal, store_id) {
        return Ok(None);
    }
    Ok(customer::Entity::find()
        .filter(customer::Column::Id.is_in(own))
        .filter(customer::Column::StoreId.eq(store_id))
        .one(db)
        .await?)
}

/// A live product of `store_id` by its slug, if the caller may read it.
pub async fn product_by_slug<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    store_id: Uuid,
    slug: &str,
) -> Result<Option<product::Model>, ApiError> {
    if !sees_store(principal, store_id) {
        return Ok(None);
    }
    let found = product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    Ok(found.filter(|p| readable_product(principal, p)))
}

/// A live (not deleted) product.
pub async fn product<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<product::Model, ApiError> {
    product::Entity::find_by_id(id)
        .filter(product::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .filter(|row| sees_store(principal, row.store_id))
        .ok_or(ApiError::NotFound("product"))
}

/// A variant of a live product.
pub async fn variant<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<variant::Model, ApiError> {
    let found = live_variants(db, &[id]).await?.pop();
    let found = found.filter(|(variant, product)| readable_variant(principal, variant, product));
    found.map(|(variant, _)| variant).ok_or(ApiError::NotFound("variant"))
}

/// The variants of live products among `ids` with their products, for any caller: each reader
/// must pass [`readable_variant`] (the live feed reads them once for every subscription).
pub async fn live_variants<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<Vec<(variant::Model, product::Model)>, DbErr> {
    let rows = variant::Entity::find()
        .filter(variant::Column::Id.is_in(ids.iter().copied()))
        .find_also_related(product::Entity)
        .filter(product::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(variant, product)| Some((variant, product?))).collect())
}

/// A custom field and its variant.
pub async fn custom_field<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<(custom_field::Model, variant::Model), ApiError> {
    let field = custom_field::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("custom field"))?;
    let parent = variant(db, principal, field.variant_id).await.map_err(|e| renamed(e, "custom field"))?;
    Ok((field, parent))
}

/// A variant's file and its variant.
pub async fn variant_file<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<(variant_file::Model, variant::Model), ApiError> {
    let file = variant_file::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("file"))?;
    let parent = variant(db, principal, file.variant_id).await.map_err(|e| renamed(e, "file"))?;
    Ok((file, parent))
}

/// A custom field option and the variant its field belongs to.
pub async fn option<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<(custom_field_option::Model, variant::Model), ApiError> {
    let option =
        custom_field_option::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("custom field option"))?;
    let (_, variant) =
        custom_field(db, principal, option.custom_field_id).await.map_err(|e| renamed(e, "custom field option"))?;
    Ok((option, variant))
}

/// A lookup's `NOT_FOUND` as `None` (a read answers null for what the caller cannot see).
pub fn optional<T>(found: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match found {
        Ok(row) => Ok(Some(row)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// A parent's `NOT_FOUND` reported as the child's; other errors unchanged.
fn renamed(error: ApiError, what: &'static str) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::NotFound(what),
        other => other,
    }
}

/// The ids a REST path names below its store, each of which must belong to the store and to the
/// id before it (a variant to the product, a field to the variant, an option to the field).
#[derive(Debug, Default, Clone, Copy)]
pub struct PathIds {
    pub product: Option<Uuid>,
    pub variant: Option<Uuid>,
    pub custom_field: Option<Uuid>,
    pub option: Option<Uuid>,
    pub file: Option<Uuid>,
    pub category: Option<Uuid>,
    pub coupon: Option<Uuid>,
    pub customer: Option<Uuid>,
    pub order: Option<Uuid>,
    pub ticket: Option<Uuid>,
    pub review: Option<Uuid>,
    pub affiliate: Option<Uuid>,
}

/// Checks that every id of a path lies in `store_id` (which the caller must see) and under the id
/// before it, walking up from the deepest id with one lookup a level: the first that does not is
/// `NOT_FOUND`, exactly as a missing row. A customer session reaches only products it may read
/// its own orders, tickets and affiliate record, and reviews that are not flagged; the store's categories, coupons and customers are not there for it.
pub async fn check_path<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    store_id: Uuid,
    ids: &PathIds,
) -> Result<(), ApiError> {
    fn within(ok: bool, what: &'static str) -> Result<(), ApiError> {
        if ok {
            Ok(())
        } else {
            Err(ApiError::NotFound(what))
        }
    }
    /// `expected` (from the path) agrees with `found` (from the row below it), when both exist.
    fn agrees(expected: Option<Uuid>, found: Uuid) -> bool {
        expected.is_none_or(|id| id == found)
    }
    within(sees_store(principal, store_id), "store")?;
    let mut field_id = ids.custom_field;
    if let Some(id) = ids.option {
        let option = custom_field_option::Entity::find_by_id(id).one(db).await?;
        let option =
            option.filter(|o| agrees(field_id, o.custom_field_id)).ok_or(ApiError::NotFound("custom field option"))?;
        field_id = Some(option.custom_field_id);
    }
    let mut variant_id = ids.variant;
    if let Some(id) = field_id {
        let field = custom_field::Entity::find_by_id(id).one(db).await?;
        let field = field.filter(|f| agrees(variant_id, f.variant_id)).ok_or(ApiError::NotFound("custom field"))?;
        variant_id = Some(field.variant_id);
    }
    if let Some(id) = ids.file {
        let file = variant_file::Entity::find_by_id(id).one(db).await?;
        let file = file.filter(|f| agrees(variant_id, f.variant_id)).ok_or(ApiError::NotFound("file"))?;
        variant_id = Some(file.variant_id);
    }
    let mut product_id = ids.product;
    if let Some(id) = variant_id {
        let variant = variant::Entity::find_by_id(id).one(db).await?;
        let variant = variant
            .filter(|v| v.store_id == store_id && agrees(product_id, v.product_id))
            .ok_or(ApiError::NotFound("variant"))?;
        product_id = Some(variant.product_id);
    }
    if let Some(id) = product_id {
        let product = product::Entity::find_by_id(id).filter(product::Column::DeletedAt.is_null()).one(db).await?;
        let readable = product.is_some_and(|p| p.store_id == store_id && readable_product(principal, &p));
        within(readable, if ids.product.is_some() { "product" } else { "variant" })?;
    }
    let staff = !is_customer(principal);
    if let Some(id) = ids.category {
        within(staff && category(db, principal, id).await?.store_id == store_id, "category")?;
    }
    if let Some(id) = ids.coupon {
        within(staff && coupon(db, principal, id).await?.store_id == store_id, "coupon")?;
    }
    if let Some(id) = ids.customer {
        within(staff && customer(db, principal, id).await?.store_id == store_id, "customer")?;
    }
    if let Some(id) = ids.order {
        within(order(db, principal, id).await?.store_id == store_id, "order")?;
    }
    if let Some(id) = ids.ticket {
        within(ticket(db, principal, id).await?.store_id == store_id, "ticket")?;
    }
    if let Some(id) = ids.affiliate {
        within(affiliate(db, principal, id).await?.store_id == store_id, "affiliate")?;
    }
    if let Some(id) = ids.review {
        within(review(db, principal, id).await?.store_id == store_id, "review")?;
    }
    Ok(())
}

/// The store a call is about when the caller does not name one: its only store, if it sees
/// exactly one.
pub fn only_store(principal: &Principal) -> Result<Option<Uuid>, ApiError> {
    let stores = visible_stores(principal);
    let mut ids = stores.iter();
    match (ids.next(), ids.next()) {
        (Some(only), None) => Ok(Some(*only)),
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(ApiError::invalid("X-Store-Id", "is required: the caller has several stores")),
    }
}
