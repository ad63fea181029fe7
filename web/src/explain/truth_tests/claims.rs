//! The claims an explanation makes, each checked against its moment.

use reactor_protocol::{Event, Snapshot, WakeCause};

use super::truth::{Truth, start};
use crate::explain::sentence::BLOCKING_SLEEP;

/// The number just after `marker` in `text`, if `marker` is there.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The tasks `text` says have no waker: each "task N has no waker stored".
fn tasks_said_to_have_no_waker(text: &str) -> Vec<u64> {
    text.match_indices(" has no waker stored")
        .filter_map(|(at, _)| {
            let before = text[..at].rsplit_once("task ")?.1;
            before.parse().ok()
        })
        .collect()
}

/// `text` without the phrases that deny a timer, so what is left names one
/// only if it claims a timer exists.
fn timer_claims(text: &str) -> String {
    let mut text = text.to_string();
    for denial in ["no timer is filed", "No timer is filed", "no timer is due"] {
        text = text.replace(denial, "");
    }
    text
}

/// The claims of `text`, the explanation of record `i`, that its moment
/// contradicts.
pub(super) fn contradictions(
    truth: &Truth,
    states: &[Snapshot],
    i: usize,
    text: &str,
) -> Vec<String> {
    let record = &truth.records[i];
    let state = &states[i];
    let start = start(truth.records);
    let before = i.checked_sub(1).map_or(&start, |p| &states[p]);
    let mut wrong = super::pool_claims::contradictions(truth, before, state, i, text);
    let mut claim = |holds: bool, what: &str| {
        if !holds {
            wrong.push(what.to_string());
        }
    };
    let lower = text.to_lowercase();
    let filed = state.wheel.timers().count() > 0;
    let expiration = state.wheel.next_expiration_ms;

    if lower.contains("run queue is empty") {
        claim(state.run_queue.is_empty(), "says the run queue is empty");
    }
    if lower.contains("no timer is filed") {
        claim(!filed, "says no timer is filed");
    }
    if let Event::Diagnostic(diagnostic) = &record.event {
        // A diagnosis lists every waker spot of the tasks it names.
        for task in tasks_said_to_have_no_waker(text) {
            claim(
                diagnostic.tasks.contains(&task)
                    && !diagnostic.wakers.iter().any(|spot| spot.task == task),
                "says a task has no waker stored, but its record lists one",
            );
        }
    } else if lower.contains("no waker is stored") || lower.contains("no waker stored") {
        let token = match record.event {
            Event::OsEvent { token, .. }
            | Event::Register { token, .. }
            | Event::WakerStored { token, .. }
            | Event::ReadinessCleared { token, .. }
            | Event::Deregister { token } => Some(token),
            _ => None,
        };
        let io = token.and_then(|t| state.registrations.iter().find(|r| r.token == t));
        claim(
            io.is_some_and(|io| io.read_waker.is_none() && io.write_waker.is_none()),
            "says no waker is stored",
        );
    }
    for marker in ["slot starts at ", "slot starts only at "] {
        if let Some(at) = number_after(text, marker) {
            claim(
                expiration == Some(at),
                "names a next timer slot that is not the wheel's next expiration",
            );
        }
    }

    match &record.event {
        Event::Syscall(call) if lower.contains("without blocking") => claim(
            call.op != BLOCKING_SLEEP,
            "says a blocking call does not block",
        ),
        Event::Park { timeout_ms } => {
            let named = timer_claims(text);
            if named.contains("timer") || named.contains("deadline") {
                claim(filed, "names a timer or deadline with none filed");
            }
            if let Some(earliest) = number_after(text, "earliest deadline is ") {
                claim(
                    state.wheel.earliest_deadline_ms == Some(earliest),
                    "names another earliest deadline",
                );
            }
            if text.contains("A timer is due then") {
                let until = record.time_ms + timeout_ms.unwrap_or(0);
                claim(
                    state.wheel.timers().any(|t| t.deadline_ms == until),
                    "says a timer is due when none is",
                );
            }
            if *timeout_ms == Some(0) {
                let queued = state.run_queue.len();
                let says_queued = text.contains("still on the run queue");
                claim(says_queued == (queued > 0), "tasks queued: said iff true");
                if says_queued {
                    let n = number_after(text, "work is already waiting — ");
                    claim(n == Some(queued as u64), "counts the queued tasks wrong");
                }
                let says_main = text.contains("was woken and is polled");
                claim(
                    says_main == truth.main_woken(i),
                    "main woken: said iff true",
                );
                if lower.contains("deferred") {
                    claim(truth.deferred_after(i), "says a yield is deferred");
                }
                claim(
                    text.contains("quick look") && !lower.contains("blocks"),
                    "timeout 0 must not be said to block",
                );
            } else {
                claim(
                    text.contains("blocks") || text.contains("waits"),
                    "a park that blocks says so",
                );
            }
        }
        Event::ClockAdvance { to_ms, .. } => {
            let named = timer_claims(text);
            let names_slot = text.contains("where the next timer slot starts");
            if names_slot
                || named.contains("deadline")
                || named.contains("timer") && !named.contains("scripted peer")
            {
                claim(filed, "names a timer with none filed");
            }
            if names_slot {
                claim(
                    expiration == Some(*to_ms),
                    "jumps to a timer slot that is not the wheel's next expiration",
                );
            }
            if text.contains("scripted peer") {
                claim(
                    expiration != Some(*to_ms),
                    "credits the peer for a jump to the wheel's next expiration",
                );
            }
            if text.contains(", when timer") || text.contains(" timers are due") {
                claim(
                    state.wheel.timers().any(|t| t.deadline_ms == *to_ms),
                    "says a timer is due at the target instant",
                );
            }
            if text.contains("no timer is due yet") {
                claim(
                    !state.wheel.timers().any(|t| t.deadline_ms == *to_ms),
                    "says no timer is due when one is",
                );
            }
            claim(
                names_slot || text.contains("scripted peer"),
                "a clock jump says what it jumps to",
            );
        }
        Event::OsEvent { token, .. } => {
            let io = state.registrations.iter().find(|r| r.token == *token);
            let woke = matches!(
                truth.next(i),
                Some(Event::Wake {
                    cause: WakeCause::Io,
                    ..
                })
            );
            if text.contains("wakes nobody") {
                claim(!woke, "says it wakes nobody, and a wake follows");
            }
            if text.contains(" is woken") {
                claim(woke, "says a waker is woken, and no wake follows");
            }
            claim(
                text.contains("wakes nobody") || text.contains(" is woken"),
                "an OS event says whom it wakes",
            );
            if text.contains("no task waits to write")
                || text.contains("no task waits to read or write")
            {
                claim(
                    io.is_some_and(|io| io.write_waker.is_none()),
                    "says no task waits to write",
                );
            }
            if text.contains("no task waits to read") {
                claim(
                    io.is_some_and(|io| io.read_waker.is_none()),
                    "says no task waits to read",
                );
            }
            if text.contains("read waker of") && text.contains("stays stored") {
                claim(
                    io.is_some_and(|io| io.read_waker.is_some()),
                    "says a read waker stays stored",
                );
            }
        }
        Event::Register { token, .. } => {
            let io = state.registrations.iter().find(|r| r.token == *token);
            if text.contains("starts empty") {
                claim(
                    io.is_some_and(|io| !io.readable && !io.writable),
                    "says readiness starts empty",
                );
            }
            if text.contains("starts set") {
                claim(
                    io.is_some_and(|io| io.readable && io.writable),
                    "says readiness starts set",
                );
            }
            claim(
                text.contains("starts empty") != text.contains("starts set"),
                "a registration says how its readiness starts",
            );
        }
        Event::Wake { task, .. } if truth.main == Some(*task) => {
            claim(
                text.contains("never on the run queue"),
                "a wake of main says it is never queued",
            );
            claim(
                !text.contains("onto the") && !text.contains("goes back"),
                "a wake of main claims it is queued",
            );
            claim(
                !truth
                    .records
                    .iter()
                    .any(|r| r.event == Event::Schedule { task: *task }),
                "main was scheduled after all",
            );
        }
        Event::Wake { task, .. } => {
            if text.contains("onto the back of the run queue next") {
                claim(
                    truth.next(i) == Some(&Event::Schedule { task: *task }),
                    "says the task is queued next, and no schedule follows",
                );
            }
            if text.contains("already on the run queue") {
                claim(
                    before.run_queue.contains(task),
                    "says the task is already queued",
                );
            }
            claim(
                !text.contains("never on the run queue"),
                "an ordinary task is said to be main",
            );
        }
        Event::Poll { task } => {
            if lower.contains("off the front of the run queue") {
                claim(
                    before.run_queue.first() == Some(task),
                    "says the task came off the front of the run queue",
                );
            } else if lower.contains("off the run queue") {
                claim(
                    before.run_queue.contains(task),
                    "says the task came off the run queue",
                );
            }
            if text.contains("at the top of turn") {
                claim(
                    truth.main == Some(*task),
                    "only main is polled outside the queue",
                );
                let earlier_in_turn = truth.records[..i].iter().filter(|r| r.turn == record.turn);
                claim(
                    earlier_in_turn.clone().all(|r| {
                        matches!(r.event, Event::Spawn { task: t, .. } | Event::Wake { task: t, .. } if Some(t) == truth.main)
                    }),
                    "main's poll is not the first thing in its turn",
                );
            }
        }
        Event::Spawn { task, .. } => {
            if text.contains("run queue next") {
                claim(
                    truth.next(i) == Some(&Event::Schedule { task: *task }),
                    "says a schedule follows the spawn",
                );
            }
            if text.contains("never goes on the run queue") {
                claim(
                    truth.main == Some(*task),
                    "says a spawned task is never queued",
                );
            }
        }
        Event::Schedule { task } => {
            claim(
                state.run_queue.last() == Some(task),
                "scheduled, not last in queue",
            );
            if let Some(n) = number_after(text, "run queue (") {
                claim(n == state.run_queue.len() as u64, "counts the queue wrong");
            }
        }
        Event::Complete { task, .. } => {
            if text.contains("JoinHandle") {
                claim(truth.main != Some(*task), "main has no JoinHandle");
            }
            if text.contains("block_on returns") {
                claim(
                    truth.main == Some(*task),
                    "only main's end returns from block_on",
                );
            }
        }
        Event::Pending { task } => {
            let waiting = state
                .tasks
                .iter()
                .find(|t| t.id == *task)
                .and_then(|t| t.waiting_on.clone());
            if let Some(w) = waiting {
                claim(text.contains(&w), "names another wait than the state's");
            }
        }
        _ => {}
    }
    wrong
}
