//! `GET /api/source/{*path}`: the engine's own source, so the browser can show
//! the lines that produced a record.
//!
//! The files are embedded at compile time by `server/build.rs`; the lookup is an
//! exact match against that list, so `..`, absolute paths and anything outside
//! `engine/src/` cannot name a file and answer 404.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `(path relative to the workspace, file text)`, sorted by path.
static ENGINE_SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/engine_sources.rs"));

/// The text of an embedded engine file, such as `engine/src/lib.rs`.
pub(crate) fn lookup(path: &str) -> Option<&'static str> {
    ENGINE_SOURCES
        .binary_search_by(|(file, _)| (*file).cmp(path))
        .ok()
        .map(|index| ENGINE_SOURCES[index].1)
}

/// Every embedded engine file: its path and its text.
pub(crate) fn all() -> &'static [(&'static str, &'static str)] {
    ENGINE_SOURCES
}

/// `GET /api/source`: the paths that can be asked for.
pub(crate) async fn list() -> axum::Json<Vec<&'static str>> {
    axum::Json(ENGINE_SOURCES.iter().map(|(file, _)| *file).collect())
}

/// `GET /api/source/{*path}`.
pub(crate) async fn file(Path(path): Path<String>) -> Response {
    match lookup(&path) {
        Some(text) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            text,
        )
            .into_response(),
        None => super::error(
            StatusCode::NOT_FOUND,
            format!("no engine source file `{path}`: only files under engine/src/ are served"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_crate_root_is_embedded_and_sorted() {
        assert_eq!(
            lookup("engine/src/lib.rs"),
            Some(include_str!("../../../engine/src/lib.rs"))
        );
        assert!(ENGINE_SOURCES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn nothing_outside_engine_src_can_be_named() {
        for path in [
            "../Cargo.toml",
            "engine/src/../../Cargo.toml",
            "/etc/passwd",
            "engine/Cargo.toml",
            "server/src/lib.rs",
            "",
        ] {
            assert_eq!(lookup(path), None, "{path}");
        }
    }
}
