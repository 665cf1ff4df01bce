//! Content negotiation of GraphQL over HTTP: the media type an answer is written in, chosen
//! from the request's `Accept`, and the status that goes with it.
//!
//! - `application/graphql-response+json`: a request refused before execution (it does not parse
//!   or validate, a variable does not coerce, a limit is exceeded) answers 400 with no `data`
//!   entry; once execution has started the answer is 200, whatever its errors.
//! - `application/json` (also for `*/*`, `application/*` and a missing `Accept`, as the
//!   specification asks until its watershed): 200 for every GraphQL answer, errors in the body.
//! - Anything else: 406.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::graphql::exec::engine::Answer;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// The media type of a GraphQL answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    GraphQLResponse,
    Json,
}

impl Media {
    /// The media type `Accept` prefers (highest `q`, then the more specific range), or `None`
    /// when it names none that a GraphQL answer can be written in.
    pub fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let ranges: Vec<&str> = accept_ranges(headers).collect();
        if ranges.is_empty() {
            return Some(Self::Json);
        }
        let mut best: Option<(f32, u8, Self)> = None;
        for range in ranges {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let (rank, media) = if media.eq_ignore_ascii_case(GRAPHQL_RESPONSE) {
                (3, Self::GraphQLResponse)
            } else if media.eq_ignore_ascii_case("application/json") {
                (2, Self::Json)
            } else if media == "*/*" || media.eq_ignore_ascii_case("application/*") {
                (1, Self::Json)
            } else {
                continue;
            };
            let better = best.is_none_or(|(q, r, _)| quality > q || (quality == q && rank > r));
            if quality > 0.0 && better {
                best = Some((quality, rank, media));
            }
        }
        best.map(|(_, _, media)| media)
    }

    /// Whether `Accept` asks for a page (a browser's address bar): `GET /graphql` then serves
    /// GraphiQL rather than treating the request as GraphQL.
    pub fn wants_page(headers: &HeaderMap) -> bool {
        accept_ranges(headers)
            .any(|range| range.split(';').next().is_some_and(|media| media.trim().eq_ignore_ascii_case("text/html")))
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json",
        })
    }

    /// An engine's answer to one request (its fields in the order the document selected them).
    pub fn answer(self, answer: Answer) -> Response {
        match (self, answer.executed) {
            (Self::GraphQLResponse, false) => {
                let mut body =
                    serde_json::to_value(&answer.response).unwrap_or_else(|_| Value::Object(Default::default()));
                if let Some(object) = body.as_object_mut() {
                    object.remove("data");
                }
                self.write(StatusCode::BAD_REQUEST, &body)
            }
            _ => self.write(StatusCode::OK, &answer.response),
        }
    }

    /// `body` as this media type with `status`.
    pub fn write(self, status: StatusCode, body: &impl Serialize) -> Response {
        match serde_json::to_vec(body) {
            Ok(bytes) => (status, [(header::CONTENT_TYPE, self.content_type())], bytes).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// 406: `Accept` names no media type a GraphQL answer is written in.
pub fn not_acceptable() -> Response {
    super::graphql::error_response(
        StatusCode::NOT_ACCEPTABLE,
        crate::error::Code::Validation,
        "Accept names no media type this endpoint answers in: application/graphql-response+json or application/json",
    )
}

fn accept_ranges(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|range| !range.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("header"));
        }
        headers
    }

    #[test]
    fn accept_chooses_the_media_type() {
        let cases = [
            (None, Some(Media::Json)),
            (Some("*/*"), Some(Media::Json)),
            (Some("application/json"), Some(Media::Json)),
            (Some("application/graphql-response+json"), Some(Media::GraphQLResponse)),
            (Some("application/graphql-response+json, application/json"), Some(Media::GraphQLResponse)),
            (Some("application/json, application/graphql-response+json;q=0.9"), Some(Media::Json)),
            (Some("application/graphql-response+json;q=0, application/json"), Some(Media::Json)),
            (Some("text/html,application/xhtml+xml,*/*;q=0.8"), Some(Media::Json)),
            (Some("text/plain"), None),
            (Some("application/json;q=0"), None),
        ];
        for (header, expected) in cases {
            assert_eq!(Media::negotiate(&accept(header)), expected, "Accept: {header:?}");
        }
    }

    #[test]
    fn only_an_accept_that_names_html_asks_for_the_page() {
        assert!(Media::wants_page(&accept(Some("text/html,application/xhtml+xml,*/*;q=0.8"))));
        assert!(!Media::wants_page(&accept(Some("*/*"))));
        assert!(!Media::wants_page(&accept(Some("application/json"))));
        assert!(!Media::wants_page(&accept(None)));
    }
}
