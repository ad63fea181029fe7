//! Whether the playground page is open, and with what: the main module's
//! part of the page (routing and the header read it).

use leptos::prelude::*;

/// What `/playground` was opened with.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Opening {
    /// `?example=<id>`: an example's program.
    pub example: Option<String>,
    /// `?code=<…>`: a share link's packed program.
    pub code: Option<String>,
}

/// Whether the playground page is open, and with what (a context).
#[derive(Clone, Copy)]
pub struct PlaygroundPage {
    /// `Some` while `/playground` is the page.
    pub open: RwSignal<Option<Opening>>,
}

impl PlaygroundPage {
    /// Provide the page's state to the app, closed.
    pub fn provide() {
        provide_context(PlaygroundPage {
            open: RwSignal::new(None),
        });
    }

    /// Leave the playground (no-op when it is not open).
    pub fn close(self) {
        if self.open.get_untracked().is_some() {
            self.open.set(None);
        }
    }
}
