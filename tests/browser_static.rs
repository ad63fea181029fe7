//! The app as a static site in a real headless Chromium: exported with
//! `reactor_server::export_static`, served by a plain static file server
//! (`reactor_e2e::StaticSite`: no reactor-lab route, no engine), with no
//! reactor-lab server running. A lesson walks from its first stage to its
//! last, a scenario plays to its end from its trace file, and what needs a
//! server (rooms, the playground, other seeds) is hidden or explained.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, StaticSite, eventually, with_browser_at};
use reactor_protocol::export::trace_file::Header;
use reactor_protocol::lesson::Lesson;
use reactor_server::Lessons;
use serde_json::Value;

/// What a static site says in place of a feature that needs a server.
const NEEDS_SERVER: &str = "needs a Reactor Lab server";

fn lesson(id: &str) -> Result<Lesson> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let lessons = Lessons::load(&dir).map_err(anyhow::Error::msg)?;
    lessons
        .get(id)
        .cloned()
        .with_context(|| format!("no lesson `{id}`"))
}

/// The text of a stage's HTML as a browser shows it, spaces collapsed.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    collapse(&text)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `textContent` of the element matching `css`, spaces collapsed.
async fn text_of(page: &Page, css: &str) -> Result<String> {
    let script = format!("return document.querySelector({css:?})?.textContent ?? '';");
    Ok(collapse(
        page.eval(&script).await?.as_str().unwrap_or_default(),
    ))
}

/// Whether an element matching `css` is on the page and shown.
async fn shown(page: &Page, css: &str) -> Result<bool> {
    let script = format!("return document.querySelector({css:?})?.checkVisibility() === true;");
    Ok(page.eval(&script).await? == Value::Bool(true))
}

/// The home page lists the lessons, says the playground needs a server, and
/// offers no classroom, no connection and no playground link.
async fn home_says_what_needs_a_server(page: &Page) -> Result<()> {
    page.open("/").await?;
    page.wait_for("#lessons [data-lesson='tcp-read']").await?;
    page.wait_for_text(".playground-way-in", NEEDS_SERVER)
        .await?;
    for live_only in [
        "#open-playground",
        "#join-form",
        "#present-btn",
        "#connection",
        "#offline-banner",
    ] {
        ensure!(!shown(page, live_only).await?, "{live_only} is shown");
    }
    Ok(())
}

/// From the home page's card into lesson `id`, then Next stage until the
/// last: each stage's title and text show, on its own record.
async fn walk_lesson(page: &Page, id: &str) -> Result<()> {
    let lesson = lesson(id)?;
    let count = lesson.stages.len();
    page.wait_for(&format!("#lessons [data-lesson='{id}'] a.lesson-link"))
        .await?
        .click()
        .await?;
    for (stage, expected) in lesson.stages.iter().enumerate() {
        if stage > 0 {
            page.wait_for("#lesson-next").await?.click().await?;
        }
        let number = stage + 1;
        let seq = expected.seq.context("the server bound every stage")?;
        page.wait_for(&format!(
            "#lesson[data-lesson='{id}'][data-stage='{number}'][data-stage-record='{seq}']"
        ))
        .await?;
        page.wait_for_text("#lesson-progress", &format!("stage {number} of {count}"))
            .await?;
        page.wait_for_text("#lesson-stage-title", &expected.title)
            .await?;
        let want = plain(&expected.html);
        let shown = text_of(page, "#lesson-text").await?;
        ensure!(
            shown == want,
            "stage {number}'s text:\n  shown {shown:?}\n  want  {want:?}"
        );
        let kind = expected.matcher.kind.name();
        page.wait_for(&format!(
            "#explanation[data-seq='{seq}'][data-kind='{kind}']"
        ))
        .await
        .with_context(|| format!("stage {number}: record {seq} ({kind})"))?;
    }
    let next = page.wait_for("#lesson-next").await?;
    ensure!(
        next.attr("disabled").await?.is_some(),
        "the last stage has no next"
    );
    Ok(())
}

/// The last record of the trace file at `file`: how many records the run
/// has, and the last one's kind.
fn last_record(file: &Path) -> Result<(u64, String)> {
    let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let header: Header = serde_json::from_str(text.lines().next().context("an empty file")?)?;
    let last = text
        .lines()
        .rev()
        .map(serde_json::from_str::<Value>)
        .find_map(|line| line.ok().filter(|line| line.get("seq").is_some()))
        .context("no record in the file")?;
    ensure!(last["seq"] == header.records - 1, "{last}");
    Ok((header.records, last["kind"].as_str().unwrap_or("").into()))
}

/// Open scenario `id` by its deep link, scrub to the end as a drag does,
/// and wait for its last record and the run marked done.
async fn scrub_to_the_end(page: &Page, site: &StaticSite, id: &str) -> Result<()> {
    let (records, kind) = last_record(&site.dir().join(format!("api/trace/{id}.jsonl")))?;
    page.open(&format!("/scenario/{id}")).await?;
    let total = records.to_string();
    page.wait_for(&format!("#position[data-total='{total}']"))
        .await?;
    page.eval(
        "const scrub = document.querySelector('#scrub');
         scrub.value = scrub.max;
         scrub.dispatchEvent(new Event('input', { bubbles: true }));
         return true;",
    )
    .await?;
    page.wait_for(&format!(
        "#position[data-step='{total}'][data-done='true'][data-busy='false']"
    ))
    .await?;
    let last = records - 1;
    page.wait_for(&format!(
        "#explanation[data-seq='{last}'][data-kind='{kind}']"
    ))
    .await?;
    page.wait_for_text("#position", "(the end)").await?;
    ensure!(
        !shown(page, "#open-in-playground").await? && !shown(page, "#present-btn").await?,
        "a scenario offers the playground or a classroom"
    );
    Ok(())
}

/// A multi-thread scenario says its other seeds need a server, also when
/// a link asks for one; the playground's address opens the home page and
/// says why.
async fn seeds_and_playground_are_explained(page: &Page) -> Result<()> {
    page.open("/scenario/work_stealing").await?;
    page.wait_for_text("#seed-needs-server", NEEDS_SERVER)
        .await?;
    ensure!(!shown(page, "#seed-input").await?, "a seed can be typed");
    // A link to another seed opens the round-robin run, the one there is.
    page.open("/scenario/work_stealing/?seed=7").await?;
    page.wait_for("#seed-now[data-seed='0']").await?;
    page.wait_for_text("#seed-needs-server", NEEDS_SERVER)
        .await?;
    eventually("the address to drop the seed", || async {
        let url = page.client.current_url().await?;
        Ok((url.query().is_none_or(|query| !query.contains("seed"))).then_some(()))
    })
    .await?;
    page.open("/playground").await?;
    page.wait_for_text("#error-text", "The playground needs a Reactor Lab server")
        .await?;
    page.wait_for("#home").await?;
    eventually("the address to leave /playground", || async {
        let url = page.client.current_url().await?;
        Ok((url.path() == "/").then_some(()))
    })
    .await
}

#[tokio::test]
async fn lessons_and_scenarios_play_from_a_plain_static_host() -> Result<()> {
    let site = StaticSite::export_and_serve("browser").await?;
    let outcome = with_browser_at(site.http_url(), &[], async |page| {
        home_says_what_needs_a_server(page).await?;
        walk_lesson(page, "tcp-read").await?;
        scrub_to_the_end(page, &site, "tcp_read").await?;
        scrub_to_the_end(page, &site, "work_stealing").await?;
        seeds_and_playground_are_explained(page).await
    })
    .await;
    site.shutdown().await?;
    outcome
}
