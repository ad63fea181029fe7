//! Each Tokio run and engine run once per test binary, shared by the tests
//! that ask for it (the first asker runs it, the others wait for it).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use reactor_fidelity::compare;
use reactor_fidelity::engine_side;
use reactor_fidelity::multi_thread::{self, MultiThreadProgram, MultiThreadRun};
use reactor_fidelity::observed::Observed;
use reactor_fidelity::program::{Clock, Program};
use reactor_fidelity::tokio_side::{self, TokioRun};

type Slot<T> = Arc<OnceLock<Result<Arc<T>, String>>>;
type Cache<K, T> = OnceLock<Mutex<HashMap<K, Slot<T>>>>;

fn slot<K: std::hash::Hash + Eq, T>(cache: &'static Cache<K, T>, key: K) -> Slot<T> {
    let mut map = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(map.entry(key).or_default())
}

/// The Tokio run of `program` on `clock`; panics with the reason if it failed.
pub fn tokio(program: Program, clock: Clock) -> Arc<TokioRun> {
    static RUNS: Cache<(Program, Clock), TokioRun> = OnceLock::new();
    let binary = Path::new(env!("CARGO_BIN_EXE_tokio_programs"));
    slot(&RUNS, (program, clock))
        .get_or_init(|| tokio_side::run(binary, program, clock).map(Arc::new))
        .clone()
        .unwrap_or_else(|error| panic!("Tokio's {program} ({clock}) did not run: {error}"))
}

/// The run of the multi-thread `program` under strace; panics with the
/// reason if it failed.
pub fn multi_thread(program: MultiThreadProgram) -> Arc<MultiThreadRun> {
    static RUNS: Cache<MultiThreadProgram, MultiThreadRun> = OnceLock::new();
    slot(&RUNS, program)
        .get_or_init(|| multi_thread::run(tokio_programs(), program).map(Arc::new))
        .clone()
        .unwrap_or_else(|error| panic!("Tokio's {program} did not run: {error}"))
}

/// Another run of the multi-thread `program`, not shared.
pub fn multi_thread_again(program: MultiThreadProgram) -> Arc<MultiThreadRun> {
    multi_thread::run(tokio_programs(), program)
        .map(Arc::new)
        .unwrap_or_else(|error| panic!("Tokio's {program} did not run: {error}"))
}

fn tokio_programs() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tokio_programs"))
}

/// The engine's run of `program`; panics with the reason if it failed.
pub fn engine(program: Program) -> Arc<Observed> {
    static RUNS: Cache<Program, Observed> = OnceLock::new();
    slot(&RUNS, program)
        .get_or_init(|| engine_side::observe_program(program).map(Arc::new))
        .clone()
        .unwrap_or_else(|error| panic!("the engine's {program} did not run: {error}"))
}

/// Runs of a real-clock check before it counts as failed.
///
/// The real clock is the machine's: on a busy machine (two cores, a build
/// running beside the suite) a run's first poll or a wake can come several
/// ms late, and everything after it with it. A property of Tokio holds if
/// one run shows it; every failed attempt is reported.
pub const REAL_CLOCK_ATTEMPTS: usize = 3;

/// Check `program`'s real-clock run with `check`, running it again (up to
/// [`REAL_CLOCK_ATTEMPTS`] in all) while the check fails.
pub fn on_real_clock(program: Program, check: impl Fn(&TokioRun) -> Result<(), String>) {
    let binary = Path::new(env!("CARGO_BIN_EXE_tokio_programs"));
    let mut failures = Vec::new();
    for attempt in 1..=REAL_CLOCK_ATTEMPTS {
        let run = if attempt == 1 {
            tokio(program, Clock::Real)
        } else {
            tokio_side::run(binary, program, Clock::Real)
                .map(Arc::new)
                .unwrap_or_else(|error| panic!("Tokio's {program} did not run: {error}"))
        };
        match check(&run) {
            Ok(()) => return,
            Err(failure) => {
                // Shown with --nocapture: which checks needed another run.
                eprintln!("{program}: real-clock run {attempt} failed its check");
                failures.push(format!("run {attempt}: {failure}"));
            }
        }
    }
    panic!(
        "{program} on the real clock, {REAL_CLOCK_ATTEMPTS} runs:\n{}",
        failures.join("\n")
    );
}

/// Whether some park asked for an instant in `low..=high` ms.
pub fn asks_between(observed: &Observed, low: f64, high: f64) -> bool {
    observed
        .parks
        .iter()
        .filter_map(|park| park.asked_ms)
        .any(|ms| (low..=high).contains(&ms))
}

/// Tokio's parks as a table, to show beside a failed assertion.
pub fn show(run: &TokioRun) -> String {
    format!(
        "Tokio {} ({}):\n{}",
        run.program,
        run.clock,
        compare::park_table(&run.observed.parks)
    )
}
