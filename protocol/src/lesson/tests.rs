//! Unit tests of matching and binding, on hand-made records.

use super::*;
use crate::kind::Kind;
use crate::record::{Event, Record, Source};

fn record(seq: u64, event: Event) -> Record {
    Record {
        seq,
        turn: 0,
        worker: 0,
        time_ms: 0,
        event,
        source: Source {
            file: "engine/src/lib.rs".into(),
            line: 1,
        },
        span: None,
    }
}

/// A shortened `tcp_read`: two tasks, a read that blocks, an event, a read that succeeds.
fn trace() -> Vec<Record> {
    let events = vec![
        Event::Spawn {
            task: 0,
            name: "main".into(),
        },
        Event::Spawn {
            task: 1,
            name: "handler".into(),
        },
        Event::Poll { task: 1 },
        Event::Register {
            token: 1,
            resource: "TcpStream".into(),
            readable: true,
            writable: true,
            assumed_ready: true,
        },
        Event::syscall(Some(1), "read", Some(1), Outcome::WouldBlock),
        Event::WakerStored {
            token: 1,
            task: 1,
            direction: Direction::Read,
        },
        Event::Pending { task: 1 },
        Event::Park { timeout_ms: None },
        Event::OsEvent {
            token: 1,
            readable: true,
            writable: false,
        },
        Event::Wake {
            task: 1,
            cause: WakeCause::Io,
        },
        Event::Poll { task: 1 },
        Event::syscall(Some(1), "read", Some(1), Outcome::Ok { bytes: Some(14) }),
        Event::Output {
            task: 1,
            text: "Read 14 bytes".into(),
        },
        Event::Complete {
            task: 1,
            output: None,
        },
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| record(i as u64, e))
        .collect()
}

fn syscall(outcome: OutcomeKind) -> Matcher {
    Matcher {
        op: Some("read".into()),
        outcome: Some(outcome),
        ..Matcher::kind(Kind::Syscall)
    }
}

#[test]
fn fields_narrow_the_match_and_task_is_a_name() {
    let records = trace();
    let names = TaskNames::from_records(&records);
    let handler_poll = Matcher {
        task: Some("handler".into()),
        ..Matcher::kind(Kind::Poll)
    };
    let main_poll = Matcher {
        task: Some("main".into()),
        ..Matcher::kind(Kind::Poll)
    };
    assert!(handler_poll.matches(&records[2], &names));
    assert!(!main_poll.matches(&records[2], &names));
    assert!(syscall(OutcomeKind::WouldBlock).matches(&records[4], &names));
    assert!(!syscall(OutcomeKind::Ok).matches(&records[4], &names));
    assert!(
        !Matcher::kind(Kind::Poll).matches(&records[4], &names),
        "wrong kind"
    );
    let output = Matcher {
        text: Some("14 bytes".into()),
        ..Matcher::kind(Kind::Output)
    };
    assert!(output.matches(&records[12], &names));
    let io_wake = Matcher {
        cause: Some(WakeCause::Io),
        ..Matcher::kind(Kind::Wake)
    };
    let timer_wake = Matcher {
        cause: Some(WakeCause::Timer),
        ..Matcher::kind(Kind::Wake)
    };
    assert!(io_wake.matches(&records[9], &names));
    assert!(!timer_wake.matches(&records[9], &names));
}

#[test]
fn a_park_timeout_must_exist_to_match_one() {
    let names = TaskNames::default();
    let park = record(0, Event::Park { timeout_ms: None });
    assert!(Matcher::kind(Kind::Park).matches(&park, &names));
    assert!(
        !Matcher {
            timeout_ms: Some(1000),
            ..Matcher::kind(Kind::Park)
        }
        .matches(&park, &names)
    );
}

#[test]
fn stages_bind_in_order_each_after_the_previous() {
    let records = trace();
    let stages = [
        syscall(OutcomeKind::WouldBlock),
        Matcher::kind(Kind::Park),
        Matcher {
            task: Some("handler".into()),
            ..Matcher::kind(Kind::Poll)
        },
        syscall(OutcomeKind::Ok),
    ];
    // The handler's *second* poll: the first one (record 2) lies before the park.
    assert_eq!(bind_all(&stages, &records), Ok(vec![4, 7, 10, 11]));
}

#[test]
fn a_partial_trace_binds_a_prefix() {
    let records = trace();
    let stages = [
        Matcher::kind(Kind::Park),
        Matcher::kind(Kind::OsEvent),
        Matcher::kind(Kind::Complete),
    ];
    assert_eq!(bind(&stages, &records[..9]), vec![7, 8]);
    assert_eq!(bind(&stages, &records[..3]), Vec::<usize>::new());
}

#[test]
fn out_of_order_stages_name_the_stage_and_the_earlier_matches() {
    let records = trace();
    let stages = [Matcher::kind(Kind::OsEvent), Matcher::kind(Kind::Park)];
    let error = bind_all(&stages, &records).unwrap_err();
    assert_eq!(
        error,
        Unmatched {
            stage: 1,
            after: Some(8),
            earlier: vec![7]
        }
    );
    let never = [Matcher::kind(Kind::TimerFire)];
    assert_eq!(
        bind_all(&never, &records).unwrap_err(),
        Unmatched {
            stage: 0,
            after: None,
            earlier: vec![]
        }
    );
}

#[test]
fn the_active_stage_is_the_last_whose_record_is_shown() {
    let bound = [4, 7, 10];
    assert_eq!(active_stage(&bound, 0), None);
    assert_eq!(
        active_stage(&bound, 4),
        None,
        "record 4 is not shown until position 5"
    );
    assert_eq!(active_stage(&bound, 5), Some(0));
    assert_eq!(active_stage(&bound, 7), Some(0));
    assert_eq!(active_stage(&bound, 8), Some(1));
    assert_eq!(active_stage(&bound, 100), Some(2));
    assert_eq!(stage_position(&bound, 1), Some(8));
    assert_eq!(
        active_stage(&bound, stage_position(&bound, 2).unwrap()),
        Some(2)
    );
    assert_eq!(stage_position(&bound, 3), None);
}

#[test]
fn check_refuses_fields_the_kind_does_not_have() {
    let bad = Matcher {
        op: Some("read".into()),
        ..Matcher::kind(Kind::Poll)
    };
    let message = bad.check().unwrap_err();
    assert!(
        message.contains("`op`") && message.contains("`poll`") && message.contains("task"),
        "{message}"
    );
    assert!(syscall(OutcomeKind::WouldBlock).check().is_ok());
    assert!(Matcher::kind(Kind::Unpark).check().is_ok());
    assert!(
        Matcher {
            level: Some(1),
            ..Matcher::kind(Kind::Unpark)
        }
        .check()
        .unwrap_err()
        .contains("no fields")
    );
}

#[test]
fn matchers_print_as_lesson_files_write_them() {
    let shown = syscall(OutcomeKind::WouldBlock).to_string();
    assert_eq!(
        shown,
        r#"{ kind = "syscall", op = "read", outcome = "would_block" }"#
    );
}

#[test]
fn every_kind_round_trips_through_its_name() {
    let records = trace();
    for record in &records {
        let kind = record.event.kind();
        assert!(
            Matcher::kind(kind).matches(record, &TaskNames::default()),
            "{}",
            kind.name()
        );
    }
}

/// Every sequence of `len` values below `base`, as digit vectors.
fn all_sequences(base: usize, len: usize) -> Vec<Vec<usize>> {
    (0..base.pow(len as u32))
        .map(|mut n| {
            (0..len)
                .map(|_| {
                    let digit = n % base;
                    n /= base;
                    digit
                })
                .collect()
        })
        .collect()
}

/// Whether `wanted` is a subsequence of `have`, by brute force over index choices.
fn fits_somehow(wanted: &[usize], have: &[usize], from: usize) -> bool {
    match wanted.split_first() {
        None => true,
        Some((first, rest)) => {
            (from..have.len()).any(|i| have[i] == *first && fits_somehow(rest, have, i + 1))
        }
    }
}

#[test]
fn greedy_binding_succeeds_exactly_when_some_in_order_match_exists() {
    let kinds = [Kind::Poll, Kind::Park, Kind::Wake];
    let event = |k: usize| match k {
        0 => Event::Poll { task: 0 },
        1 => Event::Park { timeout_ms: None },
        _ => Event::Wake {
            task: 0,
            cause: WakeCause::Io,
        },
    };
    for len in 0..=5 {
        for trace in all_sequences(3, len) {
            let records: Vec<Record> = trace
                .iter()
                .enumerate()
                .map(|(i, k)| record(i as u64, event(*k)))
                .collect();
            for stages in (1..=3).flat_map(|n| all_sequences(3, n)) {
                let matchers: Vec<Matcher> =
                    stages.iter().map(|k| Matcher::kind(kinds[*k])).collect();
                let bound = bind_all(&matchers, &records);
                assert_eq!(
                    bound.is_ok(),
                    fits_somehow(&stages, &trace, 0),
                    "{trace:?} {stages:?}"
                );
                if let Ok(bound) = bound {
                    assert!(bound.windows(2).all(|w| w[0] < w[1]));
                    assert!(bound.iter().zip(&stages).all(|(i, k)| trace[*i] == *k));
                }
            }
        }
    }
}

/// `text` without its parenthesised asides: `op` (`read`, ...) → `op` .
fn without_asides(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect()
}

/// The words between backticks in `text`.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The table of `lessons/README.md` — what teachers read — lists every
/// kind once, with exactly the fields [`Matcher::check`] lets it set.
#[test]
fn the_lesson_guide_s_table_lists_every_kind_with_its_fields() {
    let guide = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/README.md");
    let guide = std::fs::read_to_string(&guide).expect("lessons/README.md");
    let table = guide
        .split("## Matching records")
        .nth(1)
        .and_then(|section| section.split("\n## ").next())
        .expect("the section on matching records");
    let mut listed: Vec<(Kind, Vec<String>)> = Vec::new();
    for row in table.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (kinds, fields) = (cells[1], cells[2]);
        let mut fields: Vec<String> = quoted(&without_asides(fields))
            .into_iter()
            .map(str::to_string)
            .collect();
        fields.sort();
        for name in quoted(kinds) {
            let kind = Kind::from_name(name).unwrap_or_else(|| panic!("unknown kind `{name}`"));
            listed.push((kind, fields.clone()));
        }
    }
    for kind in Kind::ALL {
        let rows: Vec<&Vec<String>> = listed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, f)| f)
            .collect();
        let mut allowed: Vec<String> = matcher::fields_of(kind)
            .iter()
            .map(|f| f.to_string())
            .collect();
        allowed.sort();
        assert_eq!(rows, [&allowed], "`{}` in lessons/README.md", kind.name());
    }
}

fn asking(choices: Vec<Matcher>) -> Question {
    let choices = choices.into_iter().enumerate();
    Question {
        text: "What happens next?".into(),
        choices: choices
            .map(|(i, matcher)| Choice {
                text: format!("choice {i}"),
                matcher,
            })
            .collect(),
        why: "<p>Because.</p>".into(),
    }
}

#[test]
fn reveal_finds_the_first_accepted_record_within_the_stage_and_its_first_choice() {
    let records = trace();
    let at = |record, choice| Some(Reveal { record, choice });
    let wake = |cause| Matcher {
        cause,
        ..Matcher::kind(Kind::Wake)
    };
    // Asked at the park (7): the OS event (8) comes before the wake (9).
    let event_or_wake = asking(vec![wake(None), Matcher::kind(Kind::OsEvent)]);
    assert_eq!(reveal(&event_or_wake, &records, 7, None), at(8, 1));
    // Two choices accept the wake: the first listed is the answer.
    let both = asking(vec![
        wake(Some(WakeCause::Timer)),
        wake(None),
        wake(Some(WakeCause::Io)),
    ]);
    assert_eq!(reveal(&both, &records, 8, None), at(9, 1));
    // `until`, the next stage's record, bounds the search and is included.
    let read = asking(vec![
        syscall(OutcomeKind::WouldBlock),
        syscall(OutcomeKind::Ok),
    ]);
    assert_eq!(reveal(&read, &records, 7, Some(10)), None);
    assert_eq!(reveal(&read, &records, 7, Some(11)), at(11, 1));
    assert_eq!(
        reveal(&read, &records, 4, None),
        at(11, 1),
        "after `asked` only"
    );
    assert_eq!(
        reveal(&read, &records[..11], 7, None),
        None,
        "not yet received"
    );
    // Task names come from spawn records, even those at or before `asked`.
    let polled = |task: &str| Matcher {
        task: Some(task.into()),
        ..Matcher::kind(Kind::Poll)
    };
    let handler = asking(vec![polled("main"), polled("handler")]);
    assert_eq!(reveal(&handler, &records, 0, None), at(2, 1));
    assert_eq!(reveal(&handler, &records, 5, None), at(10, 1));
}
