//! Values that must be unique (a store's slugs, SKUs, codes, emails; store URLs): checked before a
//! write so the answer is a `CONFLICT` naming the field, with the unique indexes as the backstop
//! for concurrent writers (`ApiError::from_write`).

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::ApiError;

/// `CONFLICT` on `field` when a row of `E` other than `except` (by its `id` column) already
/// matches `taken`.
pub async fn ensure_free<E, C>(
    db: &C,
    taken: Condition,
    (id, except): (E::Column, Uuid),
    (field, message): (&str, &str),
) -> Result<(), ApiError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    if E::find().filter(taken).filter(id.ne(except)).one(db).await?.is_some() {
        return Err(ApiError::conflict(field, message));
    }
    Ok(())
}
