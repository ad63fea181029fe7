//! A lecture: what a classroom room's presenter showed, and when, saved to
//! replay later at its own pace or a move at a time.
//!
//! ```text
//!  {"format":"reactor-lab-lecture","version":1,"room":"K7QX2MPD","moves":[
//!    {"at_ms":0,"kind":"load","scenario":"tcp_read"},
//!    {"at_ms":4200,"kind":"view","step":3},
//!    {"at_ms":9100,"kind":"view","step":12,"lesson":"tcp-read","stage":2},
//!    …],"truncated":false}
//! ```
//!
//! The server keeps a room's moves as its presenter makes them (bounded:
//! past the cap, `truncated` is set and later moves are not kept) and hands
//! them to the presenter; the app replays them on `/replay`. Runs are
//! deterministic, so a move names a position, never a copy of the run.

use serde::{Deserialize, Serialize};

use crate::frame::ViewPosition;

/// The file's `format`.
pub const FORMAT: &str = "reactor-lab-lecture";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// A room's moves, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lecture {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written by this build.
    pub version: u32,
    /// The room's code.
    pub room: String,
    /// Every move kept, in the order made.
    pub moves: Vec<LectureMove>,
    /// Moves past the room's cap were made and not kept.
    #[serde(default)]
    pub truncated: bool,
}

/// One move of the presenter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureMove {
    /// Milliseconds since the room opened.
    pub at_ms: u64,
    /// What the presenter did.
    #[serde(flatten)]
    pub shown: Shown,
}

/// What a move showed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shown {
    /// A built-in scenario loaded, from its start.
    Load {
        /// Scenario id.
        scenario: String,
        /// The interleaving (0: round-robin).
        #[serde(default)]
        seed: u64,
    },
    /// A playground program loaded, from its start.
    Program {
        /// The program.
        program: String,
        /// Its peer description.
        #[serde(default)]
        peer: String,
        /// The interleaving (0: round-robin).
        #[serde(default)]
        seed: u64,
    },
    /// The presenter's view moved: a step, and the lesson stage if one is open.
    View(ViewPosition),
}

impl Lecture {
    /// An empty lecture of room `room`.
    pub fn new(room: &str) -> Lecture {
        Lecture {
            format: FORMAT.to_string(),
            version: VERSION,
            room: room.to_string(),
            moves: Vec::new(),
            truncated: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lecture_reads_back_as_written() {
        let mut lecture = Lecture::new("K7QX2MPD");
        lecture.moves.push(LectureMove {
            at_ms: 0,
            shown: Shown::Load {
                scenario: "tcp_read".into(),
                seed: 0,
            },
        });
        lecture.moves.push(LectureMove {
            at_ms: 9100,
            shown: Shown::View(ViewPosition {
                step: 12,
                lesson: Some("tcp-read".into()),
                stage: Some(2),
            }),
        });
        let text = serde_json::to_string(&lecture).expect("plain data");
        assert!(
            text.contains(
                r#"{"at_ms":9100,"kind":"view","step":12,"lesson":"tcp-read","stage":2}"#
            ),
            "{text}"
        );
        let back: Lecture = serde_json::from_str(&text).expect("reads");
        assert_eq!(back, lecture);
    }
}
