//! The loop's own actions: why it parks for as long as it does, and where
//! the virtual clock jumps to.

use reactor_protocol::{POLL_BUDGET, TaskState};

use super::moment::Moment;
use super::words::{and_list, count, task_label};

/// Why a park has timeout 0: the work that is already waiting.
pub(super) fn waiting_work(at: &Moment) -> Vec<String> {
    let Some(state) = at.state else {
        return Vec::new();
    };
    let label = |id| task_label(id, &state.tasks);
    let mut reasons = Vec::new();
    if !state.run_queue.is_empty() {
        reasons.push(format!(
            "{} still on the run queue (this turn's budget of {POLL_BUDGET} polls ran out)",
            count(state.run_queue.len(), "task")
        ));
    }
    if let Some(main) = at.main
        && at
            .task(main)
            .is_some_and(|t| t.state == TaskState::Scheduled)
    {
        reasons.push(format!(
            "{} was woken and is polled at the top of the next turn",
            label(main)
        ));
    }
    let yielded: Vec<String> = state
        .tasks
        .iter()
        .filter(|t| t.wake_deferred())
        .map(|t| label(t.id))
        .collect();
    if !yielded.is_empty() {
        reasons.push(format!(
            "the wake of {} is deferred until the driver has run",
            and_list(&yielded)
        ));
    } else if reasons.is_empty() {
        // Nothing queued and main not woken: the engine parks with timeout 0
        // for nothing else.
        reasons.push("a deferred yield: its wake comes once the driver has run".into());
    }
    reasons
}

pub(super) fn park(timeout_ms: Option<u64>, now: u64, at: &Moment) -> String {
    let idle = match at.state {
        Some(state) if state.run_queue.is_empty() => {
            "Nothing is ready to run (the run queue is empty)"
        }
        _ => "Nothing is ready to run",
    };
    let wheel = at.state.map(|s| &s.wheel);
    match timeout_ms {
        Some(0) => {
            let reasons = waiting_work(at);
            let why = if reasons.is_empty() {
                "tasks queued after the poll budget, a deferred yield or main woken".to_string()
            } else {
                and_list(&reasons)
            };
            format!(
                "Timeout 0: work is already waiting — {why}. So the driver does not block: a quick look at the OS for events, and straight back."
            )
        }
        Some(ms) => {
            let until = now.saturating_add(ms);
            let mut text = format!(
                "{idle}, so the driver blocks in the OS for at most {ms} ms: until the next timer slot starts at {until} ms."
            );
            match wheel.and_then(|w| w.earliest_deadline_ms) {
                Some(earliest) if earliest == until => text.push_str(" A timer is due then."),
                Some(earliest) if earliest > until => text.push_str(&format!(
                    " The earliest deadline is {earliest} ms: at {until} ms the wheel only moves that slot's timers down to a finer level."
                )),
                _ => {}
            }
            text
        }
        None => format!(
            "{idle} and no timer is filed, so the driver waits in the OS with no timeout: only an OS event can end the wait."
        ),
    }
}

pub(super) fn clock_advance(from_ms: u64, to_ms: u64, at: &Moment) -> String {
    let wheel = at.state.map(|s| &s.wheel);
    let expiration = wheel.and_then(|w| w.next_expiration_ms);
    if expiration == Some(to_ms) {
        let due: Vec<String> = wheel
            .into_iter()
            .flat_map(|w| w.timers())
            .filter(|t| t.deadline_ms == to_ms)
            .map(|t| t.id.to_string())
            .collect();
        let then = match due.len() {
            0 => ": no timer is due yet, that slot's timers move down to a finer level".to_string(),
            1 => format!(", when timer {} is due", due[0]),
            2..=4 => format!(", when timers {} are due", and_list(&due)),
            n => format!(", when {n} timers are due"),
        };
        format!(
            "Nothing happened while the driver waited, so the virtual clock jumps from {from_ms} ms to {to_ms} ms, where the next timer slot starts{then}."
        )
    } else {
        let timer = match expiration {
            Some(at) => format!("The next timer slot starts only at {at} ms"),
            None => "No timer is filed".to_string(),
        };
        format!(
            "{timer}: the virtual clock jumps from {from_ms} ms to {to_ms} ms, when the scripted peer (the client outside the runtime) acts next. Tokio's park timeout knows nothing of it."
        )
    }
}
