//! The coupon mutations: parse, call [`crate::domain::coupons`], convert.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::coupons::{self, CouponChange, NewCoupon};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::exec::policy::scope;
use crate::graphql::sales::coupon::Coupon;

type DateTime = chrono::DateTime<chrono::Utc>;

/// A new coupon.
#[derive(InputObject)]
pub struct CreateCouponInput {
    /// The code (1–64 letters, digits, '-' or '_'); stored upper-case, unique within the store.
    pub code: String,
    /// Percentage off, 1–100. Give this or `amountDecrease`.
    pub percentage_decrease: Option<i32>,
    /// Amount off, 0.01–100000. Give this or `percentageDecrease`.
    pub amount_decrease: Option<Decimal>,
    /// Most orders that may use it (1 or more); absent for no limit.
    pub maximum_uses: Option<i32>,
    /// Whether it can be used (default true).
    pub is_enabled: Option<bool>,
    /// Variants of the store it is limited to (up to 100); absent or empty for all.
    pub variant_ids: Option<Vec<Uuid>>,
    /// When it stops working; absent for never.
    pub expiration_date: Option<DateTime>,
}

/// Changes to a coupon; absent fields keep their value, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateCouponInput {
    pub code: Option<String>,
    pub percentage_decrease: MaybeUndefined<i32>,
    pub amount_decrease: MaybeUndefined<Decimal>,
    pub maximum_uses: MaybeUndefined<i32>,
    pub is_enabled: Option<bool>,
    pub variant_ids: Option<Vec<Uuid>>,
    pub expiration_date: MaybeUndefined<DateTime>,
}

impl From<CreateCouponInput> for NewCoupon {
    fn from(input: CreateCouponInput) -> Self {
        Self {
            code: input.code,
            percentage_decrease: input.percentage_decrease,
            amount_decrease: input.amount_decrease,
            maximum_uses: input.maximum_uses,
            is_enabled: input.is_enabled,
            variant_ids: input.variant_ids,
            expiration_date: input.expiration_date,
        }
    }
}

impl From<UpdateCouponInput> for CouponChange {
    fn from(input: UpdateCouponInput) -> Self {
        Self {
            code: input.code,
            percentage_decrease: input.percentage_decrease.into(),
            amount_decrease: input.amount_decrease.into(),
            maximum_uses: input.maximum_uses.into(),
            is_enabled: input.is_enabled,
            variant_ids: input.variant_ids,
            expiration_date: input.expiration_date.into(),
        }
    }
}

/// Coupon mutations.
#[derive(Default)]
pub struct CouponMutation;

#[Object]
impl CouponMutation {
    /// Creates a coupon.
    #[graphql(directive = scope::apply("stores.coupons.create".into()))]
    async fn create_coupon(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateCouponInput,
    ) -> async_graphql::Result<Coupon> {
        let (db, principal) = caller(ctx)?;
        coupons::create(db, principal, store_id, input.into()).await.map(Coupon).into_graphql()
    }

    /// Changes a coupon. Its maximum uses may not go below the uses it already has.
    #[graphql(directive = scope::apply("stores.coupons.update".into()))]
    async fn update_coupon(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCouponInput,
    ) -> async_graphql::Result<Coupon> {
        let (db, principal) = caller(ctx)?;
        coupons::update(db, principal, id, input.into()).await.map(Coupon).into_graphql()
    }

    /// Deletes a coupon; orders that used it keep its code. Returns its id.
    #[graphql(directive = scope::apply("stores.coupons.delete".into()))]
    async fn delete_coupon(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        coupons::delete(db, principal, id).await.into_graphql()
    }
}
