//! Loading lessons from real files against a hand-made trace.

use std::path::PathBuf;

use reactor_protocol::{Event, Outcome, Record, Source};

use super::*;

/// A folder of lesson files under the temp dir, removed on drop.
pub(super) struct Folder(pub(super) PathBuf);

impl Folder {
    pub(super) fn new(name: &str, files: &[(&str, &str)]) -> Folder {
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
    Ok(records(events))
}

/// `events` as records in order, all in turn 0 at time 0.
pub(super) fn records(events: impl IntoIterator<Item = Event>) -> Vec<Record> {
    events
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
            span: None,
        })
        .collect()
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

/// A record as the multi-thread lessons tell it: `worker 2: Steal { from: 3, count: 8 }`.
fn told(record: &Record) -> String {
    let thread = if record.worker == reactor_protocol::BLOCK_ON_THREAD {
        "block_on".to_string()
    } else {
        format!("worker {}", record.worker)
    };
    format!("{thread}: {:?}", record.event)
}

/// The record `offset` records from the one stage `title` of `lesson` is bound to.
fn near_stage(
    lessons: &Lessons,
    trace: &[Record],
    lesson: &str,
    title: &str,
    offset: i64,
) -> String {
    let lesson = lessons.get(lesson).expect(lesson);
    let stage = lesson
        .stages
        .iter()
        .find(|stage| stage.title == title)
        .unwrap_or_else(|| panic!("{}: no stage titled {title:?}", lesson.id));
    let seq = stage.seq.expect("bound") as i64 + offset;
    told(&trace[usize::try_from(seq).expect("inside the trace")])
}

/// A matcher cannot name the worker that acted, nor a pool record's queue,
/// victim, count or target: the multi-thread lessons bind those records by
/// their place. These are the workers and numbers their texts quote, at and
/// around each stage's record.
#[test]
fn workers_and_counts_the_multi_thread_lessons_quote_are_the_engines() {
    let lessons = real_lessons();

    let tcp = engine_trace("multi_thread_tcp_read").unwrap();
    let first = "The first worker to park takes the driver";
    let spawned = "Spawned from block_on: the inject queue";
    let polled = "Worker 1 polls the handler: its waker goes to the driver";
    let second = "The second handler runs on the other worker";
    let epoll = "One worker waits in epoll for both";
    let wakes = "Wakes go to the worker that fires them";
    let notify = "The driver is released and the other worker notified";
    let steal = "Worker 1 steals the woken handler";
    let thief = "The read succeeds on the thief";
    for (title, offset, record) in [
        (first, -2, "worker 0: Search"),
        (first, -1, "worker 0: WorkerPark"),
        (first, 0, "worker 0: DriverAcquired"),
        (
            "The other worker sleeps on a condition variable",
            0,
            "worker 1: WorkerPark",
        ),
        (spawned, 0, "block_on: Push { task: 1, queue: Inject }"),
        (spawned, 1, "block_on: Notify { target: 1 }"),
        (polled, -5, "worker 1: InjectTaken { count: 1 }"),
        (
            polled,
            0,
            "worker 1: WakerStored { token: 1, task: 1, direction: Read }",
        ),
        (second, -8, "worker 0: DriverReleased"),
        (second, -5, "worker 0: InjectTaken { count: 1 }"),
        (
            second,
            0,
            "worker 0: WakerStored { token: 2, task: 2, direction: Read }",
        ),
        (epoll, -3, "worker 0: WorkerPark"),
        (epoll, -2, "worker 0: DriverAcquired"),
        (epoll, -1, "worker 1: WorkerPark"),
        (epoll, 0, "worker 0: Park { timeout_ms: None }"),
        (epoll, 1, "worker 0: ClockAdvance { from_ms: 0, to_ms: 5 }"),
        (epoll, 2, "worker 0: Unpark { events: 2 }"),
        (wakes, -4, "worker 0: Push { task: 1, queue: Lifo }"),
        (wakes, -1, "worker 0: Push { task: 1, queue: Local }"),
        (wakes, 0, "worker 0: Push { task: 2, queue: Lifo }"),
        (notify, -1, "worker 0: DriverReleased"),
        (notify, 0, "worker 0: Notify { target: 1 }"),
        (notify, 2, "worker 1: WorkerUnpark"),
        (notify, 4, "worker 0: Poll { task: 2 }"),
        (steal, 0, "worker 1: Steal { from: 0, count: 1 }"),
        (steal, 1, "worker 1: Poll { task: 1 }"),
        (
            thief,
            -4,
            "worker 1: Output { task: 1, text: \"Read 14 bytes\" }",
        ),
        (thief, 0, "worker 1: Wake { task: 0, cause: Join }"),
    ] {
        let found = near_stage(&lessons, &tcp, "multi-thread", title, offset);
        assert_eq!(found, record, "multi-thread / {title:?}, record {offset:+}");
    }
    assert_quotes(
        &lessons,
        "multi-thread",
        spawned,
        "worker 1, the last to fall asleep",
    );
    assert_quotes(&lessons, "multi-thread", epoll, "time moves to 5 ms");
    assert_quotes(
        &lessons,
        "multi-thread",
        epoll,
        "<strong>two</strong> events",
    );
    assert_quotes(
        &lessons,
        "multi-thread",
        steal,
        "one task, <code>handler 0</code>",
    );

    let stealing = engine_trace("work_stealing").unwrap();
    let lands = "The spawner lands on worker 3";
    let lifo = "Spawns go into the LIFO slot";
    let sixteen = "Sixteen parts on one worker";
    let newest = "The newest first";
    let half = "A thief takes the older half";
    let moves = "The waker moves the spawner";
    let again = "A second thief";
    let holder = "The driver's holder joins in";
    for (title, offset, record) in [
        (lands, -14, "worker 0: DriverAcquired"),
        (lands, -4, "block_on: Notify { target: 3 }"),
        (lands, 0, "worker 3: InjectTaken { count: 1 }"),
        (lands, 1, "worker 3: Notify { target: 2 }"),
        (lifo, -3, "worker 3: Push { task: 2, queue: Lifo }"),
        (lifo, -1, "worker 3: Push { task: 2, queue: Local }"),
        (lifo, 0, "worker 3: Push { task: 3, queue: Lifo }"),
        (sixteen, -1, "worker 3: Push { task: 17, queue: Lifo }"),
        (sixteen, 0, "worker 3: Pending { task: 1 }"),
        (newest, -1, "worker 2: Search"),
        (newest, 0, "worker 3: Poll { task: 17 }"),
        (half, 0, "worker 2: Steal { from: 3, count: 8 }"),
        (half, 1, "worker 2: Notify { target: 1 }"),
        (half, 2, "worker 2: Poll { task: 2 }"),
        (moves, -1, "worker 2: Wake { task: 1, cause: Join }"),
        (moves, 0, "worker 2: Push { task: 1, queue: Lifo }"),
        (again, 0, "worker 1: Steal { from: 3, count: 3 }"),
        (again, 1, "worker 1: Notify { target: 0 }"),
        (holder, -2, "worker 0: Park { timeout_ms: None }"),
        (holder, -1, "worker 0: Unpark { events: 0 }"),
        (holder, 0, "worker 0: DriverReleased"),
        (holder, 11, "worker 0: Steal { from: 1, count: 1 }"),
    ] {
        let found = near_stage(&lessons, &stealing, "work-stealing", title, offset);
        assert_eq!(
            found, record,
            "work-stealing / {title:?}, record {offset:+}"
        );
    }
    // Worker 3's local queue: 15 parts pushed, none notified about; 8
    // stolen, 2 polled before the second thief came.
    let seq_of = |title: &str| {
        let lesson = lessons.get("work-stealing").unwrap();
        let stage = lesson.stages.iter().find(|s| s.title == title).unwrap();
        stage.seq.unwrap() as usize
    };
    let between = |from: &str, to: &str| &stealing[seq_of(from)..seq_of(to)];
    let local_pushes = between(lands, sixteen)
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                Event::Push {
                    queue: reactor_protocol::Queue::Local,
                    ..
                }
            )
        })
        .count();
    let notified = between(lifo, sixteen)
        .iter()
        .filter(|r| matches!(r.event, Event::Notify { .. }))
        .count();
    let polled_by_3 = between(half, again)
        .iter()
        .filter(|r| r.worker == 3 && matches!(r.event, Event::Poll { .. }))
        .count();
    assert_eq!((local_pushes, notified, polled_by_3), (15, 0, 2));
    assert_eq!(local_pushes - 8 - polled_by_3, 5);
    assert_quotes(
        &lessons,
        "work-stealing",
        half,
        "<strong>8</strong> of its 15 tasks",
    );
    assert_quotes(&lessons, "work-stealing", again, "half of its 5 tasks");
    // Who polled the parts, and where the spawner ran.
    let names = reactor_protocol::lesson::TaskNames::from_records(&stealing);
    let mut parts = [0; 4];
    let mut spawner: Vec<u32> = Vec::new();
    for record in &stealing {
        if let Event::Poll { task } = record.event {
            match names.name(task) {
                Some(name) if name.starts_with("part ") => parts[record.worker as usize] += 1,
                Some("spawner") if spawner.last() != Some(&record.worker) => {
                    spawner.push(record.worker);
                }
                _ => {}
            }
        }
    }
    assert_eq!(
        (parts, spawner.as_slice()),
        ([2, 3, 4, 7], &[3, 2, 1, 3][..])
    );
    let joined = "Every part joined";
    assert_quotes(
        &lessons,
        "work-stealing",
        joined,
        "worker 3 polled 7, worker 2 polled 4, worker 1 polled 3 and worker 0 polled 2",
    );
    assert_quotes(
        &lessons,
        "work-stealing",
        joined,
        "ran on workers 3, 2, 1 and 3",
    );
    assert_quotes(&lessons, "work-stealing", joined, "16 parts add up to 1240");
}
