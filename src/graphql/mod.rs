//! The GraphQL schema, apart from HTTP: one query and mutation root per domain merged into
//! `Query` and `Mutation`, the authorization [`policy`], per-request loaders, the [`engine`] that
//! runs requests, and the SDL export that `schema.graphql` must match.

pub mod analytics;
pub mod api_keys;
pub mod category;
pub mod category_mutations;
pub mod cost;
pub mod coupon;
pub mod coupon_mutations;
pub mod custom_field_mutations;
pub mod customer;
pub mod engine;
pub mod loaders;
pub mod order;
pub mod order_mutations;
pub mod pagination;
pub mod policy;
pub mod product;
pub mod product_list;
pub mod product_mutations;
pub mod search;
pub mod session;
pub mod store;
pub mod store_mutations;
pub mod text_input;
pub mod user;
pub mod variant_mutations;

use crate::error::Code;
use async_graphql::{EmptySubscription, MergedObject, SDLExportOptions, Schema, SchemaBuilder};

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct Query(store::StoreQuery, product::ProductQuery, order::OrderQuery, user::UserQuery, api_keys::ApiKeyQuery);

/// The root of every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    session::SessionMutation,
    api_keys::ApiKeyMutation,
    store_mutations::StoreMutation,
    category_mutations::CategoryMutation,
    product_mutations::ProductMutation,
    variant_mutations::VariantMutation,
    custom_field_mutations::CustomFieldMutation,
    customer::CustomerMutation,
    coupon_mutations::CouponMutation,
    order_mutations::OrderMutation,
);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The database and the caller of a request: what every resolver hands the domain layer.
pub(crate) fn caller<'a>(
    ctx: &'a async_graphql::Context<'_>,
) -> async_graphql::Result<(&'a sea_orm::DatabaseConnection, &'a crate::auth::principal::Principal)> {
    Ok((ctx.data::<sea_orm::DatabaseConnection>()?, ctx.data::<crate::auth::principal::Principal>()?))
}

/// Gives every error of a response a stable `extensions.code`: errors of the document, its
/// variables or an argument's value are `VALIDATION`; anything else without a code is
/// `INTERNAL`, with its text replaced so no internal detail leaks.
pub(crate) fn ensure_error_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_some() {
            continue;
        }
        let bad_input = ["Failed to parse", "Invalid value", "Expected input type"]
            .iter()
            .any(|prefix| error.message.starts_with(prefix));
        if error.path.is_empty() || bad_input {
            extensions.set("code", Code::Validation.as_str());
        } else {
            tracing::error!(message = %error.message, "uncoded error while resolving a field");
            error.message = "internal error".into();
            extensions.set("code", Code::Internal.as_str());
        }
    }
}

/// The SDL, with fields and enum values sorted, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}
