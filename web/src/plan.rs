//! How the player reaches where it is heading: arrive from the history
//! it holds, ask the server for the next action (`step`), or for a jump
//! (`seek`). Pure: the [`crate::player`] acts on what [`plan`] says.
//!
//! ```text
//!  goal ─▶ wanted position ─▶ shown by the history?  ── yes ─▶ Arrive
//!                               │ no
//!                               ├─ the engine's next action makes it ─▶ NeedMore (step)
//!                               └─ anything else ─────────────────────▶ Seek
//! ```

use crate::history::History;

/// Where the player is heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Goal {
    /// Nowhere: stay.
    #[default]
    Idle,
    /// Show this many records.
    Position(usize),
    /// The end of the turn of the next record.
    TurnEnd,
}

/// What to do for a goal, given the history so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The goal is reached at this position.
    Arrive(usize),
    /// Ask the server for another step first.
    NeedMore,
    /// Ask the server to bring its engine to this position: it is further
    /// than the next action, or behind the engine.
    Seek(usize),
}

/// Decide how to reach `goal` from `position`. `engine_at` is how many
/// records the server's engine has made, or `None` when this client does not
/// drive it (a room's follower shows what the room sends, and a state
/// replayed over thinned checkpoints rather than nothing).
pub fn plan(history: &History, position: usize, goal: Goal, engine_at: Option<usize>) -> Plan {
    let settled = history.settled();
    let wanted = match goal {
        Goal::Idle => return Plan::Arrive(position.min(history.len())),
        Goal::Position(wanted) => match history.outline() {
            Some(outline) => wanted.min(outline.records as usize),
            None => wanted,
        },
        Goal::TurnEnd => match history.turn_end(position) {
            Some(end) => end,
            None => return Plan::NeedMore,
        },
    };
    if history.shows(wanted) {
        return Plan::Arrive(wanted);
    }
    if history.outline().is_none() {
        return match goal {
            Goal::Position(_) if history.is_done() => Plan::Arrive(history.len()),
            _ => Plan::NeedMore,
        };
    }
    let Some(engine_at) = engine_at else {
        return if wanted <= settled {
            Plan::Arrive(wanted)
        } else {
            Plan::NeedMore
        };
    };
    // One step away: the engine's next action makes the wanted record, and
    // the state before that action is here.
    let engine_at = history.engine_boundary(engine_at);
    let next_action = history.action_start(wanted) == Some(engine_at);
    if next_action && history.has_checkpoint(engine_at) {
        Plan::NeedMore
    } else {
        Plan::Seek(wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{snapshot, tcp_read};
    use crate::history::tests::{filled, outlined};

    #[test]
    fn plan_asks_for_more_only_when_needed() {
        let mut history = filled(&[2, 5]);
        assert_eq!(
            plan(&history, 0, Goal::Position(3), Some(history.len())),
            Plan::Arrive(3)
        );
        assert_eq!(
            plan(&history, 0, Goal::Position(12), Some(history.len())),
            Plan::NeedMore
        );
        assert_eq!(
            plan(&history, 4, Goal::Idle, Some(history.len())),
            Plan::Arrive(4)
        );
        assert_eq!(
            plan(&history, 4, Goal::TurnEnd, Some(history.len())),
            Plan::NeedMore
        );
        history.set_done();
        assert_eq!(
            plan(&history, 0, Goal::Position(12), Some(history.len())),
            Plan::Arrive(7)
        );
        assert_eq!(
            plan(&history, 4, Goal::TurnEnd, Some(history.len())),
            Plan::Arrive(7)
        );
    }

    #[test]
    fn the_player_waits_for_the_snapshot_that_closes_a_record() {
        let mut history = filled(&[2]);
        // The next action's first record is here, its snapshot not yet.
        let record = tcp_read().into_iter().nth(2).expect("a third record");
        history.push_record(record).unwrap();
        assert_eq!((history.len(), history.settled()), (3, 2));
        assert_eq!(
            plan(&history, 2, Goal::Position(3), Some(history.len())),
            Plan::NeedMore
        );
        history.push_snapshot(snapshot(3));
        assert_eq!(
            plan(&history, 2, Goal::Position(3), Some(history.len())),
            Plan::Arrive(3)
        );
    }

    #[test]
    fn the_next_action_is_a_step_and_anything_else_a_seek() {
        let mut history = outlined();
        history.push_snapshot(snapshot(0));
        // The engine at its start: the first action is one step away.
        assert_eq!(
            plan(&history, 0, Goal::Position(1), Some(0)),
            Plan::NeedMore
        );
        // The load's own snapshot may count main's spawn already.
        assert_eq!(
            plan(&history, 0, Goal::Position(1), Some(1)),
            Plan::NeedMore
        );
        assert_eq!(plan(&history, 0, Goal::Position(9), Some(0)), Plan::Seek(9));
        assert_eq!(
            plan(&history, 0, Goal::Position(99), Some(0)),
            Plan::Seek(12)
        );
        // These twelve records are all in the first turn: it ends with them.
        assert_eq!(plan(&history, 0, Goal::TurnEnd, Some(0)), Plan::Seek(12));
        for record in tcp_read().into_iter().take(7) {
            history.push_record(record).unwrap();
        }
        history.push_snapshot(snapshot(2));
        history.push_snapshot(snapshot(7));
        assert_eq!(
            plan(&history, 7, Goal::Position(3), Some(7)),
            Plan::Arrive(3)
        );
        assert_eq!(
            plan(&history, 7, Goal::Position(8), Some(7)),
            Plan::NeedMore
        );
        // The engine went on past what this client shows: back is a seek.
        assert_eq!(
            plan(&history, 7, Goal::Position(8), Some(12)),
            Plan::Seek(8)
        );
        // A follower never asks: it shows what came, or waits.
        assert_eq!(plan(&history, 7, Goal::Position(8), None), Plan::NeedMore);
        assert_eq!(plan(&history, 7, Goal::Position(5), None), Plan::Arrive(5));
    }
}
