//! The web app when things go wrong, in real headless Chromium: the server
//! goes away and comes back, or answers with an `error` frame. Helpers and
//! conventions as in `browser_web.rs`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Result, ensure};
use reactor_e2e::{TestServer, eventually, with_browser};
use web_support::{click_step, open, panels_html, settled_at};

#[tokio::test]
async fn a_lost_server_shows_a_banner_and_the_learner_returns_to_the_same_step() -> Result<()> {
    // `with_browser` borrows `harness` for the whole test; the page itself
    // talks to `victim`, which the test stops and starts again on its port.
    let harness = TestServer::start().await?;
    let victim = TestServer::start().await?;
    let addr = victim.addr();
    with_browser(&harness, async move |page| {
        page.client
            .goto(&format!("{}/scenario/tcp_read?step=5", victim.http_url()))
            .await?;
        page.wait_for("#connection[data-state='connected']").await?;
        settled_at(page, 5).await?;
        let before = panels_html(page).await?;
        victim.shutdown().await?;
        page.wait_for("#offline-banner").await?;
        page.wait_for("#connection[data-state='disconnected']")
            .await?;
        let _restarted = TestServer::start_with(|config| config.addr = addr).await?;
        page.wait_for("#connection[data-state='connected']").await?;
        settled_at(page, 5).await?;
        ensure!(
            panels_html(page).await? == before,
            "step 5 changed across the reconnect"
        );
        let state = click_step(page).await?;
        ensure!(
            state["kind"].is_string(),
            "cannot step after reconnecting: {state}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_server_error_frame_is_shown_not_swallowed() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/no_such_scenario").await?;
        let text = page
            .wait_for_text("#error-banner", "no_such_scenario")
            .await?;
        ensure!(text.contains("no_such_scenario"), "{text}");
        page.wait_for("#error-dismiss").await?.click().await?;
        eventually("the banner to go", || async {
            Ok(page
                .eval("return document.querySelector('#error-banner') === null")
                .await?
                .as_bool()
                .filter(|gone| *gone))
        })
        .await?;
        Ok(())
    })
    .await
}
