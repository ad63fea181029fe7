//! The failed-join limiter on a clock the tests move by hand.

use governor::clock::FakeRelativeClock;

use super::*;

const WINDOW: Duration = Duration::from_secs(60);

fn addr(last: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, last])
}

fn limiter(limit: u32, capacity: usize) -> (FailedJoins<FakeRelativeClock>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    let joins = FailedJoins::with_clock(limit, WINDOW, capacity, clock.clone());
    (joins, clock)
}

#[test]
fn a_guesser_is_refused_and_other_addresses_are_not() {
    let (joins, clock) = limiter(3, MAX_TRACKED);
    joins.strike(addr(1));
    joins.strike(addr(1));
    assert_eq!(joins.blocked(addr(1)), None, "two strikes of three");
    joins.strike(addr(1));
    let earned_back = WINDOW / 3;
    assert_eq!(joins.blocked(addr(1)), Some(earned_back));
    clock.advance(Duration::from_secs(15));
    assert_eq!(joins.blocked(addr(1)), Some(Duration::from_secs(5)));
    assert_eq!(
        joins.blocked(addr(2)),
        None,
        "other addresses are not affected"
    );
    clock.advance(Duration::from_secs(5));
    assert_eq!(joins.blocked(addr(1)), None, "one strike earned back");
    joins.strike(addr(1));
    assert_eq!(
        joins.blocked(addr(1)),
        Some(earned_back),
        "and spent at once: a guesser gets one try every window / N"
    );
}

#[test]
fn a_window_after_its_last_strike_an_address_is_as_new() {
    let (joins, clock) = limiter(3, MAX_TRACKED);
    for _ in 0..3 {
        joins.strike(addr(1));
    }
    clock.advance(WINDOW);
    for strike in 1..=3 {
        assert_eq!(joins.blocked(addr(1)), None, "strike {strike} is allowed");
        joins.strike(addr(1));
    }
    assert!(joins.blocked(addr(1)).is_some(), "all three spent again");
}

#[test]
fn asking_spends_no_strike_and_stores_nothing() {
    let (joins, _clock) = limiter(1, MAX_TRACKED);
    for _ in 0..10 {
        assert_eq!(joins.blocked(addr(1)), None);
    }
    assert!(joins.limiter.is_empty(), "a look adds no entry");
    joins.strike(addr(1));
    assert!(
        joins.blocked(addr(1)).is_some(),
        "the single strike was still there to spend"
    );
}

#[test]
fn the_table_stays_bounded_and_the_nearest_to_forgotten_gives_way() {
    let (joins, clock) = limiter(1, 4);
    for last in 0..4u8 {
        joins.strike(addr(last));
        clock.advance(Duration::from_secs(1));
    }
    joins.strike(addr(9));
    assert_eq!(joins.limiter.len(), 4, "never more than the capacity");
    assert_eq!(joins.blocked(addr(0)), None, "the oldest strike gave way");
    assert!(joins.blocked(addr(1)).is_some());
    assert!(joins.blocked(addr(9)).is_some(), "the newcomer is tracked");
    clock.advance(WINDOW * 2);
    joins.strike(addr(20));
    assert_eq!(
        joins.limiter.len(),
        1,
        "forgettable addresses are swept before any gives way"
    );
}

#[test]
fn odd_limits_still_make_a_quota() {
    let (joins, _clock) = limiter(0, MAX_TRACKED);
    joins.strike(addr(1));
    assert!(joins.blocked(addr(1)).is_some(), "a limit of 0 acts as 1");
    let long = FailedJoins::with_clock(
        60,
        Duration::from_secs(u64::MAX),
        MAX_TRACKED,
        FakeRelativeClock::default(),
    );
    long.strike(addr(1));
    assert_eq!(
        long.blocked(addr(1)),
        None,
        "a huge window does not overflow"
    );
}
