//! The replay page's state, shared by its views.

use leptos::prelude::*;

/// Whether the replay page is open (the `/replay` route), and the name of
/// the file played.
#[derive(Clone, Copy)]
pub struct ReplayPage {
    /// The page is open.
    pub open: RwSignal<bool>,
    /// The file played, by name.
    pub file_name: RwSignal<Option<String>>,
}

impl ReplayPage {
    /// Provide the state to every view.
    pub fn provide() {
        provide_context(ReplayPage {
            open: RwSignal::new(false),
            file_name: RwSignal::new(None),
        });
    }
}

thread_local! {
    /// A file dropped on the app, until the replay page takes it.
    static DROPPED: std::cell::Cell<Option<web_sys::File>> = const { std::cell::Cell::new(None) };
}

/// Keep a file dropped on the app for the replay page.
pub(super) fn drop_file(file: web_sys::File) {
    DROPPED.set(Some(file));
}

/// The file dropped on the app, if the replay page has not taken it yet.
pub(super) fn take_dropped() -> Option<web_sys::File> {
    DROPPED.take()
}
