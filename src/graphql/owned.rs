//! Finding the row a mutation writes, under the tenancy rule: a row of a store the caller does not
//! see — or below a deleted product — is `NOT_FOUND`, exactly like a row that does not exist.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::error::ApiError;
use entity::{category, custom_field, custom_field_option, product, store, variant};

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
