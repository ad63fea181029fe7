//! WCAG 2 A/AA in real headless Chromium, in every palette: axe-core (from
//! `tests/npm`, installed by `cargo xtask test` with `npm ci`) finds nothing
//! on the home page, a scenario, a lesson and a room; and a check of our own
//! covers what axe does not: the non-text contrast (3:1) of R/W cells, wheel
//! slots and focus rings against what is behind them. The dark palette is
//! chosen the way a reader does, with the header's theme button (kept in
//! `localStorage`); presenter mode through its button. Screenshots go to
//! `target/screenshots/a11y-*.png`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Result, bail, ensure};
use reactor_e2e::{
    Page, TestServer, axe_source, axe_violations, eventually, with_browser, with_browser_flags,
};
use web_support::{at_end, click_step, key, open, probe, settled_at};

/// The palettes a reader can see.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Palette {
    Light,
    Dark,
    Presenter,
}

impl Palette {
    fn name(self) -> &'static str {
        match self {
            Palette::Light => "light",
            Palette::Dark => "dark",
            Palette::Presenter => "presenter",
        }
    }
}

/// Our own check of non-text contrast, in the page: every R/W cell that is
/// on and every timer-wheel slot (its edge, and its fill when it holds
/// timers) at 3:1 against what is behind it, and every focusable control's
/// focus ring visible, at least 2 px, and 3:1 against what is behind it.
/// Returns `{failures, cells, slots, rings}`.
const NON_TEXT_CONTRAST: &str = r#"
const parse = (c) => {
  const n = c.match(/[\d.]+/g).map(Number);
  const srgb = c.startsWith('color(');
  const [r, g, b] = srgb ? n.slice(0, 3).map((v) => v * 255) : n.slice(0, 3);
  const a = srgb ? (n.length > 3 ? n[3] : 1) : (n.length > 3 ? n[3] : 1);
  return [r, g, b, a];
};
const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3])).concat(1);
// The colour behind `el`: the first ancestor's background, blended down to the page.
const behind = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = parse(getComputedStyle(e).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
  }
  let colour = [255, 255, 255, 1];
  for (const layer of layers.reverse()) colour = over(layer, colour);
  return colour;
};
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` +
  (el.dataset.slot !== undefined ? `[level ${el.dataset.level} slot ${el.dataset.slot}]` : '');
const failures = [];
const need = (what, el, fg, bg) => {
  const r = ratio(fg, bg);
  if (r < 3) failures.push(`${what} of ${name(el)}: ${r.toFixed(2)}:1 (${fg.slice(0, 3).map(Math.round)} on ${bg.slice(0, 3).map(Math.round)})`);
};
const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const cells = [...document.querySelectorAll('.bit.on')].filter(visible);
for (const cell of cells) need('the R/W cell', cell, parse(getComputedStyle(cell).backgroundColor), behind(cell.parentElement));
const slots = [...document.querySelectorAll('#wheel .slot')].filter(visible);
for (const slot of slots) {
  const style = getComputedStyle(slot);
  const around = behind(slot.parentElement);
  need('the slot edge', slot, over(parse(style.borderTopColor), around), around);
  if (slot.classList.contains('occupied')) need('the filled slot', slot, parse(style.backgroundColor), around);
}
const controls = [...document.querySelectorAll('button:not(:disabled), a[href], select, input, [tabindex="0"]')]
  .filter(visible).slice(0, 80);
let rings = 0;
for (const el of controls) {
  el.focus({ preventScroll: true });
  if (document.activeElement !== el) continue;
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth);
  if (!el.matches(':focus-visible') || style.outlineStyle === 'none' || width < 2) {
    failures.push(`no focus ring of 2px or more on ${name(el)} (${style.outlineStyle} ${style.outlineWidth})`);
    continue;
  }
  rings += 1;
  need('the focus ring', el, parse(style.outlineColor), behind(el.parentElement));
}
document.activeElement?.blur();
return { failures, cells: cells.length, slots: slots.length, rings };
"#;

/// Both checks on the page as it is, named `what` in messages and in the
/// screenshot. `cells`: R/W cells that must be on screen to be checked.
async fn audit(page: &Page, axe: &str, palette: Palette, what: &str, cells: bool) -> Result<()> {
    check_palette(page, palette).await?;
    let shot = format!("a11y-{}-{what}", palette.name());
    page.screenshot(&shot).await?;
    let violations = axe_violations(page, axe, "document").await?;
    // A key press first: focus moved by script then shows its ring, as after Tab.
    page.wait_for("body")
        .await?
        .send_keys(&format!("{}{}", key::SHIFT, key::RELEASE))
        .await?;
    let own = page.eval(NON_TEXT_CONTRAST).await?;
    let mut problems = violations;
    problems.extend(
        own["failures"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f.as_str().unwrap_or_default().to_string()),
    );
    ensure!(
        problems.is_empty(),
        "{what} in the {} palette:\n{}",
        palette.name(),
        problems.join("\n")
    );
    ensure!(
        own["rings"].as_u64() > Some(0),
        "{what}: no focus ring was checked"
    );
    if cells {
        ensure!(
            own["cells"].as_u64() > Some(0),
            "{what}: no R/W cell on: {own}"
        );
    }
    Ok(())
}

/// The palette on screen is the one asked for: `data-theme` on <html> and
/// presenter mode on the app, and the page's background colour with them.
async fn check_palette(page: &Page, palette: Palette) -> Result<()> {
    let seen = page
        .eval(
            "return { theme: document.documentElement.dataset.theme ?? null,
                      presenter: document.querySelector('#app')?.dataset.presenter === 'true',
                      bg: getComputedStyle(document.querySelector('#app')).backgroundColor,
                      body: getComputedStyle(document.body).backgroundColor };",
        )
        .await?;
    let (theme, presenter) = (seen["theme"].as_str(), seen["presenter"] == true);
    let ok = match palette {
        Palette::Light => theme == Some("light") && !presenter,
        Palette::Dark => theme == Some("dark") && !presenter && seen["body"] == "rgb(22, 24, 29)",
        Palette::Presenter => presenter && seen["bg"] == "rgb(0, 0, 0)",
    };
    ensure!(
        ok,
        "expected the {} palette, the page shows {seen}",
        palette.name()
    );
    Ok(())
}

/// Choose `palette` where a reader would: the theme button (cycling auto →
/// light → dark, kept for the next pages) or the presenter button.
async fn choose(page: &Page, palette: Palette) -> Result<()> {
    let wanted = match palette {
        Palette::Presenter => {
            page.wait_for("#presenter").await?.click().await?;
            page.wait_for("#app[data-presenter='true']").await?;
            return Ok(());
        }
        Palette::Light => "light",
        Palette::Dark => "dark",
    };
    eventually(&format!("the theme button to choose {wanted}"), || async {
        let button = page.wait_for("#theme-btn").await?;
        if button.attr("data-theme").await?.as_deref() == Some(wanted) {
            return Ok(Some(()));
        }
        button.click().await?;
        Ok(None)
    })
    .await
}

/// Every page in one palette: home (and its glossary open), a scenario (R/W cells on, then a timer
/// filed), a lesson with a question and predict mode on, and a room's presenter page with a poll.
async fn every_page(palette: Palette) -> Result<()> {
    let axe = axe_source()?;
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        let presenter = palette == Palette::Presenter;
        let opened = async |path: &str| -> Result<()> {
            open(page, path).await?;
            if presenter {
                choose(page, palette).await?;
            }
            Ok(())
        };
        open(page, "/").await?;
        if !presenter {
            choose(page, palette).await?;
        }
        opened("/").await?;
        page.wait_for("#lessons .card").await?;
        page.wait_for("#scenarios .card").await?;
        audit(page, &axe, palette, "home", false).await?;
        page.wait_for("#glossary summary").await?.click().await?;
        page.wait_for("#glossary dt").await?;
        page.eval("document.querySelector('#glossary').scrollIntoView(); return null;")
            .await?;
        audit(page, &axe, palette, "glossary", false).await?;

        opened("/scenario/tcp_read").await?;
        let mut state = settled_at(page, 0).await?;
        while state["readable"].as_array().is_none_or(Vec::is_empty) {
            ensure!(!at_end(&state), "tcp_read never showed a readable socket");
            state = click_step(page).await?;
        }
        audit(page, &axe, palette, "scenario", true).await?;

        opened("/scenario/spawn_lifecycle").await?;
        let mut state = settled_at(page, 0).await?;
        while state["occupied"].as_array().is_none_or(Vec::is_empty) {
            ensure!(!at_end(&state), "spawn_lifecycle filed no timer");
            state = click_step(page).await?;
        }
        audit(page, &axe, palette, "timer", false).await?;

        // Stage 3 asks a question: its card is open; predict mode's bar too.
        opened("/lesson/reactor-pattern?stage=3").await?;
        page.wait_for("#lesson[data-stage='3']").await?;
        page.wait_for("#question[data-state='open']").await?;
        // Predict mode is one learner's: presenter mode leaves its toggle out.
        if !presenter {
            page.wait_for("#predict-btn").await?.click().await?;
            page.wait_for("#predict:not([hidden])").await?;
        }
        probe(page).await?;
        audit(page, &axe, palette, "lesson", false).await?;

        // A room, and the class's poll with its histogram.
        page.wait_for("#present-btn").await?.click().await?;
        page.wait_for("#room-code").await?;
        audit(page, &axe, palette, "room", false).await?;
        page.wait_for("#poll-ask-next").await?.click().await?;
        page.wait_for("#poll[data-state='open'] .poll-bar").await?;
        audit(page, &axe, palette, "poll", false).await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_light_palette_meets_wcag_aa_on_every_page() -> Result<()> {
    every_page(Palette::Light).await
}

#[tokio::test]
async fn the_dark_palette_meets_wcag_aa_on_every_page() -> Result<()> {
    every_page(Palette::Dark).await
}

#[tokio::test]
async fn the_presenter_palette_meets_wcag_aa_on_every_page() -> Result<()> {
    every_page(Palette::Presenter).await
}

/// Left on auto, the theme follows the system: a Chromium whose system
/// prefers dark shows the dark palette, and choosing light overrides it.
#[tokio::test]
async fn auto_follows_a_system_that_prefers_dark() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser_flags(&server, &["--force-dark-mode"], async |page| {
        open(page, "/").await?;
        page.wait_for("#theme-btn[data-theme='auto']").await?;
        let prefers_dark = page
            .eval("return matchMedia('(prefers-color-scheme: dark)').matches;")
            .await?;
        ensure!(
            prefers_dark == true,
            "--force-dark-mode did not reach the page"
        );
        check_palette(page, Palette::Dark).await?;
        page.screenshot("a11y-auto-dark-home").await?;
        choose(page, Palette::Light).await?;
        check_palette(page, Palette::Light).await?;
        Ok(())
    })
    .await
}

/// The checker itself: a control whose focus ring has too little contrast,
/// and an R/W cell that blends into its panel, are caught.
#[tokio::test]
async fn the_contrast_check_catches_a_faint_ring_and_a_faint_cell() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/").await?;
        page.wait_for("#theme-btn").await?;
        page.eval(
            "const style = document.createElement('style');
             style.textContent = ':focus-visible { outline-color: #eeeeee !important; }';
             document.head.append(style);
             const cell = document.createElement('span');
             cell.className = 'bit on';
             cell.textContent = 'R';
             cell.style.background = '#f0f0f0';
             document.querySelector('#home').append(cell);
             return true;",
        )
        .await?;
        page.wait_for("body")
            .await?
            .send_keys(&format!("{}{}", key::SHIFT, key::RELEASE))
            .await?;
        let own = page.eval(NON_TEXT_CONTRAST).await?;
        let failures = own["failures"].to_string();
        if !failures.contains("the focus ring of") || !failures.contains("the R/W cell of") {
            bail!("the check missed a faint ring or cell: {own}");
        }
        Ok(())
    })
    .await
}
