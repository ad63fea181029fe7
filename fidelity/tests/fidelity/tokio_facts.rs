//! What Tokio 1.x does, asserted on its own.
//!
//! Paused-clock sequences are exact: Tokio's paused clock jumps by whole
//! ms. Real-clock facts allow [`TOLERANCE_MS`] above the instant: Tokio
//! never wakes early, and rounds deadlines up.

use reactor_fidelity::compare::{self, TOLERANCE_MS};
use reactor_fidelity::observed::{IoOp, IoOutcome};
use reactor_fidelity::program::{Clock, Program};
use reactor_fidelity::strace::Call;
use reactor_fidelity::tokio_side::CUT_SHORT;

use crate::support::{self, asks_between, on_real_clock, show, tokio};

/// A paused-clock park: `Wait(ms)` asked for an instant, `Zero(ms)` was a
/// zero-timeout look at the OS at that instant.
#[derive(Debug, PartialEq)]
enum P {
    Wait(f64),
    Zero(f64),
}

fn paused_parks(program: Program) -> Vec<P> {
    let run = tokio(program, Clock::Paused);
    run.observed
        .parks
        .iter()
        .map(|park| match park.asked_ms {
            Some(ms) if park.is_zero() => P::Zero(ms),
            Some(ms) => P::Wait(ms),
            None => panic!("{program}: a paused park without timeout\n{}", show(&run)),
        })
        .collect()
}

#[test]
fn spawn_lifecycle_parks_at_the_slot_start_then_the_deadline() {
    on_real_clock(Program::SpawnLifecycle, |real| {
        let near_960 = asks_between(&real.observed, 960.0, 960.0 + TOLERANCE_MS);
        let near_1000 = asks_between(&real.observed, 1000.0, 1001.0 + TOLERANCE_MS);
        // Filing the first timer wakes the driver (no wake was promised
        // yet), so the first park comes back at once and the loop parks again.
        let cut_short = real.observed.parks[0].note == CUT_SHORT;
        if near_960 && near_1000 && cut_short {
            Ok(())
        } else {
            Err(format!(
                "no park near 960 and 1000–1001, or no cut-short first park\n{}",
                show(real)
            ))
        }
    });
    use P::*;
    assert_eq!(
        paused_parks(Program::SpawnLifecycle),
        [Wait(960.0), Wait(960.0), Wait(1000.0), Zero(1000.0)]
    );
}

#[test]
fn timers_cascade_at_each_level_s_slot_start() {
    on_real_clock(Program::TimersShort, |real| {
        match [128.0, 4096.0, 4992.0]
            .into_iter()
            .find(|&instant| !asks_between(&real.observed, instant, instant + TOLERANCE_MS))
        {
            None => Ok(()),
            Some(instant) => Err(format!("no park near {instant}\n{}", show(real))),
        }
    });
    use P::*;
    let short = [
        Wait(3.0),
        Wait(3.0),
        Zero(3.0),
        Wait(128.0),
        Wait(150.0),
        Zero(150.0),
        Wait(4096.0),
        Wait(4992.0),
        Wait(5000.0),
        Zero(5000.0),
    ];
    assert_eq!(paused_parks(Program::TimersShort), short);
    let mut full: Vec<P> = short.into_iter().collect();
    full.extend([
        Wait(262_144.0),
        Wait(299_008.0),
        Wait(299_968.0),
        Wait(300_000.0),
        Zero(300_000.0),
    ]);
    assert_eq!(paused_parks(Program::Timers), full);
}

#[test]
fn odd_sleeps_around_slot_and_level_edges() {
    use P::*;
    assert_eq!(
        paused_parks(Program::OddSleeps),
        [
            Wait(1.0),
            Wait(1.0),
            Zero(1.0),
            Wait(63.0),
            Zero(63.0),
            Wait(64.0),
            Zero(64.0),
            Wait(65.0),
            Zero(65.0),
            Wait(768.0),
            Wait(777.0),
            Zero(777.0),
            Wait(4032.0),
            Wait(4095.0),
            Zero(4095.0),
            Wait(4096.0),
            Wait(4097.0),
            Zero(4097.0),
        ]
    );
}

#[test]
fn one_slot_cascades_once_then_fires_ms_by_ms() {
    use P::*;
    let mut expected = vec![Wait(192.0), Wait(192.0), Wait(200.0)];
    for ms in 200..250 {
        expected.extend([Zero(f64::from(ms)), Wait(f64::from(ms + 1))]);
    }
    expected.push(Zero(250.0));
    assert_eq!(paused_parks(Program::OneSlot), expected);
}

#[test]
fn far_sleeps_wrap_around_the_top_level() {
    use P::*;
    let horizon = (1u64 << 36) as f64;
    assert_eq!(
        paused_parks(Program::BeyondWheel),
        [
            Wait(horizon),
            Wait(horizon),
            Wait(horizon + 4096.0),
            Wait(horizon + 4992.0),
            Wait(horizon + 5000.0),
            Zero(horizon + 5000.0),
        ]
    );
    // `sleep(Duration::MAX)` is capped at 30 years, filed in top-level slot
    // 49, and visited once per rotation of the top level until it is due.
    let parks = paused_parks(Program::SleepMax);
    let thirty_years = 86_400.0 * 365.0 * 30.0 * 1000.0;
    let first = 49.0 * (1u64 << 30) as f64;
    assert_eq!(parks.len(), 20);
    assert_eq!(parks[1], Wait(first));
    assert_eq!(parks[2], Wait(first + horizon));
    assert_eq!(parks[18], Wait(thirty_years));
    assert_eq!(parks[19], Zero(thirty_years));
}

#[test]
fn sleep_max_loses_the_race_and_past_deadlines_never_park() {
    use P::*;
    assert_eq!(
        paused_parks(Program::SleepMaxRace),
        [Wait(256.0), Wait(256.0), Wait(300.0), Zero(300.0)]
    );
    // A deadline already past (before the runtime's start, then 10 ms ago)
    // completes on its first poll and never reaches the wheel: the parks
    // are the 20 ms sleep's alone (its self-wake, the wait, the look after
    // the task's end wakes `block_on`), and the only time the runtime
    // unparks itself is when that sleep is filed.
    let run = tokio(Program::PastDeadline, Clock::Paused);
    assert_eq!(
        paused_parks(Program::PastDeadline),
        [Wait(20.0), Wait(20.0), Zero(20.0)],
        "{}",
        show(&run)
    );
    let unparked: Vec<bool> = run.observed.parks.iter().map(|p| p.self_unparked).collect();
    assert_eq!(unparked, [true, false, false], "{}", show(&run));
    assert!(
        run.stdout.contains("before the start: already past")
            && run.stdout.contains("10 ms ago: already past"),
        "{}",
        run.stdout
    );
    on_real_clock(Program::PastDeadline, |real| {
        let parks = &real.observed.parks;
        let shape = parks.len() == 3
            && parks[0].note == CUT_SHORT
            && asks_between(&real.observed, 20.0, 20.0 + TOLERANCE_MS)
            && parks[2].is_zero();
        if shape {
            Ok(())
        } else {
            Err(format!("not the 20 ms sleep's parks alone\n{}", show(real)))
        }
    });
}

#[test]
fn the_yield_loop_looks_at_the_os_once_per_yield() {
    let run = tokio(Program::YieldLoop, Clock::Real);
    let parks = &run.observed.parks;
    // Five yields, then one more when the task's end wakes `block_on`.
    assert_eq!(parks.len(), 5 + 1, "{}", show(&run));
    assert!(parks.iter().all(|park| park.is_zero()), "{}", show(&run));
}

#[test]
fn crowd_batches_61_polls_and_parks_once_per_deadline() {
    let run = tokio(Program::Crowd, Clock::Paused);
    let parks = paused_parks(Program::Crowd);
    use P::*;
    // 240 first polls: three zero-timeout looks every 61 polls, then a park.
    assert_eq!(parks[..4], [Zero(0.0), Zero(0.0), Zero(0.0), Wait(10.0)]);
    let waits: Vec<f64> = parks
        .iter()
        .filter_map(|park| match park {
            Wait(ms) => Some(*ms),
            Zero(_) => None,
        })
        .collect();
    assert_eq!(
        waits,
        [
            10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 64.0, 80.0, 90.0, 100.0, 120.0, 128.0, 150.0
        ]
    );
    // The paused clock's own extra parks (no advance right after tasks
    // were scheduled) were left out.
    let dropped: Vec<f64> = run.dropped.iter().map(|park| park.at_ms).collect();
    assert_eq!(dropped, [10.0, 50.0, 80.0, 100.0]);
}

/// Why the engine is compared with the paused clock for timer programs: on
/// the real clock each wake lands a little after its ms, the next nap's
/// deadline rounds up from there, and `crowd`'s workers drift apart.
#[test]
fn crowd_drifts_on_the_real_clock() {
    let real = tokio(Program::Crowd, Clock::Real);
    let paused = tokio(Program::Crowd, Clock::Paused);
    let same = compare::compare_parks(
        ("real clock", "paused clock"),
        &real.observed.parks,
        &paused.observed.parks,
    );
    assert!(same.is_err(), "{}", show(&real));
}

#[test]
fn tcp_read_accepts_only_after_the_listener_s_event() {
    let run = tokio(Program::TcpRead, Clock::Real);
    let calls = &run.calls;
    let listener = calls
        .iter()
        .find_map(|call| match &call.call {
            Call::EpollCtl { op, data, .. } if op == "EPOLL_CTL_ADD" => *data,
            _ => None,
        })
        .expect("the listener is registered");
    let first_event = calls
        .iter()
        .position(
            |call| matches!(&call.call, Call::EpollWait { ready, .. } if ready.contains(&listener)),
        )
        .expect("the listener's event");
    let first_accept = calls
        .iter()
        .position(|call| matches!(call.call, Call::Accept { .. }))
        .expect("an accept");
    assert!(
        first_accept > first_event,
        "accept4 before the listener's event"
    );

    let io: Vec<_> = run
        .observed
        .io
        .iter()
        .map(|call| (call.op, call.outcome.clone()))
        .collect();
    assert_eq!(
        io,
        [
            (IoOp::Accept, IoOutcome::Ok { bytes: None }),
            (IoOp::Read, IoOutcome::WouldBlock),
            (IoOp::Read, IoOutcome::Ok { bytes: Some(14) }),
        ]
    );
    // The listener and the accepted stream, both for readable and writable.
    let interest: Vec<_> = run
        .observed
        .registrations
        .iter()
        .map(|registration| (registration.readable, registration.writable))
        .collect();
    assert_eq!(interest, [(true, true), (true, true)]);
    // With mio's flags: edge-triggered, and read-closed with readable.
    let flags: Vec<&Vec<String>> = calls
        .iter()
        .filter_map(|call| match &call.call {
            Call::EpollCtl { op, events, .. } if op == "EPOLL_CTL_ADD" => Some(events),
            _ => None,
        })
        .collect();
    assert_eq!(flags.len(), 2);
    for events in flags {
        assert_eq!(events, &["EPOLLIN", "EPOLLOUT", "EPOLLRDHUP", "EPOLLET"]);
    }
    // Waits without timeout until the bytes come, then one zero-timeout
    // look after the handler's end wakes `block_on`.
    let (last, waits) = run.observed.parks.split_last().expect("parks");
    assert!(
        waits.iter().all(|park| park.asked_ms.is_none()),
        "{}",
        show(&run)
    );
    assert!(last.is_zero() && last.at_ms >= 5.0, "{}", show(&run));
    assert!(run.stdout.contains("Read 14 bytes"), "{}", run.stdout);
}

/// Not a check: `cargo test -p reactor-fidelity -- --ignored --nocapture
/// print_everything` prints every program's Tokio parks on both clocks and
/// the comparison with the engine.
#[test]
#[ignore = "a report for people, not a check"]
fn print_everything() {
    for program in Program::ALL {
        for clock in [Clock::Real, Clock::Paused] {
            if clock == Clock::Real && !program.runs_on_real_clock() {
                continue;
            }
            let run = tokio(program, clock);
            println!("{}", show(&run));
            for park in &run.dropped {
                println!(
                    "   dropped: {} at {:.3} ({})",
                    park.origin, park.at_ms, park.note
                );
            }
            for call in &run.observed.io {
                println!("   {call} ({})", call.origin);
            }
            for registration in &run.observed.registrations {
                println!("   {registration} ({})", registration.origin);
            }
        }
        let clock = program.comparison_clock();
        let run = tokio(program, clock);
        let engine = support::engine(program);
        match compare::compare(
            (&format!("Tokio ({clock})"), &run.observed),
            ("engine", &engine),
        ) {
            Ok(report) => println!("{program}: the engine matches Tokio ({clock})\n{report}\n"),
            Err(table) => println!("{program}: the engine differs from Tokio ({clock})\n{table}"),
        }
    }
}
