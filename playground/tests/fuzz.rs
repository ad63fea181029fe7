//! Arbitrary text and mutated programs: the parser and the interpreter never
//! panic, and every run that starts ends within its limits.

use proptest::prelude::*;
use reactor_engine::LabRunOptions;
use reactor_playground::examples::{ARTICLE_HANDLER, ARTICLE_PEER, ARTICLE_SPAWN};
use reactor_playground::{Limits, compile};

/// Small limits, so a fuzzed run ends quickly whatever it does.
fn limits() -> Limits {
    Limits {
        max_records: 2_000,
        steps_per_poll: 10_000,
        max_tasks: 50,
        max_memory_bytes: 1 << 20,
        ..Limits::default()
    }
}

/// Compile and, if accepted, run to the end: the run must end.
fn try_program(source: &str, peer: &str) {
    let limits = limits();
    if let Ok(compiled) = compile(source, peer, &limits) {
        let mut run = compiled
            .load(LabRunOptions::default())
            .expect("the runtime starts");
        let mut records = 0;
        while !run.is_done() {
            records += run.step().len();
            assert!(records <= 2_001 + 1, "the record limit holds");
        }
    }
}

/// Pieces of the subset, for splicing into programs.
const PIECES: [&str; 16] = [
    ".await",
    "tokio::spawn(",
    "loop {",
    "}",
    "{",
    ")",
    "(",
    ";",
    "let x = 1;",
    "break;",
    "tokio::task::yield_now().await;",
    "?",
    "&mut ",
    "\"",
    "println!(\"{}\", x);",
    "return 0;",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, piece: usize },
    Duplicate { at: usize, len: usize },
}

fn apply(source: &str, edits: &[Edit]) -> String {
    let mut text: Vec<char> = source.chars().collect();
    for edit in edits {
        let len_of = |at: usize| at % (text.len() + 1);
        match *edit {
            Edit::Delete { at, len } => {
                let at = len_of(at);
                let end = (at + len).min(text.len());
                text.drain(at..end);
            }
            Edit::Insert { at, piece } => {
                let at = len_of(at);
                let piece: Vec<char> = PIECES[piece % PIECES.len()].chars().collect();
                text.splice(at..at, piece);
            }
            Edit::Duplicate { at, len } => {
                let at = len_of(at);
                let end = (at + len).min(text.len());
                let copy: Vec<char> = text[at..end].to_vec();
                text.splice(at..at, copy);
            }
        }
    }
    text.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..20usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, piece)| Edit::Insert { at, piece }),
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Edit::Duplicate { at, len }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(source in "\\PC{0,400}", peer in "\\PC{0,60}") {
        try_program(&source, &peer);
    }

    #[test]
    fn mutated_article_programs_never_panic_and_always_end(
        which in 0..2usize,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let (source, peer) = [(ARTICLE_SPAWN, ""), (ARTICLE_HANDLER, ARTICLE_PEER)][which];
        try_program(&apply(source, &edits), peer);
    }
}
