//! Frames on their way to a client: encoded to JSON text once, and told apart
//! by their typed [`ServerFrame`] variant, read before encoding.
//!
//! ```text
//!  engine thread: ServerFrame ──encode──▶ Outgoing { frame_type, text } ══frames══▶ socket task
//!                      └── FrameType::of ──┘                                           │
//!                                              relay.outgoing(&outgoing) ◀────────────┤
//!                                              (a presenter's room sorts by frame_type) ▼
//!                                                                               socket.send(text)
//! ```
//!
//! Nobody downstream reads the text back to learn what a frame is: the type
//! travels beside it, and so does what a `loaded` frame answering a `load`
//! loaded (with its seed, which the frame does not say), for a classroom
//! room's lecture.

use axum::extract::ws::Utf8Bytes;
use reactor_protocol::ServerFrame;
use reactor_protocol::export::lecture::Shown;

/// Which [`ServerFrame`] variant a frame is: its `"type"` tag, as a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameType {
    /// [`ServerFrame::Loaded`].
    Loaded,
    /// [`ServerFrame::Outline`].
    Outline,
    /// [`ServerFrame::Record`].
    Record,
    /// [`ServerFrame::Records`].
    Records,
    /// [`ServerFrame::Snapshot`].
    Snapshot,
    /// [`ServerFrame::Done`].
    Done,
    /// [`ServerFrame::Error`].
    Error,
    /// [`ServerFrame::Room`].
    Room,
    /// [`ServerFrame::View`].
    View,
    /// [`ServerFrame::Gather`].
    Gather,
    /// A poll's frames: [`ServerFrame::Poll`], [`ServerFrame::Tally`],
    /// [`ServerFrame::Answered`], [`ServerFrame::Revealed`].
    Poll,
}

impl FrameType {
    /// The variant of `frame`.
    pub(crate) fn of(frame: &ServerFrame) -> FrameType {
        match frame {
            ServerFrame::Loaded { .. } => FrameType::Loaded,
            ServerFrame::Outline(_) => FrameType::Outline,
            ServerFrame::Record { .. } => FrameType::Record,
            ServerFrame::Records { .. } => FrameType::Records,
            ServerFrame::Snapshot { .. } => FrameType::Snapshot,
            ServerFrame::Done => FrameType::Done,
            ServerFrame::Error { .. } => FrameType::Error,
            ServerFrame::Room(_) => FrameType::Room,
            ServerFrame::View(_) => FrameType::View,
            ServerFrame::Gather => FrameType::Gather,
            ServerFrame::Poll(_)
            | ServerFrame::Tally(_)
            | ServerFrame::Answered { .. }
            | ServerFrame::Revealed(_) => FrameType::Poll,
        }
    }
}

/// A frame for the client, encoded once, with what it is.
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    /// The variant the text encodes.
    pub(crate) frame_type: FrameType,
    /// The JSON text; clone it to share it (a reference count, not a copy).
    pub(crate) text: Utf8Bytes,
    /// For the `loaded` frame that answers a `load`: the scenario or program
    /// loaded, with its seed. `None` for every other frame, and for the
    /// `loaded` of a `reset`, which loads nothing new.
    pub(crate) loads: Option<Box<Shown>>,
}

impl Outgoing {
    /// Whether this frame shows the run changed: a scenario loaded or reset
    /// (`loaded`), or an action taken (`record`). A session is kept alive by
    /// such answers only, not by commands that change nothing.
    pub(crate) fn shows_change(&self) -> bool {
        matches!(self.frame_type, FrameType::Loaded | FrameType::Record)
    }
}

impl Outgoing {
    /// Encode `frame`. A frame that cannot be encoded becomes an `error`
    /// frame saying so, and is typed as one.
    pub(crate) fn encode(frame: &ServerFrame) -> Outgoing {
        match serde_json::to_string(frame) {
            Ok(text) => Outgoing {
                frame_type: FrameType::of(frame),
                text: Utf8Bytes::from(text),
                loads: None,
            },
            Err(error) => Outgoing {
                frame_type: FrameType::Error,
                text: Utf8Bytes::from(format!(
                    r#"{{"type":"error","message":"cannot encode a frame: {error}"}}"#
                )),
                loads: None,
            },
        }
    }

    /// This frame, saying it answers a `load` of `shown`.
    pub(crate) fn loading(self, shown: Option<Shown>) -> Outgoing {
        Outgoing {
            loads: shown.map(Box::new),
            ..self
        }
    }
}

/// `frame` as JSON text, for a frame whose type nobody needs to read.
pub(crate) fn encode(frame: &ServerFrame) -> Utf8Bytes {
    Outgoing::encode(frame).text
}

#[cfg(test)]
mod tests {
    use reactor_protocol::Snapshot;

    use super::*;

    #[test]
    fn only_loaded_and_records_show_a_change() {
        let changed = |frame: &ServerFrame| Outgoing::encode(frame).shows_change();
        assert!(changed(&ServerFrame::Loaded {
            scenario: "tcp_read".into()
        }));
        assert!(!changed(&ServerFrame::Done));
        assert!(!changed(&ServerFrame::Snapshot {
            state: Snapshot::default()
        }));
        assert!(!changed(&ServerFrame::error("unknown scenario")));
    }

    #[test]
    fn the_type_beside_the_text_is_the_tag_in_it() {
        let frames = [
            ServerFrame::Loaded {
                scenario: "tcp_read".into(),
            },
            ServerFrame::Snapshot {
                state: Snapshot::default(),
            },
            ServerFrame::Done,
            ServerFrame::error("no"),
        ];
        let expected = [
            ("loaded", FrameType::Loaded),
            ("snapshot", FrameType::Snapshot),
            ("done", FrameType::Done),
            ("error", FrameType::Error),
        ];
        for (frame, (tag, frame_type)) in frames.iter().zip(expected) {
            let outgoing = Outgoing::encode(frame);
            let json: serde_json::Value =
                serde_json::from_str(outgoing.text.as_str()).expect("JSON");
            assert_eq!(json["type"], tag, "{frame:?}");
            assert_eq!(outgoing.frame_type, frame_type, "{frame:?}");
        }
    }
}
