//! Loading lessons from real files against a hand-made trace.

use std::path::PathBuf;

use reactor_protocol::{Event, Outcome, Record, Source};

use super::*;

/// A folder of lesson files under the temp dir, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str, files: &[(&str, &str)]) -> Folder {
        let dir =
            std::env::temp_dir().join(format!("reactor-lessons-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        Folder(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn trace(scenario: &str) -> Result<Vec<Record>, String> {
    if scenario != "demo" {
        return Err(format!("unknown scenario `{scenario}`"));
    }
    let events = [
        Event::Spawn {
            task: 0,
            name: "main".into(),
        },
        Event::Poll { task: 0 },
        Event::syscall(Some(0), "read", Some(1), Outcome::WouldBlock),
        Event::Park { timeout_ms: None },
        Event::OsEvent {
            token: 1,
            readable: true,
            writable: false,
        },
        Event::Poll { task: 0 },
        Event::Complete {
            task: 0,
            output: None,
        },
    ];
    Ok(events
        .into_iter()
        .enumerate()
        .map(|(seq, event)| Record {
            seq: seq as u64,
            turn: 0,
            worker: 0,
            time_ms: 0,
            event,
            source: Source {
                file: "engine/src/lib.rs".into(),
                line: 1,
            },
        })
        .collect())
}

const GLOSSARY: &str = r#"
[[term]]
id = "waker"
term = "Waker"
text = "Wakes a [task](glossary:task)."

[[term]]
id = "task"
term = "Task"
text = "A spawned future."
"#;

const GOOD: &str = r#"
title = "Demo"
summary = "A demo."
scenario = "demo"

[[stage]]
title = "Blocked"
match = { kind = "syscall", task = "main", outcome = "would_block" }
point_at = ["os"]
source = "engine/src/lib.rs"
text = "The read finds nothing and the [waker](glossary:waker) is kept."

[[stage]]
title = "Polled again"
match = { kind = "poll", task = "main" }
text = "The *second* poll."
"#;

#[test]
fn a_good_lesson_is_bound_rendered_and_listed() {
    let folder = Folder::new("good", &[("demo.toml", GOOD), ("glossary.toml", GLOSSARY)]);
    let lessons = Lessons::load_with(&folder.0, trace).unwrap();
    assert_eq!(lessons.index().len(), 1);
    assert_eq!(lessons.index()[0].stages, 2);
    let lesson = lessons.get("demo").unwrap();
    let seqs: Vec<_> = lesson.stages.iter().map(|stage| stage.seq).collect();
    assert_eq!(
        seqs,
        [Some(2), Some(5)],
        "the second stage skips the poll before the park"
    );
    assert!(lesson.stages[1].html.contains("<em>second</em>"));
    let glossary: Vec<_> = lesson
        .glossary
        .iter()
        .map(|term| term.id.as_str())
        .collect();
    assert_eq!(
        glossary,
        ["waker", "task"],
        "terms linked from definitions come along"
    );
}

fn error_for(name: &str, lesson: &str) -> String {
    let folder = Folder::new(name, &[("demo.toml", lesson), ("glossary.toml", GLOSSARY)]);
    Lessons::load_with(&folder.0, trace).unwrap_err()
}

#[test]
fn a_stage_out_of_trace_order_names_file_stage_and_matcher() {
    let swapped = GOOD.replace(r#"kind = "poll", task = "main""#, r#"kind = "spawn""#);
    let error = error_for("order", &swapped);
    assert!(error.contains("demo.toml"), "{error}");
    assert!(error.contains(r#"stage 2 of 2 "Polled again""#), "{error}");
    assert!(
        error.contains(r#"{ kind = "spawn" }"#) && error.contains("does match record 0 earlier"),
        "{error}"
    );
}

#[test]
fn bad_fields_targets_terms_and_scenarios_are_errors() {
    let cases = [
        (
            GOOD.replace(r#"task = "main", outcome"#, r#"cause = "io", outcome"#),
            "`cause` does not apply",
        ),
        (
            GOOD.replace(r#"["os"]"#, r#"["nowhere"]"#),
            r#"point_at "nowhere""#,
        ),
        (
            GOOD.replace("glossary:waker", "glossary:wakker"),
            "term `wakker`",
        ),
        (
            GOOD.replace(r#""engine/src/lib.rs""#, r#""../Cargo.toml""#),
            "not an engine source file",
        ),
        (
            GOOD.replace(r#"scenario = "demo""#, r#"scenario = "nope""#),
            "unknown scenario `nope`",
        ),
        (
            GOOD.replace("kind = \"poll\"", "kind = \"pol\""),
            "unknown variant",
        ),
        (
            GOOD.replace("The *second* poll.", "<b>bold</b>"),
            "raw HTML",
        ),
    ];
    for (index, (lesson, expected)) in cases.iter().enumerate() {
        let error = error_for(&format!("bad{index}"), lesson);
        assert!(
            error.contains("demo.toml") && error.contains(expected),
            "case {index}: {error}"
        );
    }
}

#[test]
fn a_missing_folder_is_no_lessons_and_odd_file_names_are_refused() {
    let none = Lessons::load_with(Path::new("/nonexistent/reactor-lessons"), trace).unwrap();
    assert!(none.index().is_empty());
    let folder = Folder::new(
        "names",
        &[("Bad Name.toml", GOOD), ("glossary.toml", GLOSSARY)],
    );
    assert!(
        Lessons::load_with(&folder.0, trace)
            .unwrap_err()
            .contains("the file name is the lesson id")
    );
}

/// The lessons folder of the repository, checked against the engine's real traces.
fn real_lessons() -> Lessons {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    Lessons::load(&dir).unwrap_or_else(|error| panic!("{error}"))
}

/// Fail unless the stage of `lesson` titled `title` says `phrase` (whitespace
/// and line breaks in the text count as one space).
fn assert_quotes(lessons: &Lessons, lesson: &str, title: &str, phrase: &str) {
    let lesson = lessons.get(lesson).expect(lesson);
    let stage = lesson
        .stages
        .iter()
        .find(|stage| stage.title == title)
        .unwrap_or_else(|| panic!("{}: no stage titled {title:?}", lesson.id));
    let text = stage.html.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(phrase),
        "{} / {title:?} should say {phrase:?}; the engine's trace says so. It says: {text}",
        lesson.id
    );
}

/// Milliseconds as the lessons write them: `299 968`.
fn spaced(ms: u64) -> String {
    let digits = ms.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

fn parks(records: &[Record]) -> Vec<Option<u64>> {
    records
        .iter()
        .filter_map(|record| match record.event {
            Event::Park { timeout_ms } => Some(timeout_ms),
            _ => None,
        })
        .collect()
}

/// A matcher pins the record a stage is bound to, but not every number its
/// text quotes about the records around it. These are those numbers, taken
/// from the real traces: when the engine changes them, this names the
/// sentence to rewrite.
#[test]
fn numbers_the_lessons_quote_are_the_engines() {
    let lessons = real_lessons();

    // spawn-lifecycle: a 1 s sleep parks to its slot's start, then for the rest.
    let spawn = engine_trace("spawn_lifecycle").unwrap();
    assert_eq!(parks(&spawn), [Some(960), Some(40), Some(0)]);
    let park_stage = "Nothing to do: park until the slot starts";
    assert_quotes(&lessons, "spawn-lifecycle", park_stage, "960 ms");
    assert_quotes(
        &lessons,
        "spawn-lifecycle",
        park_stage,
        "40 ms that are left",
    );

    // tcp_read: the first event of the accepted stream is writable only (tick 1),
    // the peer's bytes are its second (tick 2); no park has a timeout until main is woken.
    let tcp = engine_trace("tcp_read").unwrap();
    let stream_events: Vec<(bool, bool)> = tcp
        .iter()
        .filter_map(|record| match record.event {
            Event::OsEvent {
                token: 1,
                readable,
                writable,
            } => Some((readable, writable)),
            _ => None,
        })
        .collect();
    assert_eq!(stream_events, [(false, true), (true, true)]);
    assert_eq!(parks(&tcp), [None, None, None, Some(0)]);
    let arrives = "Data arrives: the driver wakes the waker";
    assert_quotes(&lessons, "tcp-read", arrives, "from 1 to 2");
    assert_quotes(&lessons, "tcp-read", arrives, "readable at tick 2");
    let cached = "The event is cached, then the task is woken";
    assert_quotes(&lessons, "readiness", cached, "from 1 to 2");
    assert_quotes(
        &lessons,
        "readiness",
        "The cache answers first",
        "at tick 2",
    );
    let nobody = "An event that wakes nobody";
    assert_quotes(&lessons, "readiness", nobody, "from 0 to 1");

    // timers: every moment the loop wakes, four of them firing a timer.
    let timers = engine_trace("timers").unwrap();
    let wakes: Vec<String> = timers
        .iter()
        .filter_map(|record| match record.event {
            Event::ClockAdvance { to_ms, .. } => Some(spaced(to_ms)),
            _ => None,
        })
        .collect();
    let (last, rest) = wakes.split_last().unwrap();
    let fires = timers
        .iter()
        .filter(|r| matches!(r.event, Event::TimerFire { .. }))
        .count();
    assert_eq!((fires, wakes.len()), (4, 10));
    let timeout_stage = "The next expiration is the park timeout";
    let listed = format!("{} and {last} ms", rest.join(", "));
    assert_quotes(&lessons, "timer-wheel", timeout_stage, &listed);
    assert_quotes(&lessons, "timer-wheel", timeout_stage, "four timers fire");

    // crowd: what is left queued at the first zero-timeout park, the cascade
    // at 64 ms, and how often the one thread slept in the OS.
    let crowd = engine_trace("crowd").unwrap();
    let names = reactor_protocol::lesson::TaskNames::from_records(&crowd);
    let is_worker = |task: u64| names.name(task).is_some_and(|name| name != "main");
    let first_yield = crowd
        .iter()
        .position(|r| {
            matches!(
                r.event,
                Event::Park {
                    timeout_ms: Some(0)
                }
            )
        })
        .unwrap();
    let queued = crowd[..first_yield]
        .iter()
        .map(|record| match record.event {
            Event::Schedule { task } if is_worker(task) => 1,
            Event::Poll { task } if is_worker(task) => -1,
            _ => 0,
        })
        .sum::<i64>();
    assert_eq!(queued, 179);
    let budget = "The poll budget: a quick look at the OS";
    assert_quotes(&lessons, "many-tasks", budget, "179 tasks are still queued");
    let cascaded_at_64 = crowd
        .iter()
        .filter(|r| r.time_ms == 64 && matches!(r.event, Event::TimerCascade { .. }))
        .count();
    assert_eq!(cascaded_at_64, 144);
    let slept: Vec<u64> = parks(&crowd)
        .into_iter()
        .flatten()
        .filter(|&ms| ms > 0)
        .collect();
    let deadlines: std::collections::BTreeSet<u64> = crowd
        .iter()
        .filter_map(|record| match record.event {
            Event::TimerFire { deadline_ms, .. } => Some(deadline_ms),
            _ => None,
        })
        .collect();
    assert_eq!((slept.len(), deadlines.len()), (13, 11));
    let collected = "Every JoinHandle collected";
    assert_quotes(
        &lessons,
        "many-tasks",
        collected,
        "slept in the OS 13 times",
    );
    assert_quotes(&lessons, "many-tasks", collected, "(11 of them");
}
