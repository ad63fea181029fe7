//! Arbitrary text and mutated programs: the parser and the interpreter never
//! panic, and every run that starts ends within its limits.

use proptest::prelude::*;
use reactor_engine::LabRunOptions;
use reactor_playground::examples::EXAMPLES;
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

/// Whole statements, for edits that keep a program valid more often than not.
const STATEMENTS: [&str; 10] = [
    "tokio::task::yield_now().await;",
    "println!(\"fuzz {}\", 1 + 2);",
    "let fuzz = vec![0u8; 3];",
    "tokio::time::sleep(Duration::from_millis(7)).await;",
    "for i in 0..3 { tokio::task::yield_now().await; }",
    "loop { break; }",
    "let fuzz = tokio::spawn(async { 1 });",
    "if 1 < 2 { println!(\"y\"); } else { return; }",
    "let fuzz = (1, \"a\", b\"b\");",
    "assert_eq!(1, 2);",
];

#[derive(Debug, Clone)]
enum Line {
    Delete(usize),
    Duplicate(usize),
    Insert { after: usize, statement: usize },
    Number { line: usize, value: u16 },
}

/// Apply line edits: whole lines deleted, copied, added, or their numbers changed.
fn apply_lines(source: &str, edits: &[Line]) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    for edit in edits {
        let at = |n: usize| n % lines.len().max(1);
        match *edit {
            Line::Delete(n) if !lines.is_empty() => {
                let n = at(n);
                lines.remove(n);
            }
            Line::Duplicate(n) if !lines.is_empty() => {
                let n = at(n);
                lines.insert(n, lines[n].clone());
            }
            Line::Insert { after, statement } => {
                let n = at(after);
                lines.insert(
                    n.min(lines.len()),
                    STATEMENTS[statement % STATEMENTS.len()].to_owned(),
                );
            }
            Line::Number { line, value } if !lines.is_empty() => {
                let n = at(line);
                let changed: String = lines[n]
                    .split_inclusive(|c: char| !c.is_ascii_digit())
                    .map(|part| {
                        if part.starts_with(|c: char| c.is_ascii_digit()) {
                            let tail: String =
                                part.chars().skip_while(char::is_ascii_digit).collect();
                            format!("{value}{tail}")
                        } else {
                            part.to_owned()
                        }
                    })
                    .collect();
                lines[n] = changed;
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fn line_edit() -> impl Strategy<Value = Line> {
    prop_oneof![
        any::<usize>().prop_map(Line::Delete),
        any::<usize>().prop_map(Line::Duplicate),
        (any::<usize>(), any::<usize>())
            .prop_map(|(after, statement)| Line::Insert { after, statement }),
        (any::<usize>(), any::<u16>()).prop_map(|(line, value)| Line::Number { line, value }),
    ]
}

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
    fn mutated_examples_never_panic_and_always_end(
        which in 0..EXAMPLES.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let example = &EXAMPLES[which];
        try_program(&apply(example.program, &edits), example.peer);
    }

    #[test]
    fn examples_with_statements_added_removed_and_renumbered_run_and_end(
        which in 0..EXAMPLES.len(),
        edits in prop::collection::vec(line_edit(), 1..5),
    ) {
        let example = &EXAMPLES[which];
        try_program(&apply_lines(example.program, &edits), example.peer);
    }
}
