//! The JSON API under `/api`.
//!
//! | route                      | answer                                               |
//! |----------------------------|------------------------------------------------------|
//! | `GET /api/scenarios`       | `[{id, title, summary}]`                             |
//! | `GET /api/trace/{id}`      | `{scenario, records, final}`, a whole run, cached    |
//! | `GET /api/source`          | the engine source files the server can show          |
//! | `GET /api/source/{*path}`  | one engine source file, as text                      |
//! | `GET /api/lessons`         | the lesson list                                      |
//! | `GET /api/lessons/{id}`    | one lesson                                           |
//!
//! Every failure is a status code with a body `{"error": "..."}`
//! ([`reactor_protocol::ApiError`]), including routes that do not exist.

pub(crate) mod source;
mod trace;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use reactor_protocol::{ApiError, ScenarioSummary};

use crate::lessons::Lessons;
pub(crate) use trace::TraceCache;

/// What the API handlers share.
#[derive(Clone)]
struct ApiState {
    traces: Arc<TraceCache>,
    lessons: Arc<Lessons>,
}

/// The `/api` routes.
pub(crate) fn router(traces: TraceCache, catalog: Lessons) -> Router {
    let state = ApiState {
        traces: Arc::new(traces),
        lessons: Arc::new(catalog),
    };
    Router::new()
        .route("/api/scenarios", get(scenarios))
        .route("/api/trace/{id}", get(trace))
        .route("/api/source", get(source::list))
        .route("/api/source/{*path}", get(source::file))
        .route("/api/lessons", get(lessons))
        .route("/api/lessons/{id}", get(lesson))
        .with_state(state)
}

/// A JSON error answer.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(ApiError {
            error: message.into(),
        }),
    )
        .into_response()
}

/// The answer for any path under `/api` that names nothing.
pub(crate) fn no_such_route(path: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("no API route {path}: see docs/protocol.md"),
    )
}

/// A JSON body that was serialised once and is handed out as is.
fn json_bytes(body: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn scenarios() -> axum::Json<Vec<ScenarioSummary>> {
    let list = reactor_engine::scenarios()
        .iter()
        .map(|info| ScenarioSummary {
            id: info.id.to_owned(),
            title: info.title.to_owned(),
            summary: info.summary.to_owned(),
        })
        .collect();
    axum::Json(list)
}

async fn trace(State(state): State<ApiState>, Path(id): Path<String>) -> Response {
    match state.traces.get(&id).await {
        None => error(StatusCode::NOT_FOUND, format!("unknown scenario `{id}`")),
        Some(Err(message)) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
        Some(Ok(body)) => json_bytes(body),
    }
}

async fn lessons(State(state): State<ApiState>) -> Response {
    axum::Json(state.lessons.index()).into_response()
}

async fn lesson(State(state): State<ApiState>, Path(id): Path<String>) -> Response {
    match state.lessons.get(&id) {
        Some(lesson) => axum::Json(lesson).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("unknown lesson `{id}`")),
    }
}
