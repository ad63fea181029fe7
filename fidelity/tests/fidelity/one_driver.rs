//! One I/O driver per runtime, held by whichever worker parks: in Tokio's
//! multi-thread runtime (two workers) never are two threads inside
//! `epoll_wait` on the runtime's epoll instance at once. The worker that
//! gets the driver's `TryLock` waits in epoll; the other parks on its
//! condition variable, a futex
//! (`tokio/src/runtime/scheduler/multi_thread/park.rs`).
//!
//! Asserted on Tokio (`reactor_fidelity::multi_thread`); the engine's side,
//! read from its records, is `one_driver_engine.rs`. Every run is checked for overlaps; the
//! facts that depend on how the OS schedules the two workers (the driver
//! changing hands, a worker asleep on its futex while the other waits)
//! hold if one of up to [`REAL_CLOCK_ATTEMPTS`] runs shows them, and every
//! failed attempt is reported.

use reactor_fidelity::multi_thread::driver::{self, DriverReport};
use reactor_fidelity::multi_thread::{MultiThreadProgram, MultiThreadRun, WORKERS};
use reactor_fidelity::strace::{Call, Ret, Syscall, parse_log};

use crate::support::{REAL_CLOCK_ATTEMPTS, multi_thread, multi_thread_again};

/// The driver's report for `run`, checked for what every run must show:
/// two workers, no two threads in `epoll_wait` at once, and no wait by a
/// thread that is not a worker (`block_on`'s thread parks on its own futex).
fn checked(run: &MultiThreadRun) -> DriverReport {
    let program = run.program;
    assert_eq!(run.workers.len(), WORKERS, "{program}: worker threads");
    let report =
        driver::check(&run.log, &run.workers).unwrap_or_else(|error| panic!("{program}: {error}"));
    assert!(
        report.overlaps.is_empty(),
        "{program}: two threads inside epoll_wait at once\n{report}"
    );
    for (tid, counts) in &report.per_thread {
        assert!(
            run.workers.contains(tid) || counts.waits == 0,
            "{program}: thread {tid} is not a worker and waited on the driver\n{report}"
        );
    }
    report
}

/// Check `program`'s runs with `check` (each one also [`checked`]), running
/// it again while the check fails, up to [`REAL_CLOCK_ATTEMPTS`] runs.
fn on_some_run(
    program: MultiThreadProgram,
    check: impl Fn(&DriverReport) -> Result<(), String>,
) -> DriverReport {
    let mut failures = Vec::new();
    for attempt in 1..=REAL_CLOCK_ATTEMPTS {
        let run = if attempt == 1 {
            multi_thread(program)
        } else {
            multi_thread_again(program)
        };
        let report = checked(&run);
        match check(&report) {
            Ok(()) => return report,
            Err(failure) => {
                let failure = format!("run {attempt}: {failure}\n{report}");
                // Shown with --nocapture: which checks needed another run, and why.
                eprintln!("{program}: {failure}");
                failures.push(failure);
            }
        }
    }
    panic!(
        "{program}, {REAL_CLOCK_ATTEMPTS} runs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn never_two_threads_inside_epoll_wait_at_once() {
    for program in MultiThreadProgram::ALL {
        let run = multi_thread(program);
        let report = checked(&run);
        println!("{program}:\n{report}");
        let printed = match program {
            MultiThreadProgram::TcpRead => "round 3: read 14 bytes",
            MultiThreadProgram::TwoClients => "two clients: read 84 bytes",
            MultiThreadProgram::Stealing => "192 short tasks done",
        };
        assert!(run.stdout.contains(printed), "{program}: {}", run.stdout);
        let waits: usize = report.per_thread.values().map(|counts| counts.waits).sum();
        assert!(waits >= 3, "{program}: the workers parked\n{report}");
    }
}

/// Work stealing: the spawner's worker queues tasks and wakes the other
/// worker (`schedule_local` notifies when the LIFO slot was taken), which
/// steals, runs out of work while the first is still busy, and parks: the
/// driver's `TryLock` is free, so it takes the driver; the first then parks
/// on its condvar. Both workers wait in `epoll_wait`, in turn.
#[test]
fn the_driver_moves_between_workers_when_work_is_stolen() {
    let report = on_some_run(MultiThreadProgram::Stealing, |report| {
        if report.threads_that_waited() == WORKERS && report.handoffs >= 1 {
            Ok(())
        } else {
            Err("the driver stayed with one worker".into())
        }
    });
    println!("mt_stealing:\n{report}");
}

/// The condvar side: while one worker waits in `epoll_wait`, the other is
/// inside a futex wait (`Inner::park_condvar`), and is still there when the
/// wait returns.
#[test]
fn a_worker_without_the_driver_sleeps_on_a_futex_meanwhile() {
    for program in MultiThreadProgram::ALL {
        let report = on_some_run(program, |report| {
            if report.asleep_at_return >= 1 {
                Ok(())
            } else {
                Err("no wait returned while the other worker slept on a futex".into())
            }
        });
        let (wait, futex) = report.example.clone().expect("an example");
        assert_ne!(wait.tid, futex.tid);
        println!("{program}: {wait}\n  while {futex}");
    }
}

/// The teeth, on a synthetic excerpt: two workers inside `epoll_wait` on the
/// runtime's instance at once are reported.
#[test]
fn teeth_two_overlapping_waits_are_reported() {
    let excerpt = r#"100 1.000000 statx(AT_FDCWD, "/reactor-lab-fidelity/start", 0) = -1 ENOENT (No such file or directory)
100 1.000010 epoll_create1(EPOLL_CLOEXEC) = 3 <0.000005>
101 1.000100 statx(AT_FDCWD, "/reactor-lab-fidelity/worker", 0) = -1 ENOENT (No such file or directory)
102 1.000110 statx(AT_FDCWD, "/reactor-lab-fidelity/worker", 0) = -1 ENOENT (No such file or directory)
100 1.000200 statx(AT_FDCWD, "/reactor-lab-fidelity/block-on", 0) = -1 ENOENT (No such file or directory)
101 1.001000 epoll_wait(3,  <unfinished ...>
102 1.001500 epoll_wait(3,  <unfinished ...>
101 1.006000 <... epoll_wait resumed>[], 1024, 5) = 0 <0.005000>
102 1.006500 <... epoll_wait resumed>[], 1024, 5) = 0 <0.005000>
"#;
    let log = parse_log(excerpt);
    let report = driver::check(&log, &[101, 102]).expect("the runtime's epoll instance");
    assert_eq!(report.overlaps.len(), 1, "{report}");
    let (first, second) = &report.overlaps[0];
    assert_eq!((first.tid, second.tid), (101, 102));
    assert_eq!((first.line, second.line), (6, 7));
    println!("{report}");
}

/// The teeth, on a real run: one `epoll_wait` of the other worker, from
/// just before the run's longest park began to just after, makes the
/// check fail with exactly that pair.
#[test]
fn teeth_a_wait_slipped_into_a_real_run_is_reported() {
    let run = multi_thread(MultiThreadProgram::Stealing);
    let report = checked(&run);
    // Every line number doubled: room for a line between any two.
    let mut log = run.log.clone();
    for call in &mut log.calls {
        call.line *= 2;
        call.returned_line *= 2;
    }
    for call in &mut log.cut_short {
        call.line *= 2;
    }
    let waits = driver::epoll_spans(&log, report.epfd);
    let longest = waits
        .iter()
        .filter(|wait| !wait.zero_timeout)
        .max_by_key(|wait| wait.returned_us - wait.at_us)
        .expect("a park");
    let other = *run
        .workers
        .iter()
        .find(|tid| **tid != longest.tid)
        .expect("another worker");
    log.calls.push(Syscall {
        tid: other,
        at_us: longest.at_us - 1,
        returned_us: longest.at_us + 1,
        line: longest.line - 1,
        returned_line: longest.line + 1,
        call: Call::EpollWait {
            epfd: report.epfd,
            timeout_ms: Some(0),
            ready: vec![],
        },
        ret: Ret {
            value: Some(0),
            errno: None,
            took_us: Some(2),
        },
    });
    let slipped = driver::check(&log, &run.workers).expect("the same epoll instance");
    assert_eq!(slipped.overlaps.len(), 1, "{slipped}");
    let (first, second) = &slipped.overlaps[0];
    assert_eq!((first.tid, first.line), (other, longest.line - 1));
    assert_eq!(second, longest);
    println!("{slipped}");
}
