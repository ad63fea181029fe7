//! Every lesson in `lessons/` fits the engine's real traces, and a broken
//! lesson is refused with a message naming its file and stage.
//!
//! This is the check the server runs at start-up; here it runs in CI, so a
//! change to the engine that breaks a lesson's story fails the build.

use std::path::{Path, PathBuf};

use reactor_server::Lessons;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The lesson files of a folder: every `*.toml` but the glossary.
fn lesson_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the lessons folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml") && name != "glossary.toml")
        .collect();
    names.sort();
    names
}

#[test]
fn every_lesson_file_validates_against_its_scenarios_real_trace() {
    let dir = workspace().join("lessons");
    let lessons = Lessons::load(&dir).unwrap_or_else(|error| panic!("{error}"));
    let mut served: Vec<String> = lessons
        .index()
        .iter()
        .map(|l| format!("{}.toml", l.id))
        .collect();
    served.sort();
    assert_eq!(
        served,
        lesson_files(&dir),
        "every file is a lesson, none skipped"
    );
    for summary in lessons.index() {
        let lesson = lessons
            .get(&summary.id)
            .expect("listed lessons can be fetched");
        let seqs: Vec<u64> = lesson
            .stages
            .iter()
            .map(|s| s.seq.expect("bound"))
            .collect();
        // `-- --nocapture` shows where each stage landed: handy when writing a lesson.
        for (stage, seq) in lesson.stages.iter().zip(&seqs) {
            eprintln!(
                "{} · record {seq:>3} · {} · {}",
                lesson.id, stage.matcher, stage.title
            );
        }
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{}: stages in trace order {seqs:?}",
            lesson.id
        );
        assert!(
            lesson.stages.iter().all(|s| !s.html.trim().is_empty()),
            "{}: every stage has text",
            lesson.id
        );
        let asked = lesson
            .stages
            .iter()
            .filter(|s| s.question.is_some())
            .count();
        assert!(
            asked >= 2,
            "{}: asks {asked} questions; a lesson asks at least two",
            lesson.id
        );
    }
}

#[test]
fn the_built_in_lessons_exist_with_six_article_steps_where_the_article_has_six() {
    let lessons =
        Lessons::load(&workspace().join("lessons")).unwrap_or_else(|error| panic!("{error}"));
    let ids: Vec<&str> = lessons.index().iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reactor-pattern",
            "tcp-read",
            "spawn-lifecycle",
            "timer-wheel",
            "readiness",
            "many-tasks",
            "lost-waker",
            "blocking-poll",
            "self-wake",
            "deadlock",
            "cross-runtime",
            "multi-thread",
            "work-stealing"
        ]
    );
    for (id, scenario) in [
        ("tcp-read", "tcp_read"),
        ("spawn-lifecycle", "spawn_lifecycle"),
    ] {
        let lesson = lessons.get(id).expect(id);
        assert_eq!(lesson.scenario, scenario);
        assert_eq!(
            lesson.stages.len(),
            6,
            "{id} follows the article's six steps"
        );
    }
    let glossary: Vec<&str> = lessons
        .index()
        .iter()
        .flat_map(|l| {
            lessons
                .get(&l.id)
                .into_iter()
                .flat_map(|l| l.glossary.iter().map(|t| t.id.as_str()))
        })
        .collect();
    for term in [
        "future",
        "task",
        "waker",
        "token",
        "readiness",
        "park",
        "run-queue",
        "timer-wheel",
        "turn",
        "worker",
        "inject-queue",
        "lifo-slot",
        "work-stealing",
        "driver",
    ] {
        assert!(
            glossary.contains(&term),
            "some lesson links the glossary term `{term}`"
        );
    }
}

#[test]
fn a_broken_lesson_is_refused_naming_file_stage_and_matcher() {
    let dir = workspace().join("tests/fixtures/broken-lesson");
    let error = match Lessons::load(&dir) {
        Ok(_) => panic!("the broken fixture loaded"),
        Err(error) => error,
    };
    assert!(
        error.contains("out-of-order.toml"),
        "names the file: {error}"
    );
    assert!(
        error.contains(r#"stage 3 of 3 "The timer is filed""#),
        "names the stage: {error}"
    );
    assert!(
        error.contains(r#"{ kind = "timer_insert" }"#),
        "shows the matcher: {error}"
    );
    assert!(
        error.contains("earlier"),
        "says the record came earlier: {error}"
    );
}

/// The failure this check exists for: the engine changed, and a stage's
/// sentence (here "parks for 1000 ms") is no longer true of any record.
#[test]
fn a_lesson_the_engine_no_longer_matches_is_refused() {
    let dir = workspace().join("tests/fixtures/stale-lesson");
    let error = match Lessons::load(&dir) {
        Ok(_) => panic!("the stale fixture loaded"),
        Err(error) => error,
    };
    assert!(error.contains("stale-park.toml"), "names the file: {error}");
    assert!(
        error.contains(r#"stage 3 of 3 "Park until the deadline""#),
        "names the stage: {error}"
    );
    assert!(
        error.contains(r#"{ kind = "park", timeout_ms = 1000 }"#),
        "shows the matcher: {error}"
    );
    assert!(
        error.contains("after record 7 (`timer_insert`, bound to stage 2)"),
        "says where the search began: {error}"
    );
    assert!(
        error.contains("it matches no record at all"),
        "says no record matches, not a wrong order: {error}"
    );
}

/// A question's answer is proven by the engine too: a choice marked right
/// that is not what the trace does next is refused, naming the file and the
/// stage, the record that answers instead and the choice it proves.
#[test]
fn a_question_whose_right_answer_does_not_happen_is_refused() {
    let dir = workspace().join("tests/fixtures/wrong-question");
    let error = match Lessons::load(&dir) {
        Ok(_) => panic!("the wrong-question fixture loaded"),
        Err(error) => error,
    };
    let line = |file: &str| {
        error
            .lines()
            .find(|line| line.contains(file))
            .unwrap_or_else(|| panic!("names {file}: {error}"))
            .to_owned()
    };
    let wrong = line("wrong-answer.toml");
    assert!(
        wrong.contains(
            r#"stage 1 of 2 "The timer is filed": question "How long will the loop park?""#
        ),
        "names the stage and the question: {wrong}"
    );
    assert!(
        wrong.contains(
            r#"the right choice "1000 ms: until the deadline" does not happen first: record 9 (`park`) answers it, which choice 2 "960 ms: until the timer's slot starts" predicts"#
        ),
        "says what happens instead: {wrong}"
    );
    let unanswered = line("unanswered.toml");
    assert!(
        unanswered.contains(r#"stage 1 of 2 "The timer is filed""#),
        "names the stage: {unanswered}"
    );
    assert!(
        unanswered.contains(
            "no choice's record happens after record 7 (this stage's) and up to record 16 (the next stage's)"
        ),
        "says where the answer was looked for: {unanswered}"
    );
}
