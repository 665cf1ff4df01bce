//! Display positions (`order`) of rows among their siblings.

use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::error::ApiError;

/// The next free display position after the current largest one of `column` among rows where
/// `parent` equals `id` (1 when there are none).
pub async fn next_order<E, C>(db: &C, column: E::Column, parent: E::Column, id: Uuid) -> Result<i32, ApiError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let largest: Option<Option<i32>> = E::find()
        .select_only()
        .column_as(Expr::from(Func::max(Expr::col(column))), "largest")
        .filter(parent.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(largest.flatten().map_or(1, |order| order.saturating_add(1)))
}

/// Sets `order` of the rows `ids` to their position in the list (1, 2, …) in one statement.
pub async fn set_positions<E, C>(db: &C, id: E::Column, order: E::Column, ids: &[Uuid]) -> Result<(), ApiError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    if ids.is_empty() {
        return Ok(());
    }
    let mut positions = CaseStatement::new();
    for (index, row) in ids.iter().enumerate() {
        positions = positions.case(Expr::col(id).eq(*row), i32::try_from(index + 1).unwrap_or(i32::MAX));
    }
    let positions = positions.finally(Expr::col(order));
    E::update_many().col_expr(order, positions.into()).filter(id.is_in(ids.iter().copied())).exec(db).await?;
    Ok(())
}
