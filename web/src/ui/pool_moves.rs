//! Which tasks crossed from one lane of the pool picture to another in
//! the step shown, in words: the arrow [`super::pool`] draws between lanes.
//!
//! ```text
//!   block_on thread ─push─▶ inject queue ─inject_taken─▶ worker 3
//!   worker 2 ─overflow─▶ inject queue        worker 3 ─steal─▶ worker 2
//! ```
//!
//! A step is one engine action: one thread acting once. The arrow is that
//! action's latest move between lanes, up to the record shown, its count
//! summed over the action's moves of the same kind between the same lanes
//! (the `block_on` thread spawning four tasks pushes four). Every word is
//! in the past tense: the records it counts are all shown.

use reactor_protocol::{BLOCK_ON_THREAD, Event, Queue, Record};

/// One row of the pool picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// The thread that called `block_on` (it polls `main` only).
    BlockOn,
    /// The shared inject queue.
    Inject,
    /// A worker, by index.
    Worker(u32),
}

impl Lane {
    /// The lane of the thread a record's `worker` names.
    pub fn of_thread(worker: u32) -> Lane {
        if worker == BLOCK_ON_THREAD {
            Lane::BlockOn
        } else {
            Lane::Worker(worker)
        }
    }

    /// Its CSS grid row, from 1: the `block_on` thread, the inject queue,
    /// then the workers in order.
    pub fn row(self) -> u32 {
        match self {
            Lane::BlockOn => 1,
            Lane::Inject => 2,
            Lane::Worker(id) => 3 + id,
        }
    }

    /// Its name in a sentence.
    pub fn name(self) -> String {
        match self {
            Lane::BlockOn => "the block_on thread".into(),
            Lane::Inject => "the inject queue".into(),
            Lane::Worker(id) => format!("worker {id}"),
        }
    }

    /// Its `data-lane` value: `block_on`, `inject`, `w2`.
    pub fn id(self) -> String {
        match self {
            Lane::BlockOn => "block_on".into(),
            Lane::Inject => "inject".into(),
            Lane::Worker(id) => format!("w{id}"),
        }
    }
}

/// How tasks crossed between lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveKind {
    /// A worker stole from another's local queue (`steal`).
    Steal,
    /// A full local queue sent half its tasks to the inject queue (`overflow`).
    Overflow,
    /// A thread pushed a task onto the inject queue (`push` to `inject`).
    Pushed,
    /// A worker took a share of the inject queue (`inject_taken`).
    Taken,
}

impl MoveKind {
    /// The `data-kind` value: the record kind.
    pub fn id(self) -> &'static str {
        match self {
            MoveKind::Steal => "steal",
            MoveKind::Overflow => "overflow",
            MoveKind::Pushed => "push",
            MoveKind::Taken => "inject_taken",
        }
    }
}

/// Tasks that crossed from one lane to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    /// How.
    pub kind: MoveKind,
    /// The lane they left.
    pub from: Lane,
    /// The lane they reached.
    pub to: Lane,
    /// How many.
    pub count: u32,
}

impl Move {
    /// The move a record makes, if it moves tasks between lanes (a push to
    /// the acting worker's own slot or queue stays in its lane).
    pub fn of(record: &Record) -> Option<Move> {
        let acting = Lane::of_thread(record.worker);
        let (kind, from, to, count) = match &record.event {
            Event::Steal { from, count } => (MoveKind::Steal, Lane::Worker(*from), acting, *count),
            Event::Overflow { count } => (MoveKind::Overflow, acting, Lane::Inject, *count),
            Event::InjectTaken { count } => (MoveKind::Taken, Lane::Inject, acting, *count),
            Event::Push {
                queue: Queue::Inject,
                ..
            } => (MoveKind::Pushed, acting, Lane::Inject, 1),
            _ => return None,
        };
        Some(Move {
            kind,
            from,
            to,
            count,
        })
    }

    /// The latest move among `shown` (one action's records, up to the one
    /// shown), with the count of every move of its kind between its lanes.
    pub fn latest(shown: &[Record]) -> Option<Move> {
        let moves = || shown.iter().filter_map(Move::of);
        let last = moves().next_back()?;
        let same = |m: &Move| (m.kind, m.from, m.to) == (last.kind, last.from, last.to);
        let count = moves().filter(same).map(|m| m.count).sum();
        Some(Move { count, ..last })
    }

    /// The move in words: `worker 2 stole 8 tasks from worker 3`.
    pub fn sentence(&self) -> String {
        let tasks = if self.count == 1 {
            "1 task".to_string()
        } else {
            format!("{} tasks", self.count)
        };
        let (from, to) = (self.from.name(), self.to.name());
        match self.kind {
            MoveKind::Steal => format!("{to} stole {tasks} from {from}"),
            MoveKind::Overflow => {
                format!("{from}'s full local queue sent {tasks} to the inject queue")
            }
            MoveKind::Pushed => format!("{from} pushed {tasks} onto the inject queue"),
            MoveKind::Taken => format!("{to} took {tasks} from the inject queue"),
        }
    }
}

/// The seed "Shuffle" loads after `seed`: another small one, from 1 to
/// 9999, so it is easy to read out and type; the same after the same.
pub fn next_seed(seed: u64) -> u64 {
    // splitmix64's finaliser: neighbouring seeds land far apart.
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    let next = z % 9999 + 1;
    if next == seed { next % 9999 + 1 } else { next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::Source;

    fn record(worker: u32, event: Event) -> Record {
        Record {
            seq: 0,
            turn: 0,
            worker,
            time_ms: 0,
            event,
            source: Source {
                file: "engine/src/runtime/multi_thread/worker.rs".into(),
                line: 1,
            },
            span: None,
        }
    }

    #[test]
    fn a_steal_goes_from_the_victim_to_the_thief() {
        let shown = [
            record(2, Event::Steal { from: 3, count: 8 }),
            record(2, Event::Notify { target: 1 }),
            record(2, Event::Poll { task: 2 }),
        ];
        let moved = Move::latest(&shown).expect("a move");
        assert_eq!(
            (moved.from, moved.to, moved.count),
            (Lane::Worker(3), Lane::Worker(2), 8)
        );
        assert_eq!(moved.sentence(), "worker 2 stole 8 tasks from worker 3");
        assert!(Lane::Worker(3).row() > Lane::Worker(2).row());
    }

    #[test]
    fn pushes_of_one_action_add_up_and_own_queues_are_no_move() {
        let push = |task, queue| record(BLOCK_ON_THREAD, Event::Push { task, queue });
        let shown = [
            push(1, Queue::Inject),
            push(2, Queue::Inject),
            push(3, Queue::Inject),
        ];
        let moved = Move::latest(&shown).expect("a move");
        assert_eq!(moved.count, 3);
        assert_eq!(
            moved.sentence(),
            "the block_on thread pushed 3 tasks onto the inject queue"
        );
        assert_eq!(moved.from, Lane::BlockOn);
        let own = [record(
            1,
            Event::Push {
                task: 4,
                queue: Queue::Lifo,
            },
        )];
        assert_eq!(Move::latest(&own), None);
        assert_eq!(Move::latest(&[]), None);
    }

    #[test]
    fn the_latest_kind_of_move_is_the_one_drawn() {
        let shown = [
            record(1, Event::InjectTaken { count: 2 }),
            record(1, Event::Overflow { count: 128 }),
        ];
        let moved = Move::latest(&shown).expect("a move");
        assert_eq!(moved.kind, MoveKind::Overflow);
        assert_eq!(
            moved.sentence(),
            "worker 1's full local queue sent 128 tasks to the inject queue"
        );
        let taken = Move::latest(&shown[..1]).expect("a move");
        assert_eq!(
            taken.sentence(),
            "worker 1 took 2 tasks from the inject queue"
        );
        assert_eq!((taken.from.row(), taken.to.row()), (2, 4));
    }

    #[test]
    fn shuffling_gives_another_small_seed_every_time() {
        let mut seed = 0;
        for _ in 0..1000 {
            let next = next_seed(seed);
            assert!(
                (1..=9999).contains(&next) && next != seed,
                "{seed} → {next}"
            );
            assert_eq!(next_seed(seed), next, "the same after the same");
            seed = next;
        }
    }
}
