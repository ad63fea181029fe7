//! Hangs in a real headless Chromium: the lab lessons at the stage bound to
//! their diagnosis. `#why-stuck` must show the diagnosis and answer, for the
//! task concerned, where its waker is stored (nowhere, in a `JoinHandle`, in
//! a foreign driver's registration) and whether what fires it is driven; a
//! run the engine ends as stuck must show as ended in the controls.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use serde_json::Value;
use web_support::{at_end, probe};

/// What `#why-stuck` shows: the diagnosis, and one entry per answered task.
const STUCK_PROBE: &str = r#"
const panel = document.querySelector('#why-stuck');
if (!panel) return null;
const text = (e, s) => e.querySelector(s)?.innerText ?? null;
return {
  problem: panel.dataset.problem, endsRun: panel.dataset.endsRun === 'true',
  diagnosis: text(panel, '.diagnosis'),
  current: panel.querySelector('.diagnosis')?.dataset.current === 'true',
  tasks: [...panel.querySelectorAll('.stuck-tasks > li')].map((li) => ({
    task: +li.dataset.task, never: li.dataset.neverWakes === 'true',
    waitsOn: text(li, '.waits-on'), waker: text(li, '.waker'), firedBy: text(li, '.fired-by'),
  })),
};
"#;

/// Open lesson `id` at stage `stage` and wait until `#why-stuck` shows
/// diagnosis `problem`.
async fn stuck_at(page: &Page, id: &str, stage: usize, problem: &str) -> Result<Value> {
    page.open(&format!("/lesson/{id}?stage={stage}")).await?;
    page.wait_for(&format!(
        "#lesson[data-lesson='{id}'][data-stage='{stage}']"
    ))
    .await?;
    eventually(&format!("#why-stuck to show {problem}"), || async {
        let shown = page.eval(STUCK_PROBE).await?;
        Ok((shown["problem"] == problem).then_some(shown))
    })
    .await
}

/// The answer for task `task`.
fn answer_for(shown: &Value, task: u64) -> Result<&Value> {
    shown["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["task"] == task))
        .with_context(|| format!("no answer for task {task}: {shown:#}"))
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_default()
}

/// The run is over: every record shown, Step and Next turn disabled, and
/// the position says so.
async fn shows_the_end(page: &Page) -> Result<()> {
    let state = probe(page).await?;
    ensure!(at_end(&state), "not at the end: {state:#}");
    for button in ["#step-btn", "#turn-btn"] {
        let disabled = page.wait_for(button).await?.attr("disabled").await?;
        ensure!(disabled.is_some(), "{button} is enabled at the end");
    }
    page.wait_for_text("#position", "(the end)").await?;
    Ok(())
}

#[tokio::test]
async fn a_lost_waker_is_shown_nowhere_and_the_run_ends_stuck() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(1440, 900).await?;
        let shown = stuck_at(page, "lost-waker", 2, "lost_waker").await?;
        let diagnosis = text(&shown, "diagnosis");
        ensure!(
            diagnosis.contains("Lost waker") && diagnosis.contains("worker (#1)"),
            "{diagnosis}"
        );
        ensure!(shown["current"] == true, "the diagnosis is this record's");
        let worker = answer_for(&shown, 1)?;
        ensure!(worker["never"] == true, "{worker}");
        ensure!(
            text(worker, "waker") == "none anywhere: nothing can ever wake it",
            "{worker}"
        );
        let main = answer_for(&shown, 0)?;
        ensure!(
            text(main, "waker") == "the JoinHandle of worker (#1)"
                && text(main, "firedBy") == "worker (#1) finishing, which it never can",
            "{main}"
        );
        page.screenshot("hang-lost-waker-diagnosis").await?;

        page.wait_for("#lesson-next").await?.click().await?;
        page.wait_for("#why-stuck[data-problem='stuck'][data-ends-run='true']")
            .await?;
        shows_the_end(page).await?;
        page.screenshot("hang-lost-waker-stuck").await?;
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_deadlock_shows_each_waker_in_the_other_tasks_join_handle() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(1440, 900).await?;
        let shown = stuck_at(page, "deadlock", 2, "deadlock").await?;
        let diagnosis = text(&shown, "diagnosis");
        ensure!(
            diagnosis.contains("Deadlock") && diagnosis.contains("ping (#1) and pong (#2)"),
            "{diagnosis}"
        );
        for (task, other) in [(1, "pong (#2)"), (2, "ping (#1)")] {
            let answer = answer_for(&shown, task)?;
            ensure!(
                answer["never"] == true
                    && text(answer, "waker") == format!("the JoinHandle of {other}")
                    && text(answer, "firedBy") == format!("{other} finishing, which it never can"),
                "{answer}"
            );
        }
        // main is outside the circle: its timer is in a wheel the loop drives.
        let main = answer_for(&shown, 0)?;
        ensure!(
            main["never"] == false
                && text(main, "firedBy") == "this runtime's timer wheel (driven)",
            "{main}"
        );
        page.screenshot("hang-deadlock-diagnosis").await?;
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_socket_of_another_runtime_waits_on_a_driver_nobody_polls() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(1440, 900).await?;
        let shown = stuck_at(page, "cross-runtime", 3, "stuck").await?;
        ensure!(shown["endsRun"] == true, "{shown:#}");
        let main = answer_for(&shown, 0)?;
        ensure!(
            text(main, "waitsOn").contains("(runtime 1, not this one)")
                && text(main, "waker") == "token 0's read slot"
                && text(main, "firedBy")
                    == "another runtime's I/O driver, which no loop polls: it never fires",
            "{main}"
        );
        shows_the_end(page).await?;
        page.screenshot("hang-cross-runtime-stuck").await?;
        Ok(())
    })
    .await?;
    server.shutdown().await
}
