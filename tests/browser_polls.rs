//! A classroom poll in four real headless Chromium sessions: a presenter
//! asks "which part acts next?", three students answer two different
//! choices, the presenter's histogram shows 2 and 1, and the presenter's
//! next step reveals the answer: each student's page says whether theirs
//! was right, as the record the step showed decides.

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use reactor_protocol::lesson::{Lesson, bind, reveal};
use reactor_protocol::{Actor, Trace};

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

/// Which choice of "which part acts next?" record `index` of `scenario` answers.
async fn actor_choice(server: &TestServer, scenario: &str, index: usize) -> Result<String> {
    let trace: Trace = serde_json::from_value(
        web_support::get_json(server, &format!("/api/trace/{scenario}")).await?,
    )?;
    let record = trace.records.get(index).context("no such record")?;
    let actor = Actor::of(&record.event);
    let choice = Actor::ALL
        .iter()
        .position(|a| *a == actor)
        .unwrap_or(usize::MAX);
    Ok(choice.to_string())
}

/// What a page shows of the poll.
const PROBE: &str = r##"
const poll = document.querySelector('#poll');
const bar = (i) => document.querySelector(`#poll .poll-bar[data-choice='${i}']`);
return {
  role: document.querySelector('#room-bar')?.dataset.role ?? null,
  followers: +(document.querySelector('#room-followers')?.dataset.count ?? -1),
  state: poll?.dataset.state ?? null,
  choices: document.querySelectorAll('#poll .poll-choice').length,
  counts: [0, 1, 2, 3].map((i) => +(bar(i)?.dataset.count ?? -1)),
  right: document.querySelector('#poll .poll-bar[data-right="true"]')?.dataset.choice ?? null,
  mine: document.querySelector('#poll .poll-bar[data-mine="true"]')?.dataset.choice ?? null,
  answered: +(document.querySelector('#poll-answered')?.dataset.answered ?? -1),
  note: document.querySelector('#poll-note')?.innerText ?? null,
  verdict: document.querySelector('#poll-verdict')?.innerText ?? null,
  step: +(document.querySelector('#position')?.dataset.step ?? -1),
  busy: document.querySelector('#position')?.dataset.busy === 'true',
};
"##;

/// Present what `presenter` shows to a new room; its code.
async fn present(presenter: &Page) -> Result<String> {
    presenter.click("#present-btn").await?;
    let code = presenter
        .wait_for("#room-code[data-code]")
        .await?
        .attr("data-code")
        .await?;
    code.context("the room's code")
}

/// A student joins room `code` and waits to be following.
async fn join(student: &Page, code: &str) -> Result<()> {
    student.open(&format!("/join/{code}")).await?;
    student
        .until(PROBE, "the follower bar", |s| s["role"] == "follower")
        .await?;
    Ok(())
}

/// A student answers choice `choice` of the open poll and sees it counted.
async fn answer(student: &Page, choice: usize) -> Result<()> {
    student
        .until(PROBE, "the poll's four choices", |s| {
            s["state"] == "open" && s["choices"] == 4
        })
        .await?;
    student
        .click(&format!("#poll .poll-choice[data-choice='{choice}']"))
        .await?;
    student
        .until(PROBE, "the answer counted", |s| {
            s["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("Your answer is in"))
        })
        .await?;
    Ok(())
}

/// What a student whose answer was `mine` reads once `right` is revealed.
async fn sees_verdict(student: &Page, mine: usize, right: &str) -> Result<()> {
    let shown = student
        .until(PROBE, "the reveal", |s| s["state"] == "revealed")
        .await?;
    let verdict = shown["verdict"].as_str().unwrap_or_default();
    let was_right = right == mine.to_string();
    let expected = if was_right {
        "Right!"
    } else {
        "Not this time."
    };
    ensure!(
        verdict.starts_with(expected),
        "answer {mine}, right {right}: the verdict {verdict:?} should start {expected:?}"
    );
    ensure!(
        shown["right"] == right
            && shown["mine"].as_str().and_then(|m| m.parse().ok()) == Some(mine),
        "the bars mark the right answer and the student's: {shown}"
    );
    ensure!(
        shown["counts"][0] == 2 && shown["counts"][1] == 1,
        "after the reveal the class's answers show: {shown}"
    );
    Ok(())
}

#[tokio::test]
async fn three_students_answer_a_poll_and_the_step_reveals_who_was_right() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |presenter| {
        presenter.open("/scenario/tcp_read").await?;
        presenter
            .wait_for("#connection[data-state='connected']")
            .await?;
        let code = present(presenter).await?;
        with_browser(&server, async |first| {
            with_browser(&server, async |second| {
                with_browser(&server, async |third| {
                    // The class's devices: the third student is on a phone,
                    // the presenter's screen a projector.
                    third.set_viewport(390, 844).await?;
                    presenter.set_viewport(1280, 720).await?;
                    presenter.click("#presenter").await?;
                    presenter.wait_for("#app[data-presenter='true']").await?;
                    for student in [first, second, third] {
                        join(student, &code).await?;
                    }
                    presenter
                        .until(PROBE, "three students", |s| s["followers"] == 3)
                        .await?;
                    let asked_at = presenter
                        .until(PROBE, "the presenter at rest", |s| {
                            s["busy"] == false && s["state"].is_null()
                        })
                        .await?["step"]
                        .clone();
                    presenter.click("#poll-ask-next").await?;
                    presenter
                        .until(PROBE, "an empty histogram", |s| {
                            s["state"] == "open" && s["answered"] == 0
                        })
                        .await?;

                    // Before the reveal a student sees only its own answer.
                    answer(first, 0).await?;
                    let shown = first.eval(PROBE).await?;
                    ensure!(
                        shown["counts"] == serde_json::json!([-1, -1, -1, -1]),
                        "no counts before the reveal: {shown}"
                    );
                    answer(second, 0).await?;
                    answer(third, 1).await?;
                    let tally = presenter
                        .until(PROBE, "the histogram at 2 and 1", |s| {
                            s["counts"][0] == 2 && s["counts"][1] == 1 && s["answered"] == 3
                        })
                        .await?;
                    ensure!(tally["state"] == "open", "still open: {tally}");
                    presenter.screenshot("poll-presenter-open").await?;
                    third.screenshot("poll-student-answered").await?;

                    // The presenter's step shows the next record: that reveals it.
                    presenter.click("#step-btn").await?;
                    let revealed = presenter
                        .until(PROBE, "the reveal", |s| {
                            s["state"] == "revealed" && s["right"].is_string()
                        })
                        .await?;
                    ensure!(
                        revealed["step"] == asked_at.as_u64().unwrap_or(0) + 1,
                        "revealed by the next step: {revealed}"
                    );
                    let right = revealed["right"].as_str().unwrap_or_default().to_string();
                    let asked_at = usize::try_from(asked_at.as_u64().unwrap_or(0))?;
                    let acted = actor_choice(&server, "tcp_read", asked_at).await?;
                    ensure!(
                        right == acted,
                        "the right answer is who acted in the record the step showed"
                    );
                    sees_verdict(first, 0, &right).await?;
                    sees_verdict(second, 0, &right).await?;
                    sees_verdict(third, 1, &right).await?;
                    first.screenshot("poll-student-revealed").await?;
                    third.screenshot("poll-phone-revealed").await?;
                    presenter.screenshot("poll-presenter-revealed").await?;
                    Ok(())
                })
                .await
            })
            .await
        })
        .await
    })
    .await
}

/// The first stage of `lesson` that asks a question (from 1), and its right
/// choice as the engine's trace decides it.
async fn first_question(server: &TestServer, lesson: &str) -> Result<(usize, usize, usize)> {
    let lesson: Lesson = serde_json::from_value(
        web_support::get_json(server, &format!("/api/lessons/{lesson}")).await?,
    )?;
    let trace: Trace = serde_json::from_value(
        web_support::get_json(server, &format!("/api/trace/{}", lesson.scenario)).await?,
    )?;
    let bound = bind(lesson.stages.iter().map(|s| &s.matcher), &trace.records);
    let stage = lesson
        .stages
        .iter()
        .position(|s| s.question.is_some())
        .context("a stage with a question")?;
    let question = lesson.stages[stage]
        .question
        .as_ref()
        .context("a question")?;
    let answer = reveal(
        question,
        &trace.records,
        bound[stage],
        bound.get(stage + 1).copied(),
    )
    .context("the engine answers it")?;
    Ok((stage + 1, question.choices.len(), answer.choice))
}

#[tokio::test]
async fn a_lesson_question_asked_of_the_class_is_revealed_by_the_engine() -> Result<()> {
    let server = TestServer::start().await?;
    let (stage, choices, right) = first_question(&server, "timer-wheel").await?;
    let wrong = (right + 1) % choices;
    with_browser(&server, async |presenter| {
        presenter
            .open(&format!("/lesson/timer-wheel?stage={stage}"))
            .await?;
        presenter.wait_for("#question[data-state='open']").await?;
        let code = present(presenter).await?;
        with_browser(&server, async |student| {
            join(student, &code).await?;
            presenter
                .until(PROBE, "one student", |s| s["followers"] == 1)
                .await?;
            presenter.click("#question-ask").await?;
            student
                .until(PROBE, "the lesson's question as the class poll", |s| {
                    s["state"] == "open" && s["choices"] == choices
                })
                .await?;
            // The student's own card points at the poll instead of offering
            // its choices a second time.
            student.wait_for("#question .question-own[hidden]").await?;
            student
                .click(&format!("#poll .poll-choice[data-choice='{wrong}']"))
                .await?;
            presenter
                .until(PROBE, "the answer in the histogram", |s| {
                    s["answered"] == 1 && s["counts"][wrong] == 1
                })
                .await?;
            // Step until the record that answers it is on screen.
            let revealed = eventually("the step that reveals it", || async {
                let shown = presenter.eval(PROBE).await?;
                if shown["state"] == "revealed" {
                    return Ok(Some(shown));
                }
                if shown["busy"] == false {
                    presenter.click("#step-btn").await?;
                }
                Ok(None)
            })
            .await?;
            ensure!(
                revealed["right"].as_str().and_then(|r| r.parse().ok()) == Some(right),
                "the engine's answer is choice {right}: {revealed}"
            );
            let seen = student
                .until(PROBE, "the reveal", |s| s["state"] == "revealed")
                .await?;
            ensure!(
                seen["verdict"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("Not this time.")),
                "the student's wrong answer is marked wrong: {seen}"
            );
            presenter.screenshot("poll-lesson-revealed").await?;
            Ok(())
        })
        .await
    })
    .await
}
