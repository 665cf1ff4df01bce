//! Komerza routes for reviews under `/stores/{storeId}/reviews`: the store's list, one review,
//! a customer's review of an order line, the store's reply, and flagging (`stores.reviews.flagged.create`).

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{created, list, ok, page_args};
use super::route::{
    field, form, found, param, text, Answer, Family, Field, Kind, RestError, RestRequest, Route, PAGE, PAGE_SIZE,
};
use crate::domain::reviews::TEXT;

/// An operation followed by the review fields (`...R`); the staff-only ones are left out of a
/// customer's answer.
macro_rules! review_doc {
    ($operation:literal) => {
        concat!($operation, " fragment R on Review { id dateCreated dateUpdated storeId productId rating text isAutomatic reply dateReplied isFlagged flagReason customerId orderItemId }")
    };
}

/// One review, as answers and `review.*` webhook payloads carry it.
pub(super) const ONE_REVIEW: &str = review_doc!("query($id: UUID!) { row: review(id: $id) { ...R } }");

const REVIEW_FORM: &[Field] =
    &[field("orderItemId", "string", true), field("rating", "integer", true), text("text", TEXT, false)];

pub static ROUTES: [Route; 6] = [
    store_route!(
        GET,
        "/stores/{storeId}/reviews",
        "List a store's reviews, newest first (Page, PageSize; ProductId, Rating, Flagged); customers see no flagged one",
        Answer::Page("Review"),
        &[PAGE, PAGE_SIZE, param("ProductId", Kind::Id), param("Rating", Kind::Whole(1, 5)), param("Flagged", Kind::Flag)],
        None,
        review_doc!("query($store: UUID!, $first: Int!, $offset: Int!, $filter: ReviewFilter) { reviews(storeId: $store, first: $first, offset: $offset, filter: $filter) { totalCount nodes { ...R } } }"),
        |r| {
            let mut variables = page_args(r)?;
            variables["filter"] = list_filter(r)?;
            Ok(variables)
        },
        |r, data| list(r, found(&data["reviews"], "store")?, Value::clone)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/reviews",
        "Review a line of one of your delivered orders (customer sessions; one review a line)",
        Answer::Created("Review"),
        &[],
        form(REVIEW_FORM),
        review_doc!("mutation($store: UUID!, $input: CreateReviewInput!) { row: createReview(storeId: $store, input: $input) { ...R } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": r.body })),
        |_, data| created(data["row"].clone())
    ),
    store_route!(
        GET,
        "/stores/{storeId}/reviews/{reviewId}",
        "Get a review",
        Answer::One("Review"),
        &[],
        None,
        ONE_REVIEW,
        |r| Ok(json!({ "id": r.path_uuid("reviewId", "review")? })),
        |_, data| found(&data["row"], "review").map(|row| ok(row.clone()))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/reviews/{reviewId}/reply",
        "Reply to a review (replaces an earlier reply)",
        Answer::One("Review"),
        &[],
        form(&[text("reply", TEXT, true)]),
        review_doc!("mutation($id: UUID!, $reply: String!) { row: replyToReview(id: $id, reply: $reply) { ...R } }"),
        |r| Ok(json!({ "id": r.path_uuid("reviewId", "review")?, "reply": r.body["reply"] })),
        |_, data| Ok(ok(data["row"].clone()))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/reviews/{reviewId}/flag",
        "Flag a review with a reason (hidden from customers and from the rating)",
        Answer::One("Review"),
        &[],
        form(&[field("reason", "string", true)]),
        review_doc!("mutation($id: UUID!, $reason: String!) { row: flagReview(id: $id, reason: $reason) { ...R } }"),
        |r| Ok(json!({ "id": r.path_uuid("reviewId", "review")?, "reason": r.body["reason"] })),
        |_, data| Ok(ok(data["row"].clone()))
    ),
    store_route!(
        DELETE,
        "/stores/{storeId}/reviews/{reviewId}/flag",
        "Unflag a review",
        Answer::One("Review"),
        &[],
        None,
        review_doc!("mutation($id: UUID!) { row: unflagReview(id: $id) { ...R } }"),
        |r| Ok(json!({ "id": r.path_uuid("reviewId", "review")? })),
        |_, data| Ok(ok(data["row"].clone()))
    ),
];

/// The list's query parameters as a `ReviewFilter`.
fn list_filter(r: &RestRequest) -> Result<Value, RestError> {
    let product = r.query.get("ProductId");
    let rating = r.query_parse::<i32>("Rating", "a whole number from 1 to 5")?;
    let flagged = r.query_parse::<bool>("Flagged", "true or false")?;
    Ok(json!({ "productId": product, "rating": rating, "flagged": flagged }))
}
