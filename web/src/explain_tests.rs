use super::*;
use crate::fixture::{record, tcp_read};
use reactor_protocol::TaskState;

fn handler() -> Vec<TaskView> {
    vec![TaskView {
        id: 0,
        name: "handler".into(),
        state: TaskState::Idle,
        waiting_on: None,
    }]
}

#[test]
fn the_issue_mapping_of_parts_and_arrows() {
    let cases = [
        (
            Event::Register {
                token: 1,
                resource: "r".into(),
                readable: true,
                writable: false,
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

#[test]
fn every_record_of_a_trace_gets_a_sentence_naming_its_facts() {
    for record in tcp_read() {
        let text = explain(&record, &handler());
        assert!(text.ends_with('.') || text.ends_with('"'), "{text}");
    }
    let read = &tcp_read()[13];
    assert_eq!(
        explain(read, &handler()),
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
    assert!(explain(&park, &[]).contains("at most 1000 ms"));
    let forever = record(0, 0, Event::Park { timeout_ms: None });
    assert!(explain(&forever, &[]).contains("until an I/O event"));
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
        assert!(summary(&record.event).starts_with(kind(&record.event)));
    }
}
