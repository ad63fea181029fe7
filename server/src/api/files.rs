//! The API as files, for a static export (`crate::export`): every answer
//! the app reads, made by the functions that answer its routes, written
//! where [`reactor_protocol::static_site`] says the app looks for it.
//!
//! | file                              | the answer to                                  |
//! |-----------------------------------|------------------------------------------------|
//! | `api/scenarios.json`              | `GET /api/scenarios`                           |
//! | `api/lessons.json`                | `GET /api/lessons`                             |
//! | `api/lessons/<id>.json`           | `GET /api/lessons/{id}` (with its glossary terms) |
//! | `api/scenarios/<id>/program.json` | `GET /api/scenarios/{id}/program`              |
//! | `api/trace/<id>.jsonl`            | `GET /api/trace/{id}?format=jsonl` (seed 0)    |
//! | `api/source/<path>.txt`           | `GET /api/source/{path}`                       |
//!
//! What only a running server answers is left out: the playground's
//! examples and runs, classroom rooms, other seeds, other trace formats.

use reactor_protocol::export::Format;
use reactor_protocol::static_site::{answer_file, trace_file};
use serde::Serialize;

use super::trace::{TraceQuery, render};
use crate::lessons::Lessons;

/// Hand every answer the app reads to `write`, as the path of its file
/// (from the site's root, such as `/api/scenarios.json`) and its body;
/// scenario runs stop at `max_records`, as the server's do.
///
/// # Errors
/// A scenario that cannot be run, or the first error of `write`.
pub(crate) fn write_answers(
    lessons: &Lessons,
    max_records: u64,
    mut write: impl FnMut(&str, &[u8]) -> Result<(), String>,
) -> Result<(), String> {
    write(
        &answer_file("/api/scenarios"),
        &json(&super::scenario_list()),
    )?;
    write(&answer_file("/api/lessons"), &json(&lessons.index()))?;
    for summary in lessons.index() {
        if let Some(lesson) = lessons.get(&summary.id) {
            let route = format!("/api/lessons/{}", summary.id);
            write(&answer_file(&route), &json(lesson))?;
        }
    }
    for info in reactor_engine::scenarios() {
        if let Some(program) = super::program::program(info.id) {
            let route = format!("/api/scenarios/{}/program", info.id);
            write(&answer_file(&route), &json(&program))?;
        }
        let query = TraceQuery {
            format: Format::Jsonl,
            seed: 0,
        };
        write(&trace_file(info.id), &render(info.id, query, max_records)?)?;
    }
    for (path, text) in super::source::all() {
        write(
            &answer_file(&format!("/api/source/{path}")),
            text.as_bytes(),
        )?;
    }
    Ok(())
}

/// `body` as `axum::Json` sends it: serde_json's compact text. Plain data:
/// serialising cannot fail.
fn json(body: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}
