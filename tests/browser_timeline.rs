//! The whole run, known up front, in real headless Chromium: `crowd` (about
//! 5,800 records) shows its true length before a step is taken, its
//! timeline marks every park, End goes to the last record, and a jump
//! anywhere shows that step within a frame budget of the issue's 200 ms.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use serde_json::Value;
use web_support::{get_json, open, press, probe, settled_at};

/// WebDriver's End key.
const END_KEY: &str = "\u{e010}";

/// The longest a jump anywhere in `crowd` may take to show, once loaded.
const JUMP_BUDGET_MS: f64 = 200.0;

/// Jump targets spread over the run, forwards and back, in the order tried.
const JUMPS: [u64; 10] = [4000, 17, 2900, 5000, 1200, 3333, 600, 5796, 1, 2500];

/// Start a jump to `target` through the scrub bar (as a drag does), and
/// note in the page when the position shows it, settled, at the next frame.
const JUMP: &str = r#"
const [target] = arguments;
window.__jumped = null;
const pos = document.querySelector('#position');
const scrub = document.querySelector('#scrub');
const start = performance.now();
const observer = new MutationObserver(() => {
  if (+pos.dataset.step === target && pos.dataset.busy === 'false') {
    observer.disconnect();
    requestAnimationFrame(() => { window.__jumped = performance.now() - start; });
  }
});
observer.observe(pos, { attributes: true });
scrub.value = String(target);
scrub.dispatchEvent(new Event('input', { bubbles: true }));
return true;
"#;

fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Jump to `target` and return how long it took to show, in ms.
async fn jump(page: &Page, target: u64) -> Result<f64> {
    page.client
        .execute(JUMP, vec![Value::from(target)])
        .await
        .context("starting a jump")?;
    eventually(&format!("the jump to {target}"), || async {
        Ok(page.eval("return window.__jumped;").await?.as_f64())
    })
    .await
}

#[tokio::test]
async fn the_whole_run_is_known_up_front_and_every_step_is_a_jump_away() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = get_json(&server, "/api/trace/crowd").await?;
    let records = trace["records"].as_array().context("records")?;
    let total = records.len();
    let kind_at = |position: u64| records[position as usize - 1]["kind"].clone();
    let parks: Vec<u64> = (records.iter())
        .filter(|r| r["kind"] == "park")
        .filter_map(|r| r["seq"].as_u64())
        .collect();
    ensure!(parks.len() > 10, "crowd parks often: {}", parks.len());

    with_browser(&server, async |page| {
        open(page, "/scenario/crowd").await?;
        let shown = page
            .wait_for_text("#position", &format!("of {}", grouped(total)))
            .await?;
        ensure!(shown.starts_with("step 0 of"), "before any step: {shown}");
        let scrub_max = page.eval("return +document.querySelector('#scrub').max;").await?;
        ensure!(scrub_max == total, "the scrub bar spans {scrub_max}, not {total}");

        let marked = page
            .eval("return [...document.querySelectorAll('#timeline [data-lane=park] rect')].map((r) => +r.dataset.seq);")
            .await?;
        ensure!(marked == Value::from(parks.clone()), "park marks {marked} != parks {parks:?}");
        page.screenshot("timeline-crowd-start").await?;

        press(page, END_KEY).await?;
        let state = settled_at(page, total as u64).await?;
        ensure!(state["kind"] == kind_at(total as u64), "End shows {state}");
        ensure!(state["done"] == true, "the run is complete at its end: {state}");
        page.screenshot("timeline-crowd-end").await?;

        let mut times = Vec::new();
        for target in JUMPS {
            let ms = jump(page, target).await?;
            let state = probe(page).await?;
            ensure!(state["kind"] == kind_at(target), "at {target}: {state}");
            times.push(ms);
        }
        page.screenshot("timeline-crowd-jumped").await?;
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        eprintln!(
            "jumps in crowd: median {:.0} ms, max {:.0} ms ({times:.0?})",
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1]
        );
        ensure!(
            sorted[sorted.len() - 1] <= JUMP_BUDGET_MS,
            "a jump took over {JUMP_BUDGET_MS} ms: {times:.0?}"
        );
        Ok(())
    })
    .await
}
