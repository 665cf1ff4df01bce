//! The defaults of a new store row.

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use crate::auth::secret;
use entity::store;

/// A new store of `owner` with the defaults of a new store: US dollars, active, every option off,
/// no URL history, and a fresh webhook signing secret. Callers set whatever differs.
pub fn new_store(owner: Uuid, name: String, url: String, description: String) -> store::Model {
    let now = Utc::now();
    store::Model {
        id: Uuid::now_v7(),
        owner_id: owner,
        name,
        description,
        url,
        url_history: json!([]),
        custom_domain: None,
        currency_code: "USD".into(),
        prepend_product_name_to_receipt: false,
        is_automatic_reviews_enabled: false,
        is_customer_balance_enabled: false,
        is_inactive: false,
        maintenance_reason: None,
        webhook_secret: secret::generate("whsec_", 32),
        created_at: now,
        updated_at: now,
    }
}
