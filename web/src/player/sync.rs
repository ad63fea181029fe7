//! What the server's engine holds, as far as this client knows, and how
//! many `step` commands to keep in flight towards a goal.

use crate::plan::{Goal, Plan};

/// Most `step` commands in flight at once, when the goal is far ahead.
pub(super) const PIPELINE: usize = 8;

/// Missing records per extra step in flight. An action records anything from
/// one record to hundreds, so the number of steps a goal needs is unknown:
/// the player keeps one step in flight until the goal is twice this far
/// ahead, then one more per this many missing records, up to [`PIPELINE`].
/// A learner stepping, or a goal a few actions away, is never overshot; a
/// far goal (a deep link, a late lesson stage, a replay after reconnecting)
/// may be passed by a few actions, whose records wait ahead in the history.
const RECORDS_PER_STEP_IN_FLIGHT: usize = 16;

/// The server's engine as this client knows it.
///
/// Invariants: `loaded` is true only between a `loaded` frame and the socket
/// closing; `in_flight` counts the `load` and `step` commands sent and not yet
/// answered — each is answered by exactly one `snapshot` or one `error` —
/// and is at most [`PIPELINE`]; `records` counts the records the server's
/// engine has made since it loaded, as its last frame said (a `snapshot` may
/// count some that come with the next step); it is below `history.len()`
/// only while replaying after a reconnect. No `step` is sent while a
/// `seek` is in flight, nor a `seek` while steps are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ServerSync {
    pub(super) loaded: bool,
    pub(super) in_flight: usize,
    pub(super) done: bool,
    pub(super) records: usize,
    /// A `seek` is in flight: it is answered once a snapshot of at least
    /// this many records comes (or `done`, or an error).
    pub(super) seeking: Option<usize>,
}

impl ServerSync {
    /// How many steps should be in flight for `goal`, planned as `planned`
    /// over a history of `recorded` records: 0 when nothing is missing.
    pub(super) fn depth(self, planned: Plan, goal: Goal, recorded: usize) -> usize {
        // How many records the server still owes: up to the goal, or up to
        // what we had before a reconnect (one step when the goal's distance
        // is unknown, as for "next turn").
        let target = match (planned, goal) {
            (Plan::NeedMore, Goal::Position(wanted)) => wanted.max(recorded),
            (Plan::NeedMore, _) => self.records.max(recorded) + 1,
            (Plan::Arrive(_) | Plan::Seek(_), _) => recorded,
        };
        // `records` counts what the engine recorded, which can run ahead of
        // the frames: `load` records main's spawn but sends it with the
        // first step. So a goal not yet reached always asks for one step.
        let missing = target.saturating_sub(self.records);
        if matches!(planned, Plan::Seek(_)) {
            0
        } else if planned == Plan::NeedMore || missing > 0 {
            (missing / RECORDS_PER_STEP_IN_FLIGHT).clamp(1, PIPELINE)
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(records: usize) -> ServerSync {
        ServerSync {
            loaded: true,
            records,
            ..ServerSync::default()
        }
    }

    #[test]
    fn a_near_goal_asks_for_one_step_and_a_far_one_for_several() {
        let step = Goal::Position(11);
        assert_eq!(at(10).depth(Plan::NeedMore, step, 10), 1);
        assert_eq!(at(10).depth(Plan::NeedMore, Goal::TurnEnd, 10), 1);
        assert_eq!(at(0).depth(Plan::NeedMore, Goal::Position(64), 0), 4);
        assert_eq!(
            at(0).depth(Plan::NeedMore, Goal::Position(5000), 0),
            PIPELINE
        );
    }

    #[test]
    fn an_arrived_goal_asks_for_nothing_unless_a_replay_is_behind() {
        assert_eq!(at(10).depth(Plan::Arrive(10), Goal::Idle, 10), 0);
        // Reconnected: the new engine has 0 records, the history 100.
        assert_eq!(at(0).depth(Plan::Arrive(40), Goal::Idle, 100), 6);
    }
}
