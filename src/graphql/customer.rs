//! Customers of a store and their store-credit balance: the `Customer` type, the view behind
//! `Store.customers`, and the customer mutations (create, update, balance adjustments with a
//! reason and a history).

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use super::loaders::{Loaders, Sort, SortExpr, View};
use super::owned;
use super::policy::scope;
use super::search::contains_text;
use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::money;
use crate::domain::validate::Checks;
use crate::error::{ApiError, GraphqlResult};
use entity::{customer, customer_balance_entry};

type DateTime = chrono::DateTime<chrono::Utc>;

pub const CUSTOMER_NAME_MAX: usize = 128;
pub const REASON_MAX: usize = 512;
/// Largest single balance adjustment, in cents (1 000 000.00).
pub const MAX_ADJUSTMENT_CENTS: i64 = 100_000_000;

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
        let rows = ctx.data::<Loaders>()?.customer_balance_entries.load_one(self.0.id).await.into_graphql()?;
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

fn check_customer(checks: &mut Checks, row: &customer::Model) {
    checks.optional_text("name", row.name.as_deref(), 1..=CUSTOMER_NAME_MAX);
}

async fn ensure_email_free<C: ConnectionTrait>(db: &C, row: &customer::Model) -> Result<(), ApiError> {
    let taken = customer::Entity::find()
        .filter(customer::Column::StoreId.eq(row.store_id))
        .filter(customer::Column::Email.eq(&row.email))
        .filter(customer::Column::Id.ne(row.id))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict("email", "is already a customer of this store"));
    }
    Ok(())
}

/// A new customer row of `store_id`.
pub fn new_customer(store_id: Uuid, email: String, name: Option<String>) -> customer::Model {
    let now = Utc::now();
    customer::Model {
        id: Uuid::now_v7(),
        store_id,
        user_id: None,
        email,
        name,
        balance_cents: 0,
        created_at: now,
        updated_at: now,
    }
}

/// Adds `amount_cents` (negative: takes) to a customer's balance with a conditional update, so
/// the balance never goes below zero even under concurrent changes, and records why. `None`
/// when the balance is too low.
pub async fn change_balance<C: ConnectionTrait>(
    db: &C,
    customer_id: Uuid,
    amount_cents: i64,
    reason: &str,
    order_id: Option<Uuid>,
    actor: Option<Uuid>,
) -> Result<Option<customer::Model>, ApiError> {
    let balance = Expr::col(customer::Column::BalanceCents);
    let updated = customer::Entity::update_many()
        .col_expr(customer::Column::BalanceCents, balance.clone().add(amount_cents))
        .col_expr(customer::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(customer::Column::Id.eq(customer_id))
        .filter(balance.add(amount_cents).gte(0))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let row = customer::Entity::find_by_id(customer_id).one(db).await?.ok_or(ApiError::NotFound("customer"))?;
    customer_balance_entry::Model {
        id: Uuid::now_v7(),
        customer_id,
        amount_cents,
        balance_after_cents: row.balance_cents,
        reason: reason.to_owned(),
        order_id,
        actor_user_id: actor,
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(Some(row))
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
        let principal = ctx.data::<Principal>()?;
        let mut checks = Checks::new();
        let email = checks.email("email", &input.email).unwrap_or_default();
        let row = new_customer(store_id, email, input.name);
        check_customer(&mut checks, &row);
        checks.finish().into_graphql()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        owned::store(&txn, principal, store_id).await.into_graphql()?;
        ensure_email_free(&txn, &row).await.into_graphql()?;
        let row =
            row.into_active_model().insert(&txn).await.map_err(|e| ApiError::from_write(e, "email")).into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Customer(row))
    }

    /// Changes a customer's email or name.
    #[graphql(directive = scope::apply("stores.customers.update".into()))]
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let principal = ctx.data::<Principal>()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let mut row = owned::customer(&txn, principal, id).await.into_graphql()?;
        let mut checks = Checks::new();
        if let Some(email) = input.email {
            row.email = checks.email("email", &email).unwrap_or_default();
        }
        input.name.update_to(&mut row.name);
        check_customer(&mut checks, &row);
        checks.finish().into_graphql()?;
        ensure_email_free(&txn, &row).await.into_graphql()?;
        row.updated_at = Utc::now();
        let row = owned::save(&txn, row, "email").await.into_graphql()?;
        txn.commit().await.into_graphql()?;
        Ok(Customer(row))
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
        let principal = ctx.data::<Principal>()?;
        let mut checks = Checks::new();
        let amount = checks.cents("amount", input.amount);
        if amount == 0 || amount.abs() > MAX_ADJUSTMENT_CENTS {
            checks.fail("amount", "must be non-zero and at most 1000000 either way");
        }
        checks.text("reason", &input.reason, 1..=REASON_MAX);
        checks.finish().into_graphql()?;
        let txn = begin_write(ctx.data::<DatabaseConnection>()?).await.into_graphql()?;
        let row = owned::customer(&txn, principal, id).await.into_graphql()?;
        let actor = principal.access().map(|a| a.user_id);
        let Some(row) = change_balance(&txn, row.id, amount, &input.reason, None, actor).await.into_graphql()? else {
            return Err(ApiError::invalid("amount", "would take the balance below zero")).into_graphql();
        };
        txn.commit().await.into_graphql()?;
        Ok(Customer(row))
    }
}
