//! The suite's programs written against real Tokio (current-thread runtime,
//! every driver enabled), run one per process so strace can watch it.
//!
//! ```text
//! tokio_programs <program> [--paused]
//! tokio_programs <mt_program>          (a multi-thread runtime, two workers)
//! ```
//!
//! The `mt_…` programs (`multi_thread.rs`) build a multi-thread runtime
//! instead, and are checked on Tokio alone (`reactor_fidelity::multi_thread`).
//!
//! `--paused` builds the runtime with `start_paused(true)`: the clock stands
//! still and jumps by exactly each park's duration (Tokio's
//! `park_thread_timeout`), and the park hooks report it through marker
//! syscalls. Markers also bracket the runtime's build and `block_on`, so
//! the runner can tell the program's syscalls from Tokio's start-up and
//! shutdown (see `reactor_fidelity::markers`).

mod multi_thread;
mod programs;

use std::process::ExitCode;
use std::sync::OnceLock;

use reactor_fidelity::markers;
use reactor_fidelity::multi_thread::MultiThreadProgram;
use reactor_fidelity::program::Program;
use tokio::runtime::{Builder, Runtime};
use tokio::time::Instant;

/// The paused clock's reading when `block_on` began: hook instants count from it.
static START: OnceLock<Instant> = OnceLock::new();

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let paused = args.iter().any(|arg| arg == "--paused");
    let name = args.iter().find(|arg| !arg.starts_with("--"));
    if let Some(program) = name.and_then(|name| MultiThreadProgram::from_name(name)) {
        multi_thread::run(program);
        return ExitCode::SUCCESS;
    }
    let Some(program) = name.and_then(|name| Program::from_name(name)) else {
        let names: Vec<_> = Program::ALL
            .iter()
            .map(|program| program.name())
            .chain(MultiThreadProgram::ALL.iter().map(|program| program.name()))
            .collect();
        eprintln!("usage: tokio_programs <{}> [--paused]", names.join("|"));
        return ExitCode::from(2);
    };
    if !paused && !program.runs_on_real_clock() {
        eprintln!("{program} takes too long on the real clock: run it with --paused");
        return ExitCode::from(2);
    }
    let runtime = build(paused);
    let after = runtime.block_on(async move {
        START.get_or_init(Instant::now);
        programs::run(program).await
    });
    markers::hit(markers::END);
    drop(runtime);
    after.finish();
    ExitCode::SUCCESS
}

/// A current-thread runtime with every driver, between the start and
/// block-on markers.
fn build(paused: bool) -> Runtime {
    markers::hit(markers::START);
    let mut builder = Builder::new_current_thread();
    builder.enable_all();
    if paused {
        builder
            .start_paused(true)
            .on_thread_park(|| report(markers::PARK))
            .on_thread_unpark(|| report(markers::UNPARK));
    }
    let runtime = builder.build().expect("the Tokio runtime could not start");
    markers::hit(markers::BLOCK_ON);
    runtime
}

/// Paused clock: print and mark the clock's reading, in ns since `START`.
fn report(marker: &str) {
    let Some(start) = START.get() else {
        return;
    };
    let nanos = Instant::now().duration_since(*start).as_nanos();
    let kind = marker
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(marker);
    println!("{kind} at {:.3} ms", nanos as f64 / 1e6);
    markers::hit(&format!("{marker}{nanos}"));
}
