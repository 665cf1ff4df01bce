//! `GET /metrics`: Prometheus text exposition.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::AppState;

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "# HELP commerce_db_statements_total SQL statements executed.\n\
         # TYPE commerce_db_statements_total counter\n\
         commerce_db_statements_total {}\n",
        state.statements.get()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
