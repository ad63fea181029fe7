//! One plain sentence per record: [`explain`].

use super::the_loop::{clock_advance, park};
use reactor_protocol::{Event, POLL_BUDGET, Record, TaskId, TaskState, WakeCause};

use super::moment::Moment;
use super::words::{and_list, count, direction, interest, outcome, task_label, wake_cause};

/// The one blocking call a trace holds: what `std::thread::sleep` asks
/// Linux for, recorded by the engine's `block_thread_for`
/// (docs/trace-format.md, the `blocking_poll` diagnostic).
pub(crate) const BLOCKING_SLEEP: &str = "clock_nanosleep";

fn os_event(token: usize, readable: bool, writable: bool, at: &Moment) -> String {
    let task = |id| task_label(id, at.tasks());
    let reported = format!(
        "The OS reports token {token} {}",
        interest(readable, writable)
    );
    let Some(io) = at.registration(token) else {
        return match at.state {
            Some(_) => format!(
                "{reported}, but the token is no longer registered (its socket was deregistered after the OS queued the event), so this event wakes nobody."
            ),
            None => format!("{reported}; the reactor records that readiness in the registration."),
        };
    };
    let head = format!(
        "{reported}; the reactor sets that readiness on the registration (tick {}).",
        io.tick
    );
    let mut woken = Vec::new();
    let mut idle = Vec::new();
    if readable {
        match io.read_waker {
            Some(id) => woken.push(format!("the read waker of {}", task(id))),
            None => idle.push("read"),
        }
    }
    if writable {
        match io.write_waker {
            Some(id) => woken.push(format!("the write waker of {}", task(id))),
            None => idle.push("write"),
        }
    }
    let idle = match idle.as_slice() {
        [] => None,
        [one] => Some(format!("no task waits to {one}")),
        _ => Some("no task waits to read or write".to_string()),
    };
    if !woken.is_empty() {
        let also = idle.map(|i| format!(" ({i})")).unwrap_or_default();
        return format!("{head} Next, {} is woken{also}.", and_list(&woken));
    }
    if io.read_waker.is_none() && io.write_waker.is_none() {
        return format!("{head} No waker is stored on token {token}, so this event wakes nobody.");
    }
    let kept = match (io.read_waker, io.write_waker) {
        (Some(id), _) if !readable => format!(
            "; the read waker of {} stays stored until the socket is readable",
            task(id)
        ),
        (_, Some(id)) if !writable => format!(
            "; the write waker of {} stays stored until the socket is writable",
            task(id)
        ),
        _ => String::new(),
    };
    let idle = idle.unwrap_or_default();
    let mut idle_sentence = idle.clone();
    if let Some(first) = idle_sentence.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!("{head} {idle_sentence}, so this event wakes nobody{kept}.")
}

fn wake(id: TaskId, why: WakeCause, at: &Moment) -> String {
    let who = task_label(id, at.tasks());
    if why == WakeCause::BlockOn {
        return format!(
            "Entering block_on marks {who} woken so the loop polls it first. {who} is the block_on future: it is never on the run queue, so no schedule follows."
        );
    }
    let cause = wake_cause(why, &who);
    let task = at.task(id);
    let state = task.map(|t| t.state);
    let queued = at.state.is_some_and(|s| s.run_queue.contains(&id));
    let then = if at.is_main(id) {
        match state {
            Some(TaskState::Running) => format!(
                " {who} is being polled right now: once this poll returns Pending it is polled again at the top of the next turn. It is the block_on future, never on the run queue."
            ),
            Some(TaskState::Complete) => format!(" {who} has already completed: nothing happens."),
            _ => format!(
                " {who} is the block_on future, never on the run queue: no schedule follows; the loop polls it at the top of the next turn."
            ),
        }
    } else {
        match state {
            Some(TaskState::Scheduled) if queued => {
                " It is already on the run queue: nothing more to do.".to_string()
            }
            Some(TaskState::Scheduled) => {
                " The task goes onto the back of the run queue next (schedule).".to_string()
            }
            Some(TaskState::Running) => " It is being polled right now: when this poll returns Pending it goes straight back onto the run queue.".to_string(),
            Some(TaskState::Complete) => " It has already completed: nothing happens.".to_string(),
            Some(TaskState::Idle) | None => String::new(),
        }
    };
    format!("{cause}{then}")
}

fn register(
    token: usize,
    resource: &str,
    readable: bool,
    writable: bool,
    assumed_ready: bool,
) -> String {
    let registered = format!(
        "{resource} is registered with epoll under token {token}, interested in {}.",
        interest(readable, writable)
    );
    if assumed_ready {
        format!(
            "{registered} Tokio assumes a freshly accepted stream ready: its readiness starts set (readable and writable), so its first read is simply tried."
        )
    } else {
        format!("{registered} Its readiness starts empty: only an OS event sets it.")
    }
}

/// One sentence (or a few), for the `aria-live` explanation of the current
/// step. Every claim is read from the record, the state it left (`at`) or
/// the engine's fixed rules; `truth_tests` holds each template to
/// the state of every record of every golden trace.
pub fn explain(record: &Record, at: Moment) -> String {
    if let Some(sentence) =
        super::pool::explain(record, &at).or_else(|| super::pool::explain_pooled(record, &at))
    {
        return sentence;
    }
    let task = |id: TaskId| task_label(id, at.tasks());
    match &record.event {
        Event::Spawn { task: id, name } if at.is_main(*id) => format!(
            "block_on starts with the main future, shown as task {name} (#{id}). It is not spawned: it never goes on the run queue."
        ),
        Event::Spawn { task: id, name } => format!(
            "spawn creates task {name} (#{id}) and hands it to the executor: it goes onto the back of the run queue next."
        ),
        Event::Schedule { task: id } => {
            let queued = at
                .state
                .map(|s| format!(" ({} queued)", count(s.run_queue.len(), "task")))
                .unwrap_or_default();
            format!(
                "Task {} is pushed onto the back of the run queue{queued}, ready to be polled.",
                task(*id)
            )
        }
        Event::Poll { task: id } if at.is_main(*id) => format!(
            "The loop polls {}, the block_on future, at the top of turn {} because {}. It was not on the run queue, and this poll does not count against the turn's budget of {POLL_BUDGET} task polls.",
            task(*id),
            record.turn,
            // main is polled at most once per turn: in turn 0 it is the first poll.
            if record.turn == 0 {
                "entering block_on marked it woken"
            } else {
                "its waker fired"
            }
        ),
        Event::Poll { task: id } => format!(
            "The executor takes task {} off the front of the run queue and polls its future.",
            task(*id)
        ),
        Event::Pending { task: id } => {
            let waits = at
                .task(*id)
                .and_then(|t| t.waiting_on.as_deref())
                .map_or("it waits until its waker is woken".to_string(), |w| {
                    format!("it waits on {w}")
                });
            format!(
                "The future of task {} returned Pending: {waits}.",
                task(*id)
            )
        }
        Event::Ready { task: id } => format!(
            "The future of task {} returned Ready: its work is finished.",
            task(*id)
        ),
        Event::Complete { task: id, output } if at.is_main(*id) => match output {
            Some(output) => format!(
                "{}, the block_on future, is complete: block_on returns {output} and the run is over.",
                task(*id)
            ),
            None => format!(
                "{}, the block_on future, is complete: block_on returns and the run is over.",
                task(*id)
            ),
        },
        Event::Complete { task: id, output } => match output {
            Some(output) => format!(
                "Task {} is complete; its JoinHandle receives {output}.",
                task(*id)
            ),
            None => format!("Task {} is complete.", task(*id)),
        },
        Event::Register {
            token,
            resource,
            readable,
            writable,
            assumed_ready,
        } => register(*token, resource, *readable, *writable, *assumed_ready),
        Event::Deregister { token } => {
            format!("Token {token} is deregistered: the OS will report nothing more for it.")
        }
        Event::Syscall(call) => {
            let who = call.task.map_or_else(
                || "Code outside any task".to_string(),
                |id| format!("Task {}", task(id)),
            );
            let on = call
                .token
                .map(|t| format!(" on token {t}"))
                .unwrap_or_default();
            if call.op == BLOCKING_SLEEP {
                return format!(
                    "{who} calls {}(), as std::thread::sleep does: a blocking call, so the thread sleeps inside this poll and nothing else runs (no other task, no OS event, no timer) until it returns; the kernel answers {}.",
                    call.op,
                    outcome(&call.outcome)
                );
            }
            format!(
                "{who} calls {}(){on} without blocking; the kernel answers {}.",
                call.op,
                outcome(&call.outcome)
            )
        }
        Event::WakerStored {
            token,
            task: id,
            direction: d,
        } => format!(
            "The waker of task {} is stored in the {} slot of token {token}, to be woken on readiness.",
            task(*id),
            direction(*d)
        ),
        Event::ReadinessCleared {
            token,
            direction: d,
            tick,
        } => {
            let current = at.registration(*token).map(|io| io.tick);
            match current {
                Some(now) if now != *tick => format!(
                    "The call hit WouldBlock at tick {tick}, but an OS event (tick {now}) came since: the cached {} readiness of token {token} stays set.",
                    direction(*d)
                ),
                _ => format!(
                    "The cached {} readiness of token {token} is cleared (tick {tick}) because the call hit WouldBlock.",
                    direction(*d)
                ),
            }
        }
        Event::TimerInsert {
            timer,
            task: id,
            deadline_ms,
            level,
            slot,
        } => format!(
            "Timer {timer} for task {} is filed in the wheel at level {level}, slot {slot}, to fire at {deadline_ms} ms.",
            task(*id)
        ),
        Event::TimerCascade {
            timer,
            from_level,
            from_slot,
            to_level,
            to_slot,
        } => format!(
            "At {} ms the wheel reaches level {from_level} slot {from_slot}; timer {timer} is not due yet, so it cascades down to level {to_level} slot {to_slot}.",
            record.time_ms
        ),
        Event::TimerFire {
            timer,
            task: id,
            deadline_ms,
        } => format!(
            "Timer {timer} reached its deadline of {deadline_ms} ms and leaves the wheel; its waker for task {} is woken next.",
            task(*id)
        ),
        Event::TimerCancel { timer } => {
            format!("Timer {timer} is removed from the wheel before firing: its Sleep was dropped.")
        }
        Event::Park { timeout_ms } => park(*timeout_ms, record.time_ms, &at),
        Event::ClockAdvance { from_ms, to_ms } => clock_advance(*from_ms, *to_ms, &at),
        Event::OsEvent {
            token,
            readable,
            writable,
        } => os_event(*token, *readable, *writable, &at),
        Event::Unpark { events } => {
            let plural = if *events == 1 { "" } else { "s" };
            format!("The driver returns from the OS wait with {events} event{plural}.")
        }
        Event::Wake {
            task: id,
            cause: why,
        } => wake(*id, *why, &at),
        Event::Output { task: id, text } => format!("Task {} prints \"{text}\".", task(*id)),
        Event::Error {
            task: Some(id),
            message,
        } => format!("Error in task {}: {message}", task(*id)),
        Event::Error {
            task: None,
            message,
        } => format!("Error: {message}"),
        Event::Diagnostic(diagnostic) if diagnostic.ends_run => {
            format!("The run ends: {}.", diagnostic.message)
        }
        Event::Diagnostic(diagnostic) => format!("The engine diagnoses: {}.", diagnostic.message),
        // The pool's records: `super::pool::explain`, above.
        Event::Push { .. }
        | Event::InjectTaken { .. }
        | Event::Overflow { .. }
        | Event::Steal { .. }
        | Event::Search
        | Event::WorkerPark
        | Event::WorkerUnpark
        | Event::Notify { .. }
        | Event::DriverAcquired
        | Event::DriverReleased => String::new(),
    }
}
