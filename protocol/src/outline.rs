//! The shape of a whole run, known before a single step is shown.
//!
//! A browser shows one record at a time, and fetches records and snapshots
//! only near the step it shows; but the scrub bar must span the whole run,
//! and a timeline must show where it parks, where the OS answers and where
//! it fails. The server runs the scenario once to its end (bounded by the
//! record limit, which every run respects) and sends this outline with the
//! `loaded` frame:
//!
//! ```text
//!  seq:      0 ─────────────────────────────────────────────── records
//!  actions:  ├──┤├──────┤├─┤├──┤ …         where each engine action ends
//!  turns:    ├────────────┤├───────── …    where each event-loop turn starts
//!  marks:       ▲park 5 ms  ▲os_event ▲wake     what a learner looks for
//! ```
//!
//! Runs are deterministic (a virtual clock, scripted peers), so the outline
//! describes the run the session's own engine then steps through.

use serde::{Deserialize, Serialize};

use crate::record::{Event, Record};

/// The shape of one whole run: its length, where its actions end and its
/// turns start, and the records a timeline marks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    /// Records the whole run makes.
    pub records: u64,
    /// How many records exist after each engine action, in order: strictly
    /// increasing, the last equal to `records`. One `step` command performs
    /// one action.
    pub actions: Vec<u64>,
    /// The `seq` of the first record of each event-loop turn, in order.
    pub turns: Vec<u64>,
    /// The records a timeline shows, in `seq` order.
    pub marks: Vec<Mark>,
}

/// One record a timeline shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The record's `seq`.
    pub seq: u64,
    /// What it is.
    pub kind: MarkKind,
    /// Parks only: virtual milliseconds the loop waited in the OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waited_ms: Option<u64>,
}

/// The kinds of record a timeline marks, each on a lane of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// The loop waited in the OS (`park`).
    Park,
    /// The OS reported readiness (`os_event`).
    OsEvent,
    /// A timer fired (`timer_fire`).
    TimerFire,
    /// A waker was woken (`wake`).
    Wake,
    /// Something failed (`error`).
    Error,
}

impl MarkKind {
    /// Every kind, in lane order.
    pub const ALL: [MarkKind; 5] = [
        MarkKind::Park,
        MarkKind::OsEvent,
        MarkKind::TimerFire,
        MarkKind::Wake,
        MarkKind::Error,
    ];

    /// The JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Park => "park",
            MarkKind::OsEvent => "os_event",
            MarkKind::TimerFire => "timer_fire",
            MarkKind::Wake => "wake",
            MarkKind::Error => "error",
        }
    }

    fn of(event: &Event) -> Option<MarkKind> {
        match event {
            Event::Park { .. } => Some(MarkKind::Park),
            Event::OsEvent { .. } => Some(MarkKind::OsEvent),
            Event::TimerFire { .. } => Some(MarkKind::TimerFire),
            Event::Wake { .. } => Some(MarkKind::Wake),
            Event::Error { .. } => Some(MarkKind::Error),
            _ => None,
        }
    }
}

/// Builds an [`Outline`] one action at a time, as a run is stepped.
#[derive(Clone, Debug, Default)]
pub struct OutlineBuilder {
    outline: Outline,
    last_turn: Option<u64>,
    /// The time of the park still waiting for its `unpark`.
    open_park_ms: Option<u64>,
}

impl OutlineBuilder {
    /// Add one action's records (in `seq` order, following the records
    /// added before). An action that recorded nothing changes nothing.
    pub fn add_action(&mut self, records: &[Record]) {
        let Some(last) = records.last() else {
            return;
        };
        let outline = &mut self.outline;
        for record in records {
            if self.last_turn != Some(record.turn) {
                outline.turns.push(record.seq);
                self.last_turn = Some(record.turn);
            }
            if let (Event::Unpark { .. }, Some(parked_at)) = (&record.event, self.open_park_ms) {
                if let Some(park) = outline
                    .marks
                    .iter_mut()
                    .rev()
                    .find(|m| m.kind == MarkKind::Park)
                {
                    park.waited_ms = Some(record.time_ms.saturating_sub(parked_at));
                }
                self.open_park_ms = None;
            }
            let Some(kind) = MarkKind::of(&record.event) else {
                continue;
            };
            if kind == MarkKind::Park {
                self.open_park_ms = Some(record.time_ms);
            }
            outline.marks.push(Mark {
                seq: record.seq,
                kind,
                waited_ms: (kind == MarkKind::Park).then_some(0),
            });
        }
        outline.records = last.seq + 1;
        outline.actions.push(outline.records);
    }

    /// The outline of the actions added.
    pub fn finish(self) -> Outline {
        self.outline
    }
}

impl Outline {
    /// The action that produces the record shown at `position` (records
    /// `..position` shown): its index in [`Outline::actions`], and the
    /// record counts before and after it. `None` at position 0 (the start
    /// state) and past the end.
    pub fn action_at(&self, position: u64) -> Option<(usize, u64, u64)> {
        if position == 0 {
            return None;
        }
        let index = self.actions.partition_point(|&end| end < position);
        let end = *self.actions.get(index)?;
        let start = index
            .checked_sub(1)
            .map_or(0, |before| self.actions[before]);
        Some((index, start, end))
    }

    /// Where "next turn" from `position` lands: the start of the first turn
    /// after the one the next record belongs to, or the end of the run.
    pub fn turn_end(&self, position: u64) -> u64 {
        let next = self.turns.partition_point(|&start| start <= position);
        self.turns.get(next).copied().unwrap_or(self.records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Source, WakeCause};

    fn record(seq: u64, turn: u64, time_ms: u64, event: Event) -> Record {
        Record {
            seq,
            turn,
            worker: 0,
            time_ms,
            event,
            source: Source {
                file: "test".into(),
                line: 1,
            },
            span: None,
        }
    }

    /// Two actions: a poll that pends, then a 5 ms park ended by a wake.
    fn two_actions() -> Outline {
        let mut builder = OutlineBuilder::default();
        builder.add_action(&[
            record(
                0,
                0,
                0,
                Event::Spawn {
                    task: 0,
                    name: "main".into(),
                },
            ),
            record(1, 0, 0, Event::Poll { task: 0 }),
            record(2, 0, 0, Event::Pending { task: 0 }),
        ]);
        builder.add_action(&[]);
        builder.add_action(&[
            record(
                3,
                0,
                0,
                Event::Park {
                    timeout_ms: Some(5),
                },
            ),
            record(
                4,
                0,
                5,
                Event::ClockAdvance {
                    from_ms: 0,
                    to_ms: 5,
                },
            ),
            record(5, 0, 5, Event::Unpark { events: 0 }),
            record(
                6,
                0,
                5,
                Event::Wake {
                    task: 0,
                    cause: WakeCause::Timer,
                },
            ),
            record(7, 1, 5, Event::Poll { task: 0 }),
        ]);
        builder.finish()
    }

    #[test]
    fn actions_turns_and_marks_follow_the_records() {
        let outline = two_actions();
        assert_eq!(outline.records, 8);
        assert_eq!(outline.actions, [3, 8], "an empty action adds nothing");
        assert_eq!(outline.turns, [0, 7]);
        let park = Mark {
            seq: 3,
            kind: MarkKind::Park,
            waited_ms: Some(5),
        };
        let wake = Mark {
            seq: 6,
            kind: MarkKind::Wake,
            waited_ms: None,
        };
        assert_eq!(outline.marks, [park, wake]);
    }

    #[test]
    fn a_position_belongs_to_the_action_that_recorded_its_last_record() {
        let outline = two_actions();
        assert_eq!(outline.action_at(0), None, "the start state");
        assert_eq!(outline.action_at(1), Some((0, 0, 3)));
        assert_eq!(outline.action_at(3), Some((0, 0, 3)));
        assert_eq!(outline.action_at(4), Some((1, 3, 8)));
        assert_eq!(outline.action_at(8), Some((1, 3, 8)));
        assert_eq!(outline.action_at(9), None, "past the end");
    }

    #[test]
    fn next_turn_lands_on_the_next_turns_first_record_or_the_end() {
        let outline = two_actions();
        assert_eq!(outline.turn_end(0), 7);
        assert_eq!(outline.turn_end(6), 7);
        assert_eq!(outline.turn_end(7), 8);
    }

    #[test]
    fn the_json_is_flat_under_its_frame_type() {
        let frame = crate::ServerFrame::Outline(two_actions());
        let json = serde_json::to_string(&frame).expect("encodes");
        assert!(json.starts_with(r#"{"type":"outline","records":8,"actions":[3,8],"turns":[0,7],"marks":[{"seq":3,"kind":"park","waited_ms":5},"#), "{json}");
        assert_eq!(
            serde_json::from_str::<crate::ServerFrame>(&json).expect("decodes"),
            frame
        );
    }
}
