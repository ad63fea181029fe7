//! Helpers for `browser_layout.rs`: one JavaScript measure of where things
//! are and how big they render, the lessons the server serves, and waits
//! built on [`reactor_e2e::eventually_within`] (never a fixed sleep).

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, eventually_within};
use serde_json::Value;

use crate::web_support::get_json;

/// The smallest diagram text a projector at the back of a room can show.
pub const MIN_DIAGRAM_TEXT_PX: f64 = 20.0;
/// The narrowest wheel slot readable on a projector.
pub const MIN_WHEEL_SLOT_PX: f64 = 14.0;
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
// On screen and not covered: its middle and, a little inside, its four
// corners show itself (or what it holds), not something drawn over it.
const inside = (b, el) => within(b) && (() => {
  const dx = Math.min(12, b.width / 4), dy = Math.min(12, b.height / 4);
  const points = [[(b.left + b.right) / 2, (b.top + b.bottom) / 2],
    [b.left + dx, b.top + dy], [b.right - dx, b.top + dy],
    [b.left + dx, b.bottom - dy], [b.right - dx, b.bottom - dy]];
  return points.every(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return !!hit && (el === hit || el.contains(hit));
  });
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
pub async fn lessons(server: &TestServer) -> Result<Vec<(String, Vec<Vec<String>>)>> {
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
pub async fn at_stage(page: &Page, id: &str, number: usize) -> Result<()> {
    page.wait_for(&format!(
        "#lesson[data-lesson='{id}'][data-stage='{number}']"
    ))
    .await?;
    page.wait_for("#position[data-busy='false']").await?;
    Ok(())
}

/// Measure the page until everything `fits` says must be on screen is, and
/// return the last measure either way (scrolling into view may take a frame).
pub async fn measure_until(
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

/// Whether a measure finds everything a projector must show on screen.
pub fn projector_fits(measured: &Value) -> bool {
    measured["outside"].as_array().is_some_and(Vec::is_empty)
        && measured["diagram"] == true
        && measured["lesson"] == true
        && measured["title"] == true
        && measured["explanation"] == true
}

/// How far `page` scrolls sideways: the document's width past the viewport's.
pub async fn sideways_overflow(page: &Page) -> Result<i64> {
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
