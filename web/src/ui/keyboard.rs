//! Window-wide keyboard shortcuts (see [`crate::keys`]).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::keys::{Action, action_for};
use crate::player::Player;

/// Carry out a shortcut.
pub fn perform(player: Player, action: Action) {
    match action {
        Action::Step => player.step(),
        Action::NextTurn => player.next_turn(),
        Action::Back => player.back(),
        Action::PlayPause => player.toggle_play(),
        Action::Restart => player.restart(),
        Action::Presenter => player.presenter.update(|p| *p = !*p),
        Action::Shortcuts => player.shortcuts.update(|open| *open = !*open),
        Action::Close => player.shortcuts.set(false),
    }
}

/// Listen for shortcuts on the window. Keys typed into a form field stay
/// there, and Space/Enter on a focused button press that button.
pub fn install(player: Player) {
    let handle = window_event_listener(ev::keydown, move |event| {
        if player.scenario.with_untracked(Option::is_none)
            && !matches!(event.key().as_str(), "?" | "Escape" | "f" | "F")
        {
            return;
        }
        let tag = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok())
            .map(|e| e.tag_name())
            .unwrap_or_default();
        let key = event.key();
        if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA") && key != "Escape" {
            return;
        }
        if tag == "BUTTON" && matches!(key.as_str(), " " | "Enter") {
            return;
        }
        let other_modifier = event.ctrl_key() || event.alt_key() || event.meta_key();
        if let Some(action) = action_for(&key, event.shift_key(), other_modifier) {
            event.prevent_default();
            perform(player, action);
        }
    });
    on_cleanup(move || handle.remove());
}
