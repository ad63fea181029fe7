//! The parks `compare` leaves out, checked on every run the suite makes:
//! each is one of Tokio's self-wakes, immediately followed by a kept park
//! for the same instant, and none ever had a socket event. So leaving them
//! out cannot hide a park the engine lacks or one it moved.

use reactor_fidelity::compare::{self, AT_ONCE_MS, TOLERANCE_MS};
use reactor_fidelity::observed::Woken;
use reactor_fidelity::program::{Clock, Program};
use reactor_fidelity::tokio_side::TokioRun;

use crate::support::{engine, show, tokio};

/// Every Tokio run the suite makes (both clocks where the program can run
/// on the real one).
fn every_run() -> Vec<std::sync::Arc<TokioRun>> {
    let mut runs = Vec::new();
    for program in Program::ALL {
        if program.runs_on_real_clock() {
            runs.push(tokio(program, Clock::Real));
        }
        runs.push(tokio(program, Clock::Paused));
    }
    runs
}

#[test]
fn every_left_out_park_is_followed_by_a_kept_park_for_the_same_instant() {
    let mut seen = 0;
    for run in every_run() {
        let parks = &run.observed.parks;
        let left_out = compare::self_wakes(parks);
        seen += left_out.len();
        for &index in &left_out {
            let (park, next) = (&parks[index], &parks[index + 1]);
            let context = || format!("#{index}\n{}", show(&run));
            assert!(!left_out.contains(&(index + 1)), "{}", context());
            let (Some(asked), Some(next_asked)) = (park.asked_ms, next.asked_ms) else {
                panic!("a left-out park or its next waits forever: {}", context());
            };
            assert!((asked - next_asked).abs() <= TOLERANCE_MS, "{}", context());
            assert_eq!(park.woken, Woken::OwnWaker, "{}", context());
            assert!(park.self_unparked, "{}", context());
            assert!(
                park.lasted_ms.is_some_and(|ms| ms <= AT_ONCE_MS),
                "{}",
                context()
            );
            // On the real clock the instant is seen, not inferred.
            if run.clock == Clock::Real {
                assert!(!park.asked_inferred, "{}", context());
            }
        }
    }
    assert!(
        seen > 0,
        "no self-wake in any run: this test proves nothing"
    );
    // The engine never self-wakes: nothing of its side is ever left out.
    for program in Program::ALL {
        assert_eq!(
            compare::self_wakes(&engine(program).parks),
            Vec::<usize>::new(),
            "{program}"
        );
    }
}

#[test]
fn a_park_that_returns_early_with_a_socket_event_is_never_left_out() {
    for run in every_run() {
        for index in compare::self_wakes(&run.observed.parks) {
            assert!(
                !matches!(run.observed.parks[index].woken, Woken::Sockets(_)),
                "#{index}\n{}",
                show(&run)
            );
        }
    }
    // tcp_read's parks end with socket events, and stay.
    let tcp_read = tokio(Program::TcpRead, Clock::Real);
    let socket_parks = tcp_read
        .observed
        .parks
        .iter()
        .filter(|park| matches!(park.woken, Woken::Sockets(_)))
        .count();
    assert!(socket_parks >= 3, "{}", show(&tcp_read));
    assert_eq!(
        compare::self_wakes(&tcp_read.observed.parks),
        Vec::<usize>::new()
    );
    // Had a socket event come back with Tokio's waker event in one of
    // the real self-wakes, that park would stay, and the comparison with
    // the engine would fail.
    let mut tried = 0;
    for program in Program::ALL {
        if program.comparison_clock() != Clock::Paused {
            continue;
        }
        let mut tokio = tokio(program, Clock::Paused).observed.clone();
        let left_out = compare::self_wakes(&tokio.parks);
        if left_out.is_empty() {
            continue;
        }
        for &index in &left_out {
            tokio.parks[index].woken = Woken::Sockets(1);
        }
        tried += 1;
        assert_eq!(compare::self_wakes(&tokio.parks), Vec::<usize>::new());
        let result = compare::compare(("Tokio", &tokio), ("engine", &engine(program)));
        assert!(result.is_err(), "{program}: a socket-woken park was hidden");
    }
    assert!(tried > 0);
}
