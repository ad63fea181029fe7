//! Unit tests of the wheel as a whole (the level arithmetic is tested in
//! `level.rs`). `engine/tests/wheel_model.rs` checks it against a model.

use super::*;

/// A compact, comparable form of an event: `(instant, key, what)`.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Cascade(TimerKey, (u32, u32), (u32, u32)),
    Fire(TimerKey, u64, &'static str),
}

/// Polls until `now`, one instant at a time, noting when each event happened.
fn run_until(wheel: &mut Wheel<&'static str>, now: u64) -> Vec<(u64, Seen)> {
    let mut seen = Vec::new();
    loop {
        let events = wheel.poll_at(now);
        if events.is_empty() {
            return seen;
        }
        for event in events {
            let at = wheel.elapsed();
            seen.push((at, summary(event)));
        }
    }
}

fn summary(event: WheelEvent<&'static str>) -> Seen {
    match event {
        WheelEvent::Cascade { key, from, to } => {
            Seen::Cascade(key, (from.level, from.slot), (to.level, to.slot))
        }
        WheelEvent::Fire {
            key,
            deadline,
            value,
        } => Seen::Fire(key, deadline, value),
    }
}

fn at(level: u32, slot: u32) -> Position {
    Position { level, slot }
}

#[test]
fn insert_files_by_the_highest_differing_digit() {
    let mut wheel = Wheel::new();
    assert_eq!(wheel.insert(3, "a").1, at(0, 3));
    assert_eq!(wheel.insert(150, "b").1, at(1, 2));
    assert_eq!(wheel.insert(5_000, "c").1, at(2, 1));
    assert_eq!(wheel.insert(300_000, "d").1, at(3, 1));
    assert_eq!(wheel.len(), 4);
}

#[test]
fn next_expiration_counts_a_cascade_as_work() {
    let mut wheel = Wheel::new();
    let (key, position) = wheel.insert(1000, "sleep 1s");
    assert_eq!(position, at(1, 15)); // 1000 = 15 * 64 + 40
    assert_eq!(wheel.next_expiration(), Some(960));
    assert_eq!(wheel.earliest_deadline(), Some(1000));
    assert_eq!(wheel.deadline(key), Some(1000));
    assert_eq!(Wheel::<()>::new().next_expiration(), None);
}

#[test]
fn a_timer_cascades_down_and_fires_exactly_at_its_deadline() {
    let mut wheel = Wheel::new();
    let (key, _) = wheel.insert(5_000, "t");
    wheel.poll_at(1000); // nothing due: just moves time
    assert_eq!(wheel.elapsed(), 1000);
    assert_eq!(
        run_until(&mut wheel, 10_000),
        vec![
            (4096, Seen::Cascade(key, (2, 1), (1, 14))),
            (4992, Seen::Cascade(key, (1, 14), (0, 8))),
            (5000, Seen::Fire(key, 5000, "t")),
        ]
    );
    assert_eq!(wheel.elapsed(), 10_000);
    assert!(wheel.is_empty());
    assert_eq!(wheel.deadline(key), None);
}

#[test]
fn poll_at_does_one_instant_per_call() {
    let mut wheel = Wheel::new();
    wheel.insert(2, "a");
    wheel.insert(5, "b");
    assert_eq!(wheel.poll_at(100).len(), 1);
    assert_eq!(wheel.elapsed(), 2);
    assert_eq!(wheel.next_expiration(), Some(5));
    assert_eq!(wheel.poll_at(100).len(), 1);
    assert_eq!(wheel.elapsed(), 5);
    assert!(wheel.poll_at(100).is_empty());
    assert_eq!(wheel.elapsed(), 100);
}

#[test]
fn poll_at_into_appends_to_the_callers_buffer_and_keeps_its_memory() {
    let mut wheel = Wheel::new();
    wheel.insert(3, "a");
    wheel.insert(3, "b");
    wheel.insert(200, "c");
    let mut events = Vec::new();
    wheel.poll_at_into(100, &mut events);
    assert_eq!(events.len(), 2);
    // Appends: what was already there stays in front.
    wheel.poll_at_into(1_000, &mut events);
    let seen: Vec<Seen> = events.drain(..).map(summary).collect();
    assert_eq!(seen[0], Seen::Fire(0, 3, "a"));
    assert_eq!(seen[1], Seen::Fire(1, 3, "b"));
    assert!(matches!(seen[2], Seen::Cascade(2, (1, 3), (0, 8))));
    // Drained, the buffer keeps its capacity for the next instant.
    assert!(events.capacity() >= 3);
    wheel.poll_at_into(1_000, &mut events);
    assert!(matches!(
        events[..],
        [WheelEvent::Fire {
            key: 2,
            deadline: 200,
            ..
        }]
    ));
}

#[test]
fn a_deadline_on_a_slot_start_fires_without_cascading() {
    let mut wheel = Wheel::new();
    let (key, position) = wheel.insert(4096, "t");
    assert_eq!(position, at(2, 1));
    assert_eq!(
        run_until(&mut wheel, 4096),
        vec![(4096, Seen::Fire(key, 4096, "t"))]
    );
}

#[test]
fn nothing_fires_early() {
    let mut wheel = Wheel::new();
    wheel.insert(1000, "t");
    assert!(wheel.poll_at(959).is_empty());
    assert_eq!(wheel.elapsed(), 959);
    assert_eq!(run_until(&mut wheel, 999).len(), 1); // the cascade only
    assert_eq!(wheel.len(), 1);
}

#[test]
fn remove_cancels_one_timer_and_keeps_its_neighbours() {
    let mut wheel = Wheel::new();
    let (a, _) = wheel.insert(10, "a");
    let (b, _) = wheel.insert(10, "b");
    let (c, _) = wheel.insert(10, "c");
    assert_eq!(wheel.remove(a), Some("a"));
    assert_eq!(wheel.remove(a), None);
    assert_eq!(wheel.len(), 2);
    // `c` was moved into `a`'s place in the slot; it must still be removable.
    assert_eq!(wheel.remove(c), Some("c"));
    assert_eq!(
        run_until(&mut wheel, 10),
        vec![(10, Seen::Fire(b, 10, "b"))]
    );
    assert_eq!(wheel.next_expiration(), None);
}

#[test]
fn a_cancelled_timer_never_counts_as_work() {
    let mut wheel = Wheel::new();
    let (soon, _) = wheel.insert(1000, "soon");
    wheel.insert(5000, "later");
    assert_eq!(wheel.next_expiration(), Some(960));
    wheel.remove(soon);
    // Its slot held nothing else: it is gone, not waiting to be skipped.
    assert_eq!(wheel.next_expiration(), Some(4096));
    assert_eq!(wheel.stale, 0);
}

#[test]
fn a_cancelled_line_beside_live_ones_is_skipped_when_its_slot_comes() {
    let mut wheel = Wheel::new();
    let (gone, _) = wheel.insert(1000, "gone");
    let (kept, _) = wheel.insert(1001, "kept");
    wheel.remove(gone);
    assert_eq!(wheel.stale, 1);
    assert_eq!(wheel.earliest_deadline(), Some(1001));
    let seen = run_until(&mut wheel, 1001);
    assert_eq!(seen.last(), Some(&(1001, Seen::Fire(kept, 1001, "kept"))));
    assert!(seen.iter().all(|(_, event)| match event {
        Seen::Cascade(key, ..) | Seen::Fire(key, ..) => *key == kept,
    }));
    assert_eq!(wheel.stale, 0);
}

#[test]
fn stale_lines_are_swept_once_they_outnumber_the_live_timers() {
    let mut wheel = Wheel::new();
    // One level-2 slot: cancelling never empties it, so lines go stale.
    let keys: Vec<TimerKey> = (0..3000).map(|_| wheel.insert(5000, "t").0).collect();
    let live = 500;
    for &key in &keys[live..] {
        wheel.remove(key);
        assert!(wheel.stale <= wheel.len() + STALE_SLACK);
    }
    assert!(wheel.stale < 3000 - live, "a sweep ran");
    let fired: Vec<TimerKey> = run_until(&mut wheel, 5000)
        .into_iter()
        .filter_map(|(_, event)| match event {
            Seen::Fire(key, ..) => Some(key),
            Seen::Cascade(..) => None,
        })
        .collect();
    assert_eq!(fired, keys[..live]);
    assert_eq!(wheel.stale, 0);
}

#[test]
fn get_mut_changes_the_value_that_fires() {
    let mut wheel = Wheel::new();
    let (key, _) = wheel.insert(1, "old");
    if let Some(value) = wheel.get_mut(key) {
        *value = "new";
    }
    assert_eq!(
        run_until(&mut wheel, 1),
        vec![(1, Seen::Fire(key, 1, "new"))]
    );
    assert!(wheel.get_mut(key).is_none());
}

#[test]
fn a_deadline_in_the_past_fires_at_the_next_poll() {
    let mut wheel = Wheel::new();
    wheel.poll_at(100);
    let (late, position) = wheel.insert(50, "late");
    assert_eq!(position, at(0, 100 % 64));
    assert_eq!(wheel.next_expiration(), Some(100));
    assert_eq!(wheel.earliest_deadline(), Some(50));
    assert_eq!(
        run_until(&mut wheel, 100),
        vec![(100, Seen::Fire(late, 50, "late"))]
    );
}

#[test]
fn fire_order_is_by_deadline_then_insertion() {
    let mut wheel = Wheel::new();
    wheel.poll_at(100);
    let (now, _) = wheel.insert(100, "now");
    let (older, _) = wheel.insert(80, "older");
    let (late, _) = wheel.insert(90, "late");
    let (now_too, _) = wheel.insert(100, "now too");
    let fired: Vec<_> = run_until(&mut wheel, 100)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        fired,
        vec![
            Seen::Fire(older, 80, "older"),
            Seen::Fire(late, 90, "late"),
            Seen::Fire(now, 100, "now"),
            Seen::Fire(now_too, 100, "now too"),
        ]
    );
}

#[test]
fn time_never_runs_backwards() {
    let mut wheel = Wheel::new();
    wheel.poll_at(500);
    wheel.insert(400, "past");
    assert_eq!(wheel.poll_at(10).len(), 1); // read as `poll_at(500)`
    assert_eq!(wheel.elapsed(), 500);
}

#[test]
fn far_deadlines_clamp_to_the_top_level_and_still_fire_on_time() {
    let mut wheel = Wheel::new();
    let deadline = 3 * WHEEL_RANGE_MS + 12_345;
    let (key, position) = wheel.insert(deadline, "far");
    assert_eq!(position, at(5, 0)); // its top digit, modulo 64
    let mut polls = 0;
    // Three rotations of the top level, then at most one step per level.
    while let Some(next) = wheel.next_expiration().filter(|_| polls <= 3 + NUM_LEVELS) {
        assert!(next <= deadline, "{next} is past the deadline");
        let events = wheel.poll_at(next);
        assert_eq!(events.len(), 1);
        polls += 1;
        if let Some(WheelEvent::Fire { key: fired, .. }) = events.into_iter().next() {
            assert_eq!((fired, wheel.elapsed()), (key, deadline));
        }
    }
    assert!(wheel.is_empty(), "not done after {polls} polls");
}

#[test]
fn earliest_deadline_looks_past_clamped_timers() {
    let top_slot_ms = 1 << 30;
    let mut wheel = Wheel::new();
    // Clamped into top slot 1, which comes round first (at 2^30 ms)...
    wheel.insert(WHEEL_RANGE_MS + top_slot_ms, "far");
    // ...but this one, in top slot 2, is due much sooner.
    wheel.insert(2 * top_slot_ms + 5, "near");
    assert_eq!(wheel.next_expiration(), Some(top_slot_ms));
    assert_eq!(wheel.earliest_deadline(), Some(2 * top_slot_ms + 5));
}

#[test]
fn the_end_of_time_does_not_overflow() {
    let mut wheel = Wheel::new();
    wheel.poll_at(u64::MAX - 10);
    let (key, _) = wheel.insert(u64::MAX, "last");
    assert_eq!(
        run_until(&mut wheel, u64::MAX).last(),
        Some(&(u64::MAX, Seen::Fire(key, u64::MAX, "last")))
    );
    let mut wheel = Wheel::new();
    wheel.insert(u64::MAX, "never");
    assert!(wheel.next_expiration().is_some_and(|next| next < u64::MAX));
}

#[test]
fn view_lists_levels_slots_and_timers() {
    let mut wheel = Wheel::new();
    wheel.insert(1000, 7u64);
    let (second, _) = wheel.insert(1001, 8u64);
    let view = wheel.view(|task| *task);
    assert_eq!(view.elapsed_ms, 0);
    // Both timers wait in level 1, slot 15 (960..1024): the wheel's next
    // expiration is that slot's start, the earliest deadline 1000.
    assert_eq!(view.next_expiration_ms, Some(960));
    assert_eq!(view.earliest_deadline_ms, Some(1000));
    assert_eq!(view.levels.len(), NUM_LEVELS);
    let level = &view.levels[1];
    assert_eq!((level.level, level.slot_ms), (1, 64));
    assert_eq!(level.occupied, 1 << 15);
    assert_eq!(level.slots.len(), 1);
    let timers = &level.slots[0].timers;
    assert_eq!(timers.len(), 2);
    assert_eq!((timers[1].id, timers[1].task), (second as u64, 8));
    assert_eq!(timers[1].deadline_ms, 1001);
    assert!(view.levels[0].slots.is_empty());
}

#[test]
fn the_timers_scenario_uses_four_levels() {
    let mut wheel = Wheel::new();
    let deadlines = [3, 150, 5_000, 300_000];
    let levels: Vec<u32> = deadlines
        .iter()
        .map(|&deadline| wheel.insert(deadline, "sleep").1.level)
        .collect();
    assert_eq!(levels, vec![0, 1, 2, 3]);
    let fires: Vec<u64> = run_until(&mut wheel, 300_000)
        .into_iter()
        .filter(|(_, seen)| matches!(seen, Seen::Fire(..)))
        .map(|(instant, _)| instant)
        .collect();
    assert_eq!(fires, deadlines);
}
