//! The web app when things go wrong, in real headless Chromium: the server
//! goes away and comes back, answers with an `error` frame, or cannot give
//! the scenario view's module. Helpers and conventions as in `browser_web.rs`.

#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
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

/// A copy of the built site in a fresh folder, for a test that breaks it.
fn copy_of_site(name: &str) -> Result<PathBuf> {
    let copy = std::env::temp_dir().join(format!("reactor-lab-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy)?;
    for entry in std::fs::read_dir(reactor_e2e::server::site_dir()?)? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, copy.join(path.file_name().context("a file name")?))?;
        }
    }
    Ok(copy)
}

/// Move the files of the modules split off the first screen (`split_*`,
/// their `.br` and `.gz` too) from `from` to `to`.
fn move_split_modules(from: &Path, to: &Path) -> Result<usize> {
    let mut moved = 0;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let name = path.file_name().context("a file name")?.to_owned();
        if name.to_string_lossy().starts_with("split_") {
            std::fs::rename(&path, to.join(name))?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The scenario view is a module of its own (the first screen does not
/// need it). When it cannot be fetched — the network, or a server updated
/// since the page was opened — the page says so and keeps its heading and
/// connection; once the module is back, "Try again" opens the scenario.
#[tokio::test]
async fn a_scenario_view_that_cannot_load_says_so_and_loads_on_try_again() -> Result<()> {
    let site = copy_of_site("site-without-workbench")?;
    let aside = site.join("aside");
    std::fs::create_dir_all(&aside)?;
    ensure!(
        move_split_modules(&site, &aside)? > 0,
        "the built site has no split module"
    );
    let server = TestServer::start_with(|config| config.site = site.clone()).await?;
    let outcome = with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read").await?;
        let alert = page
            .wait_for_text(".load-failed[role='alert']", "could not be loaded")
            .await?;
        ensure!(alert.contains("Try again"), "{alert}");
        page.wait_for("#page-title").await?;
        page.wait_for("#connection[data-state='connected']").await?;
        ensure!(
            page.eval("return document.querySelector('#position') === null")
                .await?
                .as_bool()
                == Some(true),
            "the controls are shown without their module"
        );

        move_split_modules(&aside, &site)?;
        page.wait_for(".load-failed button").await?.click().await?;
        settled_at(page, 0).await?;
        let state = click_step(page).await?;
        ensure!(
            state["kind"].is_string(),
            "cannot step after the retry: {state}"
        );
        Ok(())
    })
    .await;
    let _ = std::fs::remove_dir_all(&site);
    outcome
}
