//! The presenter's socket: an ordinary session (engine thread and all, see
//! [`crate::session`]) with a [`Relay`] that shares what it sends with the room.
//!
//! ```text
//!  presenter ══ws══▶ session pump ──▶ engine thread
//!     │                  │  ▲
//!     │    {"cmd":"view"}│  │frames (encoded once, typed)
//!     │   {"cmd":"end"}  ▼  │
//!     └─────────────── PresenterRelay ──publish──▶ Room ──▶ every follower
//!                         ▲
//!              room notices (counts, the end, poll tallies)
//! ```
//!
//! Each text frame is read as JSON once: its `cmd` name says whether it is a
//! presenter command (`view`, `end`, `gather`, `poll`, `reveal`), decoded
//! here and never sent to the engine, or a session command, decoded for the
//! engine thread. A presenter command the room refuses (a malformed poll,
//! one poll too many, a reveal with none open) is answered with an `error`
//! through the engine thread, in order with the session's other answers. Frames the
//! session sends arrive typed ([`Outgoing`]): `loaded`, `record`, `snapshot`
//! and `done` go to the followers; `error` frames answer the presenter's own
//! mistakes and stay private.
//!
//! The frames the session writes together (one flush: a step's `record`
//! and `snapshot`) go to the room together ([`Relay::outgoing_done`]), so
//! each follower is woken, and writes, once for them.
//!
//! A `loaded` frame that answers a `load` closes the room's open poll
//! unanswered: its question was about the run now gone.
//!
//! The relay also keeps the room's lecture ([`super::lecture`]): every valid
//! `view`, and every `load` the engine carried out (its `loaded` frame says
//! what was loaded, with the seed), each timed as it passes here.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::export::lecture::Shown;
use reactor_protocol::frame::{PresenterCommand, ViewPosition};
use reactor_protocol::{MAX_ID_LEN, ServerFrame, valid_id};
use tokio::sync::watch;

use super::follower::ending;
use super::history::Frame;
use super::registry::Registry;
use super::room::{Ended, Kind, PresenterSeat};
use super::{CLOSE_ENDED, CLOSE_REPLACED};
use crate::session::request::Envelope;
use crate::session::{FrameType, Outgoing, Relay, RelayEvent, Request, encode};

/// Shares a presenter's session with its room.
pub(crate) struct PresenterRelay {
    seat: PresenterSeat,
    registry: Arc<Registry>,
    ended: watch::Receiver<Option<Ended>>,
    closing: Option<(u16, String)>,
    /// Frames of the batch being written, for the room in one go.
    batch: Vec<(Utf8Bytes, Kind)>,
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
            batch: Vec::new(),
        }
    }

    fn view(&self, position: ViewPosition) -> Option<Request> {
        if let Some(lesson) = &position.lesson
            && !valid_id(lesson)
        {
            return Some(Request::Invalid(format!(
                "bad \"view\" command: \"lesson\" must be a lesson id such as \"tcp-read\" \
                 (at most {MAX_ID_LEN} of a-z, 0-9, - and _)"
            )));
        }
        let now = Instant::now();
        let frame = encode(&ServerFrame::View(position.clone()));
        self.seat.room.publish(&frame, Kind::View, now);
        self.seat.room.record(Shown::View(position), now);
        None
    }
}

impl Relay for PresenterRelay {
    fn incoming(&mut self, text: &str) -> Option<Request> {
        // The room counts as used only when what the class sees changes
        // (`Room::publish` decides), not for every frame a script sends.
        match route(text) {
            Route::Engine(request) => Some(request),
            Route::Relay(PresenterCommand::View(position)) => self.view(position),
            Route::Relay(PresenterCommand::End) => {
                self.registry
                    .end(self.seat.room.code(), "the presenter ended the room");
                None
            }
            Route::Relay(PresenterCommand::Gather) => {
                self.seat.room.gather();
                None
            }
            Route::Relay(PresenterCommand::Poll(question)) => (self.seat.room)
                .open_poll(question, Instant::now())
                .err()
                .map(Request::Invalid),
            Route::Relay(PresenterCommand::Reveal { right }) => (self.seat.room)
                .reveal_poll(right, Instant::now())
                .err()
                .map(Request::Invalid),
        }
    }

    fn outgoing(&mut self, frame: &Outgoing) {
        let now = Instant::now();
        if frame.loads.is_some() {
            // A new run: a poll about the old one closes, unanswered,
            // after what came before it and before the run.
            self.outgoing_done();
            self.seat.room.close_poll();
        }
        if let Some(kind) = room_kind(frame.frame_type) {
            self.batch.push((frame.text.clone(), kind));
        }
        if let Some(shown) = &frame.loads {
            self.seat.room.record(Shown::clone(shown), now);
        }
    }

    fn outgoing_done(&mut self) {
        if !self.batch.is_empty() {
            self.seat.room.publish_all(&self.batch, Instant::now());
            self.batch.clear();
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

/// Where a presenter's text frame goes.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// A presenter command, for the relay.
    Relay(PresenterCommand),
    /// A session command, or what is wrong with the frame, for the engine
    /// thread (which answers in order with the session's other frames).
    Engine(Request),
}

/// Read `text` once and route it by its `cmd` name.
fn route(text: &str) -> Route {
    let envelope = match Envelope::read(text) {
        Ok(envelope) => envelope,
        Err(message) => return Route::Engine(Request::Invalid(message)),
    };
    if !PresenterCommand::NAMES.contains(&envelope.name()) {
        return Route::Engine(envelope.into_request());
    }
    match envelope.decode::<PresenterCommand>() {
        Ok(command) => Route::Relay(command),
        Err(message) => Route::Engine(Request::Invalid(message)),
    }
}

/// How the room keeps a frame the session sends; `None` for frames that stay
/// with the presenter.
fn room_kind(frame_type: FrameType) -> Option<Kind> {
    match frame_type {
        FrameType::Loaded => Some(Kind::Run(Frame::Loaded)),
        FrameType::Outline => Some(Kind::Run(Frame::Outline)),
        // A room keeps and forwards one record or several alike.
        FrameType::Record | FrameType::Records => Some(Kind::Run(Frame::Record)),
        FrameType::Snapshot => Some(Kind::Run(Frame::Snapshot)),
        FrameType::Done => Some(Kind::Run(Frame::Done)),
        // Errors answer the presenter's own mistakes. Room and view frames
        // reach the room by their own ways, never from the engine thread.
        FrameType::Error
        | FrameType::Room
        | FrameType::View
        | FrameType::Gather
        | FrameType::Poll => None,
    }
}

#[cfg(test)]
mod tests {
    use reactor_protocol::{Command, Snapshot};

    use super::*;

    fn kept_as(frame: &ServerFrame) -> Option<Kind> {
        room_kind(Outgoing::encode(frame).frame_type)
    }

    #[test]
    fn frames_are_kept_by_their_type() {
        let loaded = ServerFrame::Loaded {
            scenario: "tcp_read".into(),
        };
        assert_eq!(kept_as(&loaded), Some(Kind::Run(Frame::Loaded)));
        let snapshot = ServerFrame::Snapshot {
            state: Snapshot::default(),
        };
        assert_eq!(kept_as(&snapshot), Some(Kind::Run(Frame::Snapshot)));
        assert_eq!(kept_as(&ServerFrame::Done), Some(Kind::Run(Frame::Done)));
        let error = ServerFrame::error("no");
        assert_eq!(kept_as(&error), None, "errors stay private");
    }

    #[test]
    fn presenter_commands_are_picked_out_and_the_rest_passed_on() {
        assert_eq!(
            route(r#"{"cmd":"step"}"#),
            Route::Engine(Request::Command(Command::Step))
        );
        assert!(matches!(
            route("not json"),
            Route::Engine(Request::Invalid(message)) if message.starts_with("not JSON")
        ));
        assert_eq!(
            route(r#"{"cmd":"end"}"#),
            Route::Relay(PresenterCommand::End)
        );
        let view = route(r#"{"cmd":"view","step":3,"lesson":"tcp-read","stage":2}"#);
        let at = ViewPosition {
            step: 3,
            lesson: Some("tcp-read".into()),
            stage: Some(2),
        };
        assert_eq!(view, Route::Relay(PresenterCommand::View(at)));
        assert!(matches!(
            route(r#"{"cmd":"view","step":"three"}"#),
            Route::Engine(Request::Invalid(message)) if message.starts_with("bad \"view\" command")
        ));
    }
}
