//! Which tasks wait only on each other: a deadlock, found exactly.
//!
//! A task whose *only* stored wakers sit in join slots can only run again
//! when one of the tasks it awaits completes. If every task it awaits is
//! in the same position, none of them can ever complete:
//!
//! ```text
//!   ping ── awaits ──▶ pong          candidates: ping → {pong}, pong → {ping},
//!    ▲                  │                        main → {ping}
//!    └──── awaits ──────┘            drop any whose awaited task is not a
//!   main ── awaits ──▶ ping          candidate; repeat until nothing drops:
//!                                    {main, ping, pong} can never finish
//! ```
//!
//! A task that also has a timer, a socket or an unseen waker is not a
//! candidate: something else might wake it.

use std::collections::{BTreeSet, HashMap};

use reactor_protocol::TaskId;

/// The tasks of `only_joins` (each idle task whose wakers are all in join
/// slots, with the tasks it awaits) that can never finish: the largest set
/// whose members await only members.
pub(crate) fn closed_set(only_joins: &HashMap<TaskId, Vec<TaskId>>) -> BTreeSet<TaskId> {
    let mut set: BTreeSet<TaskId> = only_joins.keys().copied().collect();
    loop {
        let before = set.len();
        let keep: BTreeSet<TaskId> = set
            .iter()
            .copied()
            .filter(|task| {
                only_joins
                    .get(task)
                    .is_some_and(|awaited| awaited.iter().all(|other| set.contains(other)))
            })
            .collect();
        set = keep;
        if set.len() == before {
            return set;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_and_whoever_awaits_it_are_closed() {
        let graph = HashMap::from([(1, vec![2]), (2, vec![1]), (0, vec![1])]);
        assert_eq!(closed_set(&graph), BTreeSet::from([0, 1, 2]));
    }

    #[test]
    fn a_chain_to_a_task_that_can_run_is_not() {
        // 3 is not a candidate (it has a timer, say): 2 may finish, so 1 may.
        let graph = HashMap::from([(1, vec![2]), (2, vec![3])]);
        assert!(closed_set(&graph).is_empty());
    }
}
