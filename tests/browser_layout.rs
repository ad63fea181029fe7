//! The layout in a real headless Chromium, measured as a person would see it.
//!
//! - Presenter mode on a 1280×720 projector: at every stage of every lesson
//!   the server lists, the diagram, the narration and what the stage points
//!   at are inside the viewport and not covered by anything else, the diagram's text renders at 20 px or more
//!   and the wheel's slots are at least 14 px wide.
//! - On a 1440×900 screen, outside presenter mode, what a stage points at is
//!   scrolled into view.
//! - A 390×844 phone never scrolls sideways: home, a scenario, a lesson and a
//!   follower of a room.
//!
//! Every page measured is also saved as a screenshot (`target/screenshots/`).

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use std::time::Duration;

use reactor_e2e::{Page, TestServer, eventually_within, with_browser};
use serde_json::Value;
use web_support::{get_json, open, press};

/// The smallest diagram text a projector at the back of a room can show.
const MIN_DIAGRAM_TEXT_PX: f64 = 20.0;
/// The narrowest wheel slot readable on a projector.
const MIN_WHEEL_SLOT_PX: f64 = 14.0;
/// How long a stage's targets may take to come into view once the player
/// rests on the stage (a scroll is one frame; a layout that does not fit
/// never gets there, and each such stage costs this much).
const SCROLL_PATIENCE: Duration = Duration::from_secs(5);

/// Where the diagram, the narration and the targets of the stage are, and
/// how big the diagram's text and the wheel's slots render. `arguments[0]`
/// is the stage's `point_at` list.
const MEASURE: &str = r#"
const [targets] = arguments;
const vw = window.innerWidth, vh = window.innerHeight;
const box = (el) => {
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height };
};
const within = (b) => !!b && b.width > 0 && b.height > 0 &&
  b.top >= -1 && b.left >= -1 && b.bottom <= vh + 1 && b.right <= vw + 1;
// On screen and not covered: what the middle of its box shows is itself.
const inside = (b, el) => within(b) && (() => {
  const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
  return !!hit && (el === hit || el.contains(hit));
})();
const seen = (el) => inside(box(el), el);
// A diagram part is its group; a panel target is the panel holding it.
const target = (id) => {
  const part = document.querySelector(`[data-part="${id}"]`);
  if (part) return part;
  const el = document.getElementById(id);
  return el?.closest('.panel') ?? el;
};
const outside = targets.filter((id) => !seen(target(id)))
  .map((id) => ({ id, box: box(target(id)) }));
const scale = (t) => t.getScreenCTM()?.a ?? 0;
const fonts = [...document.querySelectorAll('#diagram text')]
  .filter((t) => t.textContent.trim() !== '' && t.getClientRects().length > 0)
  .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale(t));
const slots = [...document.querySelectorAll('#wheel .slot')]
  .map((s) => s.getBoundingClientRect().width).filter((w) => w > 0);
return {
  viewport: [vw, vh],
  outside,
  diagram: seen(document.querySelector('#diagram')),
  lesson: seen(document.querySelector('#lesson')),
  title: seen(document.querySelector('#lesson-stage-title')),
  textTop: box(document.querySelector('#lesson-text'))?.top ?? null,
  explanation: seen(document.querySelector('#explanation')),
  smallestFont: fonts.length ? Math.min(...fonts) : null,
  narrowestSlot: slots.length ? Math.min(...slots) : null,
  pageHeight: document.documentElement.scrollHeight,
};
"#;

/// The lessons the server serves: id and each stage's `point_at`.
async fn lessons(server: &TestServer) -> Result<Vec<(String, Vec<Vec<String>>)>> {
    let list = get_json(server, "/api/lessons").await?;
    let mut lessons = Vec::new();
    for entry in list.as_array().context("a list of lessons")? {
        let id = entry["id"].as_str().context("a lesson id")?.to_string();
        let lesson = get_json(server, &format!("/api/lessons/{id}")).await?;
        let stages = lesson["stages"]
            .as_array()
            .context("a lesson's stages")?
            .iter()
            .map(|stage| {
                stage["point_at"]
                    .as_array()
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|id| id.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        lessons.push((id, stages));
    }
    ensure!(!lessons.is_empty(), "the server lists no lesson");
    Ok(lessons)
}

/// Wait until the lesson shows stage `number` (1-based) and the player rests there.
async fn at_stage(page: &Page, id: &str, number: usize) -> Result<()> {
    page.wait_for(&format!(
        "#lesson[data-lesson='{id}'][data-stage='{number}']"
    ))
    .await?;
    page.wait_for("#position[data-busy='false']").await?;
    Ok(())
}

/// Measure the page until everything `fits` says must be on screen is, and
/// return the last measure either way (scrolling into view may take a frame).
async fn measure_until(
    page: &Page,
    targets: &[String],
    fits: impl Fn(&Value) -> bool,
) -> Result<Value> {
    let last = std::cell::RefCell::new(Value::Null);
    // A time-out is not an error here: the caller reports what the last
    // measure found, with every other problem of the run.
    let _ = eventually_within(SCROLL_PATIENCE, "the stage's targets on screen", || async {
        let measured = page
            .client
            .execute(MEASURE, vec![serde_json::json!(targets)])
            .await?;
        let ok = fits(&measured);
        *last.borrow_mut() = measured;
        Ok(ok.then_some(()))
    })
    .await;
    Ok(last.into_inner())
}

fn projector_fits(measured: &Value) -> bool {
    measured["outside"].as_array().is_some_and(Vec::is_empty)
        && measured["diagram"] == true
        && measured["lesson"] == true
        && measured["title"] == true
        && measured["explanation"] == true
}

#[tokio::test]
async fn presenter_mode_fits_every_lesson_stage_on_a_projector() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    with_browser(&server, async |page| {
        page.set_viewport(1280, 720).await?;
        let mut problems = Vec::new();
        let mut wheels_measured = 0;
        for (id, stages) in &lessons {
            open(page, &format!("/lesson/{id}?stage=1")).await?;
            at_stage(page, id, 1).await?;
            press(page, "f").await?;
            page.wait_for("#app[data-presenter='true']").await?;
            for (index, targets) in stages.iter().enumerate() {
                let number = index + 1;
                if number > 1 {
                    page.wait_for("#lesson-next").await?.click().await?;
                }
                at_stage(page, id, number).await?;
                let measured = measure_until(page, targets, projector_fits).await?;
                page.screenshot(&format!("layout-projector-{id}-stage-{number}"))
                    .await?;
                let at = format!("{id} stage {number} ({targets:?})");
                if !projector_fits(&measured) {
                    problems.push(format!("{at}: not all on screen: {measured}"));
                }
                match measured["smallestFont"].as_f64() {
                    Some(px) if px >= MIN_DIAGRAM_TEXT_PX => {}
                    other => problems.push(format!("{at}: diagram text renders at {other:?} px")),
                }
                if targets.iter().any(|t| t == "wheel") {
                    wheels_measured += 1;
                    match measured["narrowestSlot"].as_f64() {
                        Some(px) if px >= MIN_WHEEL_SLOT_PX => {}
                        other => problems.push(format!("{at}: wheel slots {other:?} px wide")),
                    }
                }
            }
        }
        ensure!(
            wheels_measured > 0,
            "no lesson stage points at the wheel: its slots were never measured"
        );
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn what_a_stage_points_at_is_scrolled_into_view() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    with_browser(&server, async |page| {
        page.set_viewport(1440, 900).await?;
        let mut problems = Vec::new();
        for (id, stages) in &lessons {
            open(page, &format!("/lesson/{id}?stage=1")).await?;
            for (index, targets) in stages.iter().enumerate() {
                let number = index + 1;
                if number > 1 {
                    page.wait_for("#lesson-next").await?.click().await?;
                }
                at_stage(page, id, number).await?;
                let measured = measure_until(page, targets, |m| {
                    m["outside"].as_array().is_some_and(Vec::is_empty)
                })
                .await?;
                if measured["outside"].as_array().is_none_or(|o| !o.is_empty()) {
                    page.screenshot(&format!("layout-desktop-{id}-stage-{number}"))
                        .await?;
                    problems.push(format!(
                        "{id} stage {number}: off screen: {}",
                        measured["outside"]
                    ));
                }
            }
        }
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_room_on_a_projector_shows_its_code_big_and_leaves_the_screen_to_the_run() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(1280, 720).await?;
        open(page, "/lesson/tcp-read?stage=3").await?;
        page.wait_for("#present-btn").await?.click().await?;
        page.wait_for("#room-code[data-code]").await?;
        press(page, "f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        let measured = page
            .eval(
                "const px = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
                 const box = (s) => document.querySelector(s).getBoundingClientRect();
                 const on = (s) => { const b = box(s); return b.width > 0 && b.left >= 0 && b.right <= innerWidth && b.bottom <= innerHeight; };
                 return { code: px('#room-code'), link: px('#room-link'), bar: box('#room-bar').bottom,
                          shown: on('#room-code') && on('#room-link') && on('#diagram') && on('#lesson') };",
            )
            .await?;
        page.screenshot("layout-projector-room").await?;
        ensure!(measured["shown"] == true, "code, link, diagram, narration on screen: {measured}");
        ensure!(
            measured["code"].as_f64().is_some_and(|px| px >= 32.0)
                && measured["link"].as_f64().is_some_and(|px| px >= 20.0),
            "the code at 32 px or more, the link at 20: {measured}"
        );
        ensure!(
            measured["bar"].as_f64().is_some_and(|bottom| bottom <= 720.0 / 3.0),
            "the header and the room bar take at most a third of the screen: {measured}"
        );
        Ok(())
    })
    .await?;
    server.shutdown().await
}

/// How far `page` scrolls sideways: the document's width past the viewport's.
async fn sideways_overflow(page: &Page) -> Result<i64> {
    let widths = page
        .eval(
            "return [document.documentElement.scrollWidth, window.innerWidth,
                     [...document.querySelectorAll('body *')]
                       .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                       .slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className)];",
        )
        .await?;
    let overflow = widths[0].as_i64().unwrap_or(0) - widths[1].as_i64().unwrap_or(0);
    if overflow > 0 {
        eprintln!("wider than the viewport: {}", widths[2]);
    }
    Ok(overflow)
}

#[tokio::test]
async fn a_phone_never_scrolls_sideways() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    let (lesson, _) = &lessons[0];
    with_browser(&server, async |page| {
        page.set_viewport(390, 844).await?;
        let pages = [
            ("home", "/".to_string(), "#lessons"),
            ("scenario", "/scenario/tcp_read?step=12".into(), "#diagram"),
            (
                "lesson",
                format!("/lesson/{lesson}?stage=2"),
                "#lesson-text",
            ),
        ];
        let mut problems = Vec::new();
        for (name, path, ready) in pages {
            page.open(&path).await?;
            page.wait_for(ready).await?;
            if name != "home" {
                page.wait_for("#position[data-busy='false']").await?;
            }
            page.screenshot(&format!("layout-phone-{name}")).await?;
            let overflow = sideways_overflow(page).await?;
            if overflow > 0 {
                problems.push(format!("{name} ({path}) is {overflow} px too wide"));
            }
        }
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_follower_on_a_phone_sees_the_class_without_scrolling_sideways() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |presenter| {
        open(presenter, "/scenario/tcp_read").await?;
        presenter.wait_for("#present-btn").await?.click().await?;
        let code = presenter
            .wait_for("#room-code[data-code]")
            .await?
            .attr("data-code")
            .await?
            .context("the room's code")?;
        for _ in 0..6 {
            presenter.wait_for("#step-btn").await?.click().await?;
        }
        presenter.wait_for("#position[data-step='6']").await?;
        with_browser(&server, async |follower| {
            follower.set_viewport(390, 844).await?;
            follower.open(&format!("/join/{code}")).await?;
            follower.wait_for("#room-bar[data-role='follower']").await?;
            follower.wait_for("#position[data-step='6']").await?;
            follower.screenshot("layout-phone-follower").await?;
            let overflow = sideways_overflow(follower).await?;
            ensure!(
                overflow <= 0,
                "the follower's page is {overflow} px too wide"
            );
            // What a student needs is there, on the phone's width.
            let shown = follower
                .eval(
                    "const w = window.innerWidth;
                     return ['#diagram', '#explanation', '#explore-btn'].map((s) => {
                       const r = document.querySelector(s)?.getBoundingClientRect();
                       return !!r && r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w;
                     });",
                )
                .await?;
            ensure!(
                shown == serde_json::json!([true, true, true]),
                "diagram, narration, explore button on the phone: {shown}"
            );
            Ok(())
        })
        .await
    })
    .await?;
    server.shutdown().await
}
