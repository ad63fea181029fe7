//! The engine's side of "one I/O driver per runtime": in its multi-thread
//! scenarios, whatever the interleaving, the worker that waits in the OS
//! (a `park` record) is the one holding the driver, which it took with
//! `driver_acquired` while nobody held it and gave back with
//! `driver_released`; the `block_on` thread never waits in the OS; the
//! driver changes hands; and a worker sleeps without it (on its condition
//! variable) while another waits in the OS. What Tokio shows under strace
//! in `one_driver.rs`, read from the engine's records.

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::{BLOCK_ON_THREAD, Event};

/// The engine's multi-thread scenarios.
const SCENARIOS: [&str; 3] = [
    "multi_thread_tcp_read",
    "work_stealing",
    "multi_thread_spawn",
];

/// What one run's records say about the driver.
#[derive(Debug, Default)]
struct DriverUse {
    /// Workers that took the driver, in order.
    holders: Vec<u32>,
    /// A worker parked without the driver while another held it and then
    /// waited in the OS.
    slept_on_condvar_meanwhile: bool,
}

fn driver_use(id: &str, seed: u64) -> DriverUse {
    let options = LabRunOptions {
        seed,
        ..LabRunOptions::default()
    };
    let records = LabRun::load(id, options).expect("scenario loads").run();
    let mut held: Option<u32> = None;
    let mut on_condvar = std::collections::BTreeSet::new();
    let mut seen = DriverUse::default();
    for (i, record) in records.iter().enumerate() {
        let at = format!("{id} seed {seed} seq {}", record.seq);
        match record.event {
            Event::DriverAcquired => {
                assert_eq!(held, None, "{at}: taken while held");
                held = Some(record.worker);
                on_condvar.remove(&record.worker);
                seen.holders.push(record.worker);
            }
            Event::DriverReleased => {
                assert_eq!(held, Some(record.worker), "{at}: released by another");
                held = None;
            }
            Event::WorkerPark => {
                let takes_it = records
                    .get(i + 1)
                    .is_some_and(|next| next.event == Event::DriverAcquired);
                if !takes_it {
                    on_condvar.insert(record.worker);
                }
            }
            Event::WorkerUnpark => {
                on_condvar.remove(&record.worker);
            }
            Event::Park { .. } => {
                assert_ne!(
                    record.worker, BLOCK_ON_THREAD,
                    "{at}: block_on waited in epoll"
                );
                assert_eq!(held, Some(record.worker), "{at}: waited without the driver");
                if !on_condvar.is_empty() {
                    seen.slept_on_condvar_meanwhile = true;
                }
            }
            _ => {}
        }
    }
    seen
}

#[test]
fn only_the_worker_holding_the_driver_waits_in_the_os() {
    for id in SCENARIOS {
        for seed in 0..8 {
            let seen = driver_use(id, seed);
            assert!(
                !seen.holders.is_empty(),
                "{id} seed {seed}: nobody took the driver"
            );
        }
    }
}

/// As on Tokio (where `mt_stealing` shows it in every run and
/// `mt_tcp_read` seldom), the driver goes to whichever worker parks next
/// while it is free: some interleavings of each scenario hand it over.
#[test]
fn the_driver_changes_hands_in_some_interleavings() {
    for id in SCENARIOS {
        let handed_over = (0..8).any(|seed| {
            let holders = driver_use(id, seed).holders;
            holders.windows(2).any(|pair| pair[0] != pair[1])
        });
        assert!(handed_over, "{id}: the same worker always held the driver");
    }
}

/// While the driver's holder waits in the OS, the other workers sleep on
/// their condition variables (Tokio's untimed futex waits).
#[test]
fn a_worker_without_the_driver_sleeps_while_the_holder_waits() {
    for id in ["multi_thread_tcp_read", "multi_thread_spawn"] {
        for seed in 0..8 {
            assert!(
                driver_use(id, seed).slept_on_condvar_meanwhile,
                "{id} seed {seed}: nobody slept on a condvar during an OS wait"
            );
        }
    }
}
