//! `POST /graphql` executes GraphQL over HTTP; `GET /graphql` serves GraphiQL to browsers.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::response::Html;

use super::AppState;
use crate::graphql;

pub async fn execute(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let request = graphql::prepare(request.into_inner(), &state.db);
    state.schema.execute(request).await.into()
}

pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("commerce-gateway GraphiQL")
            .finish(),
    )
}
