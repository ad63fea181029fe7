//! A room's lecture: its presenter's moves, kept as they are made, for the
//! presenter to save (`GET /api/rooms/{code}/lecture?key=KEY`, in `http`)
//! and the app to replay on `/replay` (the file is
//! [`reactor_protocol::export::lecture`]).
//!
//! ```text
//!  {"cmd":"load",…} ─▶ engine thread ─▶ loaded frame, with what it loaded ─┐
//!  {"cmd":"view",…} ─▶ PresenterRelay: a valid view ──────────────────────┤
//!                                                                         ▼
//!        Room::record(shown, now) ─▶ Recorder { moves, bytes }   at_ms = now − room created
//!                                      ≤ max_lecture_moves and ≤ max_lecture_bytes;
//!                                      past either: truncated, every later move dropped
//!        Registry::end ─▶ KeptLecture { key, JSON }  (the last max_rooms rooms to end)
//! ```
//!
//! A move is what the room carried out: a `load` of a scenario or a program
//! is kept when the engine answers it with `loaded` (a load it refused
//! answers `error` and is no move), with the seed it ran; a `view` when the
//! relay accepts it (a malformed one is answered `error` and is no move).
//! A view equal to the move just before it adds nothing and is not kept. A
//! `reset` is no move: the run is the same, and the app reports the
//! position it shows next with a view. Past a cap nothing more is kept, so
//! a truncated lecture is still the lecture's true beginning.

use std::io;
use std::time::Duration;

use axum::body::Bytes;
use reactor_protocol::export::lecture::{Lecture, LectureMove, Shown};

use super::code::KeyDigest;

/// The moves of one room's presenter, within the room's caps.
#[derive(Debug)]
pub(crate) struct Recorder {
    lecture: Lecture,
    /// Bytes of the moves kept, as the lecture's JSON spells them.
    bytes: usize,
    max_moves: usize,
    max_bytes: usize,
}

impl Recorder {
    /// An empty lecture of room `room`, keeping at most `max_moves` moves
    /// and `max_bytes` bytes of them.
    pub(crate) fn new(room: &str, max_moves: usize, max_bytes: usize) -> Recorder {
        Recorder {
            lecture: Lecture::new(room),
            bytes: 0,
            max_moves,
            max_bytes,
        }
    }

    /// Keep `shown`, made `at` after the room opened (never before the move
    /// kept before it), unless it is a view equal to that move, or the
    /// lecture is full.
    pub(crate) fn record(&mut self, at: Duration, shown: Shown) {
        if self.lecture.truncated {
            return;
        }
        let last = self.lecture.moves.last();
        if let (Shown::View(position), Some(last)) = (&shown, last)
            && matches!(&last.shown, Shown::View(before) if before == position)
        {
            return;
        }
        let at_ms = u64::try_from(at.as_millis()).unwrap_or(u64::MAX);
        let made = LectureMove {
            at_ms: at_ms.max(last.map_or(0, |last| last.at_ms)),
            shown,
        };
        // A comma between moves.
        let bytes = json_len(&made) + 1;
        if self.lecture.moves.len() >= self.max_moves
            || self.bytes.saturating_add(bytes) > self.max_bytes
        {
            self.lecture.truncated = true;
            return;
        }
        self.bytes += bytes;
        self.lecture.moves.push(made);
    }

    /// The lecture so far as its JSON file.
    pub(crate) fn json(&self) -> Bytes {
        Bytes::from(serde_json::to_vec(&self.lecture).unwrap_or_else(|error| {
            // Plain strings and numbers: serde_json cannot fail on them.
            tracing::error!("cannot encode a lecture: {error}");
            Vec::new()
        }))
    }
}

/// The lecture of a room that has ended, as its file, with the key that
/// opens it.
pub(crate) struct KeptLecture {
    key: KeyDigest,
    json: Bytes,
}

impl KeptLecture {
    /// The lecture `json` of the room whose presenter key is `key`.
    pub(crate) fn new(key: KeyDigest, json: Bytes) -> KeptLecture {
        KeptLecture { key, json }
    }

    /// Whether `candidate` is the room's presenter key (constant time).
    pub(crate) fn is_presenter_key(&self, candidate: &str) -> bool {
        self.key.matches(candidate)
    }

    /// The lecture file (a reference count, not a copy).
    pub(crate) fn json(&self) -> Bytes {
        self.json.clone()
    }
}

/// Bytes of `made` in JSON, counted without keeping them.
fn json_len(made: &LectureMove) -> usize {
    let mut counter = Counter(0);
    match serde_json::to_writer(&mut counter, made) {
        Ok(()) => counter.0,
        Err(_) => usize::MAX,
    }
}

/// A writer that only counts.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use reactor_protocol::frame::ViewPosition;

    use super::*;
    use crate::rooms::code::PresenterKey;

    fn view(step: u64) -> Shown {
        Shown::View(ViewPosition {
            step,
            lesson: None,
            stage: None,
        })
    }

    fn load(scenario: &str) -> Shown {
        Shown::Load {
            scenario: scenario.into(),
            seed: 0,
        }
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn recorder(max_moves: usize) -> Recorder {
        Recorder::new("K7QX2MPD", max_moves, 1024 * 1024)
    }

    #[test]
    fn moves_are_kept_in_order_with_their_times() {
        let mut lecture = recorder(100);
        lecture.record(ms(0), load("tcp_read"));
        lecture.record(ms(1200), view(3));
        let staged = Shown::View(ViewPosition {
            step: 5,
            lesson: Some("tcp-read".into()),
            stage: Some(2),
        });
        lecture.record(ms(3400), staged.clone());
        let program = Shown::Program {
            program: "fn main() {}".into(),
            peer: "accept".into(),
            seed: 7,
        };
        lecture.record(ms(9100), program.clone());
        let kept = &lecture.lecture;
        assert_eq!(kept.room, "K7QX2MPD");
        assert!(!kept.truncated);
        let moves: Vec<(u64, &Shown)> = kept.moves.iter().map(|m| (m.at_ms, &m.shown)).collect();
        assert_eq!(
            moves,
            [
                (0, &load("tcp_read")),
                (1200, &view(3)),
                (3400, &staged),
                (9100, &program)
            ]
        );
    }

    #[test]
    fn a_view_equal_to_the_move_before_is_not_repeated() {
        let mut lecture = recorder(100);
        lecture.record(ms(0), load("tcp_read"));
        lecture.record(ms(10), view(3));
        lecture.record(ms(20), view(3));
        lecture.record(ms(30), view(4));
        lecture.record(ms(40), view(3));
        lecture.record(ms(50), load("tcp_read"));
        lecture.record(ms(60), view(3));
        let times: Vec<u64> = lecture.lecture.moves.iter().map(|m| m.at_ms).collect();
        assert_eq!(
            times,
            [0, 10, 30, 40, 50, 60],
            "the same view again after another view or a load is a move"
        );
    }

    #[test]
    fn times_never_go_back() {
        let mut lecture = recorder(100);
        lecture.record(ms(500), view(1));
        lecture.record(ms(400), view(2));
        let times: Vec<u64> = lecture.lecture.moves.iter().map(|m| m.at_ms).collect();
        assert_eq!(times, [500, 500]);
    }

    #[test]
    fn past_the_cap_of_moves_the_rest_is_dropped_and_the_lecture_says_so() {
        let mut lecture = recorder(3);
        for step in 0..10 {
            lecture.record(ms(step * 100), view(step));
        }
        let kept = &lecture.lecture;
        assert!(kept.truncated);
        let steps: Vec<&Shown> = kept.moves.iter().map(|m| &m.shown).collect();
        assert_eq!(steps, [&view(0), &view(1), &view(2)], "the beginning stays");
    }

    #[test]
    fn past_the_cap_of_bytes_nothing_more_is_kept_however_small() {
        let big = Shown::Program {
            program: "x".repeat(500),
            peer: String::new(),
            seed: 0,
        };
        let mut lecture = Recorder::new("K7QX2MPD", 100, 700);
        lecture.record(ms(0), view(1));
        lecture.record(ms(1), big.clone());
        lecture.record(ms(2), big);
        lecture.record(ms(3), view(2));
        let kept = &lecture.lecture;
        assert!(kept.truncated);
        assert_eq!(kept.moves.len(), 2, "the second program does not fit");
        let file = lecture.json();
        assert!(file.len() < 700 + 200, "{} bytes", file.len());
    }

    #[test]
    fn bytes_are_counted_as_the_file_spells_them() {
        let mut lecture = recorder(100);
        lecture.record(ms(4200), view(3));
        lecture.record(ms(9100), load("tcp_read"));
        let file = String::from_utf8(lecture.json().to_vec()).expect("UTF-8");
        let moves = &file[file.find('[').expect("moves") + 1..file.find(']').expect("end")];
        assert_eq!(moves.len() + 1, lecture.bytes, "{moves}");
        let back: Lecture = serde_json::from_str(&file).expect("reads back");
        assert_eq!(&back, &lecture.lecture);
    }

    #[test]
    fn a_kept_lecture_opens_with_its_key_only() {
        let key = PresenterKey::random().expect("randomness");
        let mut lecture = recorder(100);
        lecture.record(ms(0), view(1));
        let kept = KeptLecture::new(KeyDigest::of(&key), lecture.json());
        assert!(kept.is_presenter_key(&key.to_hex()));
        assert!(!kept.is_presenter_key("0123456789abcdef0123456789abcdef"));
        assert_eq!(kept.json(), lecture.json());
    }
}
