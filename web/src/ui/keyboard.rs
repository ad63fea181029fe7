//! Window-wide keyboard shortcuts (see [`crate::keys`]).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::context::{Scenarios, drivable};
use crate::keys::{Action, Focus, Screen, shortcut};
use crate::player::Player;
use crate::room::Classroom;

/// Carry out a shortcut, or the button that does the same. A manual move
/// pauses playing first (see [`Action::pauses_playing`]); a follower who
/// drives the player leaves the presenter to explore on their own, as the
/// "Explore on my own" button does, instead of drifting until the
/// presenter's next step pulls them back.
pub fn perform(player: Player, classroom: Option<Classroom>, action: Action) {
    if action.pauses_playing() {
        take_over(player, classroom);
    } else if action.drives_the_player()
        && let Some(classroom) = classroom
    {
        classroom.explore();
    }
    match action {
        Action::Step => player.step(),
        Action::NextTurn => player.next_turn(),
        Action::Back => player.back(),
        Action::PlayPause => player.toggle_play(),
        Action::Restart => player.restart(),
        Action::End => player.end(),
        Action::Presenter => player.presenter.update(|p| *p = !*p),
        Action::Shortcuts => player.shortcuts.update(|open| *open = !*open),
        Action::Close => player.shortcuts.set(false),
    }
}

/// Before a manual move (a step, a jump to a log record, the scrub bar):
/// stop playing, and if following a presenter, explore on our own.
pub fn take_over(player: Player, classroom: Option<Classroom>) {
    if let Some(classroom) = classroom {
        classroom.explore(); // only acts while following
    }
    player.pause();
}

/// Listen for shortcuts on the window. Keys typed into a form field stay
/// there; Space on a focused button presses it (see [`shortcut`]).
pub fn install(player: Player) {
    let classroom = use_context::<Classroom>();
    let scenarios = expect_context::<Scenarios>();
    let handle = window_event_listener(ev::keydown, move |event| {
        let focus = focus_of(&event);
        let screen = if player.shortcuts.get_untracked() {
            Screen::ShortcutList
        } else if drivable(player, scenarios) {
            Screen::Scenario
        } else {
            Screen::NoScenario
        };
        let other_modifier = event.ctrl_key() || event.alt_key() || event.meta_key();
        let key = event.key();
        if let Some(action) = shortcut(&key, event.shift_key(), other_modifier, focus, screen) {
            // Also keeps Space from scrolling the page.
            event.prevent_default();
            perform(player, classroom, action);
        }
    });
    on_cleanup(move || handle.remove());
}

/// What the key press went to: a form field, a button or link, or the page.
fn focus_of(event: &web_sys::KeyboardEvent) -> Focus {
    if typing_in_field(event) {
        return Focus::Field;
    }
    let on_button = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| {
            matches!(e.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
                || e.get_attribute("role").as_deref() == Some("button")
        });
    if on_button {
        Focus::Button
    } else {
        Focus::Page
    }
}

/// The key press went to a form field (a text input, the slider, a select):
/// it is typing there, not a shortcut.
pub fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}
