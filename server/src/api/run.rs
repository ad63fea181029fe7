//! `POST /api/run`: compile a playground program and run it to its end.
//!
//! ```text
//!  body ──▶ at most max_body_bytes (413), within the body timeout (408)
//!       ──▶ {"program","peer"?,"seed"?} (400, a string error)
//!       ──▶ a turn from the RunGate (503, Retry-After)
//!       ──▶ its own thread: compile (400 {"error":{message,line,column}})
//!                           run to the end (422 past the run time)
//!       ──▶ 200 Trace {"scenario":"program","records":[…],"final":{…}}
//!           (`?format=jsonl`: our trace file; `?format=chrome`: a Chrome trace)
//! ```
//!
//! The program is compiled and run on one thread of its own (its compiled
//! form is not `Send`; the interpreter needs the stack
//! [`ProgramLimits::thread_stack_bytes`](crate::ProgramLimits::thread_stack_bytes)
//! says). The turn travels with it: a client that hangs up does not free
//! its turn before its run ends. A run whose answer has not come
//! [`STUCK_GRACE`] after its run time is answered 500 and logged: the turn
//! stays with the thread, which is still busy.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use reactor_protocol::api::{ProgramRefused, RunRequest};
use reactor_protocol::export::Format;
use tokio::sync::oneshot;

use super::{ApiState, error};
use crate::programs::{Programs, RunFailed};
use crate::session::describe_panic;

/// Bytes of an oversized body read (and dropped) before answering 413, so
/// a client that sent a little too much reads the answer rather than a
/// reset connection. Past it the connection is simply closed after the answer.
const DRAIN_BYTES: usize = 1024 * 1024;

/// Seconds a client told "busy" is asked to wait (`Retry-After`).
const RETRY_AFTER_SECS: &str = "1";

/// How long past its run time a run may take to answer (compiling, the
/// last step, writing the trace) before it counts as stuck.
const STUCK_GRACE: Duration = Duration::from_secs(5);

/// The query `POST /api/run` takes: `?format=json|jsonl|chrome`, as
/// `GET /api/trace/{id}` (see [`super::trace`]).
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RunQuery {
    /// The format of the answer (`json` when absent).
    #[serde(default)]
    format: Format,
}

/// `POST /api/run`.
pub(super) async fn run(
    State(state): State<ApiState>,
    Query(query): Query<RunQuery>,
    request: Request,
) -> Response {
    let format = query.format;
    let programs = Arc::clone(&state.programs);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > DRAIN_BYTES.max(programs.limits.max_body_bytes)) {
        let (status, message) = too_big(&programs);
        return error(status, message);
    }
    let body = match read_body(request.into_body(), &programs).await {
        Ok(body) => body,
        Err((status, message)) => return error(status, message),
    };
    let asked: RunRequest = match serde_json::from_slice(&body) {
        Ok(asked) => asked,
        Err(problem) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "not a run request ({problem}): send {{\"program\":\"<source>\",\"peer\":\"<peer description>\"}}"
                ),
            );
        }
    };
    let permit = match programs.gate.enter().await {
        Ok(permit) => permit,
        Err(busy) => {
            let mut answer = error(StatusCode::SERVICE_UNAVAILABLE, busy.message());
            answer.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
            return answer;
        }
    };
    let patience = programs.limits.max_run_time.saturating_add(STUCK_GRACE);
    let (answer, ran) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("program-run".to_owned())
        .stack_size(programs.limits.thread_stack_bytes())
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| programs.trace(&asked, format)));
            // The engine is gone: the turn is free before the client hears.
            drop(permit);
            let _ = answer.send(outcome.map_err(|panic| describe_panic(&*panic).to_owned()));
        });
    if let Err(failed) = thread {
        tracing::error!("cannot start a thread to run a program: {failed}");
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server cannot start a run right now; try again later",
        );
    }
    match tokio::time::timeout(patience, ran).await {
        Ok(Ok(Ok(Ok(body)))) => {
            ([(header::CONTENT_TYPE, format.content_type())], body).into_response()
        }
        Ok(Ok(Ok(Err(RunFailed::Refused(fault))))) => (
            StatusCode::BAD_REQUEST,
            axum::Json(ProgramRefused { error: fault }),
        )
            .into_response(),
        Ok(Ok(Ok(Err(RunFailed::TooLong(message))))) => {
            error(StatusCode::UNPROCESSABLE_ENTITY, message)
        }
        Ok(Ok(Ok(Err(RunFailed::Broken(message))))) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, message)
        }
        Ok(Ok(Err(why))) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the playground failed on this program ({why}); please report it"),
        ),
        Ok(Err(_)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the run ended without an answer; please report it",
        ),
        Err(_) => {
            tracing::error!("a program run did not stop within {patience:?} of real time");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "the run did not stop within {} s: the playground failed to bound this \
                     program; please report it",
                    patience.as_secs_f32()
                ),
            )
        }
    }
}

/// A refusal: its status and message.
type Refusal = (StatusCode, String);

/// The 413 refusal.
fn too_big(programs: &Programs) -> Refusal {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is over {} bytes: a program may be at most {} bytes",
            programs.limits.max_body_bytes, programs.limits.playground.max_source_bytes
        ),
    )
}

/// The whole body, or why it is refused.
async fn read_body(body: Body, programs: &Programs) -> Result<Bytes, Refusal> {
    let limit = programs.limits.max_body_bytes;
    let read = async {
        let mut stream = body.into_data_stream();
        let mut bytes = Vec::new();
        let mut seen = 0_usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|failed| {
                (
                    StatusCode::BAD_REQUEST,
                    format!("the request body could not be read: {failed}"),
                )
            })?;
            seen = seen.saturating_add(chunk.len());
            if seen > limit {
                if seen > DRAIN_BYTES {
                    return Err(too_big(programs));
                }
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if seen > limit {
            return Err(too_big(programs));
        }
        Ok(Bytes::from(bytes))
    };
    let timeout = programs.body_timeout;
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or_else(|_| {
            Err((
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    timeout.as_secs_f32()
                ),
            ))
        })
}
