//! The affiliate mutations: parse, call [`crate::domain::affiliates`], convert.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use uuid::Uuid;

use crate::domain::affiliates::{self, AffiliateChange, NewAffiliate, OptionsChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::exec::policy::scope;
use crate::graphql::sales::affiliate::{Affiliate, AffiliateOptions};

/// A new affiliate. A customer registering itself gives at most `code`.
#[derive(InputObject)]
pub struct CreateAffiliateInput {
    /// The customer of the store who becomes an affiliate (required for the store's staff).
    pub customer_id: Option<Uuid>,
    /// 3–32 letters, digits, '-' or '_' (stored upper-case), unique in the store; made up from
    /// the customer's email when absent.
    pub code: Option<String>,
    /// Commission in percent (0–100); absent: the store's default.
    pub return_percentage: Option<i32>,
    /// Percentage off for referred buyers (0–100); absent: the store's default.
    pub percentage_off: Option<i32>,
    /// Whether the code works (default true).
    pub is_enabled: Option<bool>,
}

/// Changes to an affiliate; absent fields keep their value, `null` percentages go back to the
/// store's defaults. An affiliate changing its own record gives only `code`.
#[derive(InputObject)]
pub struct UpdateAffiliateInput {
    pub code: Option<String>,
    pub return_percentage: MaybeUndefined<i32>,
    pub percentage_off: MaybeUndefined<i32>,
    pub is_enabled: Option<bool>,
}

/// Changes to a store's affiliate options; absent fields keep their value.
#[derive(InputObject)]
pub struct AffiliateOptionsInput {
    pub is_enabled: Option<bool>,
    /// 0–100.
    pub default_return_percentage: Option<i32>,
    pub is_public_registration_enabled: Option<bool>,
    pub is_link_editing_enabled: Option<bool>,
    pub can_convert_affiliate_balance: Option<bool>,
    /// 0–100.
    pub default_percentage_off: Option<i32>,
}

/// Affiliate mutations.
#[derive(Default)]
pub struct AffiliateMutation;

#[Object]
impl AffiliateMutation {
    /// Makes a customer of the store an affiliate: the staff name the customer; a customer
    /// session registers itself where the store's public registration is on.
    #[graphql(directive = scope::apply("stores.affiliates.update".into()))]
    async fn create_affiliate(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateAffiliateInput,
    ) -> async_graphql::Result<Affiliate> {
        let (db, principal) = caller(ctx)?;
        let input = NewAffiliate {
            customer_id: input.customer_id,
            code: input.code,
            return_percentage: input.return_percentage,
            percentage_off: input.percentage_off,
            is_enabled: input.is_enabled,
        };
        affiliates::create(db, principal, store_id, input).await.map(Affiliate).into_graphql()
    }

    /// Changes an affiliate: the staff any field; the affiliate itself its code, where the store
    /// lets affiliates edit their link.
    #[graphql(directive = scope::apply("stores.affiliates.update".into()))]
    async fn update_affiliate(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateAffiliateInput,
    ) -> async_graphql::Result<Affiliate> {
        let (db, principal) = caller(ctx)?;
        let change = AffiliateChange {
            code: input.code,
            return_percentage: input.return_percentage.into(),
            percentage_off: input.percentage_off.into(),
            is_enabled: input.is_enabled,
        };
        affiliates::update(db, principal, id, change).await.map(Affiliate).into_graphql()
    }

    /// Turns an affiliate's whole balance into its store credit, where the store allows it.
    #[graphql(directive = scope::apply("stores.affiliates.update".into()))]
    async fn convert_affiliate_balance(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Affiliate> {
        let (db, principal) = caller(ctx)?;
        affiliates::convert_balance(db, principal, id).await.map(Affiliate).into_graphql()
    }

    /// Changes how the store's affiliate programme works (the store's staff).
    #[graphql(directive = scope::apply("stores.affiliates.update".into()))]
    async fn update_affiliate_options(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: AffiliateOptionsInput,
    ) -> async_graphql::Result<AffiliateOptions> {
        let (db, principal) = caller(ctx)?;
        let change = OptionsChange {
            is_enabled: input.is_enabled,
            default_return_percentage: input.default_return_percentage,
            is_public_registration_enabled: input.is_public_registration_enabled,
            is_link_editing_enabled: input.is_link_editing_enabled,
            can_convert_affiliate_balance: input.can_convert_affiliate_balance,
            default_percentage_off: input.default_percentage_off,
        };
        affiliates::update_options(db, principal, store_id, change).await.map(AffiliateOptions).into_graphql()
    }
}
