//! Each family's envelopes: how an error code becomes an HTTP status and a body, and how a
//! successful Komerza answer is wrapped.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::route::{Family, RestError};

/// The HTTP status of a GraphQL error code in `family`.
pub fn status(family: Family, code: &str) -> StatusCode {
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "CONFLICT" => StatusCode::CONFLICT,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        // The Commerce API answers business-rule violations with 422.
        "INSUFFICIENT_STOCK" | "INVALID_TRANSITION" if family == Family::Commerce => StatusCode::UNPROCESSABLE_ENTITY,
        "INSUFFICIENT_STOCK" | "INVALID_TRANSITION" => StatusCode::CONFLICT,
        "VALIDATION" => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Komerza's names for the codes.
fn komerza_code(code: &str) -> &'static str {
    match code {
        "UNAUTHENTICATED" => "Unauthorized",
        "FORBIDDEN" => "AccessDenied",
        "NOT_FOUND" => "NotFound",
        "VALIDATION" => "ValidationError",
        "CONFLICT" => "Conflict",
        "INSUFFICIENT_STOCK" => "InsufficientStock",
        "INVALID_TRANSITION" => "InvalidTransition",
        "RATE_LIMITED" => "RateLimited",
        _ => "InternalError",
    }
}

/// An error in the envelope of `family`.
pub fn error(family: Family, error: &RestError) -> Response {
    let details: Vec<Value> =
        error.details.iter().map(|(field, message)| json!({ "field": field, "message": message })).collect();
    let body = match family {
        Family::Commerce => json!({ "code": error.code, "message": error.message, "details": details }),
        Family::Komerza => {
            let mut body =
                json!({ "success": false, "message": error.message, "code": komerza_code(error.code), "data": null });
            if !details.is_empty() {
                body["errors"] = Value::Array(details);
            }
            body
        }
    };
    let status = error.status.unwrap_or_else(|| status(family, error.code));
    let mut response = (status, Json(body)).into_response();
    if error.code == "UNAUTHENTICATED" {
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
