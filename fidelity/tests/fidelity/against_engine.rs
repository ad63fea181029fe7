//! The engine against Tokio, program by program: the same parks (asked
//! instants within the tolerance), the same accept/read calls and
//! outcomes, the same registrations.
//!
//! Timer programs are compared with Tokio's paused clock, socket programs
//! with its real clock (see `Program::comparison_clock`). Tokio's
//! self-wakes (its time driver's eventfd round trip, which the engine does
//! not make) are left out of the match and reported: run with
//! `--nocapture` to see each comparison's report.

use reactor_fidelity::compare::{self, Comparison};
use reactor_fidelity::program::{Clock, Program};
use reactor_fidelity::tokio_side::TokioRun;

use crate::support::{engine, on_real_clock, tokio};

fn engine_matches_tokio(program: Program) {
    let clock = program.comparison_clock();
    let engine = engine(program);
    let check = |tokio: &TokioRun| {
        let comparison = compare::compare(
            (&format!("Tokio ({clock})"), &tokio.observed),
            ("engine", &engine),
        )
        .map_err(|table| format!("{program}: the engine does not do what Tokio does\n{table}"))?;
        println!("{program}: the engine matches Tokio ({clock})\n{comparison}");
        only_tokio_self_wakes(program, &comparison)
    };
    match clock {
        Clock::Real => on_real_clock(program, check),
        Clock::Paused => {
            if let Err(failure) = check(&tokio(program, clock)) {
                panic!("{failure}");
            }
        }
    }
}

/// The engine never self-wakes, and Tokio's self-wakes are the one its
/// time driver makes when the first timer is filed before the first park
/// (`next_wake` is still `None`): park #0, or none.
fn only_tokio_self_wakes(program: Program, comparison: &Comparison) -> Result<(), String> {
    let (tokio, engine) = comparison.left_out_indices();
    if engine.is_empty() && (tokio.is_empty() || tokio == [0]) {
        Ok(())
    } else {
        Err(format!(
            "{program}: unexpected self-wakes left out (Tokio {tokio:?}, engine {engine:?})\n{comparison}"
        ))
    }
}

#[test]
fn tcp_read() {
    engine_matches_tokio(Program::TcpRead);
}

#[test]
fn spawn_lifecycle() {
    engine_matches_tokio(Program::SpawnLifecycle);
}

#[test]
fn timers() {
    engine_matches_tokio(Program::Timers);
}

#[test]
fn timers_short() {
    engine_matches_tokio(Program::TimersShort);
}

#[test]
fn crowd() {
    engine_matches_tokio(Program::Crowd);
}

#[test]
fn yield_loop() {
    engine_matches_tokio(Program::YieldLoop);
}

#[test]
fn odd_sleeps() {
    engine_matches_tokio(Program::OddSleeps);
}

#[test]
fn one_slot() {
    engine_matches_tokio(Program::OneSlot);
}

#[test]
fn beyond_wheel() {
    engine_matches_tokio(Program::BeyondWheel);
}

#[test]
fn sleep_max_race() {
    engine_matches_tokio(Program::SleepMaxRace);
}

#[test]
fn sleep_max() {
    engine_matches_tokio(Program::SleepMax);
}

#[test]
fn past_deadline() {
    engine_matches_tokio(Program::PastDeadline);
}
