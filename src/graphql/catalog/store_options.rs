//! A store's brand and notification options on GraphQL: the types read with the store's
//! settings (`stores.view`) and their update mutations (`stores.update`), which call
//! [`crate::domain::store_options`].

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use uuid::Uuid;

use crate::domain::store_options::{self, BrandChange, NotificationChange};
use crate::error::GraphqlResult;
use crate::graphql::caller;
use crate::graphql::exec::policy::scope;
use entity::{store_brand_options, store_notification_options};

type DateTime = chrono::DateTime<chrono::Utc>;

pub struct BrandOptions(pub store_brand_options::Model);

/// How a store looks and prices for buyers.
#[Object(directive = scope::apply("stores.view".into()))]
impl BrandOptions {
    /// The options' id (the store's, until they are first changed).
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When they were first set (UTC; now, until they are).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Whether prices are shown converted into the buyer's currency.
    async fn is_automatic_currency_conversion_enabled(&self) -> bool {
        self.0.is_automatic_currency_conversion_enabled
    }

    /// The banner image's file name.
    async fn banner_file_name(&self) -> Option<&str> {
        self.0.banner_file_name.as_deref()
    }

    /// The icon's file name.
    async fn icon_file_name(&self) -> Option<&str> {
        self.0.icon_file_name.as_deref()
    }

    /// The accent colour, `#rrggbb`.
    async fn accent_color(&self) -> Option<&str> {
        self.0.accent_color.as_deref()
    }
}

pub struct NotificationOptions(pub store_notification_options::Model);

/// Where a store's staff are told about its events.
#[Object(directive = scope::apply("stores.view".into()))]
impl NotificationOptions {
    /// The options' id (the store's, until they are first changed).
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When they were first set (UTC; now, until they are).
    async fn date_created(&self) -> DateTime {
        self.0.created_at
    }

    /// A Discord webhook URL, if any.
    async fn discord_webhook_url(&self) -> Option<&str> {
        self.0.discord_webhook_url.as_deref()
    }
}

/// Changes to a store's brand options; absent fields keep their value, `null` clears one.
#[derive(InputObject)]
pub struct BrandOptionsInput {
    pub is_automatic_currency_conversion_enabled: Option<bool>,
    /// 1–255 characters.
    pub banner_file_name: MaybeUndefined<String>,
    /// 1–255 characters.
    pub icon_file_name: MaybeUndefined<String>,
    /// `#rrggbb`.
    pub accent_color: MaybeUndefined<String>,
}

/// Changes to a store's notification options; `null` clears the URL.
#[derive(InputObject)]
pub struct NotificationOptionsInput {
    /// An https URL (at most 2048 characters).
    pub discord_webhook_url: MaybeUndefined<String>,
}

/// Store option mutations.
#[derive(Default)]
pub struct StoreOptionsMutation;

#[Object]
impl StoreOptionsMutation {
    /// Changes how a store looks and prices for buyers.
    #[graphql(directive = scope::apply("stores.update".into()))]
    async fn update_store_brand_options(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: BrandOptionsInput,
    ) -> async_graphql::Result<BrandOptions> {
        let (db, principal) = caller(ctx)?;
        let change = BrandChange {
            is_automatic_currency_conversion_enabled: input.is_automatic_currency_conversion_enabled,
            banner_file_name: input.banner_file_name.into(),
            icon_file_name: input.icon_file_name.into(),
            accent_color: input.accent_color.into(),
        };
        store_options::update_brand(db, principal, store_id, change).await.map(BrandOptions).into_graphql()
    }

    /// Changes where a store's staff are told about its events.
    #[graphql(directive = scope::apply("stores.update".into()))]
    async fn update_notification_options(
        &self,
        ctx: &Context<'_>,
        store_id: Uuid,
        input: NotificationOptionsInput,
    ) -> async_graphql::Result<NotificationOptions> {
        let (db, principal) = caller(ctx)?;
        let change = NotificationChange { discord_webhook_url: input.discord_webhook_url.into() };
        store_options::update_notification(db, principal, store_id, change)
            .await
            .map(NotificationOptions)
            .into_graphql()
    }
}
