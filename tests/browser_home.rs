//! The home page starts people right, in real headless Chromium: on a
//! projector's 1280×720 the first screen says where to start and shows a
//! lesson, "Present to a class" is there, the start link opens the first
//! lesson, the glossary is reachable without opening a lesson, and home
//! and a scenario can be visited in turn without the app breaking.
//! Screenshots go to `target/screenshots/home-*.png`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use web_support::{get_json, open};

#[tokio::test]
async fn a_newcomer_sees_where_to_start_on_the_first_screen_of_a_projector() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = get_json(&server, "/api/lessons").await?;
    let first = &lessons[0];
    let title = first["title"].as_str().unwrap_or_default().to_string();
    ensure!(
        title == "The reactor pattern",
        "the first lesson is {first}"
    );
    with_browser(&server, async |page| {
        page.client.set_window_size(1280, 720).await?;
        open(page, "/").await?;
        page.wait_for("#lessons .card").await?;
        let start = page.wait_for_text("#start-here", "New here?").await?;
        ensure!(
            start.contains(&format!("Start with {title}")),
            "the start line says {start:?}"
        );
        page.wait_for("#present-btn").await?;
        // Lessons come before the raw scenarios; the first lesson and the
        // start line are whole on the first screen.
        let layout = page
            .eval(
                "const box = (s) => document.querySelector(s).getBoundingClientRect();
                 const lesson = box('#lessons .card'), start = box('#start-here');
                 return { lessonBottom: lesson.bottom, startTop: start.top,
                          scenariosTop: box('#scenario-list').top,
                          lessonsTop: box('#lessons').top, height: innerHeight,
                          present: box('#present-btn').bottom };",
            )
            .await?;
        let height = layout["height"].as_f64().unwrap_or(0.0);
        let lesson_bottom = layout["lessonBottom"].as_f64().unwrap_or(f64::MAX);
        ensure!(
            lesson_bottom <= height && layout["present"].as_f64() <= Some(height),
            "the first lesson or Present is below the first screen: {layout}"
        );
        ensure!(
            layout["lessonsTop"].as_f64() < layout["scenariosTop"].as_f64(),
            "the scenarios come before the lessons: {layout}"
        );
        page.screenshot("home-1280x720").await?;

        page.wait_for("#start-here a").await?.click().await?;
        page.wait_for(&format!(
            "#lesson[data-lesson='{}']",
            first["id"].as_str().unwrap_or_default()
        ))
        .await?;
        let heading = page.wait_for_text("#page-title", &title).await?;
        ensure!(
            heading.contains("Lesson"),
            "the lesson page's heading: {heading:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_glossary_is_reachable_from_the_home_page() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/").await?;
        page.wait_for("#glossary summary").await?.click().await?;
        let terms = eventually("the glossary's terms", || async {
            let terms = page
                .eval("return [...document.querySelectorAll('#glossary dt')].map((e) => e.id);")
                .await?;
            Ok(terms.as_array().filter(|t| t.len() >= 5).cloned())
        })
        .await?;
        for term in [
            "glossary-waker",
            "glossary-run-queue",
            "glossary-timer-wheel",
        ] {
            ensure!(
                terms.iter().any(|t| t == term),
                "{term} missing from {terms:?}"
            );
        }
        let waker = page.wait_for_text("#glossary-waker + dd", "").await?;
        ensure!(waker.len() > 40, "the waker's definition is {waker:?}");
        page.eval("document.querySelector('#glossary').scrollIntoView(); return null;")
            .await?;
        page.screenshot("home-glossary").await?;
        Ok(())
    })
    .await
}

/// Note from now on what the page throws (see [`thrown`]).
async fn watch_errors(page: &Page) -> Result<()> {
    page.eval(
        "window.__errors = [];
         addEventListener('error', (e) => __errors.push(String(e.message)));
         addEventListener('unhandledrejection', (e) => __errors.push(String(e.reason)));
         return true;",
    )
    .await?;
    Ok(())
}

/// What the page threw since [`watch_errors`].
async fn thrown(page: &Page) -> Result<serde_json::Value> {
    page.eval("return window.__errors;").await
}

/// Home and back again, twice: the scenario view (a module of its own,
/// loaded on demand) leaves nothing running behind it. It once did: its
/// effects outlived it, read what was already gone and aborted the app, and
/// the lesson list then never loaded.
#[tokio::test]
async fn going_home_from_a_scenario_and_back_leaves_the_app_working() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=5").await?;
        page.wait_for("#position[data-step='5']").await?;
        watch_errors(page).await?;
        for _ in 0..2 {
            page.wait_for(".brand").await?.click().await?;
            page.wait_for("#lessons .card").await?;
            page.wait_for("#scenarios li.card button")
                .await?
                .click()
                .await?;
            page.wait_for("#position").await?;
        }
        page.wait_for(".brand").await?.click().await?;
        page.wait_for("#lessons .card").await?;
        let errors = thrown(page).await?;
        ensure!(
            errors.as_array().is_some_and(Vec::is_empty),
            "the page threw: {errors}"
        );
        Ok(())
    })
    .await
}

/// The browser's own Back and Forward over every kind of page: each lands
/// on its page and nothing throws. Back once aborted the app: the handler
/// of the browser's `popstate` looked up the replay page's state where no
/// component's context is.
#[tokio::test]
async fn back_and_forward_move_between_pages_without_an_error() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        page.wait_for("#position").await?;
        watch_errors(page).await?;
        page.wait_for(".brand").await?.click().await?;
        page.wait_for("#lessons .card").await?;
        page.wait_for("#lessons .card a.lesson-link")
            .await?
            .click()
            .await?;
        page.wait_for("#lesson[data-lesson]").await?;
        // Back: home, then the scenario; Forward: home, then the lesson.
        let visits = [
            ("back", "#lessons .card"),
            ("back", "#position"),
            ("forward", "#lessons .card"),
            ("forward", "#lesson[data-lesson]"),
        ];
        for (way, shown) in visits {
            if way == "back" {
                page.client.back().await?;
            } else {
                page.client.forward().await?;
            }
            page.wait_for(shown).await?;
            let errors = thrown(page).await?;
            ensure!(
                errors.as_array().is_some_and(Vec::is_empty),
                "{way} to {shown}: the page threw {errors}"
            );
        }
        Ok(())
    })
    .await
}
