//! The REST answers (`/api/scenarios`, `/api/lessons`, `/api/lessons/{id}`,
//! `POST /api/rooms` and any error's body) read by hand from a `serde_json::Value`, like the frames in [`crate::decode`].
//!
//! Why by hand: every `serde_json::from_str::<T>` instantiates serde_json's
//! deserializer again for `T`, and the lesson types (a matcher with fourteen
//! optional fields, three enums) made that costly: reading these answers from
//! the one `Value` parser the frames already need made the wasm 33 KB smaller
//! (docs/benchmarks.md, "Web"). The tests check the result against serde's
//! derived decoder, and that the kind list holds every kind serde knows.

use reactor_protocol::frame::RoomCreated;
use reactor_protocol::lesson::{
    Choice, Lesson, LessonSummary, Matcher, OutcomeKind, Question, Stage, Term,
};
use reactor_protocol::{ApiError, Kind, ScenarioSummary};
use serde_json::Value;

use crate::decode::{
    Error, Object, cause, direction, field, flag, index, list, maybe, object, small, text, uint,
};

/// The fields a [`Matcher`] may carry (the protocol denies any other).
const MATCHER_FIELDS: [&str; 14] = [
    "kind",
    "task",
    "token",
    "op",
    "outcome",
    "direction",
    "cause",
    "level",
    "to_level",
    "deadline_ms",
    "timeout_ms",
    "readable",
    "writable",
    "text",
];

/// Parse `text_` and read it with `read`; `url` names the answer in errors.
fn parse<T>(text_: &str, url: &str, read: fn(&Value) -> Result<T, Error>) -> Result<T, Error> {
    let value: Value =
        serde_json::from_str(text_).map_err(|e| format!("{url} sent unexpected JSON: {e}"))?;
    read(&value).map_err(|e| format!("{url} sent unexpected JSON: {e}"))
}

fn items<T>(value: &Value, read: fn(&Value) -> Result<T, Error>) -> Result<Vec<T>, Error> {
    value
        .as_array()
        .ok_or_else(|| "expected a list".to_string())?
        .iter()
        .map(read)
        .collect()
}

/// `GET /api/scenarios`.
pub fn scenarios(text_: &str) -> Result<Vec<ScenarioSummary>, Error> {
    parse(text_, "/api/scenarios", |v| items(v, scenario))
}

/// `GET /api/lessons`.
pub fn lessons(text_: &str) -> Result<Vec<LessonSummary>, Error> {
    parse(text_, "/api/lessons", |v| items(v, lesson_summary))
}

/// `GET /api/lessons/{id}`, fetched from `url`.
pub fn lesson(text_: &str, url: &str) -> Result<Lesson, Error> {
    parse(text_, url, lesson_value)
}

/// `POST /api/rooms`.
pub fn room_created(text_: &str) -> Result<RoomCreated, Error> {
    parse(text_, "/api/rooms", room)
}

/// The body of a refusal from `/api/...`.
pub fn api_error(text_: &str) -> Result<ApiError, Error> {
    parse(text_, "the server", refusal)
}

fn room(value: &Value) -> Result<RoomCreated, Error> {
    let o = object(value, "room")?;
    Ok(RoomCreated {
        code: text(o, "code")?,
        presenter_key: text(o, "presenter_key")?,
        join: text(o, "join")?,
    })
}

fn refusal(value: &Value) -> Result<ApiError, Error> {
    Ok(ApiError {
        error: text(object(value, "error")?, "error")?,
    })
}

fn scenario(value: &Value) -> Result<ScenarioSummary, Error> {
    let o = object(value, "scenario")?;
    Ok(ScenarioSummary {
        id: text(o, "id")?,
        title: text(o, "title")?,
        summary: text(o, "summary")?,
    })
}

fn lesson_summary(value: &Value) -> Result<LessonSummary, Error> {
    let o = object(value, "lesson")?;
    Ok(LessonSummary {
        id: text(o, "id")?,
        title: text(o, "title")?,
        summary: text(o, "summary")?,
        scenario: text(o, "scenario")?,
        stages: index(o, "stages")?,
    })
}

fn lesson_value(value: &Value) -> Result<Lesson, Error> {
    let o = object(value, "lesson")?;
    Ok(Lesson {
        id: text(o, "id")?,
        title: text(o, "title")?,
        summary: text(o, "summary")?,
        scenario: text(o, "scenario")?,
        stages: list(o, "stages", stage)?,
        glossary: list(o, "glossary", term)?,
    })
}

fn stage(value: &Value) -> Result<Stage, Error> {
    let o = object(value, "stage")?;
    Ok(Stage {
        title: text(o, "title")?,
        matcher: matcher(field(o, "match")?)?,
        point_at: list(o, "point_at", |v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| "`point_at` holds a non-text item".to_string())
        })?,
        source: maybe(o, "source", text)?,
        html: text(o, "html")?,
        seq: maybe(o, "seq", uint)?,
        question: maybe(o, "question", |o, name| question(field(o, name)?))?,
    })
}

fn question(value: &Value) -> Result<Question, Error> {
    let o = object(value, "question")?;
    Ok(Question {
        text: text(o, "text")?,
        choices: list(o, "choices", choice)?,
        why: text(o, "why")?,
    })
}

fn choice(value: &Value) -> Result<Choice, Error> {
    let o = object(value, "choice")?;
    Ok(Choice {
        text: text(o, "text")?,
        matcher: matcher(field(o, "match")?)?,
    })
}

fn term(value: &Value) -> Result<Term, Error> {
    let o = object(value, "term")?;
    Ok(Term {
        id: text(o, "id")?,
        term: text(o, "term")?,
        html: text(o, "html")?,
    })
}

fn matcher(value: &Value) -> Result<Matcher, Error> {
    let o = object(value, "match")?;
    if let Some(unknown) = o.keys().find(|key| !MATCHER_FIELDS.contains(&key.as_str())) {
        return Err(format!("unknown field `{unknown}` in `match`"));
    }
    Ok(Matcher {
        kind: kind(o)?,
        task: maybe(o, "task", text)?,
        token: maybe(o, "token", index)?,
        op: maybe(o, "op", text)?,
        outcome: maybe(o, "outcome", outcome_kind)?,
        direction: maybe(o, "direction", |o, _| direction(o))?,
        cause: maybe(o, "cause", |o, _| cause(o))?,
        level: maybe(o, "level", small)?,
        to_level: maybe(o, "to_level", small)?,
        deadline_ms: maybe(o, "deadline_ms", uint)?,
        timeout_ms: maybe(o, "timeout_ms", uint)?,
        readable: maybe(o, "readable", flag)?,
        writable: maybe(o, "writable", flag)?,
        text: maybe(o, "text", text)?,
    })
}

fn kind(o: &Object) -> Result<Kind, Error> {
    let name = text(o, "kind")?;
    Kind::from_name(&name).ok_or_else(|| format!("unknown record kind `{name}`"))
}

fn outcome_kind(o: &Object, name: &str) -> Result<OutcomeKind, Error> {
    Ok(match text(o, name)?.as_str() {
        "ok" => OutcomeKind::Ok,
        "would_block" => OutcomeKind::WouldBlock,
        "failed" => OutcomeKind::Failed,
        other => return Err(format!("unknown outcome `{other}`")),
    })
}

#[cfg(test)]
#[path = "decode_api_tests.rs"]
mod tests;
