//! Customers of a store and their store-credit balance: the `Customer` type, the view behind
//! `Store.customers`, and the customer mutations (create, update, balance adjustments with a
//! reason and a history).

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use rust_decimal::Decimal;
use sea_orm::{Condition, DatabaseConnection};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::domain::validate::Checks;
use crate::domain::{customers, money};
use crate::error::{ApiError, GraphqlResult};
use crate::graphql::exec::policy::scope;
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::search::contains_text;
use entity::{customer, customer_balance_entry};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct Customer(pub customer::Model);

/// A buyer of a store, with a store-credit balance.
#[Object(directive = scope::apply("stores.customers.view".into()))]
impl Customer {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the customer was created (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// The store the customer buys from.
    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Email address (lower-case), unique within the store.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name, if known.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Store credit available, in the store's currency.
    async fn balance(&self) -> Decimal {
        money::from_cents(self.0.balance_cents)
    }

    /// Every change of the balance, oldest first.
    #[graphql(complexity = "5 * child_complexity")]
    async fn balance_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BalanceEntry>> {
        let rows =
            crate::graphql::data::<Loaders>(ctx)?.customer_balance_entries.load_one(self.0.id).await.into_graphql()?;
        Ok(rows.unwrap_or_default().into_iter().map(BalanceEntry).collect())
    }
}

pub struct BalanceEntry(pub customer_balance_entry::Model);

/// One change of a customer's store credit.
#[Object(directive = scope::apply("stores.customers.view".into()))]
impl BalanceEntry {
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When it happened (UTC).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// Credit added (positive) or taken (negative).
    async fn amount(&self) -> Decimal {
        money::from_cents(self.0.amount_cents)
    }

    /// The balance right after.
    async fn balance_after(&self) -> Decimal {
        money::from_cents(self.0.balance_after_cents)
    }

    /// Why.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The order that spent or returned the credit, if any.
    async fn order_id(&self) -> Option<Uuid> {
        self.0.order_id
    }
}

/// Which customers `Store.customers` lists: all, or those matching a search; oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CustomerView {
    search: Option<String>,
}

impl CustomerView {
    /// A view searching email and name for `search` (1–100 characters).
    pub fn new(search: Option<String>) -> Result<Self, ApiError> {
        let mut checks = Checks::new();
        checks.optional_text("search", search.as_deref(), 1..=100);
        checks.finish()?;
        Ok(Self { search: search.map(|s| s.to_lowercase()) })
    }
}

impl View for CustomerView {
    fn condition(&self) -> Condition {
        match &self.search {
            Some(text) => Condition::all().add(contains_text(&[customer::Column::Email, customer::Column::Name], text)),
            None => Condition::all(),
        }
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Id, descending: false })
    }
}

/// A new customer.
#[derive(InputObject)]
pub struct CreateCustomerInput {
    /// Email address, unique within the store.
    pub email: String,
    /// Name (1–128 characters).
    pub name: Option<String>,
}

/// Changes to a customer; absent fields keep their value, `name: null` clears the name.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub email: Option<String>,
    pub name: MaybeUndefined<String>,
}

/// A change of store credit.
#[derive(InputObject)]
pub struct BalanceAdjustmentInput {
    /// Credit to add (positive) or take (negative), non-zero, at most 1000000 either way, two
    /// decimals at most. The balance may not go below zero.
    pub amount: Decimal,
    /// Why (1–512 characters); kept in the history.
    pub reason: String,
}

/// Customer queries.
#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
    /// One customer of the caller's stores by id; null when there is none (or it is another
    /// tenant's).
    #[graphql(directive = scope::apply("stores.customers.view".into()))]
    async fn customer(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Customer>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let found = crate::domain::tenancy::customer(db, principal, id).await;
        Ok(crate::domain::tenancy::optional(found).into_graphql()?.map(Customer))
    }
}

/// Customer mutations.
#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Adds a customer to a store.
    #[graphql(directive = scope::apply("stores.customers.create".into()))]
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: CreateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let input = customers::NewCustomer { email: input.email, name: input.name };
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        customers::create(db, crate::graphql::data::<Principal>(ctx)?, store_id, input)
            .await
            .map(Customer)
            .into_graphql()
    }

    /// Changes a customer's email or name.
    #[graphql(directive = scope::apply("stores.customers.update".into()))]
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let change = customers::CustomerChange { email: input.email, name: input.name.into() };
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        customers::update(db, crate::graphql::data::<Principal>(ctx)?, id, change).await.map(Customer).into_graphql()
    }

    /// Adds or takes store credit, with a reason kept in the customer's balance history. Taking
    /// more than the balance is a `VALIDATION` error on `amount`.
    #[graphql(directive = scope::apply("stores.customers.update".into()))]
    async fn adjust_customer_balance(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: BalanceAdjustmentInput,
    ) -> async_graphql::Result<Customer> {
        let db = crate::graphql::data::<DatabaseConnection>(ctx)?;
        let principal = crate::graphql::data::<Principal>(ctx)?;
        customers::adjust_balance(db, principal, id, input.amount, &input.reason).await.map(Customer).into_graphql()
    }
}
