//! Finding the row a mutation writes, under the tenancy rule — a row of a store the caller does not
//! see, or below a deleted product, is `NOT_FOUND`, exactly like a row that does not exist — and
//! writing it back.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::error::ApiError;
use entity::{category, coupon, custom_field, custom_field_option, customer, product, store, variant};

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

pub async fn store<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<store::Model, ApiError> {
    if !principal.sees_store(id) {
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
        .filter(|row| principal.sees_store(row.store_id))
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
        .filter(|row| principal.sees_store(row.store_id))
        .ok_or(ApiError::NotFound("customer"))
}

pub async fn coupon<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<coupon::Model, ApiError> {
    coupon::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| principal.sees_store(row.store_id))
        .ok_or(ApiError::NotFound("coupon"))
}

/// A live (not deleted) product.
pub async fn product<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<product::Model, ApiError> {
    product::Entity::find_by_id(id)
        .filter(product::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .filter(|row| principal.sees_store(row.store_id))
        .ok_or(ApiError::NotFound("product"))
}

/// A variant of a live product.
pub async fn variant<C: ConnectionTrait>(db: &C, principal: &Principal, id: Uuid) -> Result<variant::Model, ApiError> {
    let found = variant::Entity::find_by_id(id)
        .inner_join(product::Entity)
        .filter(product::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    found.filter(|row| principal.sees_store(row.store_id)).ok_or(ApiError::NotFound("variant"))
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

/// A custom field option and its field.
pub async fn option<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    id: Uuid,
) -> Result<(custom_field_option::Model, custom_field::Model), ApiError> {
    let option =
        custom_field_option::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("custom field option"))?;
    let (field, _) =
        custom_field(db, principal, option.custom_field_id).await.map_err(|e| renamed(e, "custom field option"))?;
    Ok((option, field))
}

/// A parent's `NOT_FOUND` reported as the child's; other errors unchanged.
fn renamed(error: ApiError, what: &'static str) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::NotFound(what),
        other => other,
    }
}
