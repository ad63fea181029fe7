//! The hand decoder must agree with serde's derived one on everything the
//! server sends, read every key serde writes, and refuse what serde refuses.
//! The samples are built field by field, so a field added to the protocol
//! does not compile here until it is set, and then fails until it is read.

use super::*;
use crate::decode::reads::{check, serde_names};
use reactor_protocol::record::{Direction, WakeCause};

fn full_matcher() -> Matcher {
    Matcher {
        kind: Kind::OsEvent,
        task: Some("reader".into()),
        token: Some(3),
        op: Some("read".into()),
        outcome: Some(OutcomeKind::WouldBlock),
        direction: Some(Direction::Write),
        cause: Some(WakeCause::Timer),
        level: Some(1),
        to_level: Some(0),
        deadline_ms: Some(1000),
        timeout_ms: Some(250),
        readable: Some(true),
        writable: Some(false),
        text: Some("Read 5 bytes".into()),
    }
}

/// A question with a choice of every shape: a bare kind, and a full matcher.
fn sample_question() -> Question {
    Question {
        text: "What wakes the loop?".into(),
        choices: vec![
            Choice {
                text: "The socket becomes readable".into(),
                matcher: full_matcher(),
            },
            Choice {
                text: "A timer fires".into(),
                matcher: Matcher::kind(Kind::TimerFire),
            },
        ],
        why: "<p>Nothing else is <em>registered</em>.</p>".into(),
    }
}

fn sample() -> Lesson {
    let stage = |matcher: Matcher, seq: Option<u64>| Stage {
        title: "Parked".into(),
        matcher,
        point_at: vec!["reactor".into(), "park".into()],
        source: seq.map(|_| "engine/src/io/driver.rs".into()),
        html: "<p>The loop <em>sleeps</em>.</p>".into(),
        seq,
        // The first stage asks, the second does not (its key is then absent).
        question: seq.map(|_| sample_question()),
    };
    Lesson {
        id: "tcp-read".into(),
        title: "Reading from a socket".into(),
        summary: "A read that waits".into(),
        scenario: "tcp_read".into(),
        stages: vec![
            stage(full_matcher(), Some(7)),
            stage(Matcher::kind(Kind::Park), None),
        ],
        glossary: vec![Term {
            id: "waker".into(),
            term: "Waker".into(),
            html: "<p>A handle.</p>".into(),
        }],
    }
}

#[test]
fn every_kind_reads_as_serde_writes_it() {
    for kind in Kind::ALL {
        let json = serde_json::to_string(&Matcher::kind(kind)).unwrap();
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(matcher(&value), Ok(Matcher::kind(kind)), "{json}");
    }
}

#[test]
fn a_lesson_reads_back_equal_with_every_key_read() {
    check(&sample(), lesson_value);
    let json = serde_json::to_string(&sample()).unwrap();
    assert_eq!(lesson(&json, "/api/lessons/tcp-read"), Ok(sample()));
    let serde: Lesson = serde_json::from_str(&json).unwrap();
    assert_eq!(serde, sample());
}

#[test]
fn a_question_reads_back_equal_and_a_stage_without_one_has_none() {
    check(&sample_question(), question);
    let json = serde_json::to_string(&sample()).unwrap();
    let read = lesson(&json, "/api/lessons/tcp-read").unwrap();
    assert_eq!(read.stages[0].question, Some(sample_question()));
    assert_eq!(read.stages[1].question, None);
    assert!(
        !json.contains("\"question\":null"),
        "the server leaves the key out: {json}"
    );
    let bad: Value =
        serde_json::from_str(r#"{"text":"?","choices":[{"text":"a"}],"why":""}"#).unwrap();
    assert!(
        question(&bad)
            .unwrap_err()
            .contains("missing field `match`")
    );
}

#[test]
fn the_matcher_fields_are_the_ones_serde_knows() {
    let known: std::collections::BTreeSet<String> =
        MATCHER_FIELDS.iter().map(|f| f.to_string()).collect();
    assert_eq!(known, serde_names::<Matcher>(r#"{"kind":"park","?":1}"#));
    check(&full_matcher(), matcher);
    let outcomes = [
        OutcomeKind::Ok,
        OutcomeKind::WouldBlock,
        OutcomeKind::Failed,
    ];
    let spelled = outcomes.map(|o| {
        serde_json::to_value(o)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    });
    assert_eq!(
        spelled
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>(),
        serde_names::<OutcomeKind>(r#""?""#)
    );
    for outcome in outcomes {
        let matcher_ = Matcher {
            outcome: Some(outcome),
            ..Matcher::kind(Kind::Syscall)
        };
        check(&matcher_, matcher);
    }
}

#[test]
fn rooms_and_refusals_read_back_equal_with_every_key_read() {
    let created = RoomCreated {
        code: "K7QX2MPD".into(),
        presenter_key: "secret".into(),
        join: "/join/K7QX2MPD".into(),
    };
    check(&created, room);
    assert_eq!(
        room_created(&serde_json::to_string(&created).unwrap()),
        Ok(created)
    );
    let error = ApiError {
        error: "too many rooms".into(),
    };
    check(&error, refusal);
    assert_eq!(api_error(r#"{"error":"too many rooms"}"#), Ok(error));
    assert!(room_created("{}").is_err());
}

#[test]
fn lesson_summaries_read_back_equal() {
    // The summaries as `GET /api/lessons` lists them.
    let summaries = vec![LessonSummary {
        id: "tcp-read".into(),
        title: "Reading from a socket".into(),
        summary: "A read that waits".into(),
        scenario: "tcp_read".into(),
        stages: 6,
    }];
    let json = serde_json::to_string(&summaries).unwrap();
    assert_eq!(lessons(&json), Ok(summaries.clone()));
    check(&summaries, |value| items(value, lesson_summary));
    let scenario_ = ScenarioSummary {
        id: "tcp_read".into(),
        title: "TCP read".into(),
        summary: "One read".into(),
    };
    check(&scenario_, scenario);
}

#[test]
fn scenarios_read_back_equal_and_extra_fields_are_ignored() {
    let json = r#"[{"id":"tcp_read","title":"TCP read","summary":"One read","new":1}]"#;
    let serde: Vec<ScenarioSummary> = serde_json::from_str(json).unwrap();
    assert_eq!(scenarios(json), Ok(serde));
}

#[test]
fn bad_answers_name_the_url_and_the_problem() {
    let error = lesson("{", "/api/lessons/x").unwrap_err();
    assert!(
        error.starts_with("/api/lessons/x sent unexpected JSON"),
        "{error}"
    );
    let error = scenarios(r#"[{"id":"a","title":"b"}]"#).unwrap_err();
    assert!(error.contains("missing field `summary`"), "{error}");
    let error = lessons("{}").unwrap_err();
    assert!(error.contains("expected a list"), "{error}");
}

#[test]
fn a_matcher_refuses_what_serde_refuses() {
    for json in [
        r#"{"kind":"park","colour":"red"}"#,
        r#"{"kind":"teleport"}"#,
        r#"{"kind":"wake","cause":"magic"}"#,
        r#"{"kind":"syscall","outcome":"maybe"}"#,
        r#"{"kind":"register","token":-1}"#,
        r#"{"task":"a"}"#,
    ] {
        let value: Value = serde_json::from_str(json).unwrap();
        assert!(matcher(&value).is_err(), "{json}");
        assert!(serde_json::from_str::<Matcher>(json).is_err(), "{json}");
    }
    let with_nulls: Value = serde_json::from_str(r#"{"kind":"park","timeout_ms":null}"#).unwrap();
    assert_eq!(matcher(&with_nulls), Ok(Matcher::kind(Kind::Park)));
}
