//! Banners for a lost connection and for server `error` frames.

use leptos::prelude::*;

use super::context::use_player;
use crate::player::Connection;

/// Both banners; each shows only when it has something to say.
#[component]
pub fn Banners() -> impl IntoView {
    let player = use_player();
    // A static site has no connection to lose.
    let live = !crate::site::is_static();
    // Nor has a replay of a file: no server answers it.
    let offline =
        move || live && !player.from_file.get() && player.connection.get() != Connection::Connected;
    let message = move || match player.connection.get() {
        Connection::Connecting => "Connecting to the server…".to_string(),
        _ => format!(
            "The connection to the server was lost. Reconnecting — you will be back at step {}.",
            player.position.get()
        ),
    };
    view! {
        <Show when=offline>
            <div id="offline-banner" class="banner offline" role="status" data-state=move || player.connection.get().id()>
                {message}
            </div>
        </Show>
        <Show when=move || player.error.with(Option::is_some)>
            <div id="error-banner" class="banner error" role="alert">
                <span id="error-text">{move || player.error.get().unwrap_or_default()}</span>
                <button id="error-dismiss" on:click=move |_| player.error.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
