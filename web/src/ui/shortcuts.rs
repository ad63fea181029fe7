//! The `?` overlay listing the keyboard shortcuts.
//!
//! It is a modal dialog: opening it moves focus to its Close button (and Tab
//! keeps it there), the player ignores every key but `?` and Esc while it is
//! open (see [`crate::keys::shortcut`]), and closing it gives focus back to
//! whatever had it before. The dialog's code is off the first screen, in
//! `split_shortcuts-<hash>.wasm` behind a [`Door`].

use std::sync::atomic::AtomicBool;

use leptos::html::Button;
use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};
use web_sys::HtmlElement;

use super::context::use_player;
use super::door::{self, Door};
use crate::keys::SHORTCUTS;

/// The dialog's way in.
static DOOR: Door = Door {
    loaded: AtomicBool::new(false),
    fetch: || Box::pin(preload_list()),
    contents: || Box::pin(list()),
    heading: None,
    loading: "Loading the shortcuts…",
    what: "The shortcut list",
};

/// Where focus was when the list opened.
type Opener = StoredValue<Option<HtmlElement>, LocalStorage>;

/// A dialog with the shortcut list, while `player.shortcuts` is set.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let player = use_player();
    let opener: Opener = StoredValue::new_local(None);
    provide_context(opener);
    // On closing, focus goes back where it was.
    Effect::new(move |was_open: Option<bool>| {
        let open = player.shortcuts.get();
        if was_open == Some(true) && !open {
            let before = opener.try_update_value(Option::take).flatten();
            if let Some(element) = before {
                let _ = element.focus();
            }
        }
        open
    });
    view! {
        <Show when=move || player.shortcuts.get()>
            {door::view_behind(&DOOR)}
        </Show>
    }
}

/// The split point: this function and what only it reaches live in
/// `split_shortcuts-<hash>.wasm`.
#[wasm_split(shortcuts, fallible, preload(preload_list))]
fn list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <ShortcutList /> }.into_any())
}

/// The dialog itself: built each time the list opens.
#[component]
fn ShortcutList() -> impl IntoView {
    let player = use_player();
    let opener = expect_context::<Opener>();
    // Built before focus moves in: this is still the element that had it.
    opener.set_value(focused());
    let close = NodeRef::<Button>::new();
    close.on_load(|button| {
        let _ = button.focus();
    });
    // Close is the only control: Tab stays on it instead of leaving the dialog.
    let keep_focus = |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Tab" {
            ev.prevent_default();
        }
    };
    view! {
        <div id="shortcuts" class="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" on:keydown=keep_focus>
            <div class="dialog">
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl>
                    {SHORTCUTS.iter().map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
                <button id="shortcuts-close" node_ref=close on:click=move |_| player.shortcuts.set(false)>"Close"</button>
            </div>
        </div>
    }
}

/// The element with keyboard focus, if any.
fn focused() -> Option<HtmlElement> {
    use wasm_bindgen::JsCast;
    document()
        .active_element()
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
}
