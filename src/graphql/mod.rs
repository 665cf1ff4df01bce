//! The GraphQL schema, apart from HTTP: the types and resolvers of each domain area
//! ([`catalog`], [`sales`], [`access`]), one query and mutation root per area merged into `Query`
//! and `Mutation`; the machinery that runs requests ([`exec`]: engine, policy, cost, input checks)
//! and reads in batches ([`load`]: loaders, pagination); and the SDL export that `schema.graphql`
//! must match.

pub mod access;
pub mod catalog;
pub mod exec;
pub mod load;
pub mod sales;

use async_graphql::{EmptySubscription, MergedObject, SDLExportOptions, Schema, SchemaBuilder};

use crate::error::Code;
use access::{api_keys, session, user};
use catalog::variant_mutations;
use catalog::{category_mutations, custom_field_mutations, product, product_mutations, store, store_mutations};
use sales::{coupon_mutations, customer, order, order_mutations};

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
