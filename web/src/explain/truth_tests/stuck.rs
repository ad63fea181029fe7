//! The "Why is it stuck?" words, held to every `diagnostic` record of every
//! golden trace: a finding, and the answers built from the wakers the
//! record lists, may only claim what the record says.

use reactor_protocol::{Diagnostic, Event, Problem, WaitTarget, Waits};

use crate::explain::stuck::{answer, finding};
use crate::fixture::golden;

/// The number just after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The number just before `marker` in `text`.
fn number_before(text: &str, marker: &str) -> Option<u64> {
    let before = &text[..text.find(marker)?];
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// The claims of `text` about task `task` that `diagnostic` contradicts.
fn contradictions(diagnostic: &Diagnostic, task: Option<u64>, text: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    let spots: Vec<_> = diagnostic
        .wakers
        .iter()
        .filter(|s| task.is_none_or(|task| s.task == task))
        .collect();
    let mut claim = |holds: bool, what: &str| {
        if !holds {
            wrong.push(format!("{what}: {text}"));
        }
    };
    if text.contains("no waker") || text.contains("none anywhere") {
        claim(spots.is_empty(), "says no waker, but the record lists one");
    }
    if text.contains("never can") || text.contains("never fires") {
        claim(
            spots.iter().any(|s| !s.fired_by.driven),
            "says it never fires, but every firer is driven",
        );
    }
    if text.contains("(driven)") {
        claim(
            spots.iter().any(|s| s.fired_by.driven),
            "says driven, but no firer is",
        );
    }
    if let Some(late) = number_before(text, " ms late") {
        claim(
            diagnostic.late_timers.iter().any(|t| t.late_ms == late),
            "names a lateness the record does not have",
        );
    }
    if let Some(held) = number_after(text, "held the thread ") {
        claim(diagnostic.held_ms == Some(held), "names the wrong hold");
    }
    wrong
}

#[test]
fn why_stuck_says_only_what_each_golden_diagnostic_says() {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (name, records) in golden() {
        for record in &records {
            let Event::Diagnostic(diagnostic) = &record.event else {
                continue;
            };
            checked += 1;
            let found = finding(diagnostic, &[]);
            for fact in &found.facts {
                let task = diagnostic
                    .tasks
                    .iter()
                    .copied()
                    .find(|t| fact.starts_with(&format!("task #{t}:")));
                for what in contradictions(diagnostic, task, fact) {
                    wrong.push(format!("{name} seq {}: {what}", record.seq));
                }
            }
            // The answers for the waiting tasks it names, from the wakers
            // it lists (a blocking or self-waking task is not waiting).
            let waiting = matches!(
                diagnostic.problem,
                Problem::LostWaker | Problem::Deadlock | Problem::Stuck
            );
            for &task in diagnostic.tasks.iter().filter(|_| waiting) {
                let waits = Waits {
                    on: WaitTarget::Nothing,
                    wakers: diagnostic
                        .wakers
                        .iter()
                        .filter(|s| s.task == task)
                        .cloned()
                        .collect(),
                    unseen_wakers: 0,
                };
                let said = answer(task, &waits, &[]);
                for text in [&said.waker, &said.fired_by] {
                    for what in contradictions(diagnostic, Some(task), text) {
                        wrong.push(format!("{name} seq {}: {what}", record.seq));
                    }
                }
            }
        }
    }
    assert!(
        checked >= 6,
        "only {checked} diagnostics in the golden traces"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
