//! Coupons: the `Coupon` type and its create/update/delete mutations. A coupon takes a
//! percentage or a fixed amount off (exactly one), optionally only off some variants, until it
//! expires or reaches its maximum uses; `uses` is counted by orders with a conditional update.

use async_graphql::Object;
use rust_decimal::Decimal;

use uuid::Uuid;

use crate::domain::money;
use crate::domain::pricing::CouponTerms;
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::scope;
use entity::coupon;

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Coupon(pub coupon::Model);

/// A discount code of a store.
#[Object(directive = scope::apply("stores.coupons.view".into()))]
impl Coupon {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the coupon was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// The code buyers enter (upper-case), unique within the store.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Orders that used it.
    async fn uses(&self) -> i32 {
        self.0.uses
    }

    /// Most orders that may use it; null for no limit.
    async fn maximum_uses(&self) -> Option<i32> {
        self.0.maximum_uses
    }

    /// Whether it can be used.
    async fn is_enabled(&self) -> bool {
        self.0.is_enabled
    }

    /// Percentage taken off the eligible lines (when it is a percentage coupon).
    async fn percentage_decrease(&self) -> Option<i32> {
        self.0.percentage_decrease
    }

    /// Amount taken off the eligible lines (when it is an amount coupon).
    async fn amount_decrease(&self) -> Option<Decimal> {
        self.0.amount_decrease_cents.map(money::from_cents)
    }

    /// Variants it applies to; empty means every variant.
    async fn variant_ids(&self) -> Vec<Uuid> {
        CouponTerms::of(&self.0).variant_ids
    }

    /// When it stops working (UTC); null for never.
    async fn expiration_date(&self) -> Option<DateTime> {
        self.0.expires_at
    }
}

/// Coupon queries.
#[derive(Default)]
pub struct CouponQuery;

#[Object]
impl CouponQuery {
    /// One coupon of the caller's stores by id; null when there is none (or it is another
    /// tenant's).
    #[graphql(directive = scope::apply("stores.coupons.view".into()))]
    async fn coupon(&self, ctx: &async_graphql::Context<'_>, id: Uuid) -> async_graphql::Result<Option<Coupon>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let found = crate::domain::tenancy::coupon(db, principal, id).await;
        Ok(crate::domain::tenancy::optional(found).into_graphql()?.map(Coupon))
    }
}
