//! Komerza routes for the account's webhook endpoints at `/webhooks`: the endpoints, their
//! delivery log, resending and a test delivery. Not store-scoped: endpoints are the account's,
//! walled by the domain (another user's endpoint is a 404).

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{created, list, ok};
use super::route::{field, form, found, patch, Answer, Family, Field, RestError, RestRequest, Route, PAGE, PAGE_SIZE};

macro_rules! webhook_doc {
    ($operation:literal) => {
        concat!(
            $operation,
            " fragment W on Webhook { id url description eventTypes storeIds isEnabled disabledReason dateCreated }"
        )
    };
}

macro_rules! delivery_doc {
    ($operation:literal) => {
        concat!($operation, " fragment D on WebhookDelivery { id eventId status attemptCount nextAttemptAt lastResponseStatus lastError dateCreated attempts { dateCreated responseStatus durationMs error responseBody } }")
    };
}

macro_rules! route {
    ($method:ident, $path:literal, $summary:literal, $answer:expr, $query:expr, $body:expr, $document:expr, $variables:expr, $respond:expr) => {
        Route {
            family: Family::Komerza,
            method: Method::$method,
            path: $path,
            summary: $summary,
            answer: $answer,
            authenticated: true,
            store_scoped: false,
            query: $query,
            body: $body,
            renames: &[],
            document: $document,
            variables: $variables,
            respond: $respond,
        }
    };
}

const WEBHOOK_FORM: &[Field] = &[
    field("url", "string", true),
    field("eventTypes", "array", true),
    field("storeIds", "array", false),
    field("description", "string", false),
    field("isEnabled", "boolean", false),
];

/// The form's fields present in the body, as the GraphQL input.
fn input(r: &RestRequest) -> Value {
    let mut input = json!({});
    for f in WEBHOOK_FORM {
        if let Some(value) = r.body_field(f.name) {
            input[f.name] = value.clone();
        }
    }
    input
}

fn webhook_id(r: &RestRequest) -> Result<Value, RestError> {
    Ok(json!(r.path_uuid("webhookId", "webhook")?))
}

/// A `WebhookSecretPayload` as one Komerza object: the endpoint with its `secret`.
fn with_secret(payload: &Value) -> Value {
    let mut hook = payload["webhook"].clone();
    hook["secret"] = payload["secret"].clone();
    hook
}

/// The delivery's attempts in the Komerza manner: the object as GraphQL has it.
fn delivery(row: &Value) -> Value {
    let mut row = row.clone();
    row["status"] = json!(row["status"].as_str().map(str::to_lowercase));
    row
}

pub static ROUTES: [Route; 9] = [
    route!(
        GET,
        "/webhooks",
        "List the account's webhook endpoints",
        Answer::Page("Webhook"),
        &[],
        None,
        webhook_doc!("{ webhooks { ...W } }"),
        |_| Ok(json!({})),
        |_, data| {
            let rows = data["webhooks"].as_array().cloned().unwrap_or_default();
            Ok(super::route::Reply {
                status: axum::http::StatusCode::OK,
                body: Some(json!({ "success": true, "pages": 1, "data": rows })),
            })
        }
    ),
    route!(
        POST,
        "/webhooks",
        "Register a webhook endpoint (the answer holds its signing secret, shown only here)",
        Answer::Created("Webhook"),
        &[],
        form(WEBHOOK_FORM),
        webhook_doc!("mutation($input: CreateWebhookInput!) { created: createWebhook(input: $input) { secret webhook { ...W } } }"),
        |r| Ok(json!({ "input": input(r) })),
        |_, data| created(with_secret(&data["created"]))
    ),
    route!(
        GET,
        "/webhooks/{webhookId}",
        "Get a webhook endpoint",
        Answer::One("Webhook"),
        &[],
        None,
        webhook_doc!("query($id: UUID!) { webhook(id: $id) { ...W } }"),
        |r| Ok(json!({ "id": webhook_id(r)? })),
        |_, data| found(&data["webhook"], "webhook").map(|w| ok(w.clone()))
    ),
    route!(
        PUT,
        "/webhooks/{webhookId}",
        "Update a webhook endpoint (fields left out keep their value)",
        Answer::One("Webhook"),
        &[],
        patch(WEBHOOK_FORM),
        webhook_doc!("mutation($id: UUID!, $input: UpdateWebhookInput!) { row: updateWebhook(id: $id, input: $input) { ...W } }"),
        |r| Ok(json!({ "id": webhook_id(r)?, "input": input(r) })),
        |_, data| Ok(ok(data["row"].clone()))
    ),
    route!(
        DELETE,
        "/webhooks/{webhookId}",
        "Delete a webhook endpoint and its delivery log",
        Answer::One("Deleted"),
        &[],
        None,
        "mutation($id: UUID!) { deleteWebhook(id: $id) }",
        |r| Ok(json!({ "id": webhook_id(r)? })),
        |_, data| Ok(ok(json!({ "id": data["deleteWebhook"] })))
    ),
    route!(
        POST,
        "/webhooks/{webhookId}/secret",
        "Rotate the signing secret (the old one also signs for 24 hours)",
        Answer::One("Webhook"),
        &[],
        None,
        webhook_doc!("mutation($id: UUID!) { rotated: rotateWebhookSecret(id: $id) { secret webhook { ...W } } }"),
        |r| Ok(json!({ "id": webhook_id(r)? })),
        |_, data| Ok(ok(with_secret(&data["rotated"])))
    ),
    route!(
        GET,
        "/webhooks/{webhookId}/deliveries",
        "List an endpoint's deliveries, newest first (Page, PageSize)",
        Answer::Page("WebhookDelivery"),
        &[PAGE, PAGE_SIZE],
        None,
        delivery_doc!("query($id: UUID!, $first: Int!, $offset: Int!) { webhook(id: $id) { deliveries(first: $first, offset: $offset) { totalCount nodes { ...D } } } }"),
        |r| {
            let (size, offset) = r.paging("Page", "PageSize")?;
            Ok(json!({ "id": webhook_id(r)?, "first": size, "offset": offset }))
        },
        |r, data| list(r, &found(&data["webhook"], "webhook")?["deliveries"], delivery)
    ),
    route!(
        POST,
        "/webhooks/{webhookId}/deliveries/{deliveryId}/resend",
        "Attempt a delivery again now, with the same webhook-id",
        Answer::One("WebhookDelivery"),
        &[],
        None,
        delivery_doc!("mutation($id: UUID!, $delivery: UUID!) { row: resendWebhookDelivery(webhookId: $id, deliveryId: $delivery) { ...D } }"),
        |r| Ok(json!({ "id": webhook_id(r)?, "delivery": r.path_uuid("deliveryId", "delivery")? })),
        |_, data| Ok(ok(delivery(&data["row"])))
    ),
    route!(
        POST,
        "/webhooks/{webhookId}/test",
        "Send a webhook.test event to this endpoint only",
        Answer::Created("WebhookDelivery"),
        &[],
        None,
        delivery_doc!("mutation($id: UUID!) { row: sendTestWebhook(id: $id) { ...D } }"),
        |r| Ok(json!({ "id": webhook_id(r)? })),
        |_, data| created(delivery(&data["row"]))
    ),
];
