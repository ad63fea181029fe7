//! Every generated sentence, held to the moment it describes.
//!
//! For every record of every golden trace (`engine/tests/golden/*.jsonl`,
//! the engine's current behaviour) the state the record left is computed as
//! the web computes it — the records of one engine action replayed with
//! [`state_within`] onto the state before it — and each claim an explanation
//! makes is checked against that state, the state before, or the records
//! around it:
//!
//! ```text
//!   "the run queue is empty"            → the run queue is empty
//!   park / clock_advance names a timer  → a timer is filed; "slot starts at X" → next expiration X
//!   clock_advance names a timer slot    → its target instant is the wheel's next expiration
//!   "scripted peer"                     → it is not
//!   "no waker is stored"                → the registration holds no waker
//!   diagnostic: "task N has no waker stored" → the record lists no spot of task N
//!   syscall "without blocking"          → it is not the blocking clock_nanosleep
//!   "wakes nobody" / "is woken"         → no `wake` follows / a `wake` follows
//!   wake of main                        → says it is never queued; no `schedule` of main exists
//!   "off the front of the run queue"    → the task was at the front just before
//!   timeout 0 reasons                   → each is true: tasks queued, main woken, a yield deferred
//! ```
//!
//! The snapshots the server sends carry the same state (the engine's own
//! tests check `state_within` against them for every action), so a template
//! that contradicts its state here contradicts the panels in the browser.

use reactor_protocol::{Event, Record, Snapshot, TaskId, state_within};

use super::*;
use crate::fixture::golden;

/// `state` with the wheel moved to `now`, as a timer action or the end of
/// a park leaves it: what `state_within` reads from the snapshot after.
fn moved(state: &Snapshot, now: u64) -> Snapshot {
    let mut after = state.clone();
    after.wheel.elapsed_ms = now;
    for level in &mut after.wheel.levels {
        level.current_slot = ((now / level.slot_ms) % 64) as u32;
    }
    after
}

/// Records `first..=last` are one dispatch: an `os_event` and its wakes.
fn one_dispatch(records: &[Record], first: usize, last: usize) -> bool {
    matches!(records[first].event, Event::OsEvent { .. })
        && records[first + 1..=last].iter().all(|r| {
            matches!(
                r.event,
                Event::Wake { .. } | Event::Schedule { .. } | Event::Push { .. }
            )
        })
}

/// The state each record left, as the web shows it.
pub(super) fn states(records: &[Record]) -> Vec<Snapshot> {
    let mut states: Vec<Snapshot> = Vec::with_capacity(records.len());
    let start = start(records);
    let mut before = start.clone();
    let mut first = 0;
    for (i, record) in records.iter().enumerate() {
        if i == 0 || !one_dispatch(records, first, i) {
            before = states.last().cloned().unwrap_or_else(|| start.clone());
            first = i;
        }
        let after = moved(&before, record.time_ms);
        states.push(state_within(&before, &after, &records[first..=i]));
    }
    states
}

mod claims;
mod pool_claims;
mod stuck;
mod truth;

use claims::contradictions;
use truth::{Truth, start};

/// Park, dispatch and clock rules of the engine, checked on the replayed
/// state: if these hold, the harness computes the state the engine had.
fn harness_agrees_with_the_engine(
    name: &str,
    records: &[Record],
    states: &[Snapshot],
    truth: &Truth,
) {
    for (i, record) in records.iter().enumerate() {
        let state = &states[i];
        match record.event {
            Event::Park {
                timeout_ms: Some(0),
            } => assert!(
                !state.run_queue.is_empty() || truth.main_woken(i) || truth.deferred_after(i),
                "{name} seq {}: a zero-timeout park with no work waiting",
                record.seq
            ),
            Event::Park {
                timeout_ms: Some(ms),
            } => assert_eq!(
                state.wheel.next_expiration_ms,
                Some(record.time_ms + ms),
                "{name} seq {}: the park does not wait for the replayed wheel's next expiration",
                record.seq
            ),
            Event::Park { timeout_ms: None } => assert_eq!(
                state.wheel.timers().count(),
                0,
                "{name} seq {}: an endless park with a timer filed",
                record.seq
            ),
            _ => {}
        }
    }
}

/// Every explanation's claims, against every record of every golden trace.
fn every_contradiction(explain: impl Fn(&Record, Moment) -> String) -> Vec<String> {
    let mut wrong = Vec::new();
    for (name, records) in golden() {
        let states = states(&records);
        let truth = Truth {
            records: &records,
            main: main_task(&records),
        };
        assert!(truth.main.is_some(), "{name}: no block_on wake");
        harness_agrees_with_the_engine(&name, &records, &states, &truth);
        for (i, record) in records.iter().enumerate() {
            let moment = Moment {
                state: Some(&states[i]),
                main: truth.main,
            };
            let text = explain(record, moment);
            for what in contradictions(&truth, &states, i, &text) {
                wrong.push(format!(
                    "{name} seq {} ({}): {what}\n    {text}",
                    record.seq,
                    record.event.kind_name()
                ));
            }
        }
    }
    wrong
}

#[test]
fn every_explanation_of_every_golden_record_is_true_at_its_moment() {
    let wrong = every_contradiction(explain);
    assert!(
        wrong.is_empty(),
        "{} explanations contradict their moment:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The sentences these tests were written against (before the engine
/// followed Tokio 1.54): each must be caught.
fn old_wording(record: &Record, at: Moment) -> String {
    let task = |id: TaskId| task_label(id, at.tasks());
    match &record.event {
        Event::Park {
            timeout_ms: Some(ms),
        } => format!("The run queue is empty, so the driver blocks in the OS for at most {ms} ms."),
        Event::Park { timeout_ms: None } => "The run queue is empty and no timer is due, so the driver blocks in the OS until an I/O event arrives.".into(),
        Event::ClockAdvance { from_ms, to_ms } => format!(
            "While the driver is parked, the virtual clock jumps from {from_ms} ms to {to_ms} ms, the next deadline."
        ),
        Event::Wake { task: id, .. } => format!("The waker of task {} is woken.", task(*id)),
        Event::Poll { task: id } => format!(
            "The executor takes task {} off the run queue and polls its future.",
            task(*id)
        ),
        Event::OsEvent { token, .. } => format!(
            "The OS reports token {token} ready; no waker stored, so this event wakes nobody."
        ),
        Event::Syscall(call) => format!(
            "The task calls {}() without blocking; the kernel answers.",
            call.op
        ),
        _ => explain(record, at),
    }
}

#[test]
fn the_old_wording_is_caught() {
    let wrong = every_contradiction(old_wording);
    eprintln!(
        "the old wording contradicts its moment {} times",
        wrong.len()
    );
    let caught = |what: &str| wrong.iter().any(|w| w.contains(what));
    assert!(caught("park): says the run queue is empty"), "{wrong:#?}");
    assert!(
        caught("clock_advance): names a timer with none filed"),
        "{wrong:#?}"
    );
    assert!(
        caught("wake): a wake of main says it is never queued"),
        "{wrong:#?}"
    );
    assert!(
        caught("poll): says the task came off the run queue"),
        "{wrong:#?}"
    );
    assert!(caught("os_event): says no waker is stored"), "{wrong:#?}");
    assert!(
        caught("syscall): says a blocking call does not block"),
        "{wrong:#?}"
    );
}

/// Prints every sentence of a golden trace, to read them:
/// `cargo test -p reactor-web --target x86_64-unknown-linux-gnu --lib print_sentences -- --ignored --nocapture`
/// (`SCENARIO=timers` picks the trace).
#[test]
#[ignore = "prints for a reader; asserts nothing"]
fn print_sentences() {
    let name = std::env::var("SCENARIO").unwrap_or_else(|_| "tcp_read".into());
    let records = crate::fixture::golden_trace(&name);
    let states = states(&records);
    let main = main_task(&records);
    for (i, record) in records.iter().enumerate() {
        let at = Moment {
            state: Some(&states[i]),
            main,
        };
        println!(
            "{} {:<18} {}",
            record.seq,
            record.event.kind_name(),
            explain(record, at)
        );
    }
}
