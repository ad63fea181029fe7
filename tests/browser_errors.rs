//! The web app given a link to something that does not exist, in real
//! headless Chromium: an unknown scenario or lesson says so, cannot leave
//! the player waiting for ever, and the learner can carry on from there.
//! Helpers and conventions as in `browser_web.rs`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use web_support::{click_step, key, open, press, probe, settled_at, step_of};

/// The value of the header's scenario picker ("" for its placeholder).
async fn picker_value(page: &Page) -> Result<String> {
    let value = page
        .eval("return document.querySelector('#scenario-picker').value;")
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn an_unknown_scenario_cannot_hang_and_a_real_one_loads_after_it() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/nope").await?;
        page.wait_for_text("#error-banner", "nope").await?;
        eventually("the picker to show no scenario", || async {
            Ok(picker_value(page).await?.is_empty().then_some(()))
        })
        .await?;
        for control in ["#step-btn", "#turn-btn", "#play-btn"] {
            page.wait_for(&format!("{control}[disabled]")).await?;
        }
        // A step sets `busy` at once, and with no engine behind it, for ever.
        press(page, key::RIGHT).await?;
        press(page, " ").await?;
        let state = probe(page).await?;
        ensure!(
            state["busy"] == false && step_of(&state) == 0,
            "a key stepped an unknown scenario: {state}"
        );

        page.wait_for("#scenario-picker")
            .await?
            .select_by_value("tcp_read")
            .await?;
        settled_at(page, 0).await?;
        let state = click_step(page).await?;
        ensure!(
            state["kind"].is_string() && state["recorded"].as_u64() >= Some(1),
            "tcp_read did not load after the unknown scenario: {state}"
        );
        ensure!(picker_value(page).await? == "tcp_read");
        let banner = page
            .eval("return document.querySelector('#error-banner') !== null")
            .await?;
        ensure!(banner == false, "the old error outlived the new scenario");
        eventually("the address bar to name tcp_read", || async {
            Ok((probe(page).await?["url"] == "/scenario/tcp_read?step=1").then_some(()))
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn an_unknown_lesson_says_so_and_the_address_follows_the_page() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/lesson/nope?stage=1").await?;
        let text = page
            .wait_for_text("#error-banner", "Could not open the lesson")
            .await?;
        ensure!(
            text.contains("nope"),
            "the banner does not name the lesson: {text}"
        );
        page.wait_for("#home").await?;
        eventually("the address bar to leave /lesson/nope", || async {
            let path = page
                .eval("return location.pathname + location.search;")
                .await?;
            Ok((path == "/").then_some(()))
        })
        .await?;
        Ok(())
    })
    .await
}
