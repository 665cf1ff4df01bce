//! Affiliates as read: `Affiliate` with its figures and ledger, a store's `AffiliateOptions`, the
//! view behind affiliate lists, and the affiliate queries. A customer session sees only its own
//! affiliate record.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, Object};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::affiliates::EntryKind;
use crate::domain::{money, tenancy};
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::scope;
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use entity::{affiliate, affiliate_entry, store_affiliate_options};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Affiliate(pub affiliate::Model);

/// A customer of a store who refers buyers with a code and earns commission on what they pay.
#[Object(directive = scope::apply("stores.affiliates.view".into()))]
impl Affiliate {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the customer became an affiliate (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// The customer who is the affiliate.
    async fn customer_id(&self) -> Uuid {
        self.0.customer_id
    }

    /// The code buyers enter (upper-case), unique within the store.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Whether the code works.
    async fn is_enabled(&self) -> bool {
        self.0.is_enabled
    }

    /// Commission (percent of what a referred buyer pays); null: the store's
    /// `defaultReturnPercentage`.
    async fn return_percentage(&self) -> Option<i32> {
        self.0.return_percentage
    }

    /// Percentage off for referred buyers; null: the store's `defaultPercentageOff`.
    async fn percentage_off(&self) -> Option<i32> {
        self.0.percentage_off
    }

    /// Commission earned and not converted (below zero when a refund took back commission
    /// already converted).
    async fn balance(&self) -> Decimal {
        money::from_cents(self.0.balance_cents)
    }

    /// Orders placed with the code, cancelled ones left out.
    async fn referred_orders(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(self.figures(ctx).await?.orders)
    }

    /// What the buyers of delivered referred orders paid.
    async fn revenue(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
        Ok(money::from_cents(self.figures(ctx).await?.revenue_cents))
    }

    /// Commission earned, less commission taken back by refunds.
    async fn earned_commission(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
        Ok(money::from_cents(self.figures(ctx).await?.commission_cents))
    }

    /// Every change of the balance, oldest first.
    #[graphql(complexity = "5 * child_complexity")]
    async fn ledger(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AffiliateEntry>> {
        let rows = crate::graphql::data::<Loaders>(ctx)?
            .occasional()
            .affiliate_entries
            .load_one(self.0.id)
            .await
            .into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(AffiliateEntry).collect())
    }
}

impl Affiliate {
    async fn figures(&self, ctx: &Context<'_>) -> async_graphql::Result<AffiliateFigures> {
        let found = crate::graphql::data::<Loaders>(ctx)?
            .occasional()
            .affiliate_figures
            .load_one(self.0.id)
            .await
            .into_graphql()?;
        Ok(found.unwrap_or_default())
    }
}

/// An affiliate's referred orders, their revenue and the commission earned.
#[derive(Debug, Clone, Copy, Default)]
pub struct AffiliateFigures {
    pub orders: u64,
    pub revenue_cents: i64,
    pub commission_cents: i64,
}

/// Why an affiliate's balance moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::affiliates::EntryKind")]
pub enum AffiliateEntryKind {
    /// Earned on a referred order's delivery.
    Commission,
    /// Taken back when that order was refunded.
    Reversal,
    /// Turned into the affiliate's store credit.
    Conversion,
}

pub struct AffiliateEntry(pub affiliate_entry::Model);

/// One change of an affiliate's balance.
#[Object(directive = scope::apply("stores.affiliates.view".into()))]
impl AffiliateEntry {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When it happened (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    async fn kind(&self) -> AffiliateEntryKind {
        EntryKind::from_name(&self.0.kind).into()
    }

    /// Added (positive) or taken (negative).
    async fn amount(&self) -> Decimal {
        money::from_cents(self.0.amount_cents)
    }

    /// The balance right after.
    async fn balance_after(&self) -> Decimal {
        money::from_cents(self.0.balance_after_cents)
    }

    /// The referred order (commission and reversal).
    async fn order_id(&self) -> Option<Uuid> {
        self.0.order_id
    }
}

pub struct AffiliateOptions(pub store_affiliate_options::Model);

/// How a store's affiliate programme works (read with the store's settings).
#[Object(directive = scope::apply("stores.view".into()))]
impl AffiliateOptions {
    /// The options' id (the store's, until they are first changed).
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When they were first set (UTC; now, until they are).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// Whether affiliate codes work in this store.
    async fn is_enabled(&self) -> bool {
        self.0.is_enabled
    }

    /// Commission (percent of what a referred buyer pays) of affiliates without their own.
    async fn default_return_percentage(&self) -> i32 {
        self.0.default_return_percentage
    }

    /// Whether customers may become affiliates themselves (`createAffiliate` as a customer).
    async fn is_public_registration_enabled(&self) -> bool {
        self.0.is_public_registration_enabled
    }

    /// Whether affiliates may change their own code.
    async fn is_link_editing_enabled(&self) -> bool {
        self.0.is_link_editing_enabled
    }

    /// Whether affiliates may turn their balance into store credit.
    async fn can_convert_affiliate_balance(&self) -> bool {
        self.0.can_convert_affiliate_balance
    }

    /// Percentage off for buyers referred by affiliates without their own.
    async fn default_percentage_off(&self) -> i32 {
        self.0.default_percentage_off
    }
}

/// A store's affiliates, oldest first; a customer sees only its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AffiliateView {
    customers: Option<Vec<Uuid>>,
}

impl AffiliateView {
    pub fn new(principal: &Principal) -> Self {
        Self { customers: tenancy::own_customers(principal) }
    }
}

impl View for AffiliateView {
    fn condition(&self) -> Condition {
        match &self.customers {
            Some(own) => Condition::all().add(affiliate::Column::CustomerId.is_in(own.iter().copied())),
            None => Condition::all(),
        }
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Id, descending: false })
    }
}

pub struct AffiliateTotals {
    store_id: Uuid,
    view: AffiliateView,
    known: Option<u64>,
}

/// Connection-wide fields of an affiliate list.
#[Object]
impl AffiliateTotals {
    /// How many affiliates the list holds, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let key = (self.store_id, self.view.clone());
        let count = crate::graphql::data::<Loaders>(ctx)?.occasional().store_affiliate_count.load_one(key);
        pagination::total_count(self.known, count).await
    }
}

/// Affiliate queries.
#[derive(Default)]
pub struct AffiliateQuery;

#[Object]
impl AffiliateQuery {
    /// One affiliate by id; null when there is none the caller may see (another tenant's, or —
    /// for a customer — someone else's).
    #[graphql(directive = scope::apply("stores.affiliates.view".into()))]
    async fn affiliate(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Affiliate>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        Ok(tenancy::optional(tenancy::affiliate(db, principal, id).await).into_graphql()?.map(Affiliate))
    }

    /// A store's affiliates, oldest first, with their figures: all of them for the staff, its
    /// own record for a customer.
    #[graphql(
        directive = scope::apply("stores.affiliates.view".into()),
        complexity = "pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn affiliates(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Option<Connection<Cursor, Affiliate, AffiliateTotals>>> {
        let principal = crate::graphql::data::<Principal>(ctx)?;
        if !tenancy::sees_store(principal, store_id) {
            return Ok(None);
        }
        let view = AffiliateView::new(principal);
        let loader = &crate::graphql::data::<Loaders>(ctx)?.occasional().store_affiliates;
        let name = pagination::list_name("affiliates", store_id, &view);
        let args = PageArgs { first, after, last, before, offset };
        let page = pagination::load_page(ctx, loader, &name, store_id, args, view.clone()).await?;
        let totals = AffiliateTotals { store_id, view, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(Affiliate(row))).map(Some)
    }
}
