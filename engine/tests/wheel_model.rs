//! The timer wheel against a model anyone can check by eye: an ordered map
//! from "when it must fire" to the timer.
//!
//! Random sequences of insert / remove / advance run on both. After every
//! poll the wheel must have fired exactly the timers the model says are due
//! at that instant, in the model's order, never early and never late; its
//! next expiration must never be later than the model's earliest due time;
//! and its length, deadlines, positions and view must agree with the model.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use reactor_engine::time::wheel::{
    AlreadyDue, Position, Timer, TimerKey, WHEEL_RANGE_MS, Wheel, WheelEvent,
};

/// A timer as the model sees it. Ordered by when it must fire, then by the
/// wheel's documented tie-break: insertion order (the key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    deadline: u64,
    key: TimerKey,
    /// The value it was filed with.
    seq: u64,
}

/// The reference: timers ordered by [`Due`], plus the reverse index and
/// the handles the wheel gave out.
#[derive(Default)]
struct Model {
    queue: BTreeMap<Due, TimerKey>,
    by_key: HashMap<TimerKey, Due>,
    handles: HashMap<TimerKey, Timer>,
    /// Handles of timers that fired (a few, to try cancelling them).
    fired: Vec<Timer>,
    next_seq: u64,
}

/// One step of a test run.
#[derive(Clone, Debug)]
enum Op {
    /// Insert a timer this far after the wheel's time.
    InsertAhead(u64),
    /// Insert a timer whose deadline passed this long ago (or is now): refused.
    InsertPast(u64),
    /// Cancel the n-th live timer (modulo how many there are).
    Remove(usize),
    /// Poll instant by instant up to this far ahead.
    Advance(u64),
    /// Poll exactly at the wheel's next expiration, once.
    Step,
    /// Poll at a time this far before the wheel's time (it must not rewind).
    PollBehind(u64),
}

/// Distances at every scale the wheel has, including beyond its range.
fn distance() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0..70u64,
        3 => 0..5_000u64,
        2 => 0..400_000u64,
        1 => 0..(1u64 << 31),
        1 => 0..(WHEEL_RANGE_MS * 4),
        1 => prop::sample::select(vec![64, 4096, 1 << 18, 1 << 30, WHEEL_RANGE_MS]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => distance().prop_map(Op::InsertAhead),
        1 => (0..200u64).prop_map(Op::InsertPast),
        2 => any::<usize>().prop_map(Op::Remove),
        3 => distance().prop_map(Op::Advance),
        2 => Just(Op::Step),
        1 => (0..100u64).prop_map(Op::PollBehind),
    ]
}

/// Where the wheel's clock starts: at zero, anywhere, or near the end of time.
fn start() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        any::<u64>(),
        (0..(1u64 << 40)).prop_map(|back| u64::MAX - back),
    ]
}

/// Polls once at `now`; checks the events against the model. Returns whether
/// the wheel had work by `now`.
fn poll_and_check(wheel: &mut Wheel<u64>, model: &mut Model, now: u64) -> bool {
    let before = wheel.elapsed();
    let next = wheel.next_expiration();
    let events = wheel.poll_at(now);
    let instant = wheel.elapsed();
    if events.is_empty() {
        assert!(
            next.is_none_or(|next| next > now.max(before)),
            "work due by {now} was not done"
        );
        assert_eq!(instant, now.max(before));
        return false;
    }
    assert_eq!(
        Some(instant),
        next,
        "poll_at processed another instant than next_expiration"
    );
    let mut fired = Vec::new();
    let mut cascaded = false;
    for event in events {
        match event {
            WheelEvent::Fire {
                key,
                deadline,
                value,
            } => {
                assert!(!cascaded, "a fire came after a cascade");
                fired.push((key, deadline, value));
            }
            WheelEvent::Cascade { key, from, to } => {
                cascaded = true;
                check_cascade(wheel, model, key, from, to);
            }
        }
    }
    let mut expected = Vec::new();
    while let Some((&due, &key)) = model.queue.first_key_value() {
        assert!(
            due.deadline >= instant,
            "timer {key} due at {} is late at {instant}",
            due.deadline
        );
        if due.deadline > instant {
            break;
        }
        model.queue.pop_first();
        model.by_key.remove(&key);
        let handle = model.handles.remove(&key).expect("a live timer's handle");
        assert!(wheel.has_fired(&handle) && wheel.position(&handle).is_none());
        if model.fired.len() < 8 {
            model.fired.push(handle);
        }
        expected.push((key, due.deadline, due.seq));
    }
    assert_eq!(fired, expected, "fires at {instant}");
    true
}

/// A cascaded timer is still live, unchanged, and filed where the event says.
fn check_cascade(wheel: &Wheel<u64>, model: &Model, key: TimerKey, from: Position, to: Position) {
    let due = model.by_key.get(&key).copied();
    assert!(
        due.is_some_and(|due| due.deadline > wheel.elapsed()),
        "cascaded timer {key} is due"
    );
    assert_eq!(wheel.position(&model.handles[&key]), Some(to));
    assert!(
        to.level < from.level || to.level == 5,
        "{from:?} -> {to:?} goes up"
    );
}

/// Everything the wheel reports about its contents agrees with the model.
fn check_contents(wheel: &Wheel<u64>, model: &Model) {
    assert_eq!(wheel.len(), model.by_key.len());
    assert_eq!(wheel.is_empty(), model.by_key.is_empty());
    let earliest_due = model.queue.first_key_value().map(|(due, _)| due.deadline);
    match (wheel.next_expiration(), earliest_due) {
        (Some(next), Some(due)) => assert!(next <= due, "next expiration {next} after due {due}"),
        (None, None) => {}
        (next, due) => panic!("next expiration {next:?} but earliest due {due:?}"),
    }
    let earliest_deadline = model.by_key.values().map(|due| due.deadline).min();
    assert_eq!(wheel.earliest_deadline(), earliest_deadline);
    let view = wheel.view(|seq| *seq);
    assert_eq!(view.next_expiration_ms, wheel.next_expiration());
    assert_eq!(view.earliest_deadline_ms, earliest_deadline);
    let mut seen = 0;
    for level in &view.levels {
        for slot in &level.slots {
            for timer in &slot.timers {
                let key = timer.id as TimerKey;
                let due = model.by_key[&key];
                assert_eq!((timer.deadline_ms, timer.task), (due.deadline, due.seq));
                let filed = Position {
                    level: level.level,
                    slot: slot.slot,
                };
                assert_eq!(wheel.position(&model.handles[&key]), Some(filed));
                seen += 1;
            }
        }
    }
    assert_eq!(seen, model.by_key.len());
}

fn apply(wheel: &mut Wheel<u64>, model: &mut Model, op: &Op) {
    let now = wheel.elapsed();
    match *op {
        Op::InsertAhead(distance) => insert(wheel, model, now.saturating_add(distance)),
        Op::InsertPast(distance) => insert(wheel, model, now.saturating_sub(distance)),
        Op::Remove(nth) => {
            let mut keys: Vec<TimerKey> = model.by_key.keys().copied().collect();
            if keys.is_empty() {
                if let Some(fired) = model.fired.pop() {
                    assert!(!wheel.remove(fired), "a fired timer was removed");
                }
                return;
            }
            keys.sort_unstable();
            let key = keys[nth % keys.len()];
            let due = model.by_key.remove(&key).expect("live key");
            model.queue.remove(&due);
            let handle = model.handles.remove(&key).expect("a live timer's handle");
            assert!(wheel.remove(handle));
        }
        Op::Advance(distance) => {
            let target = now.saturating_add(distance);
            poll_until(wheel, model, target);
            assert_eq!(wheel.elapsed(), target);
        }
        Op::Step => {
            if let Some(next) = wheel.next_expiration() {
                assert!(poll_and_check(wheel, model, next));
            }
        }
        Op::PollBehind(distance) => {
            poll_and_check(wheel, model, now.saturating_sub(distance));
            assert!(wheel.elapsed() >= now, "time ran backwards");
        }
    }
}

/// Most instants one run can need: each timer cascades at most once per
/// level plus once per top-level rotation; far more than that is a hang.
const MAX_POLLS: usize = 10_000;

/// Polls instant by instant until nothing is due by `target`.
fn poll_until(wheel: &mut Wheel<u64>, model: &mut Model, target: u64) {
    for _ in 0..MAX_POLLS {
        if !poll_and_check(wheel, model, target) {
            return;
        }
    }
    panic!("still busy after {MAX_POLLS} polls towards {target}");
}

fn insert(wheel: &mut Wheel<u64>, model: &mut Model, deadline: u64) {
    let seq = model.next_seq;
    model.next_seq += 1;
    let (timer, position) = match wheel.insert(deadline, seq) {
        Ok(filed) => filed,
        Err(refused) => {
            assert!(deadline <= wheel.elapsed(), "{deadline} refused");
            assert_eq!(refused, AlreadyDue(seq));
            return;
        }
    };
    assert!(deadline > wheel.elapsed(), "{deadline} is due already");
    let key = timer.key();
    assert_eq!(wheel.position(&timer), Some(position));
    assert_eq!(timer.deadline(), deadline);
    let due = Due { deadline, key, seq };
    assert!(
        model.by_key.insert(key, due).is_none(),
        "key {key} handed out twice"
    );
    model.handles.insert(key, timer);
    model.queue.insert(due, key);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn wheel_matches_an_ordered_map(start in start(), ops in prop::collection::vec(op(), 1..40)) {
        let mut wheel = Wheel::new();
        let mut model = Model::default();
        wheel.poll_at(start);
        prop_assert_eq!(wheel.elapsed(), start);
        for op in &ops {
            apply(&mut wheel, &mut model, op);
            check_contents(&wheel, &model);
        }
        // Drain: every remaining timer fires exactly when due.
        poll_until(&mut wheel, &mut model, u64::MAX);
        prop_assert!(wheel.is_empty());
        prop_assert!(model.by_key.is_empty());
    }
}
