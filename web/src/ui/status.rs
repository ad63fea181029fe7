//! The virtual clock, the park state, and the tasks' console output.

use leptos::prelude::*;

use super::use_player;

/// Time, turn and whether the driver is parked (with its timeout).
#[component]
pub fn Clock() -> impl IntoView {
    let player = use_player();
    // The current record says when it happened; the snapshot is taken after its action.
    let time = move || match player.current.with(|r| r.as_ref().map(|r| r.time_ms)) {
        Some(ms) => ms,
        None => player.state.with(|s| s.as_ref().map_or(0, |s| s.time_ms)),
    };
    let turn = move || match player.current.with(|r| r.as_ref().map(|r| r.turn)) {
        Some(turn) => turn,
        None => player.state.with(|s| s.as_ref().map_or(0, |s| s.turn)),
    };
    let parked = move || player.park.get();
    let timeout = move || parked().and_then(|p| p.timeout_ms).map(|ms| ms.to_string());
    let park_text = move || match parked() {
        None => "running (not parked)".to_string(),
        Some(park) => match park.timeout_ms {
            Some(ms) => format!("parked in the OS, timeout {ms} ms"),
            None => "parked in the OS, no timeout (I/O only)".to_string(),
        },
    };
    view! {
        <div class="panel clock">
            <h2>"Clock"</h2>
            <p id="clock" data-time=move || time().to_string() data-turn=move || turn().to_string()>
                <span class="big">{move || format!("{} ms", time())}</span>
                {move || format!(" · turn {}", turn())}
            </p>
            <p id="park" data-parked=move || parked().is_some().to_string() data-timeout=timeout>
                {park_text}
            </p>
        </div>
    }
}

/// Lines the tasks printed.
#[component]
pub fn Console() -> impl IntoView {
    let player = use_player();
    let lines = move || {
        player
            .state
            .with(|s| s.as_ref().map(|s| s.console.clone()).unwrap_or_default())
    };
    view! {
        <div class="panel console-panel">
            <h2>"Console"</h2>
            <pre id="console" aria-label="Console output of the tasks">
                {move || lines().into_iter().map(|line| view! { <div class="line">{line}</div> }).collect_view()}
            </pre>
        </div>
    }
}
