//! The presenter's socket: an ordinary session (engine thread and all, see
//! [`crate::session`]) with a [`Relay`] that shares what it sends with the room.
//!
//! ```text
//!  presenter ══ws══▶ session pump ──▶ engine thread
//!     │                  │  ▲
//!     │    {"cmd":"view"}│  │frames (encoded once)
//!     │   {"cmd":"end"}  ▼  │
//!     └─────────────── PresenterRelay ──publish──▶ Room ──▶ every follower
//!                         ▲
//!              room notices (counts, the end)
//! ```
//!
//! `loaded`, `record`, `snapshot` and `done` go to the followers; `error`
//! frames answer the presenter's own mistakes and stay private. `view` and
//! `end` never reach the engine: the relay handles them on the socket task.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::ServerFrame;
use reactor_protocol::frame::{PresenterCommand, ViewPosition};
use tokio::sync::watch;

use super::follower::ending;
use super::registry::Registry;
use super::room::{Ended, Kind, PresenterSeat};
use super::{CLOSE_ENDED, CLOSE_REPLACED};
use crate::session::{Relay, RelayEvent, Request, request};

/// Longest lesson id a `view` may name; lesson ids are short file names.
const MAX_LESSON_ID: usize = 64;

/// Shares a presenter's session with its room.
pub(crate) struct PresenterRelay {
    seat: PresenterSeat,
    registry: Arc<Registry>,
    ended: watch::Receiver<Option<Ended>>,
    closing: Option<(u16, String)>,
}

impl PresenterRelay {
    /// Relay for the presenter sitting in `seat`.
    pub(crate) fn new(seat: PresenterSeat, registry: Arc<Registry>) -> PresenterRelay {
        let ended = seat.room.ended();
        PresenterRelay {
            seat,
            registry,
            ended,
            closing: None,
        }
    }

    fn view(&self, position: ViewPosition) -> Option<Request> {
        if let Some(lesson) = &position.lesson
            && !valid_lesson_id(lesson)
        {
            return Some(Request::Invalid(format!(
                "bad \"view\" command: \"lesson\" must be a lesson id such as \"tcp-read\" \
                 (at most {MAX_LESSON_ID} of a-z, 0-9, - and _)"
            )));
        }
        let text = serde_json::to_string(&ServerFrame::View(position)).unwrap_or_default();
        self.seat.room.publish(&Utf8Bytes::from(text), Kind::View);
        None
    }
}

impl Relay for PresenterRelay {
    fn incoming(&mut self, text: &str) -> Option<Request> {
        self.seat.room.touch(Instant::now());
        match presenter_command(text) {
            None => Some(request::parse(text)),
            Some(Ok(PresenterCommand::View(position))) => self.view(position),
            Some(Ok(PresenterCommand::End)) => {
                self.registry
                    .end(self.seat.room.code(), "the presenter ended the room");
                None
            }
            Some(Err(message)) => Some(Request::Invalid(message)),
        }
    }

    fn outgoing(&mut self, frame: &Utf8Bytes) {
        if let Some(kind) = kind_of(frame.as_str()) {
            self.seat.room.publish(frame, kind);
        }
    }

    async fn event(&mut self) -> RelayEvent {
        if let Some((code, reason)) = self.closing.take() {
            return RelayEvent::Close(code, reason);
        }
        tokio::select! {
            biased;
            over = ending(&mut self.ended) => match over {
                Some(over) => self.finish(over),
                None => RelayEvent::Close(CLOSE_ENDED, "the room has ended".to_owned()),
            },
            notice = self.seat.notices.recv() => match notice {
                Some(frame) => RelayEvent::Frame(frame),
                None => {
                    // The room ends before it drops the queue, so an end shows here.
                    let over = self.seat.room.ended().borrow().clone();
                    match over {
                        Some(over) => self.finish(over),
                        None => RelayEvent::Close(
                            CLOSE_REPLACED,
                            "another window is presenting this room now".to_owned(),
                        ),
                    }
                }
            },
        }
    }
}

impl PresenterRelay {
    /// Send the final room frame now, close on the next call.
    fn finish(&mut self, over: Ended) -> RelayEvent {
        let code = self.seat.room.code();
        self.closing = Some((
            CLOSE_ENDED,
            format!("room {code} has ended: {}", over.reason),
        ));
        RelayEvent::Frame(over.frame)
    }
}

/// `None` when `text` is not a presenter command (the session parses it);
/// otherwise the command, or what is wrong with it.
fn presenter_command(text: &str) -> Option<Result<PresenterCommand, String>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let name = value.get("cmd")?.as_str()?;
    if !PresenterCommand::NAMES.contains(&name) {
        return None;
    }
    let name = name.to_owned();
    Some(serde_json::from_value(value).map_err(|error| format!("bad \"{name}\" command: {error}")))
}

/// How the room keeps a frame the session sends, by its `type`; `None` for
/// frames that stay with the presenter (`error`).
///
/// serde writes the tag of [`ServerFrame`] first, so the prefix is enough and
/// no frame is parsed again; a unit test holds serde to that.
fn kind_of(frame: &str) -> Option<Kind> {
    const LOADED: &str = r#"{"type":"loaded""#;
    const STREAM: [&str; 3] = [
        r#"{"type":"record""#,
        r#"{"type":"snapshot""#,
        r#"{"type":"done""#,
    ];
    if frame.starts_with(LOADED) {
        Some(Kind::Loaded)
    } else if STREAM.iter().any(|prefix| frame.starts_with(prefix)) {
        Some(Kind::Stream)
    } else {
        None
    }
}

fn valid_lesson_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LESSON_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use reactor_protocol::Snapshot;

    use super::*;

    fn encoded(frame: &ServerFrame) -> String {
        serde_json::to_string(frame).expect("encodes")
    }

    #[test]
    fn frames_are_sorted_by_their_type_prefix() {
        let loaded = ServerFrame::Loaded {
            scenario: "tcp_read".into(),
        };
        assert_eq!(kind_of(&encoded(&loaded)), Some(Kind::Loaded));
        let snapshot = ServerFrame::Snapshot {
            state: Snapshot::default(),
        };
        assert_eq!(kind_of(&encoded(&snapshot)), Some(Kind::Stream));
        assert_eq!(kind_of(&encoded(&ServerFrame::Done)), Some(Kind::Stream));
        let error = ServerFrame::Error {
            message: "no".into(),
        };
        assert_eq!(kind_of(&encoded(&error)), None, "errors stay private");
        assert_eq!(kind_of(r#"{"type":"recorder"}"#), None);
    }

    #[test]
    fn presenter_commands_are_picked_out_and_the_rest_passed_on() {
        assert_eq!(presenter_command(r#"{"cmd":"step"}"#), None);
        assert_eq!(presenter_command("not json"), None);
        assert_eq!(
            presenter_command(r#"{"cmd":"end"}"#),
            Some(Ok(PresenterCommand::End))
        );
        let view = presenter_command(r#"{"cmd":"view","step":3,"lesson":"tcp-read","stage":2}"#);
        let at = ViewPosition {
            step: 3,
            lesson: Some("tcp-read".into()),
            stage: Some(2),
        };
        assert_eq!(view, Some(Ok(PresenterCommand::View(at))));
        let bad = presenter_command(r#"{"cmd":"view","step":"three"}"#).expect("ours");
        assert!(bad.unwrap_err().starts_with("bad \"view\" command"));
    }

    #[test]
    fn lesson_ids_are_checked() {
        assert!(valid_lesson_id("tcp-read"));
        assert!(!valid_lesson_id(""));
        assert!(!valid_lesson_id("../etc"));
        assert!(!valid_lesson_id(&"a".repeat(65)));
    }
}
