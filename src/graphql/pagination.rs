//! Relay connections: argument checks, opaque cursors, and turning a loaded page into a
//! `…Connection` with `nodes`, `edges`, `pageInfo` and `totalCount`.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{ErrorExtensions, OutputType};

use super::loaders::{Page, PageRequest, SortKey};
use crate::error::{ApiError, GraphqlResult};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// The cursor clients see: an opaque encoding of a row's sort key.
pub type Cursor = OpaqueCursor<SortKey>;

/// Query cost of a page: its size times the cost of one node. An invalid size costs one node: the
/// resolver refuses it with a precise error before anything is loaded.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.unwrap_or(DEFAULT_PAGE_SIZE);
    let size = if (0..=MAX_PAGE_SIZE).contains(&size) { size } else { 1 };
    usize::try_from(size).unwrap_or(1).max(1) * child_complexity
}

/// Checks `first`/`after` and turns them into a page request.
pub fn page_request(first: Option<i32>, after: Option<String>) -> async_graphql::Result<PageRequest> {
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(0..=MAX_PAGE_SIZE).contains(&first) {
        return Err(ApiError::invalid("first", format!("must be between 0 and {MAX_PAGE_SIZE}")).extend());
    }
    let after = match after {
        Some(cursor) => Some(
            Cursor::decode_cursor(&cursor)
                .map_err(|_| ApiError::invalid("after", "is not a cursor of this connection").extend())?
                .0,
        ),
        None => None,
    };
    Ok(PageRequest { first: first.unsigned_abs().into(), after })
}

/// Builds a connection from a page; `key` gives each row's cursor, `node` its GraphQL object.
pub fn connection<M, N, T>(
    page: Page<M>,
    request: PageRequest,
    totals: T,
    key: impl Fn(&M) -> Result<SortKey, sea_orm::DbErr>,
    node: impl Fn(M) -> N,
) -> async_graphql::Result<Connection<Cursor, N, T>>
where
    N: OutputType,
    T: async_graphql::ObjectType,
{
    let mut connection = Connection::with_additional_fields(request.after.is_some(), page.has_next, totals);
    for row in page.rows {
        let cursor = OpaqueCursor(key(&row).into_graphql()?);
        connection.edges.push(Edge::new(cursor, node(row)));
    }
    Ok(connection)
}
