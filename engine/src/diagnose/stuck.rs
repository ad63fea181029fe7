//! The end of a run that can never progress: the `stuck` diagnostic.
//!
//! The loop parks with no task queued, no deferred wake, no timer filed,
//! no task of this runtime waiting on one of its sockets, and no script
//! step left: no OS event, no timer and no task can ever wake anyone.
//! Tokio's `block_on` would wait in `epoll_wait` for ever; the engine
//! writes one last record saying why, and the run ends.
//!
//! ```text
//!   park(timeout: null) ─▶ nothing can arrive ─▶ diagnostic stuck (ends_run)
//!                                                 tasks: every idle task
//!                                                 wakers: where each waker is,
//!                                                 and what never fires it
//! ```

use reactor_protocol::{Diagnostic, DriverPart, Problem, TaskId, WakerPlace, WakerSpot};

use super::{WakerIndex, list};
use crate::runtime::core::Core;

/// The run's last record, when nothing can ever happen again.
pub(crate) fn stuck(core: &Core) -> Diagnostic {
    let index = WakerIndex::build(core);
    let tasks = core.executor.borrow().idle_tasks();
    let wakers = index.spots_of(&tasks);
    let why: Vec<String> = tasks
        .iter()
        .map(|&task| {
            let spots: Vec<&WakerSpot> = wakers.iter().filter(|spot| spot.task == task).collect();
            let unseen = index
                .waits(task)
                .is_some_and(|waits| waits.unseen_wakers > 0);
            explain(task, &spots, unseen)
        })
        .collect();
    Diagnostic {
        problem: Problem::Stuck,
        message: format!(
            "nothing can ever happen again: no task is queued, no timer is filed, no task \
             waits on a socket of this runtime and no outside step is left; {}: {}",
            list(&tasks),
            why.join("; ")
        ),
        tasks,
        wakers,
        held_ms: None,
        late_timers: Vec::new(),
        self_wakes: None,
        ends_run: true,
    }
}

/// Why one idle task is never woken.
fn explain(task: TaskId, spots: &[&WakerSpot], unseen: bool) -> String {
    if unseen {
        return format!("task {task}'s waker is held by the program, which never fires it");
    }
    let Some(spot) = spots.first() else {
        return format!("task {task} has no waker stored anywhere");
    };
    let place = match spot.place {
        WakerPlace::Registration { token, direction } => {
            format!("token {token}'s {} slot", direction.name())
        }
        WakerPlace::TimerEntry { timer, .. } => format!("timer {timer}"),
        WakerPlace::JoinHandle { of_task } => format!("the JoinHandle of task {of_task}"),
        WakerPlace::Deferred => "the deferred list".into(),
    };
    let never = match (spot.fired_by.part, spot.fired_by.foreign) {
        (DriverPart::IoDriver, true) => {
            "the I/O driver of another runtime, which no loop is polling"
        }
        (DriverPart::IoDriver, false) => "the I/O driver, which no event will reach",
        (DriverPart::Task, _) => "that task, which can never finish",
        (DriverPart::TimerWheel | DriverPart::EventLoop, _) => "this loop",
    };
    format!("task {task}'s waker waits in {place}, fired only by {never}")
}
