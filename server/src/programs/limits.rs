//! What playground programs may cost the server: the HTTP body, runs at
//! once and waiting, the real time of one run, and the playground's own
//! limits on a program (its size, tasks, sockets, records, virtual time, …).
//!
//! Every number is a flag of `reactor-lab` ([`ProgramFlags`]) and a field
//! of [`ProgramLimits`]:
//!
//! | field | default | flag | past it |
//! |---|---|---|---|
//! | [`max_body_bytes`](ProgramLimits::max_body_bytes) | 64 KiB | `--max-run-body-bytes` | `POST /api/run` answers 413 |
//! | [`max_concurrent`](ProgramLimits::max_concurrent) | 2 | `--max-concurrent-runs` | the run waits for a turn |
//! | [`max_waiting`](ProgramLimits::max_waiting) | 64 | `--max-waiting-runs` | 503 (HTTP) or an `error` frame |
//! | [`wait_timeout`](ProgramLimits::wait_timeout) | 10 s | `--run-wait-timeout-secs` | 503 (HTTP) or an `error` frame |
//! | [`max_run_time`](ProgramLimits::max_run_time) | 5 s | `--max-run-secs` | 422 (HTTP) or an `error` frame |
//! | [`playground`](ProgramLimits::playground) | the playground's | `--program-…` | the program is refused, or its run ends |

use std::time::Duration;

/// Bounds on playground programs, with their defaults in [`ProgramLimits::default`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramLimits {
    /// Largest `POST /api/run` body, in bytes. A bigger one is answered
    /// 413. Keep it well above the playground's `max_source_bytes`: JSON
    /// escapes make the body longer than the program.
    pub max_body_bytes: usize,
    /// Programs compiled and run at once, by `POST /api/run` and by
    /// sessions loading a program (at least 1). Others wait their turn.
    pub max_concurrent: usize,
    /// Runs that may wait for a turn. Past it a run is refused at once:
    /// 503 over HTTP, an `error` frame on a session.
    pub max_waiting: usize,
    /// Longest a run waits for a turn before it is refused, as above.
    pub wait_timeout: Duration,
    /// Real (wall-clock) time a whole run of a program may take: the run
    /// behind `POST /api/run`, and the run a session's `load` makes for
    /// the program's outline. Past it the run is stopped and refused (422
    /// over HTTP, an `error` frame on a session).
    pub max_run_time: Duration,
    /// What one program may use: its size, nesting, tasks, sockets,
    /// records, virtual time, steps (per poll and in all), calls, stack,
    /// memory, peer actions and workers (the playground's own defaults). The threads
    /// that run programs have `max_stack_bytes` of stack more than the
    /// engine needs ([`ProgramLimits::thread_stack_bytes`]).
    pub playground: reactor_playground::Limits,
}

/// Default for [`ProgramLimits::max_body_bytes`]: 64 KiB, four times the
/// playground's largest program, so escapes never push a program it takes
/// past the body limit.
pub const DEFAULT_MAX_RUN_BODY_BYTES: usize = 64 * 1024;
/// Default for [`ProgramLimits::max_concurrent`]: 2, one per core of the
/// small machine the server is sized for; scenario sessions keep running
/// beside them on their own threads.
pub const DEFAULT_MAX_CONCURRENT_RUNS: usize = 2;
/// Default for [`ProgramLimits::max_waiting`]: 64, a class of 60 pressing
/// "Run" in the same second. A waiting run costs a task and its request.
pub const DEFAULT_MAX_WAITING_RUNS: usize = 64;
/// Default for [`ProgramLimits::wait_timeout`]: 10 s. A learner's program
/// runs in milliseconds; ten seconds without a turn means the server is
/// saturated, and saying so beats a spinner.
pub const DEFAULT_RUN_WAIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`ProgramLimits::max_run_time`]: 5 s. A run of the
/// playground's largest trace takes well under a second; a program that
/// spends five seconds of the server's time has a loop that barely waits.
pub const DEFAULT_MAX_RUN_TIME: Duration = Duration::from_secs(5);

/// Stack a thread running an engine needs besides the interpreter's
/// `max_stack_bytes`: the engine's own frames and the runtime's, with room
/// to spare (a thread's default is 2 MiB in all).
pub const ENGINE_STACK_BYTES: usize = 4 * 1024 * 1024;

impl ProgramLimits {
    /// Stack of every thread that may run a program: a session's engine
    /// thread and the thread of a `POST /api/run`. Only the pages a run
    /// touches are ever committed.
    pub fn thread_stack_bytes(&self) -> usize {
        ENGINE_STACK_BYTES.saturating_add(self.playground.max_stack_bytes)
    }
}

impl Default for ProgramLimits {
    fn default() -> Self {
        ProgramLimits {
            max_body_bytes: DEFAULT_MAX_RUN_BODY_BYTES,
            max_concurrent: DEFAULT_MAX_CONCURRENT_RUNS,
            max_waiting: DEFAULT_MAX_WAITING_RUNS,
            wait_timeout: DEFAULT_RUN_WAIT_TIMEOUT,
            max_run_time: DEFAULT_MAX_RUN_TIME,
            playground: reactor_playground::Limits::default(),
        }
    }
}

/// The `reactor-lab` flags for [`ProgramLimits`] (flattened into its
/// arguments). The `--program-…` defaults are the playground's own.
#[derive(Clone, Debug, clap::Args)]
pub struct ProgramFlags {
    /// Largest `POST /api/run` body, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_RUN_BODY_BYTES)]
    pub max_run_body_bytes: usize,
    /// Playground programs compiled and run at once (HTTP runs and session loads).
    #[arg(long, default_value_t = DEFAULT_MAX_CONCURRENT_RUNS)]
    pub max_concurrent_runs: usize,
    /// Program runs that may wait for a turn before more are refused.
    #[arg(long, default_value_t = DEFAULT_MAX_WAITING_RUNS)]
    pub max_waiting_runs: usize,
    /// Seconds a program run may wait for a turn before it is refused.
    #[arg(long, default_value_t = DEFAULT_RUN_WAIT_TIMEOUT.as_secs())]
    pub run_wait_timeout_secs: u64,
    /// Seconds of real time one whole run of a program may take.
    #[arg(long, default_value_t = DEFAULT_MAX_RUN_TIME.as_secs())]
    pub max_run_secs: u64,
    /// Largest program text, in bytes.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_source_bytes)]
    pub program_max_source_bytes: usize,
    /// Deepest nesting of brackets and expressions in a program.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_nesting)]
    pub program_max_nesting: u32,
    /// Tasks one program run may spawn.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_tasks)]
    pub program_max_tasks: u32,
    /// Sockets one program run may open.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_sockets)]
    pub program_max_sockets: u32,
    /// Records one program run may make (also bounded by --max-records).
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_records)]
    pub program_max_records: u64,
    /// Seconds of virtual time one program run may reach.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_virtual_time.as_secs())]
    pub program_max_virtual_time_secs: u64,
    /// Interpreter steps one poll of a program's task may take before it
    /// counts as a busy poll.
    #[arg(long, default_value_t = reactor_playground::Limits::default().steps_per_poll)]
    pub program_steps_per_poll: u64,
    /// Interpreter steps one whole program run may take.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_total_steps)]
    pub program_max_total_steps: u64,
    /// Deepest chain of function calls in a program run.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_call_depth)]
    pub program_max_call_depth: u32,
    /// Stack the interpreter may use below a task's poll, in bytes (the
    /// threads that run programs get this much more stack).
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_stack_bytes)]
    pub program_max_stack_bytes: usize,
    /// Deepest nesting of tuples, results and `Vec`s inside one another.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_value_nesting)]
    pub program_max_value_nesting: u32,
    /// Bytes of strings and buffers one program run may create.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_memory_bytes)]
    pub program_max_memory_bytes: u64,
    /// Actions a peer description may list.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_peer_actions)]
    pub program_max_peer_actions: usize,
    /// Worker threads a multi-thread program may ask for.
    #[arg(long, default_value_t = reactor_playground::Limits::default().max_workers)]
    pub program_max_workers: u32,
}

impl ProgramFlags {
    /// The limits these flags ask for. A limit the playground has and no
    /// flag names keeps the playground's default.
    #[allow(clippy::needless_update)] // the playground may add limits
    pub fn limits(&self) -> ProgramLimits {
        ProgramLimits {
            max_body_bytes: self.max_run_body_bytes,
            max_concurrent: self.max_concurrent_runs,
            max_waiting: self.max_waiting_runs,
            wait_timeout: Duration::from_secs(self.run_wait_timeout_secs),
            max_run_time: Duration::from_secs(self.max_run_secs),
            playground: reactor_playground::Limits {
                max_source_bytes: self.program_max_source_bytes,
                max_nesting: self.program_max_nesting,
                max_tasks: self.program_max_tasks,
                max_sockets: self.program_max_sockets,
                max_records: self.program_max_records,
                max_virtual_time: Duration::from_secs(self.program_max_virtual_time_secs),
                steps_per_poll: self.program_steps_per_poll,
                max_total_steps: self.program_max_total_steps,
                max_call_depth: self.program_max_call_depth,
                max_stack_bytes: self.program_max_stack_bytes,
                max_value_nesting: self.program_max_value_nesting,
                max_memory_bytes: self.program_max_memory_bytes,
                max_peer_actions: self.program_max_peer_actions,
                max_workers: self.program_max_workers,
                ..reactor_playground::Limits::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        programs: ProgramFlags,
    }

    #[test]
    fn the_flags_default_to_the_defaults() {
        let args = Args::try_parse_from(["reactor-lab"]).expect("no flags");
        assert_eq!(args.programs.limits(), ProgramLimits::default());
    }

    #[test]
    fn every_flag_reaches_its_limit() {
        let args = Args::try_parse_from([
            "reactor-lab",
            "--max-run-body-bytes=1000",
            "--max-concurrent-runs=3",
            "--max-waiting-runs=4",
            "--run-wait-timeout-secs=5",
            "--max-run-secs=6",
            "--program-max-source-bytes=700",
            "--program-max-tasks=8",
            "--program-max-sockets=9",
            "--program-max-records=10",
            "--program-max-virtual-time-secs=11",
            "--program-steps-per-poll=12",
            "--program-max-total-steps=13",
        ])
        .expect("valid flags");
        let limits = args.programs.limits();
        assert_eq!(limits.max_body_bytes, 1000);
        assert_eq!((limits.max_concurrent, limits.max_waiting), (3, 4));
        assert_eq!(limits.wait_timeout, Duration::from_secs(5));
        assert_eq!(limits.max_run_time, Duration::from_secs(6));
        let playground = &limits.playground;
        assert_eq!(playground.max_source_bytes, 700);
        assert_eq!((playground.max_tasks, playground.max_sockets), (8, 9));
        assert_eq!(playground.max_records, 10);
        assert_eq!(playground.max_virtual_time, Duration::from_secs(11));
        assert_eq!(playground.steps_per_poll, 12);
        assert_eq!(playground.max_total_steps, 13);
    }
}
