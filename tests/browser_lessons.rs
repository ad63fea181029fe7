//! Lessons in a real headless Chromium: walk every lesson stage by stage, go
//! back, and open a stage from a deep link.
//!
//! The expected record of each stage comes from the server's own check of the
//! lesson against the engine's full trace ([`reactor_server::Lessons`]); the
//! browser decides what to show from the records it received over its
//! session. The two must agree: stage `k` shows exactly when the record the
//! server bound it to is the current record.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use reactor_protocol::lesson::Lesson;
use reactor_server::Lessons;

fn lesson(id: &str) -> Result<Lesson> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let lessons = Lessons::load(&dir).map_err(anyhow::Error::msg)?;
    lessons
        .get(id)
        .cloned()
        .with_context(|| format!("no lesson `{id}`"))
}

/// The record a stage is bound to, by `seq`.
fn record_of(lesson: &Lesson, stage: usize) -> Result<u64> {
    lesson.stages[stage]
        .seq
        .context("the server bound every stage")
}

async fn attribute(page: &Page, css: &str, name: &str) -> Result<Option<String>> {
    Ok(page.wait_for(css).await?.attr(name).await?)
}

/// Wait until the panel shows stage `stage` (0-based) of `lesson`, and check
/// that the current record is the one that stage is bound to, of the right kind.
async fn expect_stage(page: &Page, lesson: &Lesson, stage: usize) -> Result<()> {
    let number = stage + 1;
    let count = lesson.stages.len();
    page.wait_for(&format!(
        "#lesson[data-lesson='{}'][data-stage='{number}']",
        lesson.id
    ))
    .await?;
    page.wait_for_text("#lesson-progress", &format!("stage {number} of {count}"))
        .await?;
    page.wait_for_text("#lesson-stage-title", &lesson.stages[stage].title)
        .await?;
    let seq = record_of(lesson, stage)?;
    let kind = lesson.stages[stage].matcher.kind.name();
    // The player has arrived: the current record is the stage's record.
    let css = format!("#explanation[data-seq='{seq}'][data-kind='{kind}']");
    page.wait_for(&css)
        .await
        .with_context(|| format!("stage {number}: current record {seq} ({kind})"))?;
    let step = attribute(page, "#position", "data-step").await?;
    ensure!(
        step == Some((seq + 1).to_string()),
        "stage {number}: at step {step:?}, want {}",
        seq + 1
    );
    let bound = attribute(page, "#lesson", "data-stage-record").await?;
    ensure!(
        bound == Some(seq.to_string()),
        "stage {number}: the browser bound record {bound:?}, the server {seq}"
    );
    Ok(())
}

/// From the home page's list into the lesson, then every stage with Next stage,
/// then back one with Previous stage.
async fn walk(page: &Page, id: &str) -> Result<()> {
    let lesson = lesson(id)?;
    page.open("/").await?;
    // The home page lists the lesson: title, summary, scenario and length.
    let card = format!("#lessons [data-lesson='{id}']");
    let text = page.wait_for_text(&card, &lesson.title).await?;
    let length = format!("{} stages", lesson.stages.len());
    ensure!(
        text.contains(&lesson.summary) && text.contains(&lesson.scenario) && text.contains(&length),
        "{text}"
    );
    page.screenshot("lessons-home").await?;
    page.click(&format!("{card} a.lesson-link")).await?;
    for stage in 0..lesson.stages.len() {
        if stage > 0 {
            page.click("#lesson-next").await?;
        }
        expect_stage(page, &lesson, stage).await?;
        if stage == 1 {
            page.screenshot(&format!("lesson-{id}-stage-2")).await?;
        }
    }
    let last = lesson.stages.len() - 1;
    let next_disabled = attribute(page, "#lesson-next", "disabled").await?;
    ensure!(
        next_disabled.is_some(),
        "Next stage is disabled on the last stage"
    );
    page.screenshot(&format!("lesson-{id}-last")).await?;
    let url = page.client.current_url().await?;
    ensure!(
        url.as_str()
            .ends_with(&format!("/lesson/{id}?stage={}", last + 1)),
        "the address follows: {url}"
    );
    page.click("#lesson-prev").await?;
    expect_stage(page, &lesson, last - 1).await?;
    // The keyboard walks the stages too: N forward, B back.
    let body = page.client.find(Locator::Css("body")).await?;
    body.send_keys("n").await?;
    expect_stage(page, &lesson, last).await?;
    body.send_keys("b").await?;
    expect_stage(page, &lesson, last - 1).await
}

#[tokio::test]
async fn tcp_read_and_spawn_lifecycle_walk_stage_by_stage_and_back() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.wait_for("body").await?;
        walk(page, "tcp-read").await?;
        walk(page, "spawn-lifecycle").await
    })
    .await
}

#[tokio::test]
async fn a_deep_link_opens_the_lesson_at_that_stage() -> Result<()> {
    let server = TestServer::start().await?;
    let lesson = lesson("tcp-read")?;
    with_browser(&server, async |page| {
        page.open("/lesson/tcp-read?stage=4").await?;
        expect_stage(page, &lesson, 3).await?;
        // Presenter mode makes the narration large and keeps it beside the diagram.
        let normal = font_size(page).await?;
        page.client
            .find(Locator::Css("body"))
            .await?
            .send_keys("f")
            .await?;
        page.wait_for("#app[data-presenter='true']").await?;
        let large = eventually("the narration to grow", || async {
            let size = font_size(page).await?;
            Ok((size > normal * 1.3).then_some(size))
        })
        .await?;
        page.screenshot("lesson-tcp-read-stage-4-presenter").await?;
        ensure!(
            large > normal,
            "presenter narration {large}px vs {normal}px"
        );

        // The introduction, before stage 1, has an address of its own, so a
        // reload there stays there.
        page.open("/lesson/tcp-read?stage=1").await?;
        expect_stage(page, &lesson, 0).await?;
        // A stage's "article vs Tokio" callout is Markdown rendered as a block quote.
        page.wait_for_text("#lesson-text blockquote strong", "The article vs Tokio:")
            .await?;
        page.client
            .find(Locator::Css("body"))
            .await?
            .send_keys("b")
            .await?;
        page.wait_for("#lesson[data-stage='0']").await?;
        eventually("the address of the introduction", || async {
            let url = page.client.current_url().await?;
            Ok(url
                .as_str()
                .ends_with("/lesson/tcp-read?stage=0")
                .then_some(()))
        })
        .await?;
        page.open("/lesson/tcp-read?stage=0").await?;
        page.wait_for("#lesson[data-stage='0']").await?;
        let url = page.client.current_url().await?;
        ensure!(url.as_str().ends_with("?stage=0"), "reloaded at {url}");
        Ok(())
    })
    .await
}

async fn font_size(page: &Page) -> Result<f64> {
    let value = page
        .eval(
            "return parseFloat(getComputedStyle(document.querySelector('#lesson-text')).fontSize)",
        )
        .await?;
    value.as_f64().context("a font size")
}

#[tokio::test]
async fn the_other_lessons_walk_the_same_way() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        for id in ["reactor-pattern", "timer-wheel", "readiness"] {
            walk(page, id).await?;
        }
        Ok(())
    })
    .await
}

/// The multi-thread lessons: stages bound to pool records (`steal`, `push`,
/// `driver_released`) the browser must bind where the server did.
#[tokio::test]
async fn the_multi_thread_lessons_walk_the_same_way() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        for id in ["multi-thread", "work-stealing"] {
            walk(page, id).await?;
        }
        Ok(())
    })
    .await
}

/// `many-tasks` runs on `crowd`, whose stages lie thousands of records apart:
/// each Next stage is a replay of up to a few thousand records.
#[tokio::test]
async fn many_tasks_walks_through_its_long_trace() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| walk(page, "many-tasks").await).await
}
