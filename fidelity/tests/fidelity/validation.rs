//! The paused-clock method checked against the real clock: where both can
//! run, the parks the paused run reconstructs (hook instants, the
//! own-waker inference, the dropped `did_wake` parks) are the parks strace
//! sees on the real clock, within the tolerance; and the self-wakes the
//! comparison with the engine leaves out are the same parks on both.

use reactor_fidelity::compare;
use reactor_fidelity::program::{Clock, Program};

use crate::support::{on_real_clock, show, tokio};

fn paused_matches_real(program: Program) {
    let paused = tokio(program, Clock::Paused);
    on_real_clock(program, |real| {
        compare::compare_parks(
            ("Tokio, real clock", "Tokio, paused clock"),
            &real.observed.parks,
            &paused.observed.parks,
        )
        .map_err(|table| format!("the paused clock does not stand for the real one\n{table}"))
    });
}

/// On the paused clock a self-wake's instant is inferred (the next park's);
/// on the real clock it is seen. Every program that runs on both clocks
/// and is compared on the paused one has its self-wakes at the same
/// indices on both, so the inference leaves out the parks the real clock
/// shows to be self-wakes, and no other.
#[test]
fn self_wakes_are_the_same_parks_on_both_clocks() {
    for program in Program::ALL {
        if !program.runs_on_real_clock() || program.comparison_clock() != Clock::Paused {
            continue;
        }
        let paused = compare::self_wakes(&tokio(program, Clock::Paused).observed.parks);
        on_real_clock(program, |real| {
            let seen = compare::self_wakes(&real.observed.parks);
            if seen == paused {
                Ok(())
            } else {
                Err(format!(
                    "{program}: self-wakes {seen:?} on the real clock, {paused:?} on the paused one\n{}",
                    show(real)
                ))
            }
        });
    }
}

#[test]
fn spawn_lifecycle_paused_matches_real() {
    paused_matches_real(Program::SpawnLifecycle);
}

#[test]
fn timers_short_paused_matches_real() {
    paused_matches_real(Program::TimersShort);
}
