//! Where the app's data comes from: a `reactor-lab` server, or files on a
//! static host (`cargo xtask export-static`).
//!
//! A static export marks its `index.html` with
//! `<meta name="reactor-lab-site" content="static">`; the app then reads
//! every answer from a file written in place of its API route, and hides
//! what needs a server (classroom rooms, the playground).

use std::sync::OnceLock;

/// The `<meta>` name a static export sets.
pub const META_NAME: &str = "reactor-lab-site";
/// Its value on a static export.
pub const STATIC: &str = "static";

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

/// The URL of scenario `id`'s trace file (round-robin): the server's
/// `/api/trace/{id}?format=jsonl`, or its copy in a static export.
pub fn trace_file_url(id: &str) -> String {
    if is_static() {
        format!("/api/trace/{id}.jsonl")
    } else {
        format!("/api/trace/{id}?format=jsonl")
    }
}
