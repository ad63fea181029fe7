//! The comparator on hand-made sequences.

use super::*;
use crate::observed::{IoOp, IoOutcome, Woken};

fn park(at_ms: f64, asked_ms: Option<f64>) -> Park {
    Park {
        at_ms,
        asked_ms,
        origin: format!("at {at_ms}"),
        ..Park::default()
    }
}

/// A real-clock park that Tokio's own waker, written by the runtime thread
/// itself, ended after `lasted_ms`.
fn cut_short(at_ms: f64, asked_ms: f64, lasted_ms: f64) -> Park {
    Park {
        woken: Woken::OwnWaker,
        self_unparked: true,
        lasted_ms: Some(lasted_ms),
        real_clock: true,
        ..park(at_ms, Some(asked_ms))
    }
}

/// Tokio's spawn_lifecycle on the real clock: a self-wake, then the parks
/// the engine makes too.
fn tokio_spawn_lifecycle() -> Vec<Park> {
    let real = |at_ms, asked_ms| Park {
        real_clock: true,
        ..park(at_ms, Some(asked_ms))
    };
    vec![
        cut_short(0.2, 960.2, 0.007),
        real(0.4, 960.4),
        real(961.8, 1001.8),
        real(1002.4, 1002.4),
    ]
}

fn engine_spawn_lifecycle() -> Vec<Park> {
    vec![
        park(0.0, Some(960.0)),
        park(960.0, Some(1000.0)),
        park(1000.0, Some(1000.0)),
    ]
}

fn observed(parks: Vec<Park>) -> Observed {
    Observed {
        parks,
        ..Observed::default()
    }
}

#[test]
fn equal_sequences_match() {
    let parks = [
        park(0.0, Some(960.0)),
        park(960.0, Some(1000.0)),
        park(1000.0, None),
    ];
    assert_eq!(compare_parks(("a", "b"), &parks, &parks), Ok(()));
}

#[test]
fn instants_within_the_tolerance_match_and_beyond_it_do_not() {
    let engine = [park(0.0, Some(960.0))];
    let close = [park(0.3, Some(960.0 + TOLERANCE_MS))];
    let far = [park(0.3, Some(960.0 + TOLERANCE_MS + 0.5))];
    assert!(compare_parks(("tokio", "engine"), &close, &engine).is_ok());
    let error = compare_parks(("tokio", "engine"), &far, &engine).unwrap_err();
    assert!(error.contains("differ from #0"), "{error}");
}

#[test]
fn a_real_clock_zero_park_may_lag() {
    let engine = [park(150.0, Some(150.0))];
    let lagging = |by: f64| {
        let mut park = park(150.0 + by, Some(150.0 + by));
        park.real_clock = true;
        [park]
    };
    let fine = lagging(TOLERANCE_MS + THREAD_LAG_MS);
    assert!(compare_parks(("tokio", "engine"), &fine, &engine).is_ok());
    let too_late = lagging(TOLERANCE_MS + THREAD_LAG_MS + 0.5);
    assert!(compare_parks(("tokio", "engine"), &too_late, &engine).is_err());
    // A timed park gets no such leeway.
    let mut timed = park(0.5, Some(150.0 + TOLERANCE_MS + 0.5));
    timed.real_clock = true;
    assert!(compare_parks(("tokio", "engine"), &[timed], &[park(0.0, Some(150.0))]).is_err());
}

#[test]
fn forever_matches_only_forever() {
    let forever = [park(0.0, None)];
    let timed = [park(0.0, Some(5.0))];
    assert!(compare_parks(("a", "b"), &forever, &forever).is_ok());
    assert!(compare_parks(("a", "b"), &forever, &timed).is_err());
}

#[test]
fn a_missing_park_is_a_mismatch_and_the_table_shows_both_sides() {
    let tokio = [
        park(0.0, Some(960.0)),
        park(0.1, Some(960.0)),
        park(960.0, Some(1000.0)),
    ];
    let engine = [park(0.0, Some(960.0)), park(960.0, Some(1000.0))];
    let error = compare_parks(("tokio", "engine"), &tokio, &engine).unwrap_err();
    assert!(error.contains("tokio has 3, engine has 2"), "{error}");
    let marked: Vec<_> = error.lines().filter(|line| line.starts_with('✗')).collect();
    // Row 1 moved (960 vs 1000), row 2 has no engine park.
    assert_eq!(marked.len(), 2, "{error}");
    assert!(
        marked[0].contains("960.000") && marked[0].contains("1000.000"),
        "{error}"
    );
    assert!(marked[1].contains('—'), "{error}");
    assert!(error.contains('║'), "{error}");
}

#[test]
fn socket_calls_compare_op_and_outcome() {
    let call = |op, outcome| IoCall {
        op,
        outcome,
        origin: String::new(),
    };
    let tokio = [
        call(IoOp::Accept, IoOutcome::Ok { bytes: None }),
        call(IoOp::Read, IoOutcome::WouldBlock),
        call(IoOp::Read, IoOutcome::Ok { bytes: Some(14) }),
    ];
    assert!(compare_io(("t", "e"), &tokio, &tokio).is_ok());
    let mut engine = tokio.to_vec();
    engine.insert(0, call(IoOp::Accept, IoOutcome::WouldBlock));
    let error = compare_io(("t", "e"), &tokio, &engine).unwrap_err();
    assert!(error.contains("accept → WouldBlock"), "{error}");
}

#[test]
fn registrations_compare_interest() {
    let reg = |readable, writable| Registration {
        readable,
        writable,
        origin: String::new(),
    };
    assert!(compare_registrations(("t", "e"), &[reg(true, true)], &[reg(true, true)]).is_ok());
    let error =
        compare_registrations(("t", "e"), &[reg(true, true)], &[reg(true, false)]).unwrap_err();
    assert!(
        error.contains("register R|W") && error.contains("register R"),
        "{error}"
    );
}

#[test]
fn compare_reports_every_part_that_differs() {
    let left = Observed {
        parks: vec![park(0.0, None)],
        ..Observed::default()
    };
    let right = Observed::default();
    let error = compare(("tokio", &left), ("engine", &right)).unwrap_err();
    let mut lines = error.lines();
    assert_eq!(
        lines.next(),
        Some("tokio: 1 parks, no self-wake; engine: 0 parks, no self-wake")
    );
    assert!(lines.next().unwrap().starts_with("parks"), "{error}");
    assert!(compare(("tokio", &left), ("engine", &left)).is_ok());
}

#[test]
fn a_self_wake_is_left_out_and_reported() {
    let tokio = observed(tokio_spawn_lifecycle());
    let engine = observed(engine_spawn_lifecycle());
    // One to one, the cut-short park is a difference...
    assert!(compare_parks(("tokio", "engine"), &tokio.parks, &engine.parks).is_err());
    // ...which compare leaves out, and says so.
    let comparison = compare(("tokio", &tokio), ("engine", &engine)).unwrap();
    assert_eq!(comparison.left_out_indices(), (vec![0], vec![]));
    assert_eq!(comparison.parks, (4, 3));
    let report = comparison.to_string();
    assert!(
        report.starts_with(
            "tokio: 4 parks, 1 self-wake left out (#0); engine: 3 parks, no self-wake"
        ),
        "{report}"
    );
    assert!(report.contains("left out: tokio #0 (at 0.2)"), "{report}");
    assert!(report.contains("next #1 (at 0.4) asks 960.400"), "{report}");
}

#[test]
fn every_left_out_park_is_followed_by_a_kept_park_for_the_same_instant() {
    // A chain of two cut-short parks for the same instant: only the one
    // right before the kept park goes; the first stays, and shows.
    let chain = vec![
        cut_short(0.1, 960.1, 0.01),
        cut_short(0.2, 960.2, 0.01),
        park(0.3, Some(960.3)),
    ];
    assert_eq!(self_wakes(&chain), [1]);
    // Cut short, but the next park asks for another instant (a timer filed
    // in between): kept, and it shows.
    let moved = vec![cut_short(0.1, 960.1, 0.01), park(0.2, Some(40.2))];
    assert_eq!(self_wakes(&moved), Vec::<usize>::new());
    // Within the tolerance it is the same instant; past it, not.
    let near = vec![
        cut_short(0.1, 960.1, 0.01),
        park(0.2, Some(960.1 + TOLERANCE_MS)),
    ];
    assert_eq!(self_wakes(&near), [0]);
    let far = vec![
        cut_short(0.1, 960.1, 0.01),
        park(0.2, Some(960.1 + TOLERANCE_MS + 0.5)),
    ];
    assert_eq!(self_wakes(&far), Vec::<usize>::new());
    // The last park has no next park: never left out.
    assert_eq!(
        self_wakes(&[cut_short(0.1, 960.1, 0.01)]),
        Vec::<usize>::new()
    );
    // Next park waits forever: not the same instant.
    assert_eq!(
        self_wakes(&[cut_short(0.1, 960.1, 0.01), park(0.2, None)]),
        Vec::<usize>::new()
    );
    for parks in [chain, moved, near, far, tokio_spawn_lifecycle()] {
        for index in self_wakes(&parks) {
            let next = &parks[index + 1];
            assert!(!self_wakes(&parks).contains(&(index + 1)));
            let (a, b) = (parks[index].asked_ms.unwrap(), next.asked_ms.unwrap());
            assert!((a - b).abs() <= TOLERANCE_MS);
        }
    }
}

#[test]
fn a_park_that_returns_early_with_a_socket_event_is_never_left_out() {
    for woken in [
        Woken::Sockets(1),
        Woken::Sockets(2),
        Woken::Internal,
        Woken::Nothing,
    ] {
        let mut parks = tokio_spawn_lifecycle();
        parks[0].woken = woken;
        assert_eq!(self_wakes(&parks), Vec::<usize>::new(), "{woken:?}");
        let error = compare(
            ("tokio", &observed(parks)),
            ("engine", &observed(engine_spawn_lifecycle())),
        )
        .unwrap_err();
        assert!(error.contains("tokio: 4 parks, no self-wake"), "{error}");
        assert!(error.contains("tokio has 4, engine has 3"), "{error}");
    }
}

#[test]
fn only_a_wait_the_runtime_cut_short_itself_at_once_is_a_self_wake() {
    let engine = observed(engine_spawn_lifecycle());
    type Change = fn(&mut Park);
    let variants: [(&str, Change); 5] = [
        ("woken by another thread's write", |park| {
            park.self_unparked = false
        }),
        ("waited 5 ms first", |park| park.lasted_ms = Some(5.0)),
        ("no duration known", |park| park.lasted_ms = None),
        ("a zero-timeout look", |park| {
            park.asked_ms = Some(park.at_ms)
        }),
        ("no timeout", |park| park.asked_ms = None),
    ];
    for (what, change) in variants {
        let mut parks = tokio_spawn_lifecycle();
        change(&mut parks[0]);
        assert_eq!(self_wakes(&parks), Vec::<usize>::new(), "{what}");
        assert!(
            compare(("tokio", &observed(parks)), ("engine", &engine)).is_err(),
            "{what}"
        );
    }
    // The bound itself still counts as at once.
    let mut parks = tokio_spawn_lifecycle();
    parks[0].lasted_ms = Some(AT_ONCE_MS);
    assert_eq!(self_wakes(&parks), [0]);
}

#[test]
fn the_drop_does_not_blunt_the_comparison() {
    let tokio = tokio_spawn_lifecycle();
    let engine = engine_spawn_lifecycle();
    // Moving any park of either side by 5 ms fails, the self-wake's included
    // (it then no longer asks for the next park's instant, so it stays).
    for index in 0..tokio.len() {
        let mut moved = tokio.clone();
        *moved[index].asked_ms.as_mut().unwrap() += 5.0;
        let result = compare(
            ("tokio", &observed(moved)),
            ("engine", &observed(engine.clone())),
        );
        assert!(
            result.is_err(),
            "tokio #{index} moved by 5 ms still matches"
        );
    }
    for index in 0..engine.len() {
        let mut moved = engine.clone();
        *moved[index].asked_ms.as_mut().unwrap() += 5.0;
        let result = compare(
            ("tokio", &observed(tokio.clone())),
            ("engine", &observed(moved)),
        );
        assert!(
            result.is_err(),
            "engine #{index} moved by 5 ms still matches"
        );
    }
    // An extra engine park, or a missing one, fails too.
    let mut extra = engine.clone();
    extra.insert(1, park(0.0, Some(960.0)));
    assert!(
        compare(
            ("tokio", &observed(tokio.clone())),
            ("engine", &observed(extra))
        )
        .is_err()
    );
    let missing = engine[1..].to_vec();
    assert!(compare(("tokio", &observed(tokio)), ("engine", &observed(missing))).is_err());
}
