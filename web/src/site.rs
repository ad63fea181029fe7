//! Where the app's data comes from: a `reactor-lab` server, or files on a
//! static host (`cargo xtask export-static`).
//!
//! A static export marks its `index.html` with
//! `<meta name="reactor-lab-site" content="static">`; the app then reads
//! every answer from the file written in place of its API route
//! ([`api_url`], names from [`reactor_protocol::static_site`]), and hides
//! or explains what needs a server: classroom rooms, the playground, other
//! interleavings of a multi-thread run.

use std::sync::OnceLock;

use reactor_protocol::static_site;
pub use reactor_protocol::static_site::{META_NAME, STATIC};

/// What the app says in place of `feature` (such as "The playground") on a
/// static site.
pub fn needs_server(feature: &str) -> String {
    format!("{feature} needs a Reactor Lab server; this copy of the app is a static site.")
}

/// Whether the app runs from a static export, with no server behind it.
pub fn is_static() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let selector = format!("meta[name=\"{META_NAME}\"]");
        leptos::prelude::document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .is_some_and(|content| content == STATIC)
    })
}

/// The URL to `GET` for the API route `route` (such as `/api/lessons`): the
/// route itself, or its file in a static export.
pub fn api_url(route: &str) -> String {
    if is_static() {
        static_site::answer_file(route)
    } else {
        route.to_string()
    }
}
