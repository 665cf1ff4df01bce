//! The GraphQL schema, apart from HTTP: one query root per domain merged into `Query`,
//! per-request loaders, and the SDL export that `schema.graphql` must match.

pub mod loaders;
pub mod pagination;
pub mod product;
pub mod store;

use async_graphql::{
    EmptyMutation, EmptySubscription, MergedObject, Request, SDLExportOptions, Schema,
    SchemaBuilder,
};
use sea_orm::DatabaseConnection;

use loaders::Loaders;

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct Query(store::StoreQuery, product::ProductQuery);

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
}

/// The executable schema over `db`.
pub fn build_schema(db: DatabaseConnection) -> AppSchema {
    builder().data(db).finish()
}

/// Attaches what one request needs (fresh loaders, so nothing is cached across requests).
pub fn prepare(request: Request, db: &DatabaseConnection) -> Request {
    request.data(Loaders::new(db))
}

/// The SDL, with fields and enum values sorted, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}
