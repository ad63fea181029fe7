//! Keyboard shortcuts where a learner really presses them, in real headless
//! Chromium: with a button focused after a click (Space presses it), on the
//! scenario picker (step keys stay there), across a page change (focus on
//! the new heading), while playing, and with the shortcut list open; and the
//! timer wheel without a mouse. Helpers and
//! conventions as in `browser_web.rs`.
//!
//! `web_support::press` sends keys to the page body, which first moves focus
//! there; these tests send them to whatever has focus, as a keyboard does.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Result, ensure};
use reactor_e2e::{Page, TestServer, eventually, with_browser};
use web_support::{at_end, click_step, key, open, press, probe, settled_at, step_of};

/// WebDriver's Tab key.
const TAB: &str = "\u{e004}";

/// WebDriver's Enter key.
const ENTER: &str = "\u{e007}";

/// Send `keys` to the focused element.
async fn press_focused(page: &Page, keys: &str) -> Result<()> {
    page.client.active_element().await?.send_keys(keys).await?;
    Ok(())
}

/// The id of the focused element ("" for none, or one without an id).
async fn focused_id(page: &Page) -> Result<String> {
    let id = page
        .eval("return document.activeElement ? document.activeElement.id : '';")
        .await?;
    Ok(id.as_str().unwrap_or_default().to_string())
}

/// Whether the player is playing, as `#play-btn` says.
async fn playing(page: &Page) -> Result<bool> {
    let pressed = page
        .eval("return document.querySelector('#play-btn').getAttribute('aria-pressed');")
        .await?;
    Ok(pressed == "true")
}

#[tokio::test]
async fn space_presses_the_focused_button_and_steps_from_the_page() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=4").await?;
        settled_at(page, 4).await?;

        page.wait_for("#back-btn").await?.click().await?;
        settled_at(page, 3).await?;
        ensure!(focused_id(page).await? == "back-btn");
        press_focused(page, " ").await?;
        settled_at(page, 2).await?;
        press_focused(page, ENTER).await?;
        settled_at(page, 1).await?;
        ensure!(focused_id(page).await? == "back-btn", "Back lost focus");

        page.wait_for("#step-btn").await?.click().await?;
        settled_at(page, 2).await?;
        press_focused(page, " ").await?;
        settled_at(page, 3).await?;

        // The log row pressed by Space is the record already shown: it stays.
        page.wait_for(".log-row[data-seq='0']")
            .await?
            .click()
            .await?;
        settled_at(page, 1).await?;
        press_focused(page, " ").await?;
        press_focused(page, key::RIGHT).await?;
        settled_at(page, 2).await?;

        // With the page itself focused, Space steps.
        press(page, " ").await?;
        settled_at(page, 3).await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn step_keys_on_the_scenario_picker_never_change_scenario() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        settled_at(page, 0).await?;
        page.eval("document.querySelector('#scenario-picker').focus(); return null;")
            .await?;
        ensure!(focused_id(page).await? == "scenario-picker");
        for keys in [key::RIGHT, key::RIGHT, key::LEFT] {
            press_focused(page, keys).await?;
        }
        let state = probe(page).await?;
        let picked = page
            .eval("return document.querySelector('#scenario-picker').value;")
            .await?;
        ensure!(
            state["url"] == "/scenario/tcp_read" && picked == "tcp_read" && state["step"] == 0,
            "a step key on the picker moved the app: picker {picked}, {state}"
        );
        page.screenshot("keys-picker-focused").await?;

        // Choosing another scenario in the list moves focus to the new
        // page's heading, so → then steps the new scenario.
        page.eval(
            "const s = document.querySelector('#scenario-picker');
             s.value = 'timers'; s.dispatchEvent(new Event('change', { bubbles: true }));
             return null;",
        )
        .await?;
        eventually("focus on the timers page's heading", || async {
            let state = probe(page).await?;
            let on_heading = focused_id(page).await? == "page-title";
            Ok((on_heading && state["url"] == "/scenario/timers").then_some(()))
        })
        .await?;
        settled_at(page, 0).await?;
        press_focused(page, key::RIGHT).await?;
        let state = settled_at(page, 1).await?;
        ensure!(
            state["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("/scenario/timers"))
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn enter_on_a_home_card_puts_focus_on_the_new_pages_heading() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/").await?;
        let card = page
            .wait_for("#scenarios button[data-scenario='tcp_read']")
            .await?;
        card.send_keys(ENTER).await?;
        eventually("focus on the scenario's heading", || async {
            Ok((focused_id(page).await? == "page-title").then_some(()))
        })
        .await?;
        let heading = page.wait_for_text("#page-title", "Scenario:").await?;
        ensure!(!heading.trim().is_empty());
        settled_at(page, 0).await?;
        press_focused(page, key::RIGHT).await?;
        settled_at(page, 1).await?;

        // Home again, by the brand link: focus on the home page's heading.
        page.wait_for(".brand").await?.send_keys(ENTER).await?;
        eventually("focus on the home page's heading", || async {
            let home = page
                .eval("return document.querySelector('#home') !== null;")
                .await?;
            Ok((home == true && focused_id(page).await? == "page-title").then_some(()))
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_manual_move_pauses_playing_by_key_or_button() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=2").await?;
        settled_at(page, 2).await?;
        let shift_right = format!("{}{}{}", key::SHIFT, key::RIGHT, key::RELEASE);
        let keys = [
            ("→", key::RIGHT),
            ("←", key::LEFT),
            ("Shift+→", shift_right.as_str()),
        ];
        for (name, keys) in keys {
            press(page, "p").await?;
            page.wait_for("#play-btn[aria-pressed='true']").await?;
            press(page, keys).await?;
            // The key handler has run: the pause must already show.
            ensure!(!playing(page).await?, "{name} did not pause playing");
        }
        for button in ["#step-btn", "#back-btn", "#turn-btn"] {
            press(page, "p").await?;
            page.wait_for("#play-btn[aria-pressed='true']").await?;
            page.wait_for(button).await?.click().await?;
            ensure!(!playing(page).await?, "{button} did not pause playing");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_shortcut_list_takes_focus_and_keeps_the_player_still() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        settled_at(page, 0).await?;
        page.wait_for("#shortcuts-btn").await?.click().await?;
        page.wait_for("#shortcuts").await?;
        eventually("focus to move into the shortcut list", || async {
            Ok((focused_id(page).await? == "shortcuts-close").then_some(()))
        })
        .await?;
        for keys in [key::RIGHT, "p", key::HOME, TAB] {
            press_focused(page, keys).await?;
        }
        let state = probe(page).await?;
        ensure!(
            step_of(&state) == 0 && state["busy"] == false && !playing(page).await?,
            "a key reached the player behind the list: {state}"
        );
        ensure!(
            focused_id(page).await? == "shortcuts-close",
            "Tab left the dialog"
        );
        press_focused(page, key::ESCAPE).await?;
        eventually("focus to return to the ? button", || async {
            let closed = page
                .eval("return document.querySelector('#shortcuts') === null;")
                .await?;
            Ok((closed == true && focused_id(page).await? == "shortcuts-btn").then_some(()))
        })
        .await?;
        // Back on the page, keys drive the player again.
        press_focused(page, key::RIGHT).await?;
        settled_at(page, 1).await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_slot_with_timers_is_reached_by_keyboard_and_tells_its_timers() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/spawn_lifecycle").await?;
        let mut state = settled_at(page, 0).await?;
        while state["occupied"].as_array().is_none_or(Vec::is_empty) {
            ensure!(!at_end(&state), "spawn_lifecycle filed no timer");
            state = click_step(page).await?;
        }
        let focusable = page
            .eval("return document.querySelectorAll('#wheel .slot[tabindex=\"0\"]').length;")
            .await?;
        let occupied = state["occupied"].as_array().map_or(0, Vec::len);
        ensure!(
            focusable.as_u64() == Some(occupied as u64),
            "{focusable} slots take focus, {occupied} hold timers"
        );
        page.eval("document.querySelector('#wheel .slot.occupied').focus(); return null;")
            .await?;
        page.wait_for_text("#wheel-detail", "timer ").await?;
        page.eval("document.activeElement.blur(); return null;")
            .await?;
        page.wait_for_text("#wheel-detail", "Hover a slot").await?;
        Ok(())
    })
    .await
}
