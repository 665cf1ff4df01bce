//! A store's brand options (automatic currency conversion, banner, icon, accent colour) and
//! notification options (a Discord webhook URL): one row each per store, written by its first
//! change; until then the store reads the defaults (everything off or empty, the id being the
//! store's).

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::principal::Principal;
use crate::db::begin_write;
use crate::domain::change;
use crate::domain::tenancy;
use crate::domain::validate::{is_web_url, Checks};
use crate::error::ApiError;
use entity::{store_brand_options as brand, store_notification_options as notification};

/// A file name's length (banner and icon).
const FILE_NAME: std::ops::RangeInclusive<usize> = 1..=255;

/// The brand options of a store that never set them.
pub fn default_brand(store_id: Uuid) -> brand::Model {
    brand::Model {
        id: store_id,
        store_id,
        is_automatic_currency_conversion_enabled: false,
        banner_file_name: None,
        icon_file_name: None,
        accent_color: None,
        created_at: Utc::now(),
    }
}

/// The notification options of a store that never set them.
pub fn default_notification(store_id: Uuid) -> notification::Model {
    notification::Model { id: store_id, store_id, discord_webhook_url: None, created_at: Utc::now() }
}

/// Changes to the brand options; `None` keeps a value, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct BrandChange {
    pub is_automatic_currency_conversion_enabled: Option<bool>,
    pub banner_file_name: Option<Option<String>>,
    pub icon_file_name: Option<Option<String>>,
    /// `#rrggbb`.
    pub accent_color: Option<Option<String>>,
}

/// Changes to the notification options; `Some(None)` clears the URL.
#[derive(Debug, Clone, Default)]
pub struct NotificationChange {
    /// An https URL of a Discord webhook.
    pub discord_webhook_url: Option<Option<String>>,
}

fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Changes a store's brand options (the store's staff).
pub async fn update_brand(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    change: BrandChange,
) -> Result<brand::Model, ApiError> {
    tenancy::staff_only(principal, "changing a store's options")?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let existing = brand::Entity::find().filter(brand::Column::StoreId.eq(store_id)).one(&txn).await?;
    let is_new = existing.is_none();
    let mut row = existing.unwrap_or_else(|| brand::Model { id: Uuid::now_v7(), ..default_brand(store_id) });
    if let Some(enabled) = change.is_automatic_currency_conversion_enabled {
        row.is_automatic_currency_conversion_enabled = enabled;
    }
    change::apply(change.banner_file_name, &mut row.banner_file_name);
    change::apply(change.icon_file_name, &mut row.icon_file_name);
    change::apply(change.accent_color, &mut row.accent_color);
    let mut checks = Checks::new();
    checks.optional_text("bannerFileName", row.banner_file_name.as_deref(), FILE_NAME);
    checks.optional_text("iconFileName", row.icon_file_name.as_deref(), FILE_NAME);
    if row.accent_color.as_deref().is_some_and(|c| !is_hex_color(c)) {
        checks.fail("accentColor", "must be a colour like #3b82f6");
    }
    checks.finish()?;
    let row = tenancy::save_or_insert(&txn, row, is_new).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a store's notification options (the store's staff).
pub async fn update_notification(
    db: &DatabaseConnection,
    principal: &Principal,
    store_id: Uuid,
    change: NotificationChange,
) -> Result<notification::Model, ApiError> {
    tenancy::staff_only(principal, "changing a store's options")?;
    let txn = begin_write(db).await?;
    tenancy::store(&txn, principal, store_id).await?;
    let existing = notification::Entity::find().filter(notification::Column::StoreId.eq(store_id)).one(&txn).await?;
    let is_new = existing.is_none();
    let mut row =
        existing.unwrap_or_else(|| notification::Model { id: Uuid::now_v7(), ..default_notification(store_id) });
    change::apply(change.discord_webhook_url, &mut row.discord_webhook_url);
    if let Some(url) = &row.discord_webhook_url {
        if !(url.starts_with("https://") && is_web_url(url)) {
            return Err(ApiError::invalid("discordWebhookUrl", "must be an https URL of at most 2048 characters"));
        }
    }
    let row = tenancy::save_or_insert(&txn, row, is_new).await?;
    txn.commit().await?;
    Ok(row)
}
