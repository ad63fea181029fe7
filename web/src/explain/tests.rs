use super::*;
use crate::fixture::{record, tcp_read};
use reactor_protocol::{Direction, Event, Snapshot, TaskState, TaskView, WakeCause};

use super::truth_tests::states;
use crate::fixture::golden_trace;

fn handler() -> Vec<TaskView> {
    vec![TaskView {
        id: 0,
        name: "handler".into(),
        state: TaskState::Idle,
        waiting_on: None,
        awaiting: None,
        waits: None,
        at: None,
    }]
}

#[test]
fn each_record_lights_its_part_and_arrow() {
    let cases = [
        (
            Event::Register {
                token: 1,
                resource: "r".into(),
                readable: true,
                writable: true,
                assumed_ready: false,
            },
            Part::Reactor,
            Some(Arrow::FuturesToReactor),
        ),
        (
            Event::WakerStored {
                token: 1,
                task: 0,
                direction: Direction::Read,
            },
            Part::Reactor,
            Some(Arrow::FuturesToReactor),
        ),
        (
            Event::Park { timeout_ms: None },
            Part::Os,
            Some(Arrow::ReactorToOs),
        ),
        (
            Event::OsEvent {
                token: 1,
                readable: true,
                writable: false,
            },
            Part::Reactor,
            Some(Arrow::OsToReactor),
        ),
        (
            Event::Wake {
                task: 0,
                cause: WakeCause::Io,
            },
            Part::Executor,
            Some(Arrow::ReactorToExecutor),
        ),
        // Only the reactor's wakes (I/O, timers) use its arrow.
        (
            Event::Wake {
                task: 0,
                cause: WakeCause::Join,
            },
            Part::Executor,
            None,
        ),
        (
            Event::Wake {
                task: 0,
                cause: WakeCause::BlockOn,
            },
            Part::Executor,
            None,
        ),
        (Event::Schedule { task: 0 }, Part::Executor, None),
        (
            Event::Poll { task: 0 },
            Part::Futures,
            Some(Arrow::ExecutorToFutures),
        ),
        (
            Event::TimerFire {
                timer: 0,
                task: 0,
                deadline_ms: 5,
            },
            Part::Reactor,
            Some(Arrow::InsideWheel),
        ),
    ];
    for (event, part, arrow) in cases {
        assert_eq!(acting(&event), (part, arrow), "{event:?}");
    }
}

fn with_tasks(tasks: Vec<TaskView>) -> Snapshot {
    Snapshot {
        tasks,
        ..Snapshot::default()
    }
}

#[test]
fn every_record_of_a_trace_gets_a_sentence_naming_its_facts() {
    let state = with_tasks(handler());
    let at = Moment {
        state: Some(&state),
        main: None,
    };
    for record in tcp_read() {
        let text = explain(&record, at);
        assert!(text.ends_with('.') || text.ends_with('"'), "{text}");
    }
    let read = &tcp_read()[13];
    assert_eq!(
        explain(read, at),
        "Task handler (#0) calls read() on token 1 without blocking; the kernel answers Ok, 14 bytes."
    );
}

#[test]
fn park_explains_its_timeout() {
    let park = record(
        0,
        0,
        Event::Park {
            timeout_ms: Some(1000),
        },
    );
    let text = explain(&park, Moment::default());
    assert!(text.contains("at most 1000 ms"), "{text}");
    assert!(text.contains("next timer slot starts at 1000 ms"), "{text}");
    let forever = record(0, 0, Event::Park { timeout_ms: None });
    let text = explain(&forever, Moment::default());
    assert!(text.contains("only an OS event can end the wait"), "{text}");
}

/// The explanation of record `seq` of a golden trace, at its moment.
fn golden_sentence(scenario: &str, seq: usize) -> String {
    let records = golden_trace(scenario);
    let states = states(&records);
    let at = Moment {
        state: Some(&states[seq]),
        main: main_task(&records),
    };
    explain(&records[seq], at)
}

#[test]
fn entering_block_on_marks_main_woken_without_queueing_it() {
    assert_eq!(
        golden_sentence("tcp_read", 1),
        "Entering block_on marks main (#0) woken so the loop polls it first. main (#0) is the block_on future: it is never on the run queue, so no schedule follows."
    );
    let poll = golden_sentence("tcp_read", 2);
    assert!(
        poll.starts_with("The loop polls main (#0), the block_on future, at the top of turn 0"),
        "{poll}"
    );
    assert!(poll.contains("not on the run queue"), "{poll}");
}

#[test]
fn a_later_wake_of_main_is_no_schedule() {
    let io = golden_sentence("tcp_read", 10);
    assert_eq!(
        io,
        "An OS readiness event wakes the waker of main (#0). main (#0) is the block_on future, never on the run queue: no schedule follows; the loop polls it at the top of the next turn."
    );
    let join = golden_sentence("spawn_lifecycle", 23);
    assert!(
        join.starts_with("The task that main (#0) awaits has finished"),
        "{join}"
    );
    assert!(join.contains("never on the run queue"), "{join}");
}

#[test]
fn registration_readiness_starts_empty_except_for_an_accepted_stream() {
    let listener = golden_sentence("tcp_read", 4);
    assert!(
        listener.contains("interested in readable and writable"),
        "{listener}"
    );
    assert!(
        listener.ends_with("Its readiness starts empty: only an OS event sets it."),
        "{listener}"
    );
    let accepted = golden_sentence("tcp_read", 13);
    assert!(
        accepted.contains("Tokio assumes a freshly accepted stream ready"),
        "{accepted}"
    );
    assert!(
        accepted.contains("its first read is simply tried"),
        "{accepted}"
    );
}

#[test]
fn a_writable_only_event_wakes_nobody_and_says_why() {
    assert_eq!(
        golden_sentence("tcp_read", 24),
        "The OS reports token 1 writable; the reactor sets that readiness on the registration (tick 1). No task waits to write, so this event wakes nobody; the read waker of handler (#1) stays stored until the socket is readable."
    );
    let data = golden_sentence("tcp_read", 28);
    assert!(
        data.contains("Next, the read waker of handler (#1) is woken (no task waits to write)."),
        "{data}"
    );
}

#[test]
fn with_no_timer_the_clock_jumps_to_the_peer() {
    let park = golden_sentence("tcp_read", 25);
    assert!(park.contains("no timer is filed"), "{park}");
    assert!(park.contains("no timeout"), "{park}");
    assert_eq!(
        golden_sentence("tcp_read", 26),
        "No timer is filed: the virtual clock jumps from 0 ms to 5 ms, when the scripted peer (the client outside the runtime) acts next. Tokio's park timeout knows nothing of it."
    );
}

#[test]
fn a_park_waits_for_the_next_slot_start_not_the_deadline() {
    assert_eq!(
        golden_sentence("spawn_lifecycle", 9),
        "Nothing is ready to run (the run queue is empty), so the driver blocks in the OS for at most 960 ms: until the next timer slot starts at 960 ms. The earliest deadline is 1000 ms: at 960 ms the wheel only moves that slot's timers down to a finer level."
    );
    let jump = golden_sentence("spawn_lifecycle", 10);
    assert!(
        jump.contains(
            "jumps from 0 ms to 960 ms, where the next timer slot starts: no timer is due yet"
        ),
        "{jump}"
    );
    let park = golden_sentence("spawn_lifecycle", 13);
    assert!(
        park.contains("until the next timer slot starts at 1000 ms. A timer is due then."),
        "{park}"
    );
    let jump = golden_sentence("spawn_lifecycle", 14);
    assert!(
        jump.ends_with("where the next timer slot starts, when timer 0 is due."),
        "{jump}"
    );
}

#[test]
fn a_zero_timeout_park_names_the_work_waiting() {
    let budget = golden_sentence("crowd", 667);
    assert!(
        budget.starts_with("Timeout 0: work is already waiting — "),
        "{budget}"
    );
    assert!(
        budget.contains("tasks still on the run queue (this turn's budget of 61 polls ran out)"),
        "{budget}"
    );
    assert!(!budget.contains("run queue is empty"), "{budget}");
    let main = golden_sentence("spawn_lifecycle", 24);
    assert!(
        main.contains("main (#0) was woken and is polled at the top of the next turn"),
        "{main}"
    );
    let deferred = golden_sentence("crowd", 5790);
    assert!(deferred.contains("a deferred yield"), "{deferred}");
}

#[test]
fn a_deferred_yield_is_woken_after_the_driver_ran() {
    let wake = golden_sentence("crowd", 5792);
    assert!(
        wake.starts_with("The deferred wake of main (#0) fires now that the driver has run"),
        "{wake}"
    );
    assert!(wake.contains("never on the run queue"), "{wake}");
}

#[test]
fn unknown_tasks_are_named_by_id() {
    assert_eq!(task_label(7, &handler()), "task #7");
    assert_eq!(task_label(0, &handler()), "handler (#0)");
}

#[test]
fn summaries_are_short_and_start_with_the_kind() {
    assert_eq!(
        summary(&Event::OsEvent {
            token: 1,
            readable: true,
            writable: false
        }),
        "os_event token 1 R"
    );
    assert_eq!(
        summary(&Event::Wake {
            task: 2,
            cause: WakeCause::Timer
        }),
        "wake #2 (timer)"
    );
    assert_eq!(
        summary(&Event::TimerInsert {
            timer: 0,
            task: 1,
            deadline_ms: 1000,
            level: 1,
            slot: 15
        }),
        "timer_insert timer 0 L1/15 @1000ms"
    );
    for record in tcp_read() {
        assert!(summary(&record.event).starts_with(record.event.kind_name()));
    }
}
