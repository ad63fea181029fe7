//! A stage's question: its fields checked alone, its answer checked against
//! a hand-made trace, and both errors naming the file and the stage.

use std::collections::BTreeMap;

use reactor_protocol::lesson::Term;
use reactor_protocol::{Event, Outcome, Record};

use super::super::Lessons;
use super::super::tests::Folder;
use super::*;

/// A read that would block, a park, the event, the read that succeeds.
fn trace() -> Vec<Record> {
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
        Event::syscall(Some(0), "read", Some(1), Outcome::Ok { bytes: Some(5) }),
        Event::Complete {
            task: 0,
            output: None,
        },
    ];
    super::super::tests::records(events)
}

/// A question whose right answer is a read that succeeds.
const READ: &str = r#"
text = "What will the second read return?"
why = "The [event](glossary:readiness) said the socket is readable."

[[choice]]
text = "The bytes"
match = { kind = "syscall", op = "read", outcome = "ok" }
right = true

[[choice]]
text = "WouldBlock again"
match = { kind = "syscall", op = "read", outcome = "would_block" }
"#;

/// The one term the questions link to, as `glossary.toml` would give it.
fn glossary() -> BTreeMap<String, GlossaryEntry> {
    let term = Term {
        id: "readiness".into(),
        term: "Readiness".into(),
        html: "<p>Ready to read.</p>".into(),
    };
    let entry = GlossaryEntry {
        term,
        links: Vec::new(),
    };
    BTreeMap::from([("readiness".to_string(), entry)])
}

fn build_from(text: &str) -> Result<Built, String> {
    let file: QuestionFile = toml::from_str(text).map_err(|e| e.to_string())?;
    build(file, &glossary())
}

#[test]
fn a_good_question_is_built_without_its_answer_and_checked() {
    let built = build_from(READ).unwrap();
    assert_eq!(built.right, 0);
    assert_eq!(built.terms, ["readiness"]);
    assert!(
        built.question.why.starts_with("<p>"),
        "{}",
        built.question.why
    );
    let json = serde_json::to_string(&built.question).unwrap();
    assert!(!json.contains("right"), "the answer stays here: {json}");
    let records = trace();
    assert_eq!(check_answer(&built, &records, 3, None), Ok(()));
    assert_eq!(check_answer(&built, &records, 4, Some(7)), Ok(()));
}

#[test]
fn each_field_rule_is_an_error_naming_it() {
    let two_rights = READ.replace(
        "outcome = \"would_block\" }",
        "outcome = \"would_block\" }\nright = true",
    );
    let third = "\n[[choice]]\ntext = \"More\"\nmatch = { kind = \"park\" }\n";
    let six = READ.to_string() + &third.repeat(4);
    let long_text = READ.replace(
        "What will the second read return?",
        &"x".repeat(MAX_POLL_TEXT + 1),
    );
    let long_choice = READ.replace("The bytes", &"y".repeat(MAX_POLL_CHOICE + 1));
    let cases = [
        (two_rights, "marks 2 choices `right = true`"),
        (READ.replace("right = true", ""), "marks 0 choices"),
        (six, "has 6 choices; a question has 2 to 5"),
        (long_text, "it must be 1 to 300"),
        (long_choice, "choice 1 \"yyy"),
        (
            READ.replace("WouldBlock again", "The bytes"),
            "written twice",
        ),
        (
            READ.replace("op = \"read\", outcome = \"ok\"", "cause = \"io\""),
            "choice 1 \"The bytes\": match { kind = \"syscall\", cause = \"io\" }: `cause` does not apply",
        ),
        (
            READ.replace("glossary:readiness", "glossary:nope"),
            "glossary term `nope`",
        ),
        (
            READ.replace("right = true", "right = true\nodd = 1"),
            "unknown field `odd`",
        ),
    ];
    for (index, (text, expected)) in cases.iter().enumerate() {
        let error = build_from(text).unwrap_err();
        assert!(error.contains(expected), "case {index}: {error}");
    }
}

#[test]
fn an_answer_the_engine_does_not_give_first_names_the_record_and_the_choice() {
    let records = trace();
    let wrong = build_from(&READ.replace("right = true", "").replace(
        "outcome = \"would_block\" }",
        "outcome = \"would_block\" }\nright = true",
    ))
    .unwrap();
    let error = check_answer(&wrong, &records, 3, None).unwrap_err();
    assert!(
        error.contains(
            r#"the right choice "WouldBlock again" does not happen first: record 6 (`syscall`) answers it, which choice 1 "The bytes" predicts"#
        ),
        "{error}"
    );
    let built = build_from(READ).unwrap();
    let error = check_answer(&built, &records, 3, Some(5)).unwrap_err();
    assert!(
        error.contains(
            "no choice's record happens after record 3 (this stage's) and up to record 5 (the next stage's)"
        ),
        "{error}"
    );
    let error = check_answer(&built, &records, 6, None).unwrap_err();
    assert!(error.contains("up to the end of the 8 records"), "{error}");
}

#[test]
fn a_right_choice_hidden_behind_an_earlier_one_is_refused() {
    let shadowed = READ.replace(
        "[[choice]]\ntext = \"The bytes\"",
        "[[choice]]\ntext = \"Some read\"\nmatch = { kind = \"syscall\", op = \"read\" }\n\n[[choice]]\ntext = \"The bytes\"",
    );
    let built = build_from(&shadowed).unwrap();
    let error = check_answer(&built, &trace(), 3, None).unwrap_err();
    assert!(
        error.contains("choice 1 \"Some read\" is listed before it and accepts it too"),
        "{error}"
    );
}

fn load(name: &str, question: &str) -> Result<Lessons, String> {
    let stage_question = question
        .replace("text = \"What", "[stage.question]\ntext = \"What")
        .replace("[[choice]]", "[[stage.question.choice]]");
    let lesson = format!(
        "title = \"Demo\"\nsummary = \"A demo.\"\nscenario = \"demo\"\n\n\
         [[stage]]\ntitle = \"Parked\"\nmatch = {{ kind = \"park\" }}\ntext = \"The loop sleeps.\"\n\
         {stage_question}\n\
         [[stage]]\ntitle = \"Done\"\nmatch = {{ kind = \"complete\" }}\ntext = \"Done.\"\n"
    );
    let glossary = "[[term]]\nid = \"readiness\"\nterm = \"Readiness\"\ntext = \"Ready.\"\n";
    let folder = Folder::new(
        &format!("question-{name}"),
        &[("demo.toml", &lesson), ("glossary.toml", glossary)],
    );
    Lessons::load_with(&folder.0, |_| Ok(trace()))
}

#[test]
fn a_lesson_serves_its_question_and_refuses_a_wrong_answer_naming_the_stage() {
    let lessons = load("good", READ).unwrap();
    let lesson = lessons.get("demo").unwrap();
    let question = lesson.stages[0].question.as_ref().expect("asked");
    assert_eq!(question.choices.len(), 2);
    assert!(lesson.stages[1].question.is_none());
    assert!(lesson.glossary.iter().any(|term| term.id == "readiness"));
    let wrong = READ.replace("right = true", "").replace(
        "outcome = \"would_block\" }",
        "outcome = \"would_block\" }\nright = true",
    );
    let error = load("wrong", &wrong).unwrap_err();
    assert!(
        error.contains(r#"demo.toml: stage 1 of 2 "Parked": question "What will the second read return?": the right choice"#),
        "{error}"
    );
    let one_choice = &READ[..READ.rfind("[[choice]]").unwrap()];
    let error = load("few", one_choice).unwrap_err();
    assert!(
        error.contains(r#"stage 1 of 2 "Parked": question:"#),
        "{error}"
    );
}
