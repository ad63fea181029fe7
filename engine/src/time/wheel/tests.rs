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

/// Files a timer the wheel must accept; its handle and position.
fn file<T: std::fmt::Debug>(wheel: &mut Wheel<T>, deadline: u64, value: T) -> (Timer, Position) {
    wheel
        .insert(deadline, value)
        .expect("a deadline after the wheel's time")
}

/// Files a timer the wheel must accept; its key.
fn key_of<T: std::fmt::Debug>(wheel: &mut Wheel<T>, deadline: u64, value: T) -> TimerKey {
    file(wheel, deadline, value).0.key()
}

/// Fired already? Checks `has_fired` against `position` for one handle.
fn fired(wheel: &Wheel<&'static str>, timer: &Timer) -> bool {
    assert_eq!(wheel.has_fired(timer), wheel.position(timer).is_none());
    wheel.has_fired(timer)
}

#[test]
fn insert_files_by_the_highest_differing_digit() {
    let mut wheel = Wheel::new();
    assert_eq!(file(&mut wheel, 3, "a").1, at(0, 3));
    assert_eq!(file(&mut wheel, 150, "b").1, at(1, 2));
    assert_eq!(file(&mut wheel, 5_000, "c").1, at(2, 1));
    assert_eq!(file(&mut wheel, 300_000, "d").1, at(3, 1));
    assert_eq!(wheel.len(), 4);
}

#[test]
fn next_expiration_counts_a_cascade_as_work() {
    let mut wheel = Wheel::new();
    let (timer, position) = file(&mut wheel, 1000, "sleep 1s");
    assert_eq!(position, at(1, 15)); // 1000 = 15 * 64 + 40
    assert_eq!(wheel.next_expiration(), Some(960));
    assert_eq!(wheel.earliest_deadline(), Some(1000));
    assert_eq!(timer.deadline(), 1000);
    assert!(!fired(&wheel, &timer));
    assert_eq!(Wheel::<()>::new().next_expiration(), None);
}

#[test]
fn a_timer_cascades_down_and_fires_exactly_at_its_deadline() {
    let mut wheel = Wheel::new();
    let (timer, _) = file(&mut wheel, 5_000, "t");
    let key = timer.key();
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
    assert!(fired(&wheel, &timer));
}

#[test]
fn poll_at_does_one_instant_per_call() {
    let mut wheel = Wheel::new();
    file(&mut wheel, 2, "a");
    file(&mut wheel, 5, "b");
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
    file(&mut wheel, 3, "a");
    file(&mut wheel, 3, "b");
    file(&mut wheel, 200, "c");
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
    let (timer, position) = file(&mut wheel, 4096, "t");
    let key = timer.key();
    assert_eq!(position, at(2, 1));
    assert_eq!(
        run_until(&mut wheel, 4096),
        vec![(4096, Seen::Fire(key, 4096, "t"))]
    );
}

#[test]
fn nothing_fires_early() {
    let mut wheel = Wheel::new();
    file(&mut wheel, 1000, "t");
    assert!(wheel.poll_at(959).is_empty());
    assert_eq!(wheel.elapsed(), 959);
    assert_eq!(run_until(&mut wheel, 999).len(), 1); // the cascade only
    assert_eq!(wheel.len(), 1);
}

#[test]
fn remove_cancels_one_timer_and_keeps_its_neighbours() {
    let mut wheel = Wheel::new();
    let (a, _) = file(&mut wheel, 10, "a");
    let b = key_of(&mut wheel, 10, "b");
    let (c, _) = file(&mut wheel, 10, "c");
    assert!(wheel.remove(a));
    assert_eq!(wheel.len(), 2);
    assert!(wheel.remove(c));
    assert_eq!(
        run_until(&mut wheel, 10),
        vec![(10, Seen::Fire(b, 10, "b"))]
    );
    assert_eq!(wheel.next_expiration(), None);
}

#[test]
fn a_cancelled_timer_never_counts_as_work() {
    let mut wheel = Wheel::new();
    let (soon, _) = file(&mut wheel, 1000, "soon");
    file(&mut wheel, 5000, "later");
    assert_eq!(wheel.next_expiration(), Some(960));
    wheel.remove(soon);
    // Its slot held nothing else: it is gone, not waiting to be skipped.
    assert_eq!(wheel.next_expiration(), Some(4096));
    assert_eq!(wheel.stale(), 0);
}

#[test]
fn a_cancelled_line_beside_live_ones_is_skipped_when_its_slot_comes() {
    let mut wheel = Wheel::new();
    let (gone, _) = file(&mut wheel, 1000, "gone");
    let kept = key_of(&mut wheel, 1001, "kept");
    wheel.remove(gone);
    assert_eq!(wheel.stale(), 1);
    assert_eq!(wheel.earliest_deadline(), Some(1001));
    let seen = run_until(&mut wheel, 1001);
    assert_eq!(seen.last(), Some(&(1001, Seen::Fire(kept, 1001, "kept"))));
    assert!(seen.iter().all(|(_, event)| match event {
        Seen::Cascade(key, ..) | Seen::Fire(key, ..) => *key == kept,
    }));
    assert_eq!(wheel.stale(), 0);
}

#[test]
fn stale_lines_are_swept_once_they_outnumber_the_live_timers() {
    let mut wheel = Wheel::new();
    // One level-2 slot: cancelling never empties it, so lines go stale.
    let mut timers: Vec<Timer> = (0..3000).map(|_| file(&mut wheel, 5000, "t").0).collect();
    let live = 500;
    let keys: Vec<TimerKey> = timers.iter().map(Timer::key).collect();
    for timer in timers.drain(live..) {
        assert!(wheel.remove(timer));
        assert!(wheel.stale() <= wheel.len() + STALE_SLACK);
    }
    assert!(wheel.stale() < 3000 - live, "a sweep ran");
    let fired: Vec<TimerKey> = run_until(&mut wheel, 5000)
        .into_iter()
        .filter_map(|(_, event)| match event {
            Seen::Fire(key, ..) => Some(key),
            Seen::Cascade(..) => None,
        })
        .collect();
    assert_eq!(fired, keys[..live]);
    assert_eq!(wheel.stale(), 0);
}

#[test]
fn replace_changes_the_value_that_fires() {
    let mut wheel = Wheel::new();
    let (timer, _) = file(&mut wheel, 1, "old");
    assert_eq!(wheel.replace(&timer, "new"), Some("old"));
    assert_eq!(
        run_until(&mut wheel, 1),
        vec![(1, Seen::Fire(timer.key(), 1, "new"))]
    );
    assert_eq!(wheel.replace(&timer, "late"), None);
    assert!(!wheel.remove(timer), "a fired timer is not removed again");
}

#[test]
fn a_deadline_the_wheel_has_reached_is_refused() {
    let mut wheel = Wheel::new();
    wheel.poll_at(100);
    assert_eq!(wheel.insert(50, "late").err(), Some(AlreadyDue("late")));
    assert_eq!(wheel.insert(100, "now").err(), Some(AlreadyDue("now")));
    assert!(wheel.is_empty());
    assert_eq!(wheel.next_expiration(), None);
    assert_eq!(file(&mut wheel, 101, "next").1, at(0, 101 % 64));
}

#[test]
fn fire_order_is_by_deadline_then_insertion() {
    let mut wheel = Wheel::new();
    wheel.poll_at(20);
    let now = key_of(&mut wheel, 100, "now");
    let older = key_of(&mut wheel, 80, "older");
    let late = key_of(&mut wheel, 90, "late");
    let now_too = key_of(&mut wheel, 100, "now too");
    let fired: Vec<_> = run_until(&mut wheel, 100)
        .into_iter()
        .map(|(_, seen)| seen)
        .filter(|seen| matches!(seen, Seen::Fire(..)))
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
    file(&mut wheel, 501, "next");
    assert!(wheel.poll_at(10).is_empty()); // read as `poll_at(500)`
    assert_eq!(wheel.elapsed(), 500);
    assert_eq!(wheel.poll_at(501).len(), 1);
}

#[test]
fn far_deadlines_clamp_to_the_top_level_and_still_fire_on_time() {
    let mut wheel = Wheel::new();
    let deadline = 3 * WHEEL_RANGE_MS + 12_345;
    let (timer, position) = file(&mut wheel, deadline, "far");
    let key = timer.key();
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
    file(&mut wheel, WHEEL_RANGE_MS + top_slot_ms, "far");
    // ...but this one, in top slot 2, is due much sooner.
    file(&mut wheel, 2 * top_slot_ms + 5, "near");
    assert_eq!(wheel.next_expiration(), Some(top_slot_ms));
    assert_eq!(wheel.earliest_deadline(), Some(2 * top_slot_ms + 5));
}

#[test]
fn the_end_of_time_does_not_overflow() {
    let mut wheel = Wheel::new();
    wheel.poll_at(u64::MAX - 10);
    let key = key_of(&mut wheel, u64::MAX, "last");
    assert_eq!(
        run_until(&mut wheel, u64::MAX).last(),
        Some(&(u64::MAX, Seen::Fire(key, u64::MAX, "last")))
    );
    let mut wheel = Wheel::new();
    file(&mut wheel, u64::MAX, "never");
    assert!(wheel.next_expiration().is_some_and(|next| next < u64::MAX));
}

#[test]
fn view_lists_levels_slots_and_timers() {
    let mut wheel = Wheel::new();
    file(&mut wheel, 1000, 7u64);
    let second = key_of(&mut wheel, 1001, 8u64);
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
    assert_eq!((timers[1].id, timers[1].task), (second, 8));
    assert_eq!(timers[1].deadline_ms, 1001);
    assert!(view.levels[0].slots.is_empty());
}

#[test]
fn the_timers_scenario_uses_four_levels() {
    let mut wheel = Wheel::new();
    let deadlines = [3, 150, 5_000, 300_000];
    let levels: Vec<u32> = deadlines
        .iter()
        .map(|&deadline| file(&mut wheel, deadline, "sleep").1.level)
        .collect();
    assert_eq!(levels, vec![0, 1, 2, 3]);
    let fires: Vec<u64> = run_until(&mut wheel, 300_000)
        .into_iter()
        .filter(|(_, seen)| matches!(seen, Seen::Fire(..)))
        .map(|(instant, _)| instant)
        .collect();
    assert_eq!(fires, deadlines);
}
