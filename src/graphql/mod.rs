//! The GraphQL schema, apart from HTTP: the types and resolvers of each domain area
//! ([`catalog`], [`sales`], [`support`], [`access`]), one query and mutation root per area merged into `Query`
//! and `Mutation`, and the subscriptions ([`live`]); the machinery that runs requests ([`exec`]: engine, policy, cost, input checks)
//! and reads in batches ([`load`]: loaders, pagination); and the SDL export that `schema.graphql`
//! must match.

pub mod access;
pub mod catalog;
pub mod exec;
pub mod live;
pub mod load;
pub mod sales;
pub mod support;
pub mod vocab;

use async_graphql::{MergedObject, SDLExportOptions, Schema, SchemaBuilder};

use async_graphql::{Context, ErrorExtensions};
use sea_orm::DatabaseConnection;

use crate::auth::principal::Principal;
use crate::error::{ApiError, Code};
use access::{api_keys, session, user, webhooks};
use catalog::{
    category, category_mutations, custom_field_mutations, product, product_mutations, review, review_mutations, store,
    store_mutations, store_options,
};
use catalog::{variant_file, variant_mutations};
use sales::{affiliate, affiliate_mutations, coupon, coupon_mutations, customer, order, order_mutations};
use support::{ticket, ticket_mutations};

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct Query(
    store::StoreQuery,
    product::ProductQuery,
    order::OrderQuery,
    customer::CustomerQuery,
    category::CategoryQuery,
    coupon::CouponQuery,
    ticket::TicketQuery,
    review::ReviewQuery,
    affiliate::AffiliateQuery,
    user::UserQuery,
    api_keys::ApiKeyQuery,
    webhooks::WebhookQuery,
);

/// The root of every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    session::SessionMutation,
    api_keys::ApiKeyMutation,
    store_mutations::StoreMutation,
    category_mutations::CategoryMutation,
    product_mutations::ProductMutation,
    variant_mutations::VariantMutation,
    variant_file::VariantFileMutation,
    custom_field_mutations::CustomFieldMutation,
    customer::CustomerMutation,
    coupon_mutations::CouponMutation,
    order_mutations::OrderMutation,
    ticket_mutations::TicketMutation,
    review_mutations::ReviewMutation,
    affiliate_mutations::AffiliateMutation,
    store_options::StoreOptionsMutation,
    webhooks::WebhookMutation,
);

pub type AppSchema = Schema<Query, Mutation, live::Subscription>;

fn builder() -> SchemaBuilder<Query, Mutation, live::Subscription> {
    Schema::build(Query::default(), Mutation::default(), live::Subscription)
}

/// Request data a resolver reads (the database, the caller, loaders, …). Its absence is a fault
/// of the server, answered `INTERNAL` with a code like every error this crate raises.
pub(crate) fn data<'a, T: std::any::Any + Send + Sync>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a T> {
    ctx.data::<T>()
        .map_err(|_| ApiError::internal(format!("no {} in the request", std::any::type_name::<T>())).extend())
}

/// The database and the caller of a request: what every resolver hands the domain layer.
pub(crate) fn caller<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<(&'a DatabaseConnection, &'a Principal)> {
    Ok((data::<DatabaseConnection>(ctx)?, data::<Principal>(ctx)?))
}

/// Gives every error of a response a stable `extensions.code`. Every error this crate raises
/// carries its code (`ApiError`, the policy, the cost limits, [`data`]), so an error without one
/// is async-graphql's verdict on the request itself — the document, a variable, an argument's
/// value (a malformed UUID, an `Int` out of range, an unreadable date) — and is `VALIDATION`.
pub(crate) fn ensure_error_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", Code::Validation.as_str());
        }
    }
}

/// The SDL, with fields and enum values sorted, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(response: &async_graphql::Response) -> Vec<(String, String)> {
        let json = serde_json::to_value(&response.errors).unwrap_or_default();
        let errors = json.as_array().cloned().unwrap_or_default();
        errors.iter().map(|e| (e["extensions"]["code"].to_string(), e["message"].to_string())).collect()
    }

    #[tokio::test]
    async fn an_error_without_a_code_is_the_requests_and_server_faults_are_internal() {
        let schema = builder().finish();
        // No database in the request data: a fault of the server, never blamed on the caller.
        let mut response = schema.execute("{ me { id } }").await;
        ensure_error_codes(&mut response);
        assert_eq!(codes(&response), [("\"INTERNAL\"".to_owned(), "\"internal error\"".to_owned())]);
        // A malformed argument value is reported by async-graphql without a code.
        for query in [r#"{ product(id: "not-a-uuid") { id } }"#, "{ product(id: 1) { id } }", "{ nope }"] {
            let mut response = schema.execute(query).await;
            ensure_error_codes(&mut response);
            let found = codes(&response);
            assert!(!found.is_empty() && found.iter().all(|(code, _)| code == "\"VALIDATION\""), "{query}: {found:?}");
        }
    }
}
