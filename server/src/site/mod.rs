//! The built web app: every file of the site folder, held in memory.
//!
//! `cargo xtask build-web` writes a handful of files whose names carry a hash
//! of their contents (`reactor_web-<16 hex>_bg.wasm`, `style-<16 hex>.css`, ...)
//! plus `index.html`, which names them. That shape decides how each is served:
//!
//! | request                            | answer                                         |
//! |------------------------------------|------------------------------------------------|
//! | a hashed asset                     | the file, `Cache-Control: immutable`, 1 year   |
//! | `/`, `/index.html`, other files    | the file, `Cache-Control: no-cache` (+ ETag)   |
//! | a client route (`/scenario/x`)     | `index.html`, so deep links open the app       |
//! | a missing file (has an extension)  | 404                                            |
//! | anything under `/api/`             | 404 with a JSON error (real routes come first) |
//!
//! Why in memory, compressed lazily, instead of a compression middleware: the
//! site is a few files that never change while the server runs, so each is
//! compressed once (brotli at quality 11, gzip at level 9: the best ratios,
//! far too slow to redo per request) and then served from memory with an exact
//! `Content-Length` and an ETag per representation. Nothing is compressed until
//! someone asks (tests start many servers and fetch few files), and nothing is
//! written into the site folder, which may be read-only in a deployment.

mod encoding;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use tokio::sync::OnceCell;

use encoding::Encoding;

/// Cache header for assets whose name changes whenever their content does.
const CACHE_HASHED: &str = "public, max-age=31536000, immutable";
/// Cache header for everything else: the browser revalidates with the ETag.
const CACHE_REVALIDATE: &str = "no-cache";
/// Below this size compression gains less than a TCP packet; serve as is.
const MIN_COMPRESS_BYTES: usize = 1024;
/// Hex digits of the content hash `xtask` puts in asset names.
const NAME_HASH_DIGITS: usize = 16;

/// One file of the site.
struct Asset {
    body: Bytes,
    content_type: &'static str,
    cache_control: &'static str,
    /// Hash of the content, the base of every representation's ETag.
    hash: u64,
    /// Filled in the background once a client asks for brotli.
    brotli: OnceLock<Bytes>,
    /// Set by the first request for brotli, so only one compression starts.
    brotli_started: AtomicBool,
    /// Filled by the first request for gzip.
    gzip: OnceCell<Bytes>,
}

/// The whole site, keyed by URL path (`/index.html`, `/style-....css`).
pub(crate) struct Site {
    assets: HashMap<String, Arc<Asset>>,
}

impl Site {
    /// Read every file under `dir`. Fails if `dir` has no `index.html`.
    pub(crate) fn load(dir: &Path) -> Result<Site, String> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "no web app at {} (build it with `cargo xtask build-web`, or pass --site)",
                dir.display()
            ));
        }
        let mut assets = HashMap::new();
        read_tree(dir, "", &mut assets)
            .map_err(|error| format!("cannot read the site at {}: {error}", dir.display()))?;
        Ok(Site { assets })
    }

    /// The route that serves the site; used as the router's fallback.
    pub(crate) fn into_service(self) -> MethodRouter {
        get(serve).with_state(Arc::new(self))
    }
}

fn read_tree(
    dir: &Path,
    prefix: &str,
    assets: &mut HashMap<String, Arc<Asset>>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let url = format!("{prefix}/{name}");
        let path = entry.path();
        if path.is_dir() {
            read_tree(&path, &url, assets)?;
        } else {
            let body = Bytes::from(std::fs::read(&path)?);
            let cache_control = if is_hashed_name(&name) {
                CACHE_HASHED
            } else {
                CACHE_REVALIDATE
            };
            let asset = Asset {
                hash: fnv1a(&body),
                body,
                content_type: content_type(&name),
                cache_control,
                brotli: OnceLock::new(),
                brotli_started: AtomicBool::new(false),
                gzip: OnceCell::new(),
            };
            assets.insert(url, Arc::new(asset));
        }
    }
    Ok(())
}

/// Serve one GET (or HEAD; axum drops the body) below the routes.
async fn serve(State(site): State<Arc<Site>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return crate::api::no_such_route(path);
    }
    let path = if path == "/" { "/index.html" } else { path };
    let asset = match site.assets.get(path) {
        Some(asset) => asset,
        None if looks_like_a_file(path) => {
            return (
                StatusCode::NOT_FOUND,
                format!("no file {path} in the web app\n"),
            )
                .into_response();
        }
        None => match site.assets.get("/index.html") {
            Some(index) => index,
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    respond(asset, &headers).await
}

/// The best representation of `asset` this request accepts.
async fn respond(asset: &Arc<Asset>, request: &HeaderMap) -> Response {
    let compressible =
        is_compressible(asset.content_type) && asset.body.len() >= MIN_COMPRESS_BYTES;
    let wanted = match request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        Some(accept) if compressible => Encoding::negotiate(accept),
        _ => Encoding::Identity,
    };
    let (encoding, body) = encoded(asset, wanted).await;
    let etag = match encoding.header_value() {
        Some(coding) => format!("\"{:016x}-{coding}\"", asset.hash),
        None => format!("\"{:016x}\"", asset.hash),
    };

    let mut response = if if_none_match(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(asset.cache_control),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    if compressible {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if let Some(coding) = encoding.header_value() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

/// `asset` in `wanted` or the next best encoding that is ready.
///
/// Gzip is made on first use while the request waits (tens of milliseconds).
/// Brotli at quality 11 takes seconds on a wasm file, so no request waits for
/// it: the first one starts it in the background and is answered with gzip,
/// and requests after it finished get brotli. Compression that does not make
/// the body smaller is not used.
async fn encoded(asset: &Arc<Asset>, wanted: Encoding) -> (Encoding, Bytes) {
    if wanted == Encoding::Brotli {
        if let Some(brotli) = asset.brotli.get() {
            return smaller(asset, Encoding::Brotli, brotli);
        }
        start_brotli(asset);
    }
    if wanted == Encoding::Identity {
        return (Encoding::Identity, asset.body.clone());
    }
    let gzip = asset
        .gzip
        .get_or_init(|| {
            let raw = asset.body.clone();
            async move {
                let squeezed = tokio::task::spawn_blocking(move || Encoding::Gzip.compress(&raw));
                squeezed.await.map(Bytes::from).unwrap_or_default()
            }
        })
        .await;
    smaller(asset, Encoding::Gzip, gzip)
}

/// Compress `asset` with brotli on a blocking thread, once.
fn start_brotli(asset: &Arc<Asset>) {
    if asset.brotli_started.swap(true, Ordering::AcqRel) {
        return;
    }
    let asset = Arc::clone(asset);
    tokio::task::spawn_blocking(move || {
        let _ = asset
            .brotli
            .set(Bytes::from(Encoding::Brotli.compress(&asset.body)));
    });
}

/// The compressed form if it is non-empty and smaller, else the original.
fn smaller(asset: &Asset, encoding: Encoding, compressed: &Bytes) -> (Encoding, Bytes) {
    if compressed.is_empty() || compressed.len() >= asset.body.len() {
        (Encoding::Identity, asset.body.clone())
    } else {
        (encoding, compressed.clone())
    }
}

fn if_none_match(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag
        })
}

/// Whether the last path segment has an extension, as files do and client routes don't.
fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'))
}

/// `stem-<16 hex digits>` followed by `.` or `_`, as `xtask` names assets.
fn is_hashed_name(name: &str) -> bool {
    name.match_indices('-').any(|(dash, _)| {
        let rest = &name[dash + 1..];
        rest.len() > NAME_HASH_DIGITS
            && rest[..NAME_HASH_DIGITS]
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
            && matches!(rest.as_bytes()[NAME_HASH_DIGITS], b'.' | b'_')
    })
}

fn content_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || matches!(
            content_type,
            "application/wasm" | "application/json" | "image/svg+xml"
        )
}

/// 64-bit FNV-1a: a stable, dependency-free content hash for ETags.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_name("reactor_web-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_name("reactor_web-0123456789abcdef.js"));
        assert!(is_hashed_name("style-fedcba9876543210.css"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("style-123.css"));
        assert!(!is_hashed_name("style-0123456789abcdefg.css"));
        assert!(!is_hashed_name("favicon.ico"));
    }

    #[test]
    fn client_routes_are_not_files() {
        assert!(!looks_like_a_file("/scenario/tcp_read"));
        assert!(!looks_like_a_file("/lesson/tcp-read"));
        assert!(looks_like_a_file("/missing-0123456789abcdef.js"));
        assert!(looks_like_a_file("/favicon.ico"));
    }

    #[test]
    fn types_the_browser_insists_on() {
        assert_eq!(content_type("app_bg.wasm"), "application/wasm");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert!(is_compressible(content_type("app_bg.wasm")));
        assert!(!is_compressible(content_type("logo.png")));
    }

    #[test]
    fn etag_matching_accepts_lists_and_weak_forms() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(if_none_match(&headers, "\"b\""));
        assert!(!if_none_match(&headers, "\"c\""));
    }
}
