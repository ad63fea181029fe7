//! A long trace in real headless Chromium: the app must stay responsive with
//! a 5,000-record trace. `crowd` records about 6,000 actions; the event log
//! must keep only the rows in view in the DOM, follow the current record,
//! and jump when a row is clicked, with back and forth over the recorded
//! history served from the client.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use reactor_e2e::{Page, TestServer, with_browser};
use serde_json::Value;
use web_support::{
    MAX_RECORDS, get_json, key, longest_task_ms, open_at_end, press, settled_at, watch_long_tasks,
};

/// Rows the event log may hold in the DOM at once: a screenful and its
/// margins, far below the thousands of records in the trace.
const ROWS_IN_DOM_AT_MOST: u64 = 100;

/// How long the deep-link replay of the whole trace may take: the browser
/// asks for one engine action at a time (about 1,000 round trips, each with
/// a snapshot of 241 tasks), 12–22 s with the debug test server here.
const REPLAY_PATIENCE: Duration = Duration::from_secs(120);

/// Steps taken one key press at a time while long tasks are watched.
const SINGLE_STEPS: u64 = 20;

/// The event log as the page shows it.
const LOG_PROBE: &str = r#"
const log = document.querySelector('#log');
const rows = [...log.querySelectorAll('.log-row')].map((r) => +r.dataset.seq);
const current = log.querySelector('.log-row.current');
return {
  records: +log.dataset.records, rows: rows.length,
  first: Math.min(...rows), last: Math.max(...rows),
  current: current ? +current.dataset.seq : null,
};
"#;

async fn log_state(page: &Page) -> Result<Value> {
    page.eval(LOG_PROBE).await
}

/// Scroll the log so the row for `seq` is at the top, and wait for it.
async fn scroll_log_to(page: &Page, seq: u64) -> Result<()> {
    page.eval(&format!(
        "const log = document.querySelector('#log');
         log.scrollTop = {seq} * log.scrollHeight / +log.dataset.records;
         return true;"
    ))
    .await?;
    page.wait_for(&format!("#log .log-row[data-seq='{seq}']"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_long_trace_keeps_the_event_log_small_and_responsive() -> Result<()> {
    let server = TestServer::start().await?;
    let trace = get_json(&server, "/api/trace/crowd").await?;
    let records = trace["records"].as_array().context("records")?;
    let total = records.len() as u64;
    ensure!(total >= 5_000, "crowd is a long trace, got {total} records");
    ensure!(total <= MAX_RECORDS as u64, "raise MAX_RECORDS to {total}");

    with_browser(&server, async |page| {
        let started = Instant::now();
        let state = open_at_end(page, "crowd", REPLAY_PATIENCE).await?;
        let replay = started.elapsed();
        ensure!(state["step"] == total, "ended at {state}");

        let log = log_state(page).await?;
        ensure!(log["records"] == total, "log counts {log}");
        ensure!(
            log["rows"].as_u64().is_some_and(|rows| (1..=ROWS_IN_DOM_AT_MOST).contains(&rows)),
            "the log is not virtualised: {log}"
        );
        ensure!(log["current"] == total - 1, "the last record is not in view: {log}");
        // browser_web.rs screenshots the other scenarios' final states.
        page.screenshot("web-crowd-final").await?;

        // Scroll to the top and click an early row: the player jumps there
        // from the client's history, no server trip.
        let clicked = 100;
        scroll_log_to(page, clicked).await?;
        let log = log_state(page).await?;
        ensure!(
            log["rows"].as_u64().is_some_and(|rows| rows <= ROWS_IN_DOM_AT_MOST),
            "scrolling filled the DOM: {log}"
        );
        page.wait_for(&format!("#log .log-row[data-seq='{clicked}']"))
            .await?
            .click()
            .await?;
        let state = settled_at(page, clicked + 1).await?;
        let kind = records[clicked as usize]["kind"].as_str().context("kind")?;
        ensure!(state["kind"] == kind, "clicked a {kind}, shows {state}");
        ensure!(log_state(page).await?["current"] == clicked, "the clicked row is not current");

        // Back and forth with the keyboard over recorded history.
        press(page, &key::LEFT.repeat(20)).await?;
        settled_at(page, clicked + 1 - 20).await?;
        press(page, &key::RIGHT.repeat(60)).await?;
        let state = settled_at(page, clicked + 1 + 40).await?;
        ensure!(state["done"] == true, "the run stays complete: {state}");
        ensure!(log_state(page).await?["current"] == clicked + 40, "the log follows the keys");

        // One step at a time, as a learner presses: the longest task each
        // single step causes, with 241 tasks and the wheel full on screen.
        // (Keys sent in one burst are dispatched in one task, so a burst
        // would time the batch, not a step.)
        watch_long_tasks(page).await?;
        let mut at = clicked + 1 + 40;
        for _ in 0..SINGLE_STEPS {
            press(page, key::RIGHT).await?;
            at += 1;
            settled_at(page, at).await?;
        }
        let longest = longest_task_ms(page).await?;
        // Reported, judged in docs/benchmarks.md (see browser_web.rs for why).
        eprintln!(
            "long trace: {total} records replayed in {:.1} s; longest task over {SINGLE_STEPS} single steps {longest:.0} ms",
            replay.as_secs_f64()
        );
        Ok(())
    })
    .await
}
