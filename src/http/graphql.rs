//! `POST /graphql` executes GraphQL over HTTP for the caller named by `Authorization`;
//! `GET /graphql` serves GraphiQL to browsers.

use async_graphql::http::GraphiQLSource;
use async_graphql::ErrorExtensions;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::error::ApiError;
use crate::graphql;

pub async fn execute(State(state): State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let principal = match state.auth.authenticate(authorization).await {
        Ok(principal) => principal,
        Err(error) => return unauthenticated(error),
    };
    let request = graphql::prepare(request.into_inner(), &state.db, principal);
    let mut response = state.schema.execute(request).await;
    graphql::ensure_error_codes(&mut response);
    GraphQLResponse::from(response).into_response()
}

/// 401 with a GraphQL error body carrying the code.
fn unauthenticated(error: ApiError) -> Response {
    let mut response = async_graphql::Response::from_errors(vec![error.extend().into_server_error(Default::default())]);
    for error in &mut response.errors {
        error.locations.clear();
    }
    let status = if matches!(error, ApiError::Unauthenticated(_)) {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    (status, [(header::WWW_AUTHENTICATE, "Bearer")], GraphQLResponse::from(response)).into_response()
}

pub async fn graphiql() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").title("commerce-gateway GraphiQL").finish())
}
