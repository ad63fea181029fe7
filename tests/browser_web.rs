//! The web app in real headless Chromium against the real server.
//!
//! Every test reads the page through one JavaScript probe
//! ([`web_support::probe`]) that collects the ids and data-attributes the app
//! exposes for tests, and waits for conditions with [`eventually`], never for
//! a fixed time.

mod web_support;

use anyhow::{Context, Result, bail, ensure};
use reactor_e2e::{PATIENCE, TestServer, eventually, with_browser};
use web_support::{
    MAX_RECORDS, at_end, click_step, explanation_contradictions, first_paint_ms, get_json, key,
    longest_task_ms, open, open_at_end, panels_html, press, probe, settled_at, step_of,
    watch_long_tasks,
};

#[tokio::test]
async fn tcp_read_stepped_to_the_end_shows_the_whole_story() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        let (mut saw_os_event, mut saw_writable_only, mut woken, mut queued) =
            (false, false, None, false);
        let (mut polled_after_wake, mut main_polled_after_wake) = (false, false);
        let mut wrong = Vec::new();
        let mut state = probe(page).await?;
        while !at_end(&state) {
            ensure!(step_of(&state) < MAX_RECORDS as u64, "tcp_read never ended");
            state = click_step(page).await?;
            wrong.extend(explanation_contradictions(&state));
            let task = state["task"].as_u64();
            let explanation = state["explanation"].as_str().unwrap_or_default();
            match state["kind"].as_str() {
                Some("os_event") => {
                    ensure!(
                        state["active"] == serde_json::json!(["reactor"]),
                        "reactor not lit on os_event: {state}"
                    );
                    ensure!(
                        state["arrows"] == serde_json::json!(["os-reactor"]),
                        "events arrow not lit: {state}"
                    );
                    if !saw_os_event {
                        page.screenshot("web-tcp_read-os_event").await?;
                    }
                    saw_os_event = true;
                    // Right after the accept, the kernel reports the fresh
                    // stream writable only: nobody waits to write.
                    if explanation.contains("reports token 1 writable;") {
                        ensure!(
                            explanation
                                .contains("No task waits to write, so this event wakes nobody")
                                && explanation.contains("read waker of handler (#1) stays stored"),
                            "the writable-only event: {state}"
                        );
                        page.screenshot("web-tcp_read-writable-only").await?;
                        saw_writable_only = true;
                    }
                }
                Some("wake") => {
                    // Each record shows the state it left: the schedule that
                    // queues an ordinary task is the next record; `main`,
                    // the block_on future, is never queued.
                    let in_queue = state["runQueue"].as_array().context("run queue")?;
                    ensure!(
                        !in_queue.contains(&task.into()),
                        "queued before its schedule: {state}"
                    );
                    (woken, queued) = (task, false);
                }
                Some("schedule") if woken.is_some() && task == woken => {
                    ensure!(task != Some(0), "main was scheduled: {state}");
                    let in_queue = state["runQueue"].as_array().context("run queue")?;
                    ensure!(
                        in_queue.contains(&task.into()),
                        "woken task {task:?} not in the run queue: {state}"
                    );
                    queued = true;
                }
                Some("poll") if woken.is_some() && task == woken => {
                    if task == Some(0) {
                        ensure!(!queued, "main went through the run queue");
                        ensure!(
                            explanation.contains("It was not on the run queue"),
                            "main's poll: {state}"
                        );
                        main_polled_after_wake = true;
                    } else {
                        ensure!(
                            queued,
                            "the woken task was polled before the run queue showed it"
                        );
                        polled_after_wake = true;
                    }
                    woken = None;
                }
                _ => {}
            }
        }
        ensure!(
            wrong.is_empty(),
            "explanations contradict the panels:\n{}",
            wrong.join("\n")
        );
        ensure!(saw_os_event, "tcp_read has no os_event step");
        ensure!(saw_writable_only, "tcp_read has no writable-only os_event");
        ensure!(polled_after_wake, "no poll followed a wake");
        ensure!(main_polled_after_wake, "main was never polled after a wake");
        let console = state["console"].as_str().unwrap_or_default();
        let read = console
            .lines()
            .find(|l| l.starts_with("Read ") && l.ends_with(" bytes"));
        let bytes = read.and_then(|l| {
            l.trim_start_matches("Read ")
                .trim_end_matches(" bytes")
                .parse::<u64>()
                .ok()
        });
        ensure!(
            bytes.is_some_and(|n| n > 0),
            "console does not show `Read N bytes`: {console:?}"
        );
        let url = format!("/scenario/tcp_read?step={}", step_of(&state));
        eventually("the address bar to follow the step", || async {
            Ok((probe(page).await?["url"] == url.as_str()).then_some(()))
        })
        .await?;
        page.screenshot("web-tcp_read-final").await?;
        Ok(())
    })
    .await
}

/// Every step of `timers` and `spawn_lifecycle`, the explanation against the
/// panels the server's snapshots draw (tcp_read is walked above).
#[tokio::test]
async fn every_explanation_agrees_with_the_panels_beside_it() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        let mut wrong = Vec::new();
        for id in ["spawn_lifecycle", "timers"] {
            let end = open_at_end(page, id, PATIENCE).await?;
            let last = step_of(&end);
            press(page, key::HOME).await?;
            settled_at(page, 0).await?;
            for step in 1..=last {
                press(page, key::RIGHT).await?;
                let state = settled_at(page, step).await?;
                wrong.extend(
                    explanation_contradictions(&state)
                        .into_iter()
                        .map(|w| format!("{id} step {step}: {w}")),
                );
            }
        }
        ensure!(
            wrong.is_empty(),
            "explanations contradict the panels:\n{}",
            wrong.join("\n")
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn back_restores_the_previous_step_exactly_without_the_server() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        for _ in 0..10 {
            click_step(page).await?;
        }
        let before = panels_html(page).await?;
        let state = click_step(page).await?;
        ensure!(
            panels_html(page).await? != before,
            "step 11 looks like step 10: {state}"
        );
        page.wait_for("#back-btn").await?.click().await?;
        settled_at(page, 10).await?;
        ensure!(
            panels_html(page).await? == before,
            "back did not restore step 10 exactly"
        );
        // Forward again over recorded history, then back to the start.
        click_step(page).await?;
        page.wait_for("#restart-btn").await?.click().await?;
        let start = settled_at(page, 0).await?;
        ensure!(
            start["kind"].is_null() && start["recorded"].as_u64() >= Some(11),
            "restart lost history: {start}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_deep_link_opens_at_its_step() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        for _ in 0..12 {
            click_step(page).await?;
        }
        let stepped = panels_html(page).await?;
        open(page, "/scenario/tcp_read?step=12").await?;
        let state = settled_at(page, 12).await?;
        ensure!(
            state["url"] == "/scenario/tcp_read?step=12",
            "deep link URL changed: {state}"
        );
        ensure!(
            panels_html(page).await? == stepped,
            "the deep link shows another state than stepping 12 times"
        );
        // The source pane shows the current record's engine line.
        let source = page.wait_for("#source[data-file][data-line]").await?;
        let line = source.attr("data-line").await?.context("data-line")?;
        page.wait_for(&format!("#source .src-line.here[data-line='{line}']"))
            .await?;
        // Clicking a row of the event log jumps there.
        page.wait_for(".log-row[data-seq='3']")
            .await?
            .click()
            .await?;
        let state = settled_at(page, 4).await?;
        ensure!(state["kind"].is_string(), "{state}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn keyboard_shortcuts_drive_the_player() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        press(page, key::RIGHT).await?;
        settled_at(page, 1).await?;
        press(page, " ").await?;
        settled_at(page, 2).await?;
        press(page, key::LEFT).await?;
        settled_at(page, 1).await?;
        press(
            page,
            &format!("{}{}{}", key::SHIFT, key::RIGHT, key::RELEASE),
        )
        .await?;
        let turn_end = eventually("next turn to move past step 1", || async {
            let state = probe(page).await?;
            Ok((step_of(&state) > 1 && state["busy"] == false).then_some(state))
        })
        .await?;
        press(page, key::HOME).await?;
        settled_at(page, 0).await?;
        press(page, "p").await?;
        page.wait_for("#play-btn[aria-pressed='true']").await?;
        press(page, "p").await?;
        page.wait_for("#play-btn[aria-pressed='false']").await?;
        press(page, "f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        press(page, "f").await?;
        page.wait_for("#app[data-presenter='false']").await?;
        press(page, "?").await?;
        page.wait_for("#shortcuts").await?;
        press(page, key::ESCAPE).await?;
        eventually("the shortcut list to close", || async {
            Ok(page
                .eval("return document.querySelector('#shortcuts') === null")
                .await?
                .as_bool()
                .filter(|gone| *gone))
        })
        .await?;
        ensure!(step_of(&turn_end) > 1, "{turn_end}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn presenter_mode_enlarges_and_hides_secondary_panels() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/spawn_lifecycle?step=6").await?;
        settled_at(page, 6).await?;
        let log = page.wait_for("#log").await?;
        ensure!(
            log.is_displayed().await?,
            "the log is hidden outside presenter mode"
        );
        page.wait_for("#presenter").await?.click().await?;
        page.wait_for("#app[data-presenter='true']").await?;
        ensure!(
            !page.wait_for("#log").await?.is_displayed().await?,
            "presenter mode still shows the log"
        );
        page.screenshot("web-presenter").await?;
        page.wait_for("#presenter").await?.click().await?;
        page.wait_for("#app[data-presenter='false']").await?;
        ensure!(
            page.wait_for("#log").await?.is_displayed().await?,
            "the log did not come back"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn spawn_lifecycle_files_the_timer_where_the_record_says_and_parks_until_its_slot()
-> Result<()> {
    let server = TestServer::start().await?;
    let trace = get_json(&server, "/api/trace/spawn_lifecycle").await?;
    let records = trace["records"].as_array().context("records")?;
    let insert = records
        .iter()
        .position(|r| r["kind"] == "timer_insert")
        .context("no timer_insert")?;
    let (level, slot) = (&records[insert]["level"], &records[insert]["slot"]);
    ensure!(
        records[insert]["deadline_ms"] == 1000,
        "the sleep is not 1000 ms: {}",
        records[insert]
    );
    let parks: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r["kind"] == "park")
        .map(|(i, _)| i)
        .collect();
    ensure!(
        parks.len() >= 2,
        "expected two parks before the fire: {parks:?}"
    );
    let fire = records
        .iter()
        .position(|r| r["kind"] == "timer_fire")
        .context("no timer_fire")?;
    with_browser(&server, async |page| {
        open(
            page,
            &format!("/scenario/spawn_lifecycle?step={}", insert + 1),
        )
        .await?;
        let state = settled_at(page, insert as u64 + 1).await?;
        ensure!(state["kind"] == "timer_insert", "{state}");
        let cell =
            format!("#wheel [data-level='{level}'][data-slot='{slot}'][data-occupied='true']");
        page.wait_for(&cell).await?;
        ensure!(
            state["occupied"].as_array().map(Vec::len) == Some(1),
            "one timer, one lit slot: {state}"
        );
        // The 1 s sleep sits in level 1 slot 15 (960..1023 ms): the loop
        // parks until that slot starts, not until the deadline.
        let park = parks[0];
        open(
            page,
            &format!("/scenario/spawn_lifecycle?step={}", park + 1),
        )
        .await?;
        let state = settled_at(page, park as u64 + 1).await?;
        ensure!(
            state["parked"] == true && state["timeout"] == "960",
            "park timeout is not 960: {state}"
        );
        ensure!(
            state["active"] == serde_json::json!(["os"]),
            "park lights the OS: {state}"
        );
        ensure!(
            state["wheelNext"] == 960 && state["wheelEarliest"] == 1000,
            "the wheel header shows next expiration 960, earliest deadline 1000: {state}"
        );
        let explanation = state["explanation"].as_str().unwrap_or_default();
        ensure!(
            explanation.contains("until the next timer slot starts at 960 ms")
                && explanation.contains("The earliest deadline is 1000 ms"),
            "{state}"
        );
        let header = page.wait_for(".wheel-times").await?;
        let tooltip = header.attr("title").await?.unwrap_or_default();
        ensure!(
            tooltip.contains("Next expiration") && tooltip.contains("Earliest deadline"),
            "the wheel header's tooltip: {tooltip:?}"
        );
        page.screenshot("web-spawn_lifecycle-park-960").await?;
        // After the cascade at 960 ms, the second park waits the last 40 ms.
        let park = parks[1];
        open(
            page,
            &format!("/scenario/spawn_lifecycle?step={}", park + 1),
        )
        .await?;
        let state = settled_at(page, park as u64 + 1).await?;
        ensure!(
            state["timeout"] == "40" && state["wheelNext"] == 1000,
            "the second park waits 40 ms, until 1000: {state}"
        );
        open(
            page,
            &format!("/scenario/spawn_lifecycle?step={}", fire + 1),
        )
        .await?;
        let state = settled_at(page, fire as u64 + 1).await?;
        ensure!(
            state["occupied"].as_array().is_some_and(Vec::is_empty),
            "wheel not empty after the fire: {state}"
        );
        ensure!(
            state["wheelNext"].is_null() && state["wheelEarliest"].is_null(),
            "an empty wheel has no next expiration: {state}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn every_scenario_runs_to_the_end_with_a_screenshot() -> Result<()> {
    let server = TestServer::start().await?;
    let scenarios = get_json(&server, "/api/scenarios").await?;
    let ids: Vec<String> = scenarios
        .as_array()
        .context("scenario list")?
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        // `crowd` takes long to replay; browser_long_trace.rs runs it to its
        // end and takes its screenshot, without ten other browsers beside it.
        .filter(|id| id != "crowd")
        .collect();
    ensure!(ids.len() >= 3, "expected at least 3 scenarios: {ids:?}");
    with_browser(&server, async |page| {
        for id in &ids {
            let state = open_at_end(page, id, PATIENCE).await?;
            if state["kind"] == "error" {
                bail!("{id} ended in an error: {state}");
            }
            page.screenshot(&format!("web-{id}-final")).await?;
        }
        Ok(())
    })
    .await
}

/// Key presses sent at once, as a key held down would send them.
const HELD_KEY_PRESSES: usize = 40;

#[tokio::test]
async fn a_held_key_keeps_up_and_the_paint_and_task_times_are_reported() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        // The first visit fills the cache; the second is the one measured.
        open(page, "/scenario/timers").await?;
        open(page, "/scenario/timers").await?;
        let paint = first_paint_ms(page).await?;
        watch_long_tasks(page).await?;
        press(page, &key::RIGHT.repeat(HELD_KEY_PRESSES)).await?;
        let state = settled_at(page, HELD_KEY_PRESSES as u64).await?;
        let longest = longest_task_ms(page).await?;
        // Timings are measured here but judged in docs/benchmarks.md, not by
        // this test: on a busy 2-core CI machine running eleven browsers at
        // once they say more about the machine than about the app.
        eprintln!("web budgets: first contentful paint {paint:.0} ms (cached wasm), longest task while stepping {longest:.0} ms");
        ensure!(state["kind"].is_string(), "{state}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_picker_switches_scenarios_cleanly() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=5").await?;
        settled_at(page, 5).await?;
        // Ask for more, then switch while that answer may still be on its way.
        page.wait_for("#step-btn").await?.click().await?;
        page.wait_for("#scenario-picker")
            .await?
            .select_by_value("spawn_lifecycle")
            .await?;
        settled_at(page, 0).await?;
        let state = click_step(page).await?;
        ensure!(
            state["kind"] == "spawn",
            "the new scenario starts with a spawn: {state}"
        );
        eventually("the address bar to name the new scenario", || async {
            Ok((probe(page).await?["url"] == "/scenario/spawn_lifecycle?step=1").then_some(()))
        })
        .await?;
        let banner = page
            .eval("return document.querySelector('#error-banner') !== null")
            .await?;
        ensure!(
            banner == false,
            "switching scenarios raised an error banner"
        );
        Ok(())
    })
    .await
}
