//! Relay connections: argument checks, signed cursors, and turning a loaded page into a
//! `…Connection` with `nodes`, `edges`, `pageInfo` and `totalCount`.
//!
//! A cursor is `base64url(JSON{connection, order, id}).base64url(HMAC-SHA256)[..16 bytes]`: it
//! names the connection it belongs to (e.g. one store's products), so a cursor from another
//! connection or an edited one is refused instead of silently paging somewhere else.

use std::sync::Arc;

use async_graphql::connection::{Connection, ConnectionNameType, CursorType, Edge, EmptyFields};
use async_graphql::dataloader::{CacheFactory, DataLoader};
use async_graphql::{Context, ErrorExtensions, OutputType};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use sea_orm::{EntityTrait, FromQueryResult};
use uuid::Uuid;

use crate::error::{ApiError, GraphqlResult};
use crate::graphql::load::loaders::{Page, PageRequest, PagedHasMany, SortKey, SortValue, View};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// A row's cursor (see the module documentation). It is serialized and signed only when a
/// client selects it (`edges.cursor`, `pageInfo.startCursor`/`endCursor`), not for every row.
pub struct Cursor {
    signer: CursorSigner,
    connection: Arc<str>,
    key: SortKey,
}

impl CursorType for Cursor {
    type Error = &'static str;

    /// Cursors are read by [`page_request`], which knows the connection they must belong to.
    fn decode_cursor(_: &str) -> Result<Self, Self::Error> {
        Err("a cursor is read with its connection by pagination::page_request")
    }

    fn encode_cursor(&self) -> String {
        self.signer.encode(&self.connection, &self.key)
    }
}

/// Signs and checks cursors; its key is derived from the deployment's `JWT_SECRET`, so cursors
/// stay valid across replicas and restarts of one deployment.
#[derive(Clone)]
pub struct CursorSigner {
    key: [u8; 32],
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CursorBody {
    c: String,
    v: SortValue,
    i: uuid::Uuid,
}

const SIGNATURE_LEN: usize = 16;

impl CursorSigner {
    pub fn new(secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"commerce-gateway cursor key\0");
        hasher.update(secret);
        Self { key: hasher.finalize().into() }
    }

    fn signature(&self, body: &[u8]) -> Vec<u8> {
        match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(body);
                mac.finalize().into_bytes()[..SIGNATURE_LEN].to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    /// The cursor of `key` in `connection`.
    pub fn encode(&self, connection: &str, key: &SortKey) -> String {
        let body = serde_json::to_vec(&CursorBody { c: connection.into(), v: key.value.clone(), i: key.id })
            .unwrap_or_default();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}", b64.encode(&body), b64.encode(self.signature(&body)))
    }

    /// The sort key of a cursor issued by this deployment for `connection`, or `None`.
    pub fn decode(&self, connection: &str, cursor: &str) -> Option<SortKey> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (body, signature) = cursor.split_once('.')?;
        let body = b64.decode(body).ok()?;
        let signature = b64.decode(signature).ok()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(&body);
        mac.verify_truncated_left(&signature).ok()?;
        if signature.len() != SIGNATURE_LEN {
            return None;
        }
        let parsed: CursorBody = serde_json::from_slice(&body).ok()?;
        (parsed.c == connection).then_some(SortKey { value: parsed.v, id: parsed.i })
    }
}

/// The name of the list of `parent`'s `kind` rows shown through `view` (its filter and sort):
/// cursors carry it, so a cursor pages only the list it came from.
pub fn list_name(kind: &str, parent: Uuid, view: &impl std::fmt::Debug) -> String {
    let digest = Sha256::digest(format!("{view:?}").as_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{kind}:{parent}:{short}")
}

/// Query cost of a page: its size times the cost of one node. An invalid size costs one node: the
/// resolver refuses it with a precise error before anything is loaded.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.unwrap_or(DEFAULT_PAGE_SIZE);
    let size = if (0..=MAX_PAGE_SIZE).contains(&size) { size } else { 1 };
    usize::try_from(size).unwrap_or(1).max(1) * child_complexity
}

/// The Relay arguments of a connection field, plus an optional offset for page-numbered
/// clients.
#[derive(Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    pub offset: Option<i32>,
}

/// Largest `offset` (page-numbered clients past this should filter instead).
pub const MAX_OFFSET: i32 = 100_000;

/// Checks the arguments (cursors must be of `connection`) and turns them into a request for a
/// page of `view`: `first`/`after` page forward, `last`/`before` backward; mixing the two is
/// refused.
pub fn page_request<V>(
    signer: &CursorSigner,
    connection: &str,
    args: PageArgs,
    view: V,
) -> async_graphql::Result<PageRequest<V>> {
    let backward = args.last.is_some() || args.before.is_some();
    if backward && (args.first.is_some() || args.after.is_some()) {
        return Err(ApiError::invalid("last", "use first/after or last/before, not both").extend());
    }
    let (size_field, size, cursor_field, cursor) =
        if backward { ("last", args.last, "before", args.before) } else { ("first", args.first, "after", args.after) };
    let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(0..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::invalid(size_field, format!("must be between 0 and {MAX_PAGE_SIZE}")).extend());
    }
    let offset = args.offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ApiError::invalid("offset", format!("must be between 0 and {MAX_OFFSET}")).extend());
    }
    let cursor = match cursor {
        Some(cursor) => Some(
            signer
                .decode(connection, &cursor)
                .ok_or_else(|| ApiError::invalid(cursor_field, "is not a cursor of this connection").extend())?,
        ),
        None => None,
    };
    Ok(PageRequest { size: size.unsigned_abs().into(), cursor, backward, offset: offset.unsigned_abs().into(), view })
}

/// One page of `parent`'s children of `view` through `loader`, for the connection named `name`.
pub async fn load_page<E, V, C: CacheFactory>(
    ctx: &Context<'_>,
    loader: &DataLoader<PagedHasMany<E, V>, C>,
    name: &str,
    parent: Uuid,
    args: PageArgs,
    view: V,
) -> async_graphql::Result<LoadedPage<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync,
    V: View,
{
    let request = page_request(crate::graphql::data::<CursorSigner>(ctx)?, name, args, view)?;
    let (has_cursor, backward) = (request.cursor.is_some() || request.offset > 0, request.backward);
    let page = loader.load_one((parent, request)).await.into_graphql()?.unwrap_or_default();
    Ok(LoadedPage { page, has_cursor, backward })
}

/// A page and how it was asked for.
pub struct LoadedPage<M> {
    pub page: Page<M>,
    has_cursor: bool,
    backward: bool,
}

impl<M> LoadedPage<M> {
    /// The list's size, when the page's statement counted it.
    pub fn total(&self) -> Option<u64> {
        self.page.total
    }
}

/// A list's `totalCount`: what its page's statement counted, or else `count` (through the list's
/// count loader, one statement for the level's lists).
pub async fn total_count<E: Into<ApiError>>(
    known: Option<u64>,
    count: impl std::future::Future<Output = Result<Option<u64>, E>>,
) -> async_graphql::Result<u64> {
    match known {
        Some(total) => Ok(total),
        None => Ok(count.await.into_graphql()?.unwrap_or(0)),
    }
}

/// Builds the connection `name` from a page; `node` gives each row's GraphQL object (rows it
/// maps to `None` are left out).
pub fn connection<M, N, T, Name>(
    ctx: &Context<'_>,
    name: &str,
    loaded: LoadedPage<M>,
    totals: T,
    node: impl Fn(M) -> Option<N>,
) -> async_graphql::Result<Connection<Cursor, N, T, EmptyFields, Name>>
where
    N: OutputType,
    T: async_graphql::ObjectType,
    Name: ConnectionNameType,
{
    let signer = crate::graphql::data::<CursorSigner>(ctx)?;
    let LoadedPage { page, has_cursor, backward } = loaded;
    let (has_previous, has_next) = if backward { (page.has_more, has_cursor) } else { (has_cursor, page.has_more) };
    let mut connection = Connection::with_additional_fields(has_previous, has_next, totals);
    let name: Arc<str> = name.into();
    for (key, row) in page.rows {
        if let Some(node) = node(row) {
            let cursor = Cursor { signer: signer.clone(), connection: name.clone(), key };
            connection.edges.push(Edge::new(cursor, node));
        }
    }
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_bound_to_their_connection_and_signer() {
        let signer = CursorSigner::new(b"one secret");
        let key = SortKey { value: SortValue::Int(7), id: uuid::Uuid::now_v7() };
        let cursor = signer.encode("products:a", &key);
        assert_eq!(signer.decode("products:a", &cursor), Some(key.clone()));
        assert_eq!(signer.decode("products:b", &cursor), None, "another connection");
        assert_eq!(CursorSigner::new(b"another secret").decode("products:a", &cursor), None, "another deployment");
        let (body, signature) = cursor.split_once('.').expect("two parts");
        let forged = CursorBody { c: "products:a".into(), v: SortValue::Int(99), i: key.id };
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let edited = format!("{}.{signature}", b64.encode(serde_json::to_vec(&forged).expect("json")));
        assert_eq!(signer.decode("products:a", &edited), None, "an edited body");
        assert_eq!(signer.decode("products:a", &format!("{body}.")), None, "no signature");
        assert_eq!(signer.decode("products:a", body), None, "no separator");
    }
}
