//! The layout in a real headless Chromium, measured as a person would see it.
//!
//! - Presenter mode on a 1280×720 projector: at every stage of every lesson
//!   the server lists, the diagram, the narration and what the stage points
//!   at are inside the viewport and not covered by anything else, the
//!   diagram's text renders at 20 px or more and the wheel's slots are at
//!   least 14 px wide; a scenario keeps the same floors; a room's code and
//!   link are big and leave the screen to the run.
//! - On a 1440×900 screen, outside presenter mode, what a stage points at is
//!   scrolled into view.
//! - A 390×844 phone never scrolls sideways: home, a scenario, a lesson and a
//!   follower of a room.
//! - A log row under the pointer reads out its record as its own step did.
//!
//! Every page measured is also saved as a screenshot (`target/screenshots/`).

mod layout_support;
#[allow(dead_code)] // each test binary uses a part of the helpers
mod web_support;

use anyhow::{Context, Result, ensure};
use layout_support::{
    MIN_DIAGRAM_TEXT_PX, MIN_WHEEL_SLOT_PX, at_stage, lessons, measure_until, projector_fits,
    sideways_overflow,
};
use reactor_e2e::{TestServer, with_browser};
use web_support::{open, press};

#[tokio::test]
async fn presenter_mode_fits_every_lesson_stage_on_a_projector() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    with_browser(&server, async |page| {
        page.set_viewport(1280, 720).await?;
        let mut problems = Vec::new();
        let mut wheels_measured = 0;
        for (id, stages) in &lessons {
            open(page, &format!("/lesson/{id}?stage=1")).await?;
            at_stage(page, id, 1).await?;
            press(page, "f").await?;
            page.wait_for("#app[data-presenter='true']").await?;
            for (index, targets) in stages.iter().enumerate() {
                let number = index + 1;
                if number > 1 {
                    page.wait_for("#lesson-next").await?.click().await?;
                }
                at_stage(page, id, number).await?;
                let measured = measure_until(page, targets, projector_fits).await?;
                page.screenshot(&format!("layout-projector-{id}-stage-{number}"))
                    .await?;
                let at = format!("{id} stage {number} ({targets:?})");
                if !projector_fits(&measured) {
                    problems.push(format!("{at}: not all on screen: {measured}"));
                }
                match measured["smallestFont"].as_f64() {
                    Some(px) if px >= MIN_DIAGRAM_TEXT_PX => {}
                    other => problems.push(format!("{at}: diagram text renders at {other:?} px")),
                }
                if targets.iter().any(|t| t == "wheel") {
                    wheels_measured += 1;
                    match measured["narrowestSlot"].as_f64() {
                        Some(px) if px >= MIN_WHEEL_SLOT_PX => {}
                        other => problems.push(format!("{at}: wheel slots {other:?} px wide")),
                    }
                }
            }
        }
        ensure!(
            wheels_measured > 0,
            "no lesson stage points at the wheel: its slots were never measured"
        );
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn presenter_mode_on_a_scenario_keeps_the_floors() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        page.set_viewport(1280, 720).await?;
        // spawn_lifecycle with its one-second sleep filed in the wheel.
        open(page, "/scenario/spawn_lifecycle?step=12").await?;
        page.wait_for("#position[data-step='12'][data-busy='false']")
            .await?;
        press(page, "f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        let measured = measure_until(page, &[], |m| m["diagram"] == true).await?;
        page.screenshot("layout-projector-scenario").await?;
        ensure!(
            measured["diagram"] == true,
            "the diagram on screen: {measured}"
        );
        ensure!(
            measured["smallestFont"]
                .as_f64()
                .is_some_and(|px| px >= MIN_DIAGRAM_TEXT_PX),
            "diagram text at {MIN_DIAGRAM_TEXT_PX} px or more: {measured}"
        );
        ensure!(
            measured["narrowestSlot"]
                .as_f64()
                .is_some_and(|px| px >= MIN_WHEEL_SLOT_PX),
            "wheel slots {MIN_WHEEL_SLOT_PX} px wide or more: {measured}"
        );
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn what_a_stage_points_at_is_scrolled_into_view() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    with_browser(&server, async |page| {
        let mut problems = Vec::new();
        for (id, stages) in &lessons {
            // A laptop and a projector without presenter mode; the other
            // lessons at 1440×900 only, to keep the run short.
            let sizes: &[(u32, u32)] = if id == &lessons[0].0 {
                &[(1440, 900), (1280, 720)]
            } else {
                &[(1440, 900)]
            };
            for &(width, height) in sizes {
            page.set_viewport(width, height).await?;
            open(page, &format!("/lesson/{id}?stage=1")).await?;
            for (index, targets) in stages.iter().enumerate() {
                let number = index + 1;
                if number > 1 {
                    // The reader had scrolled to the bottom (the log); the
                    // narration stays in reach, sticky at the top.
                    page.eval("window.scrollTo(0, document.documentElement.scrollHeight); return true;")
                        .await?;
                    page.wait_for("#lesson-next").await?.click().await?;
                }
                at_stage(page, id, number).await?;
                let measured = measure_until(page, targets, |m| {
                    m["outside"].as_array().is_some_and(Vec::is_empty)
                })
                .await?;
                if measured["outside"].as_array().is_none_or(|o| !o.is_empty()) {
                    page.screenshot(&format!("layout-desktop-{id}-stage-{number}-{width}"))
                        .await?;
                    problems.push(format!(
                        "{id} stage {number} at {width}×{height}: off screen: {}",
                        measured["outside"]
                    ));
                }
            }
            }
        }
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_room_on_a_projector_shows_its_code_big_and_leaves_the_screen_to_the_run() -> Result<()> {
    let server = TestServer::start().await?;
    // The tallest thing a stage can point at: the first stage that shows the wheel.
    let (id, number, targets) = lessons(&server)
        .await?
        .into_iter()
        .find_map(|(id, stages)| {
            let index = stages.iter().position(|t| t.iter().any(|t| t == "wheel"))?;
            Some((id, index + 1, stages[index].clone()))
        })
        .context("no lesson stage points at the wheel")?;
    with_browser(&server, async |page| {
        page.set_viewport(1280, 720).await?;
        open(page, &format!("/lesson/{id}?stage={number}")).await?;
        at_stage(page, &id, number).await?;
        page.wait_for("#present-btn").await?.click().await?;
        page.wait_for("#room-code[data-code]").await?;
        press(page, "f").await?;
        page.wait_for("#app[data-presenter='true']").await?;
        let fits = measure_until(page, &targets, projector_fits).await?;
        ensure!(
            projector_fits(&fits),
            "{id} stage {number} ({targets:?}) in a room: not all on screen: {fits}"
        );
        let measured = page
            .eval(
                "const px = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
                 const box = (s) => document.querySelector(s).getBoundingClientRect();
                 const on = (s) => { const b = box(s); return b.width > 0 && b.left >= 0 && b.right <= innerWidth && b.bottom <= innerHeight; };
                 return { code: px('#room-code'), link: px('#room-link'), bar: box('#room-bar').bottom,
                          shown: on('#room-code') && on('#room-link') && on('#diagram') && on('#lesson') };",
            )
            .await?;
        page.screenshot("layout-projector-room").await?;
        ensure!(measured["shown"] == true, "code, link, diagram, narration on screen: {measured}");
        ensure!(
            measured["code"].as_f64().is_some_and(|px| px >= 32.0)
                && measured["link"].as_f64().is_some_and(|px| px >= 20.0),
            "the code at 32 px or more, the link at 20: {measured}"
        );
        ensure!(
            measured["bar"].as_f64().is_some_and(|bottom| bottom <= 720.0 / 3.0),
            "the header and the room bar take at most a third of the screen: {measured}"
        );
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_log_row_under_the_pointer_reads_out_its_record_as_its_own_step_did() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |page| {
        open(page, "/scenario/tcp_read?step=12").await?;
        page.wait_for("#position[data-step='12'][data-busy='false']")
            .await?;
        page.wait_for("#log .log-row[data-seq='3']")
            .await?
            .click()
            .await?;
        page.wait_for("#position[data-step='4'][data-busy='false']")
            .await?;
        let said = page.wait_for("#explanation").await?.text().await?;
        // Back at step 12, row 3 under the pointer reads out what step 4 said.
        page.open("/scenario/tcp_read?step=12").await?;
        page.wait_for("#position[data-step='12'][data-busy='false']")
            .await?;
        // The pointer comes to rest on row 3 (the log listens for the
        // `mouseover` a pointer sends, bubbling up from the row).
        page.eval(
            "document.querySelector(\"#log .log-row[data-seq='3']\")
               .dispatchEvent(new MouseEvent('mouseover', { bubbles: true })); return true;",
        )
        .await?;
        let detail = page.wait_for_text("#log-detail", "#3 · turn").await?;
        page.screenshot("layout-log-detail").await?;
        ensure!(
            detail.contains(&said),
            "the row's sentence {detail:?} is the one its step showed: {said:?}"
        );
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_phone_never_scrolls_sideways() -> Result<()> {
    let server = TestServer::start().await?;
    let lessons = lessons(&server).await?;
    let (lesson, _) = &lessons[0];
    with_browser(&server, async |page| {
        page.set_viewport(390, 844).await?;
        let pages = [
            ("home", "/".to_string(), "#lessons"),
            ("scenario", "/scenario/tcp_read?step=12".into(), "#diagram"),
            (
                "lesson",
                format!("/lesson/{lesson}?stage=2"),
                "#lesson-text",
            ),
        ];
        let mut problems = Vec::new();
        for (name, path, ready) in pages {
            page.open(&path).await?;
            page.wait_for(ready).await?;
            if name != "home" {
                page.wait_for("#position[data-busy='false']").await?;
            }
            page.screenshot(&format!("layout-phone-{name}")).await?;
            let overflow = sideways_overflow(page).await?;
            if overflow > 0 {
                problems.push(format!("{name} ({path}) is {overflow} px too wide"));
            }
        }
        ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
    .await?;
    server.shutdown().await
}

#[tokio::test]
async fn a_follower_on_a_phone_sees_the_class_on_its_first_screen() -> Result<()> {
    let server = TestServer::start().await?;
    with_browser(&server, async |presenter| {
        open(presenter, "/scenario/tcp_read").await?;
        presenter.wait_for("#present-btn").await?.click().await?;
        let code = presenter
            .wait_for("#room-code[data-code]")
            .await?
            .attr("data-code")
            .await?
            .context("the room's code")?;
        for _ in 0..6 {
            presenter.wait_for("#step-btn").await?.click().await?;
        }
        presenter.wait_for("#position[data-step='6']").await?;
        with_browser(&server, async |follower| {
            follower.set_viewport(390, 844).await?;
            follower.open(&format!("/join/{code}")).await?;
            follower.wait_for("#room-bar[data-role='follower']").await?;
            follower.wait_for("#position[data-step='6']").await?;
            follower.screenshot("layout-phone-follower").await?;
            let overflow = sideways_overflow(follower).await?;
            ensure!(
                overflow <= 0,
                "the follower's page is {overflow} px too wide"
            );
            // What a student needs is there, on the phone's width.
            let shown = follower
                .eval(
                    "const w = window.innerWidth, h = window.innerHeight;
                     window.scrollTo(0, 0);
                     return ['#diagram', '#explanation', '#explore-btn'].map((s) => {
                       const r = document.querySelector(s)?.getBoundingClientRect();
                       return !!r && r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w
                         && r.bottom <= h;
                     });",
                )
                .await?;
            ensure!(
                shown == serde_json::json!([true, true, true]),
                "diagram, narration, explore button on the phone's first screen: {shown}"
            );
            Ok(())
        })
        .await
    })
    .await?;
    server.shutdown().await
}
