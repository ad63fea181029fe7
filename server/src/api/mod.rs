//! The JSON API under `/api`.
//!
//! | route                      | answer                                               |
//! |----------------------------|------------------------------------------------------|
//! | `GET /api/scenarios`       | `[{id, title, summary}]`                             |
//! | `GET /api/scenarios/{id}/program` | `{scenario, file, first_line, lines}`, its program |
//! | `GET /api/trace/{id}`      | `{scenario, records, final}`, a whole run, cached; `?format=jsonl` our trace file, `?format=chrome` a Chrome trace, `?seed=N` (see [`trace`]) |
//! | `GET /api/playground/examples` | `[{id, title, scenario, program, peer}]`: programs to start from |
//! | `POST /api/run`            | `{scenario: "program", records, final}`: a playground program's whole run (see [`run`]) |
//! | `GET /api/source`          | the engine source files the server can show          |
//! | `GET /api/source/{*path}`  | one engine source file, as text                      |
//! | `GET /api/lessons`         | the lesson list                                      |
//! | `GET /api/lessons/{id}`    | one lesson                                           |
//!
//! Every failure is a status code with a body `{"error": "..."}`
//! ([`reactor_protocol::ApiError`]), including routes that do not exist.
//! Handlers answer with [`error`]; whatever else fails under `/api` —
//! a method the route does not take (405, with its `Allow` header), a path
//! that does not decode (400), any extractor's rejection — is rewritten into
//! the same shape by [`json_errors`], which wraps the whole router:
//!
//! | failure | status | `error` says |
//! |---|---|---|
//! | no such route | 404 | `no API route /api/…: see docs/protocol.md` |
//! | wrong method | 405 | `POST is not allowed on /api/scenarios: use GET,HEAD` |
//! | undecodable path, bad query | 400 | the extractor's own words |
//! | a handler's own failure | its own | its own words |
//!
//! One answer has another shape: `POST /api/run`'s 400 for a program that
//! does not compile is `{"error": {"message", "line", "column", "in_peer"?}}`
//! ([`reactor_protocol::api::ProgramRefused`]), so a browser can underline
//! the place.

mod examples;
pub(crate) mod files;
mod precompressed;
mod program;
mod run;
pub(crate) mod source;
mod trace;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reactor_protocol::{ApiError, ScenarioSummary};

use crate::lessons::Lessons;
use crate::programs::Programs;
use precompressed::Precompressed;
pub(crate) use trace::{TraceCache, TraceQuery};

/// What the API handlers share.
#[derive(Clone)]
struct ApiState {
    traces: Arc<TraceCache>,
    /// `GET /api/scenarios`' answer, compressed once.
    scenario_list: Arc<Precompressed>,
    /// `GET /api/lessons`' answer, compressed once.
    lesson_index: Arc<Precompressed>,
    lessons: Arc<Lessons>,
    programs: Arc<Programs>,
}

/// The `/api` routes.
pub(crate) fn router(traces: TraceCache, catalog: Lessons, programs: Arc<Programs>) -> Router {
    let state = ApiState {
        traces: Arc::new(traces),
        scenario_list: Arc::new(Precompressed::new(&scenario_list())),
        lesson_index: Arc::new(Precompressed::new(&catalog.index())),
        lessons: Arc::new(catalog),
        programs,
    };
    Router::new()
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenarios/{id}/program", get(program::get))
        .route("/api/trace/{id}", get(trace))
        .route("/api/run", post(run::run))
        .route("/api/playground/examples", get(examples::get))
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

/// Longest body of a non-JSON failure read back to become the JSON message;
/// axum's rejections are one short sentence.
const MAX_REJECTION_BYTES: usize = 4 * 1024;

/// Whether `path` is under `/api`.
fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Make every failure under `/api` a JSON [`ApiError`] with a message,
/// whoever produced it (a handler's own JSON errors pass unchanged).
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !is_api(&path) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_REJECTION_BYTES)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let message = if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = parts
            .headers
            .get(header::ALLOW)
            .and_then(|allow| allow.to_str().ok())
            .unwrap_or("another method");
        format!("{method} is not allowed on {path}: use {allowed}")
    } else if text.is_empty() {
        let reason = status.canonical_reason().unwrap_or("failed");
        format!("{reason}: {method} {path}")
    } else {
        format!("{text} ({method} {path})")
    };
    // Keep what the failure said besides its body, such as `Allow`.
    let mut answer = error(status, message);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name.clone(), value.clone());
        }
    }
    answer
}

async fn scenarios(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    state.scenario_list.answer(&headers)
}

/// `GET /api/scenarios`' answer: every built-in scenario.
fn scenario_list() -> Vec<ScenarioSummary> {
    reactor_engine::scenarios()
        .iter()
        .map(|info| ScenarioSummary {
            id: info.id.to_owned(),
            title: info.title.to_owned(),
            summary: info.summary.to_owned(),
        })
        .collect()
}

async fn trace(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    Query(query): Query<TraceQuery>,
) -> Response {
    match state.traces.get(&id, query).await {
        None => error(StatusCode::NOT_FOUND, format!("unknown scenario `{id}`")),
        Some(Err(message)) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
        Some(Ok(body)) => {
            ([(header::CONTENT_TYPE, query.format.content_type())], body).into_response()
        }
    }
}

async fn lessons(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    state.lesson_index.answer(&headers)
}

async fn lesson(State(state): State<ApiState>, Path(id): Path<String>) -> Response {
    match state.lessons.get(&id) {
        Some(lesson) => axum::Json(lesson).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("unknown lesson `{id}`")),
    }
}
