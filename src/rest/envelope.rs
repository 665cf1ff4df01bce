//! Each family's envelopes: how an error code becomes an HTTP status and a body, and how a
//! successful Komerza answer is wrapped.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::route::{Family, RestError};
use crate::error::Code;

/// Every code as each family answers it: (code, HTTP status, status in the Commerce API where it
/// differs, Komerza's name for it). The Commerce API answers business-rule violations with 422.
const TABLE: [(Code, StatusCode, Option<StatusCode>, &str); 9] = [
    (Code::Unauthenticated, StatusCode::UNAUTHORIZED, None, "Unauthorized"),
    (Code::Forbidden, StatusCode::FORBIDDEN, None, "AccessDenied"),
    (Code::NotFound, StatusCode::NOT_FOUND, None, "NotFound"),
    (Code::Validation, StatusCode::BAD_REQUEST, None, "ValidationError"),
    (Code::Conflict, StatusCode::CONFLICT, None, "Conflict"),
    (Code::InsufficientStock, StatusCode::CONFLICT, Some(StatusCode::UNPROCESSABLE_ENTITY), "InsufficientStock"),
    (Code::InvalidTransition, StatusCode::CONFLICT, Some(StatusCode::UNPROCESSABLE_ENTITY), "InvalidTransition"),
    (Code::RateLimited, StatusCode::TOO_MANY_REQUESTS, None, "RateLimited"),
    (Code::Internal, StatusCode::INTERNAL_SERVER_ERROR, None, "InternalError"),
];

fn row(code: Code) -> &'static (Code, StatusCode, Option<StatusCode>, &'static str) {
    TABLE.iter().find(|(c, ..)| *c == code).unwrap_or(&TABLE[TABLE.len() - 1])
}

/// The HTTP status of an error code in `family`.
pub fn status(family: Family, code: Code) -> StatusCode {
    let (_, status, commerce, _) = row(code);
    match (family, commerce) {
        (Family::Commerce, Some(commerce)) => *commerce,
        _ => *status,
    }
}

fn body(family: Family, error: &RestError) -> Value {
    let details: Vec<Value> =
        error.details.iter().map(|(field, message)| json!({ "field": field, "message": message })).collect();
    match family {
        Family::Commerce => json!({ "code": error.code.as_str(), "message": error.message, "details": details }),
        Family::Komerza => {
            let mut body =
                json!({ "success": false, "message": error.message, "code": row(error.code).3, "data": null });
            if !details.is_empty() {
                body["errors"] = Value::Array(details);
            }
            body
        }
    }
}

/// An error in the envelope of `family`.
pub fn error(family: Family, error: &RestError) -> Response {
    let status = error.status.unwrap_or_else(|| status(family, error.code));
    let mut response = (status, Json(body(family, error))).into_response();
    if error.code == Code::Unauthenticated {
        response
            .headers_mut()
            .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
    }
    response
}

/// A Komerza single-object answer.
pub fn komerza(data: Value) -> Value {
    json!({ "success": true, "message": null, "code": null, "data": data })
}
