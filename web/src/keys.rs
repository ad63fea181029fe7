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
            Action::Step | Action::NextTurn | Action::Back | Action::Restart
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
pub const SHORTCUTS: [(&str, &str); 9] = [
    ("→ or Space", "step to the next record"),
    ("Shift + →", "next turn of the event loop"),
    ("←", "back one record"),
    ("P", "play / pause"),
    ("Home", "restart from step 0"),
    ("F", "presenter mode"),
    ("N / B", "next / previous stage of a lesson"),
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
        "f" | "F" => Action::Presenter,
        "?" => Action::Shortcuts,
        "Escape" => Action::Close,
        _ => return None,
    })
}

/// The action for a key press on `screen`, if it is a shortcut there:
/// [`action_for`], less the keys that belong elsewhere.
///
/// - In a form field (`in_field`: a text input or a select) keys are typing;
///   only Esc is ours.
/// - Everywhere else Space steps, even on a focused button: a learner who
///   clicked "◀ Back" expects Space to go on stepping (Enter still presses
///   the button).
/// - While the shortcut list is open only `?` and Esc work.
/// - With no scenario to drive only `?`, Esc and F work.
pub fn shortcut(
    key: &str,
    shift: bool,
    other_modifier: bool,
    in_field: bool,
    screen: Screen,
) -> Option<Action> {
    let action = action_for(key, shift, other_modifier)?;
    let allowed = match screen {
        _ if in_field => action == Action::Close,
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
        assert_eq!(action_for("f", false, false), Some(Action::Presenter));
        assert_eq!(action_for("?", true, false), Some(Action::Shortcuts));
    }

    #[test]
    fn browser_shortcuts_are_left_alone() {
        assert_eq!(action_for("ArrowLeft", false, true), None);
        assert_eq!(action_for("r", false, false), None);
    }

    #[test]
    fn space_steps_unless_typing() {
        let space = |in_field| shortcut(" ", false, false, in_field, Screen::Scenario);
        assert_eq!(space(false), Some(Action::Step), "on the page or a button");
        assert_eq!(space(true), None, "in a text field or a select");
        assert_eq!(
            shortcut("Escape", false, false, true, Screen::ShortcutList),
            Some(Action::Close),
            "Esc closes the list from anywhere"
        );
        assert_eq!(shortcut("?", true, false, true, Screen::Scenario), None);
    }

    #[test]
    fn the_open_shortcut_list_keeps_the_player_still() {
        for key in ["ArrowRight", "ArrowLeft", " ", "p", "Home", "f"] {
            assert_eq!(
                shortcut(key, false, false, false, Screen::ShortcutList),
                None,
                "{key:?} reached the player behind the list"
            );
        }
        assert_eq!(
            shortcut("?", true, false, false, Screen::ShortcutList),
            Some(Action::Shortcuts)
        );
        assert_eq!(
            shortcut("Escape", false, false, false, Screen::ShortcutList),
            Some(Action::Close)
        );
    }

    #[test]
    fn nothing_steps_without_a_scenario_to_drive() {
        for key in ["ArrowRight", " ", "p", "Home"] {
            assert_eq!(shortcut(key, false, false, false, Screen::NoScenario), None);
        }
        assert_eq!(
            shortcut("f", false, false, false, Screen::NoScenario),
            Some(Action::Presenter)
        );
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
