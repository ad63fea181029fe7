//! The lines the browser shows are the right ones: a record's `source` is
//! the line that did the work, never the call that records it; a pending
//! task's `awaiting` is an `.await` in its scenario's program (unless it
//! waits in a hand-written future, which cannot say where it is awaited).

use std::collections::HashMap;
use std::path::PathBuf;

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::{Source, TaskState, WaitTarget};

/// Steps a scenario may take before the test calls it stuck.
const MAX_STEPS: usize = 100_000;

/// The text of lines of workspace files, read once each.
#[derive(Default)]
struct Lines {
    files: HashMap<String, Vec<String>>,
}

impl Lines {
    fn line(&mut self, source: &Source) -> String {
        let lines = self
            .files
            .entry(source.file.to_string())
            .or_insert_with(|| {
                let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("..")
                    .join(source.file.as_ref());
                std::fs::read_to_string(&path)
                    .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
                    .lines()
                    .map(str::to_string)
                    .collect()
            });
        let index = source.line as usize - 1;
        lines.get(index).cloned().unwrap_or_else(|| {
            panic!(
                "{}:{} is past the end of the file",
                source.file, source.line
            )
        })
    }
}

/// Whether `line` calls the recorder (`record(`, `record_at(`, …).
fn calls_the_recorder(line: &str) -> bool {
    line.match_indices("record").any(|(at, _)| {
        line[at + "record".len()..]
            .trim_start_matches(|c: char| c.is_ascii_lowercase() || c == '_')
            .starts_with('(')
    })
}

#[test]
fn the_recorder_test_knows_a_recorder_call() {
    assert!(calls_the_recorder(
        "core.recorder.borrow_mut().record(Event::Poll { task: id });"
    ));
    assert!(calls_the_recorder("recorder.record_at(event, at);"));
    assert!(calls_the_recorder(
        "record_syscall(name, token, outcome, at);"
    ));
    assert!(!calls_the_recorder(
        "let polled = poll_future(core, id, &mut polling);"
    ));
    assert!(!calls_the_recorder(
        "core.executor.borrow_mut().pending(polling, &mut recorder);"
    ));
}

#[test]
fn every_records_source_is_the_line_that_did_the_work() {
    let mut lines = Lines::default();
    for info in scenarios() {
        let mut engine = LabRun::load(info.id, LabRunOptions::default()).expect("scenario loads");
        for record in engine.run() {
            let text = lines.line(&record.source);
            assert!(
                !calls_the_recorder(&text),
                "{} seq {} ({}) points at a recorder call, {}:{}: {text}",
                info.id,
                record.seq,
                record.event.kind_name(),
                record.source.file,
                record.source.line
            );
            assert!(
                !text.trim().is_empty() && !text.trim_start().starts_with("//"),
                "{} seq {}: {}:{} is not code",
                info.id,
                record.seq,
                record.source.file,
                record.source.line
            );
        }
    }
}

#[test]
fn pending_tasks_are_parked_on_an_await_of_their_scenario() {
    let mut lines = Lines::default();
    for info in scenarios() {
        let program = info.program;
        let mut engine = LabRun::load(info.id, LabRunOptions::default()).expect("scenario loads");
        let mut parked = 0;
        let mut steps = 0;
        while !engine.is_done() {
            steps += 1;
            assert!(steps < MAX_STEPS, "{} did not finish", info.id);
            engine.step();
            for task in engine.snapshot().tasks {
                if task.state == TaskState::Complete {
                    assert_eq!(
                        task.awaiting, None,
                        "{}: {} is complete",
                        info.id, task.name
                    );
                    continue;
                }
                if task.state != TaskState::Idle {
                    continue;
                }
                // Only the runtime's own leaf futures know the line they are
                // awaited at; a hand-written future that waits on nothing the
                // runtime knows (lost_waker's) cannot say it.
                let on_nothing = task
                    .waits
                    .as_ref()
                    .is_some_and(|waits| waits.on == WaitTarget::Nothing);
                let Some(awaiting) = task.awaiting else {
                    assert!(
                        on_nothing,
                        "{}: idle task {} has no .await",
                        info.id, task.name
                    );
                    continue;
                };
                assert_eq!(
                    awaiting.file.as_ref(),
                    program,
                    "{}: {}",
                    info.id,
                    task.name
                );
                let text = lines.line(&awaiting);
                assert!(
                    text.contains(".await"),
                    "{}: {} parked at {}:{}, which is no .await: {text}",
                    info.id,
                    task.name,
                    awaiting.file,
                    awaiting.line
                );
                parked += 1;
            }
        }
        assert!(parked > 0, "{}: no task was ever parked", info.id);
    }
}

#[test]
fn tcp_reads_tasks_park_on_the_accept_and_the_read() {
    let mut lines = Lines::default();
    let mut engine = LabRun::load("tcp_read", LabRunOptions::default()).expect("scenario loads");
    let mut seen = HashMap::new();
    while !engine.is_done() {
        engine.step();
        for task in engine.snapshot().tasks {
            if task.state == TaskState::Idle
                && let Some(awaiting) = task.awaiting
            {
                seen.entry(task.name)
                    .or_insert_with(Vec::new)
                    .push(lines.line(&awaiting).trim().to_string());
            }
        }
    }
    assert!(
        seen["main"].contains(&"let accepted = listener.accept().await;".to_string()),
        "{seen:?}"
    );
    assert!(
        seen["main"].contains(&"handler.await.map_err(|error| error.to_string())".to_string()),
        "{seen:?}"
    );
    assert!(
        seen["handler"]
            .iter()
            .all(|line| line.contains("stream.read(&mut buf).await")),
        "{seen:?}"
    );
}
