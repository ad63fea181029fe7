//! The playground's examples are Tokio programs: compiled by rustc against
//! real Tokio (the `playground_*` binaries include the very same files), they
//! print what the playground prints when it interprets them on the engine.
//!
//! Left out: the examples that need a peer at a fixed port (the TCP ones), a
//! five-minute sleep (`timers`), or never end (`lost_waker`).

use std::process::Command;

use reactor_engine::LabRunOptions;
use reactor_playground::examples::EXAMPLES;
use reactor_playground::{Limits, compile};
use reactor_protocol::Event;

/// Each example checked, with its binary's path.
const CHECKED: [(&str, &str); 4] = [
    (
        "article-spawn",
        env!("CARGO_BIN_EXE_playground_article_spawn"),
    ),
    (
        "blocking-call",
        env!("CARGO_BIN_EXE_playground_blocking_call"),
    ),
    (
        "four-workers",
        env!("CARGO_BIN_EXE_playground_four_workers"),
    ),
    (
        "work-stealing",
        env!("CARGO_BIN_EXE_playground_work_stealing"),
    ),
];

/// The lines the playground's run of `program` prints.
fn interpreted(program: &str) -> Vec<String> {
    let compiled = compile(program, "", &Limits::default()).expect("the example compiles");
    let mut run = compiled
        .load(LabRunOptions::default())
        .expect("the runtime starts");
    run.run()
        .into_iter()
        .filter_map(|record| match record.event {
            Event::Output { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

#[test]
fn the_examples_print_under_real_tokio_what_they_print_in_the_playground() {
    for (id, binary) in CHECKED {
        let example = EXAMPLES.iter().find(|example| example.id == id).expect(id);
        let output = Command::new(binary)
            .output()
            .expect("the Tokio program runs");
        assert!(output.status.success(), "{id} under Tokio: {output:?}");
        let printed: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert!(!printed.is_empty(), "{id} prints something");
        assert_eq!(printed, interpreted(example.program), "{id}");
    }
}
