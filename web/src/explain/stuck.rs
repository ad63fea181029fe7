//! "Why is it stuck?" in words: the article's three questions, answered
//! for each idle task from its snapshot `waits`, and a `diagnostic`
//! record as a few plain facts.
//!
//! ```text
//!   waits { on, wakers, unseen_wakers }          the answer
//!   ───────────────────────────────────          ──────────────────────────
//!   on      = Join { task: 1 }               ─▶  waits on: worker (#1) to finish
//!   wakers  = [join_handle of 1, task, ✗]    ─▶  waker:    in the JoinHandle of worker (#1)
//!                                            ─▶  fired by: worker (#1) finishing, which it never can
//!   (no waker seen, none unseen)             ─▶  waker:    none anywhere: nothing can ever wake it
//! ```
//!
//! Every phrase restates a field of the snapshot or of the record (the
//! engine knows every waker it handed out, so it never guesses), and
//! nothing else: the truth tests hold the phrases to the diagnostic
//! records of every golden trace.

use reactor_protocol::{
    Diagnostic, DriverPart, Event, FiredBy, Problem, Record, Snapshot, TaskId, TaskState, TaskView,
    WaitTarget, Waits, WakerPlace, WakerSpot,
};

use super::words::{and_list, count, direction, task_label};

/// How many idle tasks the panel answers for; the rest are counted.
pub const MOST_ANSWERED: usize = 6;

/// The three answers for one idle task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The task.
    pub task: TaskId,
    /// `worker (#1)`.
    pub label: String,
    /// What it waits on.
    pub waits_on: String,
    /// Whether a waker is stored, and where.
    pub waker: String,
    /// Whether what must fire that waker is being driven.
    pub fired_by: String,
    /// No waker that anything will ever fire: the task can never run again.
    pub never_wakes: bool,
}

/// The answers for the idle tasks of `state`, those that can never wake
/// first, at most [`MOST_ANSWERED`], and how many idle tasks are left out.
pub fn answers(state: &Snapshot) -> (Vec<Answer>, usize) {
    let mut idle: Vec<(&TaskView, &Waits)> = state
        .tasks
        .iter()
        .filter(|task| task.state == TaskState::Idle)
        .filter_map(|task| task.waits.as_ref().map(|waits| (task, waits)))
        .collect();
    idle.sort_by_key(|(task, waits)| (!never_wakes(waits), task.id));
    let left_out = idle.len().saturating_sub(MOST_ANSWERED);
    let shown = idle
        .into_iter()
        .take(MOST_ANSWERED)
        .map(|(task, waits)| answer(task.id, waits, &state.tasks))
        .collect();
    (shown, left_out)
}

/// Whether nothing will ever fire any waker of the task: none is stored,
/// none is kept by the program, and what would fire each stored one is
/// not driven.
pub fn never_wakes(waits: &Waits) -> bool {
    waits.unseen_wakers == 0 && waits.wakers.iter().all(|spot| !spot.fired_by.driven)
}

/// The three answers for task `task`, idle with `waits`.
pub fn answer(task: TaskId, waits: &Waits, tasks: &[TaskView]) -> Answer {
    let mine: Vec<&WakerSpot> = waits.wakers.iter().filter(|s| s.task == task).collect();
    let kept = match waits.unseen_wakers {
        0 => None,
        n => Some(format!(
            "{} kept by the program's own code (the engine cannot see when it fires)",
            count(n as usize, "clone")
        )),
    };
    let mut places: Vec<String> = mine.iter().map(|s| place(&s.place, tasks)).collect();
    places.extend(kept);
    let waker = if places.is_empty() {
        "none anywhere: nothing can ever wake it".to_string()
    } else {
        and_list(&places)
    };
    let fired_by = if mine.is_empty() {
        if waits.unseen_wakers == 0 {
            "nothing: there is no waker to fire".to_string()
        } else {
            "the program's own code, if it ever calls wake".to_string()
        }
    } else {
        let firers: Vec<String> = mine.iter().map(|s| firer(s, tasks)).collect();
        and_list(&firers)
    };
    Answer {
        task,
        label: task_label(task, tasks),
        waits_on: target(&waits.on, tasks),
        waker,
        fired_by,
        never_wakes: never_wakes(waits),
    }
}

/// What a task's last `Pending` said it waits for.
pub fn target(on: &WaitTarget, tasks: &[TaskView]) -> String {
    match on {
        WaitTarget::Join { task } => format!("{} to finish", task_label(*task, tasks)),
        WaitTarget::Timer { deadline_ms } => format!("a timer due at {deadline_ms} ms"),
        WaitTarget::Readiness {
            direction: d,
            token,
            runtime,
        } => {
            let whose = match runtime {
                None => String::new(),
                Some(n) => format!(" (runtime {n}, not this one)"),
            };
            format!("{} readiness of token {token}{whose}", direction(*d))
        }
        WaitTarget::Yield => "its turn after the driver runs (yield_now)".to_string(),
        WaitTarget::Budget => "a fresh cooperative budget (its poll spent it)".to_string(),
        WaitTarget::Nothing => "nothing it told the runtime about".to_string(),
    }
}

/// Where a waker is stored.
pub fn place(place: &WakerPlace, tasks: &[TaskView]) -> String {
    match place {
        WakerPlace::Registration {
            token,
            direction: d,
        } => format!("token {token}'s {} slot", direction(*d)),
        WakerPlace::TimerEntry {
            timer,
            deadline_ms,
            level,
            slot,
        } => format!("timer {timer}'s entry, level {level} slot {slot}, due at {deadline_ms} ms"),
        WakerPlace::JoinHandle { of_task } => {
            format!("the JoinHandle of {}", task_label(*of_task, tasks))
        }
        WakerPlace::Deferred => "the loop's deferred list".to_string(),
    }
}

/// `this runtime's` or `another runtime's`.
fn whose(fired_by: &FiredBy) -> &'static str {
    if fired_by.foreign {
        "another runtime's"
    } else {
        "this runtime's"
    }
}

/// What must fire the waker in `spot`, and whether it is driven.
pub fn firer(spot: &WakerSpot, tasks: &[TaskView]) -> String {
    let by = &spot.fired_by;
    let (part, never) = match by.part {
        DriverPart::IoDriver => (
            format!("{} I/O driver", whose(by)),
            "which no loop polls: it never fires",
        ),
        DriverPart::TimerWheel => (
            format!("{} timer wheel", whose(by)),
            "which no loop processes: it never fires",
        ),
        DriverPart::EventLoop => (
            format!("{} loop, after its next park", whose(by)),
            "which no one drives: it never fires",
        ),
        DriverPart::Task => {
            let who = match spot.place {
                WakerPlace::JoinHandle { of_task } => task_label(of_task, tasks),
                _ => "another task".to_string(),
            };
            (format!("{who} finishing"), "which it never can")
        }
    };
    if by.driven {
        format!("{part} (driven)")
    } else {
        format!("{part}, {never}")
    }
}

/// A `diagnostic` record as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// `Lost waker`, `Deadlock`, …
    pub title: &'static str,
    /// The tasks concerned, as labels: `worker (#1)`.
    pub tasks: String,
    /// The record's numbers as short facts: how long the thread was held,
    /// each late timer, the self-wakes, where each waker waits.
    pub facts: Vec<String>,
    /// The engine's own line.
    pub message: String,
    /// The record ends the run.
    pub ends_run: bool,
}

/// A problem's name for people.
pub fn title(problem: Problem) -> &'static str {
    match problem {
        Problem::LostWaker => "Lost waker",
        Problem::SelfWake => "Self-wake",
        Problem::BlockingPoll => "Blocking poll",
        Problem::Deadlock => "Deadlock",
        Problem::Stuck => "Stuck: the run ends here",
    }
}

/// `diagnostic` as a [`Finding`]; `tasks` names the tasks it lists.
pub fn finding(diagnostic: &Diagnostic, tasks: &[TaskView]) -> Finding {
    let label = |task: TaskId| task_label(task, tasks);
    let mut facts = Vec::new();
    if let Some(held) = diagnostic.held_ms {
        facts.push(format!("held the thread {held} ms in a blocking call"));
    }
    for late in &diagnostic.late_timers {
        facts.push(format!(
            "timer {} of {}, due at {} ms, fires {} ms late",
            late.timer,
            label(late.task),
            late.deadline_ms,
            late.late_ms
        ));
    }
    if let Some(times) = diagnostic.self_wakes {
        facts.push(format!(
            "woke itself {} by this record",
            count(times as usize, "time")
        ));
    }
    for task in &diagnostic.tasks {
        let spots: Vec<&WakerSpot> = diagnostic
            .wakers
            .iter()
            .filter(|s| s.task == *task)
            .collect();
        let stored = match &spots[..] {
            [] => match diagnostic.problem {
                Problem::LostWaker => "no waker stored anywhere".to_string(),
                Problem::Deadlock | Problem::Stuck => "no waker the runtime holds".to_string(),
                // A blocking poll or a self-wake lists no wakers: its task
                // is not waiting.
                Problem::BlockingPoll | Problem::SelfWake => continue,
            },
            spots => {
                let each: Vec<String> = spots
                    .iter()
                    .map(|s| {
                        format!(
                            "in {}, fired by {}",
                            place(&s.place, tasks),
                            firer(s, tasks)
                        )
                    })
                    .collect();
                format!("waker {}", and_list(&each))
            }
        };
        facts.push(format!("{}: {stored}", label(*task)));
    }
    let names: Vec<String> = diagnostic.tasks.iter().map(|t| label(*t)).collect();
    Finding {
        title: title(diagnostic.problem),
        tasks: and_list(&names),
        facts,
        message: diagnostic.message.clone(),
        ends_run: diagnostic.ends_run,
    }
}

/// The diagnostic shown with the first `position` records on screen: the
/// latest among them, with its `seq`.
pub fn latest_diagnostic(records: &[Record], position: usize) -> Option<(u64, &Diagnostic)> {
    records[..position.min(records.len())]
        .iter()
        .rev()
        .find_map(|record| match &record.event {
            Event::Diagnostic(diagnostic) => Some((record.seq, &**diagnostic)),
            _ => None,
        })
}

#[cfg(test)]
#[path = "stuck_tests.rs"]
mod tests;
