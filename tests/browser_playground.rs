//! The playground in real headless Chromium: a program typed into the
//! editor with a mistake is refused with the place underlined and the
//! message under the editor; fixed, it runs and steps to its `println!`;
//! its share link, opened in a second browser (a new WebDriver session,
//! a new profile), gives the same program and, run, the same run.
//! Helpers and conventions as in `browser_web.rs`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, axe_source, axe_violations, eventually, with_browser};
use serde_json::Value;
use tokio::sync::Mutex;
use web_support::{open, probe, settled_at};

/// One browser at a time in this binary: two Chromiums on two cores make
/// every wait flaky.
static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

/// What the learner types: a float where a whole number belongs (line 4).
const WITH_MISTAKE: &str = "#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(7.5)).await;
        println!(\"hello from my program\");
    });
    handle.await.unwrap();
}
";

/// The learner's fix.
const FIXED: &str = "#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(7)).await;
        println!(\"hello from my program\");
    });
    handle.await.unwrap();
}
";

/// The editor's state: its text, the underlined word and its line (1-based).
const EDITOR_PROBE: &str = r#"
const area = document.querySelector('#program-editor');
if (!area) return null;
const squiggle = document.querySelector('.editor-marks .squiggle');
const marks = document.querySelector('.editor-marks');
let line = null;
if (squiggle) {
  // The underline is the marks' last text: what comes before it places it.
  const all = marks.textContent;
  line = all.slice(0, all.length - squiggle.textContent.length).split('\n').length;
}
const error = document.querySelector('#program-error');
return {
  text: area.value,
  squiggle: squiggle ? squiggle.innerText : null,
  line,
  error: error ? error.innerText : null,
  invalid: area.getAttribute('aria-invalid'),
};
"#;

/// Put `text` in the program editor by typing it, as a learner would.
async fn type_program(page: &Page, text: &str) -> Result<()> {
    let area = page.wait_for("#program-editor").await?;
    area.clear().await?;
    // `clear` leaves no input event: select all and delete, by keys.
    area.send_keys("\u{e009}a\u{e000}\u{e017}").await?;
    area.send_keys(text).await?;
    eventually("the editor to hold the typed text", || async {
        let shown = page.eval(EDITOR_PROBE).await?;
        Ok((shown["text"] == text).then_some(()))
    })
    .await
}

/// Step with the Step button until the console shows `needle`; the probe then.
async fn step_until_console(page: &Page, needle: &str) -> Result<Value> {
    for _ in 0..400 {
        let state = probe(page).await?;
        if state["console"]
            .as_str()
            .is_some_and(|c| c.contains(needle))
        {
            return Ok(state);
        }
        ensure!(
            state["done"] != true || state["step"] != state["recorded"],
            "ended without {needle:?}: {state}"
        );
        let step = state["step"].as_u64().unwrap_or(0);
        page.wait_for("#step-btn").await?.click().await?;
        settled_at(page, step + 1).await?;
    }
    anyhow::bail!("no {needle:?} in the console after 400 steps")
}

/// The run's length, from `#position` ("step N of M").
async fn run_length(page: &Page) -> Result<String> {
    let text = page.wait_for_text("#position", " of ").await?;
    Ok(text
        .rsplit(" of ")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string())
}

/// Screenshots at a laptop's and a phone's size (then back to 1440×900),
/// the page never wider than the screen.
async fn screenshots_at_sizes(page: &Page, name: &str) -> Result<()> {
    for (width, height) in [(1280, 720), (390, 844), (1440, 900)] {
        page.set_viewport(width, height).await?;
        let wide = page
            .eval("return document.documentElement.scrollWidth - window.innerWidth;")
            .await?;
        ensure!(
            wide.as_i64() <= Some(0),
            "{name}: sideways scroll at {width}: {wide}"
        );
        if width != 1440 {
            page.screenshot(&format!("{name}-{width}x{height}")).await?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_program_is_refused_in_place_fixed_run_stepped_and_shared() -> Result<()> {
    let _turn = ONE_BROWSER.lock().await;
    let server = TestServer::start().await?;
    let mut shared: Option<(String, String, String)> = None;
    with_browser(&server, async |page| {
        open(page, "/").await?;
        page.wait_for("#open-playground").await?.click().await?;
        page.wait_for("#program-editor").await?;
        ensure!(page.eval("return location.pathname;").await? == "/playground");

        // A mistake: the float is underlined on its line, and said.
        type_program(page, WITH_MISTAKE).await?;
        page.wait_for("#run-program").await?.click().await?;
        let refused = eventually("the refusal underlined", || async {
            let shown = page.eval(EDITOR_PROBE).await?;
            Ok((!shown["squiggle"].is_null() && !shown["error"].is_null()).then_some(shown))
        })
        .await?;
        let error = refused["error"].as_str().context("error")?;
        ensure!(error.contains("line 4, column"), "{refused}");
        ensure!(refused["line"] == 4, "the underline is on line 4: {refused}");
        ensure!(refused["squiggle"] == "7.5", "the underline is the float: {refused}");
        ensure!(refused["invalid"] == "true", "{refused}");
        page.screenshot("playground-error").await?;
        screenshots_at_sizes(page, "playground-error").await?;
        // The place in the message puts the caret there.
        page.wait_for("#program-error .place").await?.click().await?;
        let focused = page.eval("return document.activeElement.id;").await?;
        ensure!(focused == "program-editor", "{focused}");

        // Fixed: the stale refusal goes, the program runs and steps.
        type_program(page, FIXED).await?;
        let fixed = page.eval(EDITOR_PROBE).await?;
        ensure!(fixed["squiggle"].is_null() && fixed["error"].is_null(), "{fixed}");
        page.wait_for("#run-program").await?.click().await?;
        probe(page).await?;
        let state = step_until_console(page, "hello from my program").await?;
        let length = run_length(page).await?;
        // The program panel is the learner's own program.
        let panel = page.wait_for_text("#program", "hello from my program").await?;
        ensure!(panel.contains("Duration::from_millis(7)"), "{panel}");
        page.screenshot("playground-stepped").await?;
        page.eval("document.querySelector('#program').scrollIntoView(); return null;")
            .await?;
        page.screenshot("playground-program").await?;

        // Keys typed in the editor stay there: an arrow moves the caret, not
        // the run; Tab indents.
        let area = page.wait_for("#program-editor").await?;
        area.send_keys("\u{e014}\u{e014}").await?;
        let after = probe(page).await?;
        ensure!(after["step"] == state["step"], "an arrow in the editor stepped: {after}");
        page.eval("const a = document.querySelector('#program-editor'); a.focus(); a.setSelectionRange(0, 0); return null;")
            .await?;
        area.send_keys("\u{e004}").await?;
        let indented = page.eval(EDITOR_PROBE).await?;
        ensure!(indented["text"] == format!("    {FIXED}"), "Tab indents: {indented}");
        area.send_keys("\u{e003}\u{e003}\u{e003}\u{e003}").await?;
        eventually("the indent undone by Backspace", || async {
            Ok((page.eval(EDITOR_PROBE).await?["text"] == FIXED).then_some(()))
        })
        .await?;

        // Share: the link is shown (and in the address bar).
        page.wait_for("#share-program").await?.click().await?;
        let link = page.wait_for("#share-link").await?;
        let url = link.prop("value").await?.context("the link")?;
        ensure!(url.contains("/playground?code="), "{url}");
        page.eval("document.querySelector('#share-program').scrollIntoView({block: 'center'}); return null;")
            .await?;
        page.screenshot("playground-share").await?;
        screenshots_at_sizes(page, "playground-stepped").await?;
        let console = state["console"].as_str().context("console")?.to_string();
        shared = Some((url, console, length));
        Ok(())
    })
    .await?;

    // A new browser: the same program, and run, the same run.
    let (url, console, length) = shared.context("the first browser shared")?;
    let path = url
        .split_once("/playground")
        .map(|(_, rest)| format!("/playground{rest}"));
    let path = path.context("a playground link")?;
    with_browser(&server, async |page| {
        open(page, &path).await?;
        let opened = eventually("the shared program in the editor", || async {
            let shown = page.eval(EDITOR_PROBE).await?;
            Ok((shown["text"] == FIXED).then_some(shown))
        })
        .await?;
        ensure!(opened["error"].is_null(), "{opened}");
        page.wait_for("#run-program").await?.click().await?;
        probe(page).await?;
        let state = step_until_console(page, "hello from my program").await?;
        ensure!(
            state["console"] == console.as_str(),
            "{state} vs {console:?}"
        );
        ensure!(run_length(page).await? == length, "the same run length");
        page.screenshot("playground-shared").await?;

        // A damaged link says so, and leaves a program to start from.
        open(page, "/playground?code=AAAA").await?;
        page.wait_for_text("#link-notice", "damaged").await?;
        Ok(())
    })
    .await
}

/// Put `text` in the program editor at once (as a paste would).
async fn paste_program(page: &Page, text: &str) -> Result<()> {
    let script = "const a = document.querySelector('#program-editor');
        a.value = arguments[0]; a.dispatchEvent(new Event('input', {bubbles: true})); return null;";
    page.client
        .execute(script, vec![serde_json::json!(text)])
        .await?;
    Ok(())
}

#[tokio::test]
async fn the_playground_meets_wcag_aa_in_every_palette() -> Result<()> {
    let _turn = ONE_BROWSER.lock().await;
    let axe = axe_source()?;
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/playground").await?;
        page.wait_for("#program-editor").await?;
        // Light, dark (the theme button), then presenter on top of dark.
        for palette in ["light", "dark", "presenter"] {
            if palette == "presenter" {
                page.wait_for("#presenter").await?.click().await?;
                page.wait_for("#app[data-presenter='true']").await?;
            } else {
                eventually(&format!("the {palette} palette"), || async {
                    let button = page.wait_for("#theme-btn").await?;
                    if button.attr("data-theme").await?.as_deref() == Some(palette) {
                        return Ok(Some(()));
                    }
                    button.click().await?;
                    Ok(None)
                })
                .await?;
            }
            paste_program(page, WITH_MISTAKE).await?;
            page.wait_for("#run-program").await?.click().await?;
            page.wait_for("#program-error").await?;
            let found = axe_violations(page, &axe, "document").await?;
            ensure!(found.is_empty(), "{palette}, a refusal shown: {found:#?}");
            page.screenshot(&format!("playground-error-{palette}"))
                .await?;

            paste_program(page, FIXED).await?;
            page.wait_for("#run-program").await?.click().await?;
            step_until_console(page, "hello from my program").await?;
            let found = axe_violations(page, &axe, "document").await?;
            ensure!(found.is_empty(), "{palette}, a run stepped: {found:#?}");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn examples_open_from_the_picker_and_from_a_scenario() -> Result<()> {
    let _turn = ONE_BROWSER.lock().await;
    let server = TestServer::start().await?;
    let examples = web_support::get_json(&server, "/api/playground/examples").await?;
    let examples = examples.as_array().context("a list")?.clone();
    let program_of = |id: &str| -> Result<String> {
        let found = examples.iter().find(|e| e["id"] == id);
        let text = found.and_then(|e| e["program"].as_str());
        Ok(text
            .with_context(|| format!("no example {id}"))?
            .to_string())
    };
    let editor_text = async |page: &Page| -> Result<String> {
        let shown = page.eval(EDITOR_PROBE).await?;
        Ok(shown["text"].as_str().unwrap_or_default().to_string())
    };
    with_browser(&server, async |page| {
        // A scenario the playground can write links to its example.
        open(page, "/scenario/timers").await?;
        let link = page.wait_for("a#open-in-playground").await?;
        ensure!(link.attr("href").await?.as_deref() == Some("/playground?example=timers"));
        link.click().await?;
        let wanted = program_of("timers")?;
        eventually("the timers example in the editor", || async {
            Ok((editor_text(page).await? == wanted).then_some(()))
        })
        .await?;
        let picked = page
            .eval("return document.querySelector('#example-picker').value;")
            .await?;
        ensure!(picked == "timers", "{picked}");

        // The picker puts another example in the editor, and in the address.
        page.client
            .execute(
                "const s = document.querySelector('#example-picker'); s.value = 'article-spawn';
                 s.dispatchEvent(new Event('change', {bubbles: true})); return null;",
                Vec::new(),
            )
            .await?;
        let wanted = program_of("article-spawn")?;
        eventually("the article's example in the editor", || async {
            Ok((editor_text(page).await? == wanted).then_some(()))
        })
        .await?;
        let url = page
            .eval("return location.pathname + location.search;")
            .await?;
        ensure!(url == "/playground?example=article-spawn", "{url}");

        // A mistake in the peer description is underlined in its own editor.
        page.client
            .execute(
                "document.querySelector('details.peer').open = true;
                 const a = document.querySelector('#peer-editor');
                 a.value = 'at 0 ms connect\\nat 5 ms dance';
                 a.dispatchEvent(new Event('input', {bubbles: true})); return null;",
                Vec::new(),
            )
            .await?;
        page.wait_for("#run-program").await?.click().await?;
        let said = page
            .wait_for_text("#program-error", "of the peer description")
            .await?;
        ensure!(said.contains("line 2"), "{said}");
        page.wait_for("#peer-editor[aria-invalid='true']").await?;
        page.wait_for("#program-editor[aria-invalid='false']")
            .await?;
        page.wait_for(".peer .editor-marks .squiggle").await?;
        page.screenshot("playground-peer-error").await?;

        // One it cannot write says why, on a disabled control.
        open(page, "/scenario/crowd").await?;
        let button = page.wait_for("button#open-in-playground").await?;
        ensure!(button.attr("disabled").await?.is_some());
        let text = button.text().await?;
        ensure!(text.contains("names each of its 240 tasks"), "{text}");
        page.eval("document.querySelector('#program').scrollIntoView(); return null;")
            .await?;
        page.screenshot("playground-open-crowd").await?;
        Ok(())
    })
    .await
}
