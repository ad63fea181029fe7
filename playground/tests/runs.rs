//! Programs run on the engine: determinism, runtime errors, and each limit
//! ending the run with an `error` record that says which.

use reactor_engine::LabRunOptions;
use reactor_playground::examples::{ARTICLE_HANDLER, ARTICLE_PEER, ARTICLE_SPAWN};
use reactor_playground::{Limits, compile};
use reactor_protocol::{Event, Record};

fn run_with(source: &str, peer: &str, limits: &Limits) -> Vec<Record> {
    let compiled = compile(source, peer, limits).unwrap_or_else(|error| panic!("{error}"));
    compiled.load(LabRunOptions::default()).unwrap().run()
}

fn run(source: &str, peer: &str) -> Vec<Record> {
    run_with(source, peer, &Limits::default())
}

fn outputs(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter_map(|record| match &record.event {
            Event::Output { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn last_error(records: &[Record]) -> (String, Option<(u32, u32)>) {
    records
        .iter()
        .rev()
        .find_map(|record| match &record.event {
            Event::Error { message, .. } => {
                Some((message.clone(), record.span.map(|s| (s.line, s.column))))
            }
            _ => None,
        })
        .expect("an error record")
}

const JOIN_AND_SELECT: &str = r#"use tokio::time::{sleep, Duration};

async fn count(name: &str, n: u64) -> u64 {
    let mut total = 0;
    for i in 1..=n {
        sleep(Duration::from_millis(10 * i)).await;
        total += i;
        println!("{name} {i}");
    }
    total
}

#[tokio::main]
async fn main() {
    let (a, b) = tokio::join!(count("a", 3), count("b", 2));
    assert_eq!(a + b, 9);
    tokio::select! {
        _ = sleep(Duration::from_millis(5)) => println!("the short sleep won"),
        _ = sleep(Duration::from_secs(5)) => println!("the long sleep won"),
    }
    let mut handles = (tokio::spawn(count("x", 1)), tokio::spawn(count("y", 1)));
    let x = handles.0.await.unwrap();
    let y = handles.1.await.unwrap();
    println!("{x} {y} {:?}", Ok::<u8, u8>(1).is_ok());
}
"#;

const POOL: &str = r#"#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for i in 0..4 {
        let handle = tokio::spawn(async move {
            tokio::task::yield_now().await;
            i * 2
        });
        println!("{}", handle.await.unwrap());
    }
}
"#;

#[test]
fn the_same_program_gives_the_same_records_a_thousand_times() {
    for (source, peer, runs) in [
        (ARTICLE_SPAWN, "", 1_000),
        (ARTICLE_HANDLER, ARTICLE_PEER, 200),
    ] {
        let first = run(source, peer);
        for _ in 1..runs {
            assert_eq!(run(source, peer), first);
        }
    }
}

#[test]
fn join_select_and_spawn_run_as_tokio_would() {
    let source = JOIN_AND_SELECT.replace("Ok::<u8, u8>(1).is_ok()", "Ok(1).is_ok()");
    let records = run(&source, "");
    assert_eq!(
        outputs(&records),
        [
            "a 1",
            "b 1",
            "a 2",
            "b 2",
            "a 3",
            "the short sleep won",
            "x 1",
            "y 1",
            "1 1 true"
        ]
    );
    assert_eq!(run(&source, ""), records);
}

#[test]
fn a_pool_program_runs_on_workers() {
    let records = run(POOL, "");
    assert_eq!(outputs(&records), ["0", "2", "4", "6"]);
    assert!(
        records.iter().any(|record| record.worker == 1),
        "a second worker acted"
    );
}

#[test]
fn an_unwrap_on_an_error_panics_its_task_at_its_line() {
    let source = "#[tokio::main]\nasync fn main() {\n    let r: Result<u8, String> = Err(String::from(\"nope\"));\n    r.unwrap();\n}\n";
    let (message, _) = last_error(&run(source, ""));
    assert!(
        message.contains("called `Result::unwrap()` on an `Err` value: \"nope\""),
        "{message}"
    );
    assert!(message.contains("line 4:5"), "{message}");
}

#[test]
fn a_loop_without_an_await_is_reported_as_a_busy_poll() {
    let source = "#[tokio::main]\nasync fn main() {\n    let mut n = 0;\n    loop {\n        n += 1;\n    }\n}\n";
    let (message, span) = last_error(&run(source, ""));
    assert!(message.starts_with("busy poll"), "{message}");
    assert_eq!(span.map(|(line, _)| line), Some(5));
    for empty in ["for i in 0..1000000000000 {}", "loop {}", "while true {}"] {
        let source = format!("#[tokio::main]\nasync fn main() {{\n    {empty}\n}}\n");
        let (message, _) = last_error(&run(&source, ""));
        assert!(message.starts_with("busy poll"), "{empty}: {message}");
    }
}

#[test]
fn each_limit_ends_the_run_and_says_which() {
    let spawn_many = "#[tokio::main]\nasync fn main() {\n    for i in 0..50 {\n        tokio::spawn(async { 1 });\n    }\n}\n";
    let sleep_long = "#[tokio::main]\nasync fn main() {\n    tokio::time::sleep(Duration::from_secs(200000)).await;\n}\n";
    let recurse =
        "fn f(n: u64) -> u64 { f(n + 1) }\n#[tokio::main]\nasync fn main() {\n    f(0);\n}\n";
    let big = "#[tokio::main]\nasync fn main() {\n    let buf = vec![0u8; 100000000];\n}\n";
    let sockets = "#[tokio::main]\nasync fn main() {\n    for i in 0..10 {\n        let l = tokio::net::TcpListener::bind(\"127.0.0.1:0\").await.unwrap();\n    }\n}\n";
    let limits = Limits {
        max_tasks: 10,
        max_sockets: 3,
        max_call_depth: 8,
        ..Limits::default()
    };
    for (source, says) in [
        (spawn_many, "more than 10 tasks"),
        (sleep_long, "past the run's limit"),
        (recurse, "call depth limit"),
        (big, "bytes of strings and buffers"),
        (sockets, "more than 3 sockets"),
    ] {
        let records = run_with(source, "", &limits);
        let (message, _) = last_error(&records);
        assert!(message.contains(says), "{source}: {message}");
    }
    let records = run_with(
        spawn_many,
        "",
        &Limits {
            max_records: 40,
            ..Limits::default()
        },
    );
    let (message, _) = last_error(&records);
    assert!(message.contains("limit of 40 records"), "{message}");
}

#[test]
fn records_carry_the_program_position_and_tasks_their_await() {
    let compiled = compile(ARTICLE_SPAWN, "", &Limits::default()).unwrap();
    let mut run = compiled.load(LabRunOptions::default()).unwrap();
    let mut parked = None;
    while !run.is_done() && parked.is_none() {
        run.step();
        let snapshot = run.snapshot();
        parked = snapshot
            .tasks
            .iter()
            .find(|task| task.id == 1 && task.state == reactor_protocol::TaskState::Idle)
            .and_then(|task| task.at);
    }
    let at = parked.expect("the sleeper parks");
    assert_eq!(
        (at.line, at.column),
        (4, 9),
        "the sleeper is parked on its sleep's line"
    );
}

#[test]
fn select_races_a_read_against_a_sleep() {
    let source = r#"use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::time::{sleep, Duration};

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:8080").await.unwrap();
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut buf = [0u8; 64];
    for _ in 0..2 {
        tokio::select! {
            read = stream.read(&mut buf) => {
                let n = read.unwrap();
                println!("read {}", String::from_utf8_lossy(&buf[..n]));
            }
            _ = sleep(Duration::from_millis(20)) => println!("timed out"),
        }
    }
}
"#;
    let fast = "at 0 ms connect\nat 5 ms send \"hi\"";
    assert_eq!(outputs(&run(source, fast)), ["read hi", "timed out"]);
    let slow = "at 0 ms connect\nat 50 ms send \"late\"";
    assert_eq!(outputs(&run(source, slow)), ["timed out", "timed out"]);
}

#[test]
fn no_value_nests_past_the_limit_or_holds_itself() {
    let deep = "#[tokio::main]\nasync fn main() {\n    let mut t = (0, 0);\n    loop {\n        t = (t, 1);\n    }\n}\n";
    let (message, _) = last_error(&run(deep, ""));
    assert!(
        message.contains("values nested more than 64 deep"),
        "{message}"
    );
    let itself = "#[tokio::main]\nasync fn main() {\n    let mut a = Vec::new();\n    a.push(1);\n    let t = (a, 2);\n    a.push(t);\n}\n";
    let (message, _) = last_error(&run(itself, ""));
    assert!(message.contains("a Vec inside a Vec"), "{message}");
}

#[test]
fn a_run_is_bounded_in_steps_however_it_spreads_them() {
    let source = "#[tokio::main]\nasync fn main() {\n    loop {\n        for i in 0..1000 {}\n        tokio::task::yield_now().await;\n    }\n}\n";
    let limits = Limits {
        max_total_steps: 200_000,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let (message, _) = last_error(&run_with(source, "", &limits));
    assert!(
        message.contains("more than 200000 interpreter steps"),
        "{message}"
    );
    eprintln!("200,000 steps took {:?}", started.elapsed());
}

#[test]
fn call_depth_is_counted_per_task() {
    let source = r#"async fn nap(n: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(10)).await;
    n
}

#[tokio::main]
async fn main() {
    let mut handles = Vec::new();
    for n in 0..20 {
        handles.push(tokio::spawn(nap(n)));
    }
    let mut total = 0;
    for handle in handles {
        total += handle.await.unwrap();
    }
    println!("{total}");
}
"#;
    let limits = Limits {
        max_call_depth: 3,
        ..Limits::default()
    };
    assert_eq!(outputs(&run_with(source, "", &limits)), ["190"]);
}
