//! The hand decoder must agree with serde's derived one on everything the
//! server sends, and refuse what serde refuses.

use super::*;
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

fn sample() -> Lesson {
    let stage = |matcher: Matcher, seq: Option<u64>| Stage {
        title: "Parked".into(),
        matcher,
        point_at: vec!["reactor".into(), "park".into()],
        source: seq.map(|_| "engine/src/io/driver.rs".into()),
        html: "<p>The loop <em>sleeps</em>.</p>".into(),
        seq,
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
fn kinds_are_every_kind_serde_knows_in_order() {
    // serde's refusal lists every variant it accepts, so a kind added to the
    // protocol but not to `KINDS` fails here.
    let refusal = serde_json::from_str::<Kind>(r#""nope""#)
        .unwrap_err()
        .to_string();
    let known: Vec<&str> = refusal.split('`').skip(3).step_by(2).collect();
    let listed: Vec<&str> = KINDS.iter().map(|kind| kind.name()).collect();
    assert_eq!(listed, known, "{refusal}");
}

#[test]
fn every_kind_reads_as_serde_writes_it() {
    for kind in KINDS {
        let json = serde_json::to_string(&Matcher::kind(kind)).unwrap();
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(matcher(&value), Ok(Matcher::kind(kind)), "{json}");
    }
}

#[test]
fn a_lesson_reads_back_equal() {
    let json = serde_json::to_string(&sample()).unwrap();
    assert_eq!(lesson(&json, "/api/lessons/tcp-read"), Ok(sample()));
    let serde: Lesson = serde_json::from_str(&json).unwrap();
    assert_eq!(serde, sample());
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
    assert_eq!(lessons(&json), Ok(summaries));
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
