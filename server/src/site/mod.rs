//! The built web app, served from its folder by tower-http's `ServeDir`.
//!
//! `cargo xtask build-web` writes a handful of files whose names carry a hash
//! of their contents (`reactor_web-<16 hex>.js`, `reactor_web_bg-<16 hex>.wasm`,
//! `style-<16 hex>.css`, the loader `__wasm_split-<16 hex>.js` and the views
//! fetched on demand, `split_<view>-<16 hex>.wasm`), `index.html`, which
//! names the first screen's, and beside each a brotli (`.br`) and a gzip
//! (`.gz`) copy. That shape decides how each is
//! served:
//!
//! | request                            | answer                                                   |
//! |------------------------------------|----------------------------------------------------------|
//! | a hashed asset                     | the file, `Cache-Control: public, max-age=31536000, immutable` |
//! | `/`, `/index.html`, other files    | the file, `Cache-Control: no-cache` (revalidated)        |
//! | a client route (`/scenario/x`)     | `index.html` (`no-cache`), so deep links open the app    |
//! | a missing file (has an extension)  | 404                                                      |
//! | anything under `/api/`             | 404 with a JSON error (real routes come first)           |
//!
//! What `ServeDir` does for us, per request:
//!
//! - **Encoding.** With `precompressed_br()` and `precompressed_gzip()` it
//!   reads `Accept-Encoding` (q-values included) and opens `<file>.br` or
//!   `<file>.gz` when the client takes it and the copy exists, else the file
//!   itself: a site built without the copies is served uncompressed, not
//!   refused. Every `200` carries `Vary: Accept-Encoding`, and its body is the
//!   copy as the build wrote it, byte for byte, from the first request on.
//! - **Types** from the extension (`application/wasm` for the wasm, which
//!   streaming compilation requires; `text/javascript`, `text/css`, `text/html`).
//! - **Revalidation.** `Last-Modified` and an `ETag` (size and modification
//!   time of the file sent, so each encoding has its own) on every file, and
//!   `304 Not Modified` for a matching `If-None-Match` or `If-Modified-Since`.
//!   `HEAD` and byte ranges too.
//!
//! What is ours: which cache policy a file gets ([`cache_control`], a layer
//! around `ServeDir`) and what a path that is no file means ([`not_a_file`],
//! `ServeDir`'s fallback). Nothing is compressed, held in memory or written
//! while the server runs; the folder may be read-only.

use std::path::Path;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Cache header for assets whose name changes whenever their content does.
const CACHE_HASHED: &str = "public, max-age=31536000, immutable";
/// Cache header for everything else: the browser revalidates before each use.
const CACHE_REVALIDATE: &str = "no-cache";
/// Hex digits of the content hash `xtask` puts in asset names.
const NAME_HASH_DIGITS: usize = 16;

/// The service that answers every request no route took: the app in `dir`.
///
/// # Errors
/// A message for a person when `dir` holds no `index.html`.
pub(crate) fn service(dir: &Path) -> Result<Router, String> {
    let index = dir.join("index.html");
    if !index.is_file() {
        return Err(format!(
            "no web app at {} (build it with `cargo xtask build-web`, or pass --site)",
            dir.display()
        ));
    }
    let index = ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(get(not_a_file).with_state(index));
    Ok(Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )))
}

/// A path with no file behind it: the API's JSON 404 under `/api`, a plain
/// 404 for what looks like a file, else `index.html` (a client route).
async fn not_a_file(State(index): State<ServeFile>, request: Request) -> Response {
    let path = request.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return crate::api::no_such_route(path);
    }
    if looks_like_a_file(path) {
        return (
            StatusCode::NOT_FOUND,
            format!("no file {path} in the web app\n"),
        )
            .into_response();
    }
    let Ok(response) = index.oneshot(request).await;
    response.into_response()
}

/// Add the cache policy to every file answer (`200`, `206`, `304`); errors get none.
async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let policy = if hashed {
            CACHE_HASHED
        } else {
            CACHE_REVALIDATE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Whether the last path segment has an extension, as files do and client routes don't.
fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'))
}

/// Whether `path` names a file `xtask` hashed: `stem-<16 hex digits>` followed
/// by `.` or `_` in a segment with an extension. Client routes have none, so a
/// route that merely looks hashed still gets `index.html` with `no-cache`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    looks_like_a_file(name)
        && name.match_indices('-').any(|(dash, _)| {
            let rest = &name[dash + 1..];
            rest.len() > NAME_HASH_DIGITS
                && rest[..NAME_HASH_DIGITS]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit())
                && matches!(rest.as_bytes()[NAME_HASH_DIGITS], b'.' | b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_asset("/reactor_web_bg-0123456789abcdef.wasm"));
        assert!(is_hashed_asset("/reactor_web-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/reactor_web-0123456789abcdef.js"));
        assert!(is_hashed_asset("/style-fedcba9876543210.css"));
        assert!(is_hashed_asset("/__wasm_split-0123456789abcdef.js"));
        assert!(is_hashed_asset("/split_workbench-0123456789abcdef.wasm"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/style-123.css"));
        assert!(!is_hashed_asset("/style-0123456789abcdefg.css"));
        assert!(!is_hashed_asset("/lesson/x-0123456789abcdef_y"));
    }

    #[test]
    fn client_routes_are_not_files() {
        assert!(!looks_like_a_file("/scenario/tcp_read"));
        assert!(!looks_like_a_file("/lesson/tcp-read"));
        assert!(!looks_like_a_file("/join/K7QX2MPD"));
        assert!(looks_like_a_file("/missing-0123456789abcdef.js"));
        assert!(looks_like_a_file("/favicon.ico"));
    }
}
