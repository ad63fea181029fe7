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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_shortcuts() {
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
}
