//! Keyboard shortcuts, as a pure mapping from a key press to an action.

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Show the next record.
    Step,
    /// Go to the end of the current turn.
    NextTurn,
    /// Show the previous record.
    Back,
    /// Start or stop playing.
    PlayPause,
    /// Back to step 0.
    Restart,
    /// To the last record of the run.
    End,
    /// Toggle presenter mode.
    Presenter,
    /// Show or hide the shortcut list.
    Shortcuts,
    /// Close an open overlay.
    Close,
}

impl Action {
    /// A manual move: it pauses playing first, as a click on the event log
    /// or the scrub bar does, so the learner's move is not overtaken.
    pub fn pauses_playing(self) -> bool {
        matches!(
            self,
            Action::Step | Action::NextTurn | Action::Back | Action::Restart | Action::End
        )
    }

    /// Moves the player or starts it moving: a follower doing this leaves
    /// the presenter to explore on their own.
    pub fn drives_the_player(self) -> bool {
        self.pauses_playing() || self == Action::PlayPause
    }
}

/// What is on screen, as far as shortcuts care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Nothing the player can drive: the home page, or a scenario id the
    /// server does not know.
    NoScenario,
    /// A scenario (or a lesson over one) to step through.
    Scenario,
    /// The shortcut list, open over either: it is modal.
    ShortcutList,
}

/// The shortcut list shown by `?`: keys and what they do.
pub const SHORTCUTS: [(&str, &str); 11] = [
    (
        "→ or Space",
        "step to the next record (Space on a focused button presses it)",
    ),
    ("Shift + →", "next turn of the event loop"),
    ("←", "back one record"),
    ("P", "play / pause"),
    ("Home", "restart from step 0"),
    ("End", "jump to the last record of the run"),
    ("F", "presenter mode"),
    ("N / B", "next / previous stage of a lesson"),
    (
        "1 – 5",
        "answer a lesson's question; in predict mode, guess who acts next and step",
    ),
    ("?", "show these shortcuts"),
    ("Esc", "close this list"),
];

/// The action for `key` (a `KeyboardEvent.key` value), if it is a shortcut.
/// Presses with Ctrl, Alt or Meta belong to the browser.
pub fn action_for(key: &str, shift: bool, other_modifier: bool) -> Option<Action> {
    if other_modifier {
        return None;
    }
    Some(match key {
        "ArrowRight" if shift => Action::NextTurn,
        "ArrowRight" | " " => Action::Step,
        "ArrowLeft" => Action::Back,
        "p" | "P" => Action::PlayPause,
        "Home" => Action::Restart,
        "End" => Action::End,
        "f" | "F" => Action::Presenter,
        "?" => Action::Shortcuts,
        "Escape" => Action::Close,
        _ => return None,
    })
}

/// The answer picked by `key` (a `KeyboardEvent.key`), 0-based: `1` to
/// `5` pick the first to the fifth of a question's choices, or of predict
/// mode's parts. No other shortcut uses a digit; the caller drops presses
/// with a modifier, in a form field or under the shortcut list.
pub fn choice_key(key: &str) -> Option<usize> {
    match key {
        "1" => Some(0),
        "2" => Some(1),
        "3" => Some(2),
        "4" => Some(3),
        "5" => Some(4),
        _ => None,
    }
}

/// What has keyboard focus, as far as shortcuts care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The page itself, or an element that takes no keys of its own.
    Page,
    /// A button (or a link): Space and Enter press it.
    Button,
    /// A form field (a text input, the slider, a select): keys are typing,
    /// or choosing, there.
    Field,
}

/// The action for a key press on `screen`, if it is a shortcut there:
/// [`action_for`], less the keys that belong elsewhere.
///
/// - In a form field keys are typing (or moving the slider, or choosing in
///   a select); only Esc is ours.
/// - On a focused button Space presses it, as everywhere on the web: a
///   learner who tabbed to "◀ Back" and pressed Space goes back.
/// - While the shortcut list is open only `?` and Esc work.
/// - With no scenario to drive only `?`, Esc and F work.
pub fn shortcut(
    key: &str,
    shift: bool,
    other_modifier: bool,
    focus: Focus,
    screen: Screen,
) -> Option<Action> {
    if focus == Focus::Button && key == " " {
        return None;
    }
    let action = action_for(key, shift, other_modifier)?;
    let allowed = match screen {
        _ if focus == Focus::Field => action == Action::Close,
        Screen::ShortcutList => matches!(action, Action::Shortcuts | Action::Close),
        Screen::NoScenario => matches!(
            action,
            Action::Shortcuts | Action::Close | Action::Presenter
        ),
        Screen::Scenario => true,
    };
    allowed.then_some(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_shortcuts() {
        assert_eq!(action_for("ArrowRight", false, false), Some(Action::Step));
        assert_eq!(action_for(" ", false, false), Some(Action::Step));
        assert_eq!(
            action_for("ArrowRight", true, false),
            Some(Action::NextTurn)
        );
        assert_eq!(action_for("ArrowLeft", false, false), Some(Action::Back));
        assert_eq!(action_for("P", true, false), Some(Action::PlayPause));
        assert_eq!(action_for("Home", false, false), Some(Action::Restart));
        assert_eq!(action_for("End", false, false), Some(Action::End));
        assert_eq!(action_for("f", false, false), Some(Action::Presenter));
        assert_eq!(action_for("?", true, false), Some(Action::Shortcuts));
    }

    #[test]
    fn browser_shortcuts_are_left_alone() {
        assert_eq!(action_for("ArrowLeft", false, true), None);
        assert_eq!(action_for("r", false, false), None);
    }

    #[test]
    fn space_steps_on_the_page_and_presses_a_focused_button() {
        let space = |focus| shortcut(" ", false, false, focus, Screen::Scenario);
        assert_eq!(space(Focus::Page), Some(Action::Step));
        assert_eq!(space(Focus::Button), None, "Space presses the button");
        assert_eq!(space(Focus::Field), None, "in a text field or a select");
        assert_eq!(
            shortcut("ArrowRight", false, false, Focus::Button, Screen::Scenario),
            Some(Action::Step),
            "→ steps from a focused button"
        );
    }

    #[test]
    fn step_keys_never_act_in_a_field() {
        for key in ["ArrowRight", "ArrowLeft", " ", "p", "Home", "f", "?"] {
            assert_eq!(
                shortcut(key, false, false, Focus::Field, Screen::Scenario),
                None,
                "{key:?} left the field"
            );
        }
        assert_eq!(
            shortcut("Escape", false, false, Focus::Field, Screen::ShortcutList),
            Some(Action::Close),
            "Esc closes the list from anywhere"
        );
    }

    #[test]
    fn the_open_shortcut_list_keeps_the_player_still() {
        for key in ["ArrowRight", "ArrowLeft", " ", "p", "Home", "f"] {
            assert_eq!(
                shortcut(key, false, false, Focus::Page, Screen::ShortcutList),
                None,
                "{key:?} reached the player behind the list"
            );
        }
        assert_eq!(
            shortcut("?", true, false, Focus::Page, Screen::ShortcutList),
            Some(Action::Shortcuts)
        );
        assert_eq!(
            shortcut("Escape", false, false, Focus::Page, Screen::ShortcutList),
            Some(Action::Close)
        );
    }

    #[test]
    fn nothing_steps_without_a_scenario_to_drive() {
        for key in ["ArrowRight", " ", "p", "Home"] {
            assert_eq!(
                shortcut(key, false, false, Focus::Page, Screen::NoScenario),
                None
            );
        }
        assert_eq!(
            shortcut("f", false, false, Focus::Page, Screen::NoScenario),
            Some(Action::Presenter)
        );
    }

    #[test]
    fn digits_pick_answers_and_nothing_else() {
        assert_eq!(choice_key("1"), Some(0));
        assert_eq!(choice_key("5"), Some(4));
        assert_eq!(choice_key("6"), None, "a question offers five at most");
        assert_eq!(choice_key("0"), None);
        for digit in ["1", "2", "3", "4", "5"] {
            assert_eq!(
                action_for(digit, false, false),
                None,
                "{digit} is no other shortcut"
            );
        }
        assert!(SHORTCUTS.iter().any(|(keys, _)| keys.contains("1 – 5")));
    }

    #[test]
    fn only_moves_and_play_drive_the_player() {
        assert!(Action::Back.drives_the_player());
        assert!(Action::PlayPause.drives_the_player());
        assert!(!Action::Presenter.drives_the_player());
        assert!(!Action::Shortcuts.drives_the_player());
    }

    #[test]
    fn manual_moves_pause_playing() {
        for action in [
            Action::Step,
            Action::NextTurn,
            Action::Back,
            Action::Restart,
            Action::End,
        ] {
            assert!(action.pauses_playing(), "{action:?}");
        }
        for action in [
            Action::PlayPause,
            Action::Presenter,
            Action::Shortcuts,
            Action::Close,
        ] {
            assert!(!action.pauses_playing(), "{action:?}");
        }
    }
}
