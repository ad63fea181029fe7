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
