//! Questions in lessons and predict mode, in a real headless Chromium.
//!
//! A lesson stage's question is open while its stage's record is on screen;
//! the browser finds the answer with `reveal` on the records it received,
//! and marks it once the record that gives it is on screen. The test checks
//! that record against the marked choice's matcher, a wrong pick and a right
//! pick, and that stepping back before the answer hides it again. Predict
//! mode's score is checked against who acted in each record the page shows.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use reactor_e2e::{Page, TestServer, with_browser};
use reactor_protocol::lesson::Lesson;
use reactor_protocol::{Actor, Kind};
use reactor_server::Lessons;

/// The first stage (0-based) of a lesson in `lessons/` that asks a question.
fn asking() -> Result<(Lesson, usize)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let lessons = Lessons::load(&dir).map_err(anyhow::Error::msg)?;
    let mut ids: Vec<String> = lessons.index().iter().map(|l| l.id.clone()).collect();
    // The lesson the questions were first written for, if it asks.
    ids.sort_by_key(|id| id != "timer-wheel");
    for id in ids {
        let lesson = lessons.get(&id).cloned().context("a listed lesson")?;
        if let Some(stage) = lesson.stages.iter().position(|s| s.question.is_some()) {
            return Ok((lesson, stage));
        }
    }
    bail!("no lesson in lessons/ asks a question")
}

async fn attribute(page: &Page, css: &str, name: &str) -> Result<Option<String>> {
    Ok(page.wait_for(css).await?.attr(name).await?)
}

/// Records on screen.
async fn step_now(page: &Page) -> Result<usize> {
    let step = attribute(page, "#position", "data-step").await?;
    step.context("#position has data-step")?
        .parse()
        .context("a step number")
}

/// Press Step and wait for one more record on screen.
async fn step(page: &Page) -> Result<usize> {
    let before = step_now(page).await?;
    page.click("#step-btn").await?;
    page.wait_for(&format!("#position[data-step='{}']", before + 1))
        .await?;
    Ok(before + 1)
}

/// Step until stage `number`'s question is answered on screen; the records
/// then on screen.
async fn step_to_answer(page: &Page, number: usize) -> Result<usize> {
    for _ in 0..400 {
        let at = step(page).await?;
        let answered = format!(".question-card[data-stage='{number}'][data-state='answered']");
        if page.client.find(Locator::Css(&answered)).await.is_ok() {
            return Ok(at);
        }
    }
    bail!("stage {number}'s question was never answered")
}

/// Pick choice `choice` of the open question: by key `1`–`5` or by a click.
async fn pick(page: &Page, number: usize, choice: usize, by_key: bool) -> Result<()> {
    let open = format!(".question-card[data-stage='{number}'][data-state='open']");
    let button = format!("{open} .question-choice[data-choice='{choice}']");
    if by_key {
        let body = page.client.find(Locator::Css("body")).await?;
        body.send_keys(&(choice + 1).to_string()).await?;
    } else {
        page.click(&button).await?;
    }
    page.wait_for(&format!("{button}[aria-pressed='true']"))
        .await?;
    Ok(())
}

/// The answered card of stage `number`: the right choice, checked against
/// the record that answered it, and the pick marked in words.
async fn check_answer(
    page: &Page,
    lesson: &Lesson,
    stage: usize,
    at: usize,
    picked: usize,
) -> Result<usize> {
    let number = stage + 1;
    let card = format!(".question-card[data-stage='{number}'][data-state='answered']");
    let right: usize = attribute(page, &card, "data-right")
        .await?
        .context("data-right")?
        .parse()?;
    // The answer's record is the one on screen now, of the kind the right choice predicts.
    let record = at - 1;
    let kind = attribute(page, "#explanation", "data-kind").await?;
    let question = lesson.stages[stage].question.as_ref().context("asks")?;
    let predicted = question.choices[right].matcher.kind.name();
    ensure!(
        kind.as_deref() == Some(predicted),
        "record #{record} is a {kind:?}, the right choice predicts {predicted}"
    );
    let outcome = page
        .wait_for_text(&format!("{card} .question-outcome"), &format!("#{record}"))
        .await?;
    let mine = page
        .wait_for(&format!("{card} .question-answer[data-choice='{picked}']"))
        .await?
        .text()
        .await?;
    let answer = page
        .wait_for(&format!("{card} .question-answer[data-choice='{right}']"))
        .await?
        .text()
        .await?;
    if picked == right {
        ensure!(mine.contains("Right: your pick"), "{mine}");
        ensure!(outcome.contains(": right."), "{outcome}");
    } else {
        ensure!(mine.contains("Your pick: not this one"), "{mine}");
        ensure!(answer.contains("The answer"), "{answer}");
        ensure!(outcome.contains(&question.choices[right].text), "{outcome}");
    }
    let why = page.wait_for(&format!("{card} .question-why")).await?;
    ensure!(!why.text().await?.trim().is_empty(), "why is shown");
    Ok(right)
}

#[tokio::test]
async fn a_question_is_answered_by_the_engine_wrong_then_right() -> Result<()> {
    let server = TestServer::start().await?;
    let (lesson, stage) = asking()?;
    let number = stage + 1;
    with_browser(&server, async |page| {
        page.open(&format!("/lesson/{}?stage={number}", lesson.id))
            .await?;
        let open = format!("#question[data-stage='{number}'][data-state='open']");
        page.wait_for(&open).await?;
        page.wait_for_text(
            "#question .question-text",
            &lesson.stages[stage].question.as_ref().unwrap().text,
        )
        .await?;
        // A first pick by key, changed by a click: the last one counts.
        pick(page, number, 1, true).await?;
        pick(page, number, 0, false).await?;
        let at = step_to_answer(page, number).await?;
        page.screenshot("question-answered").await?;
        let right = check_answer(page, &lesson, stage, at, 0).await?;
        // One step back: the answer's record is off screen, the question open again.
        page.click("#back-btn").await?;
        page.wait_for(&format!(
            ".question-card[data-stage='{number}'][data-state='open']"
        ))
        .await?;
        let answered = format!(".question-card[data-stage='{number}'][data-state='answered']");
        ensure!(
            page.client.find(Locator::Css(&answered)).await.is_err(),
            "the answer is hidden again"
        );
        // Now the other case: a wrong pick if the first was right, the right one if not.
        let second = if right == 0 { 1 } else { right };
        pick(page, number, second, false).await?;
        let at = step(page).await?;
        check_answer(page, &lesson, stage, at, second).await?;
        // Back to the open question, on a projector and on a phone.
        page.click("#back-btn").await?;
        page.wait_for(&open).await?;
        page.set_viewport(1280, 720).await?;
        let body = page.client.find(Locator::Css("body")).await?;
        body.send_keys("f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        page.screenshot("question-open-presenter").await?;
        body.send_keys("f").await?;
        page.set_viewport(390, 844).await?;
        page.wait_for("#app[data-presenter='false']").await?;
        page.screenshot("question-open-phone").await?;
        Ok(())
    })
    .await
}

/// Who acts in a record, from its kind and its log line (a wake's cause),
/// as the table in `reactor_protocol::actor` says.
fn actor_of(kind: Kind, line: &str) -> Actor {
    use Kind as K;
    match kind {
        K::Syscall | K::OsEvent => Actor::Os,
        K::Wake if line.contains("(io)") => Actor::Driver,
        K::Wake if line.contains("(timer)") => Actor::TimerWheel,
        K::Park
        | K::Unpark
        | K::Register
        | K::Deregister
        | K::WakerStored
        | K::ReadinessCleared
        | K::DriverAcquired
        | K::DriverReleased => Actor::Driver,
        K::TimerInsert | K::TimerCascade | K::TimerFire | K::TimerCancel | K::ClockAdvance => {
            Actor::TimerWheel
        }
        _ => Actor::Executor,
    }
}

#[tokio::test]
async fn predict_mode_scores_each_guess_against_who_acted() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.open("/scenario/tcp_read").await?;
        // The run's outline is in (the control bar's layout settled) before any click.
        page.wait_for("#position:not([data-total='0'])[data-busy='false']")
            .await?;
        page.click("#predict-btn").await?;
        page.wait_for("#predict-btn[aria-pressed='true']").await?;
        page.wait_for("#predict:not([hidden])").await?;
        let (mut right, mut scored) = (0, 0);
        // Always the same guess: some are right, some wrong.
        for guess in [
            Actor::Executor,
            Actor::Executor,
            Actor::Os,
            Actor::Driver,
            Actor::Executor,
            Actor::Os,
        ] {
            let before = step_now(page).await?;
            page.click(&format!(
                ".predict-choice[data-actor='{}']:not([disabled])",
                guess.name()
            ))
            .await?;
            page.wait_for(&format!("#position[data-step='{}']", before + 1))
                .await?;
            let row = page
                .wait_for(&format!(".log-row[data-seq='{before}']"))
                .await?;
            let kind = row.attr("data-kind").await?.context("a kind")?;
            let line = row.text().await?;
            let acted = actor_of(Kind::from_name(&kind).context("a known kind")?, &line);
            scored += 1;
            right += usize::from(acted == guess);
            let want = format!("{right} of {scored} right");
            page.wait_for_text("#predict-score", &want)
                .await
                .with_context(|| format!("record #{before} ({line}): {acted:?}"))?;
            let result = page
                .wait_for_text("#predict-result", &format!("#{before}"))
                .await?;
            ensure!(
                result.contains(acted.label().trim_start_matches("The ")),
                "{result}"
            );
        }
        page.screenshot("predict-mode").await?;
        page.set_viewport(390, 844).await?;
        page.screenshot("predict-mode-phone").await?;
        page.set_viewport(1280, 720).await?;
        let body = page.client.find(Locator::Css("body")).await?;
        body.send_keys("f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        page.screenshot("predict-mode-presenter").await?;
        body.send_keys("f").await?;
        page.set_viewport(1440, 900).await?;
        // A step without a guess is not scored; a second guess at a place is not either.
        let want = format!("{right} of {scored} right");
        step(page).await?;
        page.click("#back-btn").await?;
        page.click("#back-btn").await?;
        let before = step_now(page).await?;
        page.wait_for(&format!("#position[data-step='{before}']"))
            .await?;
        page.click(".predict-choice[data-actor='timer_wheel']:not([disabled])")
            .await?;
        page.wait_for(&format!("#position[data-step='{}']", before + 1))
            .await?;
        page.wait_for_text("#predict-score", &want).await?;
        // Reset.
        page.click("#predict-reset").await?;
        page.wait_for_text("#predict-score", "No guesses scored yet")
            .await?;
        // The mode is remembered for the session: home, and back into a run.
        page.click("a.brand").await?;
        page.click("#scenarios button[data-scenario='timers']")
            .await?;
        page.wait_for("#predict-btn[aria-pressed='true']").await?;
        page.wait_for("#predict:not([hidden])").await?;
        Ok(())
    })
    .await
}
