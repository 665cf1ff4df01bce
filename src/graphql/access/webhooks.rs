//! Webhook endpoints on GraphQL: `webhooks`, `webhook(id)`, `webhookEventTypes`, the endpoint
//! mutations, and each endpoint's delivery log (`Webhook.deliveries`, newest first, with every
//! attempt). Secrets appear only in the answers of `createWebhook` and `rotateWebhookSecret`.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::domain::events::EVENT_TYPES;
use crate::domain::webhooks::deliveries::DeliveryStatus;
use crate::domain::webhooks::{self, NewWebhook, WebhookChange};
use crate::egress::Egress;
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::{public, scope};
use crate::graphql::load::loaders::{Loaders, Sort, SortExpr, View};
use crate::graphql::load::pagination::{self, Cursor, PageArgs};
use crate::limits::AccountLimits;
use entity::{webhook, webhook_attempt, webhook_delivery};

/// An endpoint that receives the account's events, signed to the Standard Webhooks spec.
pub struct Webhook(pub webhook::Model);

#[Object(directive = scope::apply("user.webhooks.view".into()))]
impl Webhook {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// Where deliveries are POSTed (https).
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// A note for people (up to 256 characters).
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Event types delivered (see `webhookEventTypes`).
    async fn event_types(&self) -> Vec<String> {
        webhooks::event_types(&self.0)
    }

    /// Stores whose events are delivered; empty means every store of the account.
    async fn store_ids(&self) -> Vec<Uuid> {
        webhooks::store_ids(&self.0)
    }

    /// Whether deliveries are made.
    async fn is_enabled(&self) -> bool {
        self.0.is_enabled
    }

    /// Why the gateway disabled the endpoint (its deliveries kept failing); null otherwise.
    /// Enabling it again clears this.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }

    /// Until when the secret before the last rotation also signs deliveries.
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_expires_at.filter(|at| *at > Utc::now())
    }

    /// When registered (UTC).
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The endpoint's deliveries, newest first, optionally only those with `status`.
    #[graphql(complexity = "pagination::page_cost(first.or(last), child_complexity)")]
    #[allow(clippy::too_many_arguments)] // each is a GraphQL argument of the field
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        status: Option<WebhookDeliveryStatus>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Rows to skip first, 0–100000 (for page-numbered clients).")] offset: Option<i32>,
    ) -> async_graphql::Result<Connection<Cursor, WebhookDelivery, DeliveryTotals>> {
        let view = DeliveryView { status: status.map(DeliveryStatus::from) };
        let loader = &crate::graphql::data::<Loaders>(ctx)?.webhook_deliveries;
        let name = pagination::list_name("deliveries", self.0.id, &view);
        let args = PageArgs { first, after, last, before, offset };
        let page = pagination::load_page(ctx, loader, &name, self.0.id, args, view).await?;
        let totals = DeliveryTotals { webhook_id: self.0.id, view, known: page.total() };
        pagination::connection(ctx, &name, page, totals, |row| Some(WebhookDelivery(row)))
    }
}

/// Which deliveries a delivery list shows: all, or those in one status; newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DeliveryView {
    status: Option<DeliveryStatus>,
}

impl View for DeliveryView {
    fn condition(&self) -> Condition {
        match self.status {
            Some(status) => Condition::all().add(webhook_delivery::Column::Status.eq(status.name())),
            None => Condition::all(),
        }
    }

    fn sort(&self) -> Option<Sort> {
        Some(Sort { key: SortExpr::Id, descending: true })
    }
}

pub struct DeliveryTotals {
    webhook_id: Uuid,
    view: DeliveryView,
    known: Option<u64>,
}

/// Connection-wide fields of a delivery list.
#[Object]
impl DeliveryTotals {
    /// How many deliveries the list has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let loader = &crate::graphql::data::<Loaders>(ctx)?.webhook_delivery_count;
        pagination::total_count(self.known, loader.load_one((self.webhook_id, self.view))).await
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "DeliveryStatus")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed (resend to try again).
    Failed,
}

/// One event sent to one endpoint; its id is the `webhook-id` header of every attempt.
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object(directive = scope::apply("user.webhooks.view".into()))]
impl WebhookDelivery {
    /// Unique identifier; the `webhook-id` header.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// The event delivered (the payload's `id`).
    async fn event_id(&self) -> Uuid {
        self.0.event_id
    }

    async fn status(&self) -> WebhookDeliveryStatus {
        DeliveryStatus::from_name(&self.0.status).into()
    }

    /// Attempts made so far.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }

    /// When the next attempt is due (pending deliveries).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at.filter(|_| self.0.status == DeliveryStatus::Pending.name())
    }

    /// The HTTP status of the last response, if one arrived.
    async fn last_response_status(&self) -> Option<i32> {
        self.0.last_response_status
    }

    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the delivery was created (UTC).
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Every attempt, newest first.
    async fn attempts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WebhookAttempt>> {
        let loader = &crate::graphql::data::<Loaders>(ctx)?.delivery_attempts;
        let oldest_first = loader.load_one(self.0.id).await.into_graphql()?.unwrap_or_default();
        Ok(oldest_first.into_iter().rev().map(WebhookAttempt).collect())
    }
}

/// One request made for a delivery.
pub struct WebhookAttempt(pub webhook_attempt::Model);

#[Object(directive = scope::apply("user.webhooks.view".into()))]
impl WebhookAttempt {
    /// When it was made (UTC).
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The receiver's HTTP status; null when no response arrived.
    async fn response_status(&self) -> Option<i32> {
        self.0.response_status
    }

    /// How long it took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }

    /// Why it failed: a timeout, a refused address, a connection error or a non-2xx status.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// The first KiB of the response body.
    async fn response_body(&self) -> Option<&str> {
        self.0.response_body.as_deref()
    }
}

/// An event type webhooks can subscribe to.
#[derive(SimpleObject)]
#[graphql(directive = public::apply())]
pub struct WebhookEventType {
    /// The name endpoints subscribe with and payloads carry as `type` (e.g. `order.created`).
    name: &'static str,
    /// When it is sent.
    description: &'static str,
}

/// Webhook queries.
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The account's webhook endpoints, oldest first (a key limited to some stores sees those
    /// that name only its stores).
    #[graphql(directive = scope::apply("user.webhooks.view".into()))]
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        Ok(webhooks::list(db, principal).await.into_graphql()?.into_iter().map(Webhook).collect())
    }

    /// One of the account's endpoints; null when there is none the caller may see.
    #[graphql(directive = scope::apply("user.webhooks.view".into()))]
    async fn webhook(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<Webhook>> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let found = webhooks::get(db, principal, id).await;
        Ok(crate::domain::tenancy::optional(found).into_graphql()?.map(Webhook))
    }

    /// Every event type, with when it is sent.
    #[graphql(directive = scope::apply("user.webhooks.view".into()))]
    async fn webhook_event_types(&self) -> Vec<WebhookEventType> {
        EVENT_TYPES.iter().map(|k| WebhookEventType { name: k.name, description: k.description }).collect()
    }
}

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// https URL (up to 2048 characters) of a public address; no credentials in it.
    pub url: String,
    /// A note for people (up to 256 characters).
    pub description: Option<String>,
    /// Event types to deliver (1 or more, see `webhookEventTypes`).
    pub event_types: Vec<String>,
    /// Stores to hear from (up to 100); absent or empty: every store of the account. A key
    /// limited to some stores must name some of them.
    pub store_ids: Option<Vec<Uuid>>,
    /// Default true.
    pub is_enabled: Option<bool>,
}

/// Changes to an endpoint; absent fields keep their value.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// Empty: every store of the account.
    pub store_ids: Option<Vec<Uuid>>,
    /// Enabling an endpoint the gateway disabled clears its `disabledReason`.
    pub is_enabled: Option<bool>,
}

/// An endpoint with its signing secret, shown here and nowhere else. Only the guarded
/// mutations return it; the endpoint's fields keep their own scope.
#[derive(SimpleObject)]
#[graphql(directive = public::apply())]
pub struct WebhookSecretPayload {
    /// `whsec_…`: the key of the `webhook-signature` HMAC (Standard Webhooks).
    secret: String,
    webhook: Webhook,
}

impl WebhookSecretPayload {
    fn of(row: webhook::Model) -> Self {
        Self { secret: row.secret.clone(), webhook: Webhook(row) }
    }
}

/// Webhook mutations.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint; the answer holds its signing secret, shown only here. The URL's
    /// host must resolve to public addresses only.
    #[graphql(directive = scope::apply("user.webhooks.create".into()))]
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookInput,
    ) -> async_graphql::Result<WebhookSecretPayload> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let egress = crate::graphql::data::<Egress>(ctx)?;
        let max = crate::graphql::data::<AccountLimits>(ctx)?.max_webhooks;
        let input = NewWebhook {
            url: input.url,
            description: input.description,
            event_types: input.event_types,
            store_ids: input.store_ids,
            is_enabled: input.is_enabled,
        };
        webhooks::create(db, principal, egress, max, input).await.map(WebhookSecretPayload::of).into_graphql()
    }

    /// Changes an endpoint.
    #[graphql(directive = scope::apply("user.webhooks.update".into()))]
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateWebhookInput,
    ) -> async_graphql::Result<Webhook> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        let egress = crate::graphql::data::<Egress>(ctx)?;
        let change = WebhookChange {
            url: input.url,
            description: input.description,
            event_types: input.event_types,
            store_ids: input.store_ids,
            is_enabled: input.is_enabled,
        };
        webhooks::update(db, principal, egress, id, change).await.map(Webhook).into_graphql()
    }

    /// Deletes an endpoint and its delivery log; returns its id.
    #[graphql(directive = scope::apply("user.webhooks.delete".into()))]
    async fn delete_webhook(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        webhooks::delete(db, principal, id).await.into_graphql()
    }

    /// Gives an endpoint a new secret (in the answer, only there); for 24 hours deliveries
    /// carry signatures by both the new and the old secret.
    #[graphql(directive = scope::apply("user.webhooks.update".into()))]
    async fn rotate_webhook_secret(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<WebhookSecretPayload> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        webhooks::rotate_secret(db, principal, id).await.map(WebhookSecretPayload::of).into_graphql()
    }

    /// Sends a `webhook.test` event to this endpoint only; returns its delivery.
    #[graphql(directive = scope::apply("user.webhooks.update".into()))]
    async fn send_test_webhook(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<WebhookDelivery> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        webhooks::send_test(db, principal, id).await.map(WebhookDelivery).into_graphql()
    }

    /// Makes a delivery due again now, with the same `webhook-id`.
    #[graphql(directive = scope::apply("user.webhooks.update".into()))]
    async fn resend_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        webhook_id: Uuid,
        delivery_id: Uuid,
    ) -> async_graphql::Result<WebhookDelivery> {
        let (db, principal) = crate::graphql::caller(ctx)?;
        webhooks::resend(db, principal, webhook_id, delivery_id).await.map(WebhookDelivery).into_graphql()
    }
}
