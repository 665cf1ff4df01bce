//! The `data` of an event's webhook payload: the object it is about, exactly as the Komerza
//! REST API returns it (so integrators parse what they already parse), rendered by running the
//! Komerza route's own document as the gateway acting for the store's owner. A deleted product
//! is `{id, storeId, deleted: true}`; a subject that no longer exists is `{id, storeId}`.

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use uuid::Uuid;

use super::komerza::{product, variant, GET_PRODUCT};
use super::komerza_affiliates::{affiliate, ONE_AFFILIATE};
use super::komerza_reviews::ONE_REVIEW;
use super::komerza_sales::{customer, order, ONE_CUSTOMER, ONE_ORDER};
use super::komerza_tickets::{ticket, ONE_TICKET};
use crate::auth::principal::Principal;
use crate::domain::events::{EventType, Subject};
use crate::domain::tenancy;
use crate::graphql::exec::engine::{Engine, Origin};

/// What an event about `subject` in `store_id` (owned by `owner`) carries as `data`; `None`
/// when it cannot be rendered now (the database or the engine failed), to be tried again.
pub async fn render(
    db: &DatabaseConnection,
    engine: &Engine,
    owner: Uuid,
    store_id: Uuid,
    event: EventType,
    subject: Uuid,
) -> Option<Value> {
    let gone = json!({ "id": subject, "storeId": store_id });
    if event == EventType::ProductDeleted {
        return Some(json!({ "id": subject, "storeId": store_id, "deleted": true }));
    }
    let principal = Principal::gateway_for(owner, store_id);
    let rendered = match event.subject() {
        Subject::Order => run(engine, &principal, ONE_ORDER, subject, "row").await?.map(|o| order(&o)),
        Subject::Customer => run(engine, &principal, ONE_CUSTOMER, subject, "row").await?.map(|c| customer(&c)),
        Subject::Ticket => run(engine, &principal, ONE_TICKET, subject, "row").await?.map(|t| ticket(&t)),
        Subject::Review => run(engine, &principal, ONE_REVIEW, subject, "row").await?,
        Subject::Affiliate => run(engine, &principal, ONE_AFFILIATE, subject, "row").await?.map(|a| affiliate(&a)),
        Subject::Product => run(engine, &principal, GET_PRODUCT, subject, "product").await?.map(|p| product(&p)),
        // Through the tenancy gate's finder, as the owner: a variant that is gone renders as gone.
        Subject::Variant => match tenancy::optional(tenancy::variant(db, &principal, subject).await).ok()? {
            Some(row) => run(engine, &principal, GET_PRODUCT, row.product_id, "product").await?.and_then(|p| {
                let variants = p["variants"].as_array()?;
                variants.iter().find(|v| v["id"] == json!(subject)).map(variant)
            }),
            None => None,
        },
    };
    Some(rendered.unwrap_or(gone))
}

/// Runs `document` with `$id`: the object at `key` if the answer has one, `Some(None)` when it
/// has none (the subject is gone), `None` when the document failed.
async fn run(engine: &Engine, principal: &Principal, document: &str, id: Uuid, key: &str) -> Option<Option<Value>> {
    let request =
        async_graphql::Request::new(document).variables(async_graphql::Variables::from_json(json!({ "id": id })));
    let response = engine.execute(request, principal.clone(), Origin::Route).await;
    if let Some(error) = response.errors.first() {
        tracing::warn!(message = %error.message, "cannot render a webhook payload now; retrying later");
        return None;
    }
    let data = response.data.into_json().ok()?;
    Some(data.get(key).filter(|v| v.is_object()).cloned())
}
