//! The guess limiter on a clock the tests move by hand.

use std::net::IpAddr;

use governor::clock::FakeRelativeClock;

use super::*;

const WINDOW: Duration = Duration::from_secs(60);

fn addr(last: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, last])
}

fn limiter(limit: u32, capacity: usize) -> (Strikes<IpAddr, FakeRelativeClock>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    let strikes = Strikes::with_clock(limit, WINDOW, capacity, clock.clone());
    (strikes, clock)
}

#[test]
fn a_guesser_is_refused_with_a_wait_and_other_keys_are_not() {
    let (strikes, clock) = limiter(3, MAX_TRACKED);
    for strike in 1..=3 {
        assert_eq!(strikes.strike(&addr(1)), Ok(()), "strike {strike} of 3");
    }
    let earned_back = WINDOW / 3;
    assert_eq!(strikes.strike(&addr(1)), Err(earned_back));
    clock.advance(Duration::from_secs(15));
    assert_eq!(strikes.strike(&addr(1)), Err(Duration::from_secs(5)));
    assert_eq!(
        strikes.strike(&addr(2)),
        Ok(()),
        "other keys are not affected"
    );
    clock.advance(Duration::from_secs(5));
    assert_eq!(strikes.strike(&addr(1)), Ok(()), "one strike earned back");
    assert_eq!(
        strikes.strike(&addr(1)),
        Err(earned_back),
        "and spent at once: a guesser gets one try every window / N"
    );
}

#[test]
fn a_refused_strike_is_not_counted() {
    let (strikes, clock) = limiter(1, MAX_TRACKED);
    assert_eq!(strikes.strike(&addr(1)), Ok(()));
    for _ in 0..100 {
        assert!(strikes.strike(&addr(1)).is_err());
    }
    clock.advance(WINDOW);
    assert_eq!(
        strikes.strike(&addr(1)),
        Ok(()),
        "hammering while refused did not push the next strike further away"
    );
}

#[test]
fn a_window_after_its_last_strike_a_key_is_as_new() {
    let (strikes, clock) = limiter(3, MAX_TRACKED);
    for _ in 0..3 {
        strikes.strike(&addr(1)).expect("allowed");
    }
    clock.advance(WINDOW);
    for strike in 1..=3 {
        assert_eq!(
            strikes.strike(&addr(1)),
            Ok(()),
            "strike {strike} is allowed"
        );
    }
    assert!(strikes.strike(&addr(1)).is_err(), "all three spent again");
}

#[test]
fn the_table_stays_bounded_and_the_nearest_to_forgotten_gives_way() {
    let (strikes, clock) = limiter(1, 4);
    for last in 0..4u8 {
        strikes.strike(&addr(last)).expect("a first strike");
        clock.advance(Duration::from_secs(1));
    }
    strikes.strike(&addr(9)).expect("a first strike");
    assert_eq!(strikes.limiter.len(), 4, "never more than the capacity");
    assert_eq!(
        strikes.strike(&addr(0)),
        Ok(()),
        "the oldest strike gave way"
    );
    assert!(
        strikes.strike(&addr(2)).is_err(),
        "the others are still tracked"
    );
    assert!(strikes.strike(&addr(9)).is_err(), "the newcomer is tracked");
    clock.advance(WINDOW * 2);
    strikes.strike(&addr(20)).expect("a first strike");
    assert_eq!(
        strikes.limiter.len(),
        1,
        "forgettable keys are swept before any gives way"
    );
}

#[test]
fn odd_limits_still_make_a_quota() {
    let (strikes, _clock) = limiter(0, MAX_TRACKED);
    strikes.strike(&addr(1)).expect("one");
    assert!(strikes.strike(&addr(1)).is_err(), "a limit of 0 acts as 1");
    let long = Strikes::with_clock(
        60,
        Duration::from_secs(u64::MAX),
        MAX_TRACKED,
        FakeRelativeClock::default(),
    );
    for _ in 0..60 {
        long.strike(&addr(1)).expect("within the burst");
    }
    assert!(
        long.strike(&addr(1))
            .is_err_and(|wait| wait <= LONGEST_WINDOW),
        "a huge window does not overflow"
    );
}
