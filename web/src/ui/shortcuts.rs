//! The `?` overlay listing the keyboard shortcuts.

use leptos::prelude::*;

use super::use_player;
use crate::keys::SHORTCUTS;

/// A dialog with the shortcut list.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let player = use_player();
    view! {
        <Show when=move || player.shortcuts.get()>
            <div id="shortcuts" class="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
                <div class="dialog">
                    <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                    <dl>
                        {SHORTCUTS.iter().map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                    </dl>
                    <button id="shortcuts-close" on:click=move |_| player.shortcuts.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}
