//! Which web pages may open a WebSocket here.
//!
//! A browser lets any page open a WebSocket to any server and sends the
//! page's origin along; the server must check it, or a page elsewhere can
//! drive sessions and join rooms with the visitor's address. Every request
//! that asks to upgrade to a WebSocket (`/ws`, `/rooms/{code}/ws`, any route
//! added later) passes [`check`] first:
//!
//! | `Origin` header | answer |
//! |---|---|
//! | none (not a browser: the tests, `websocat`, a load tool) | allowed |
//! | the same host and port as the request's `Host` | allowed (same origin) |
//! | listed with `--allow-origin` (or `*` listed) | allowed |
//! | anything else, `null` included | 403 with a JSON `{"error": …}` |
//!
//! Same origin compares host names without regard to case and takes a
//! missing port as the default of the origin's scheme (80, 443), so a page
//! served through a TLS proxy that keeps the `Host` header passes. A proxy
//! that rewrites `Host` needs the public origin listed with `--allow-origin`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::api;

/// The origins allowed besides the server's own.
#[derive(Clone, Debug, Default)]
pub(crate) struct Origins {
    any: bool,
    listed: Arc<[String]>,
}

impl Origins {
    /// Read `--allow-origin` values: `*`, `null`, or `scheme://host[:port]`.
    ///
    /// # Errors
    /// A message naming a value that is not an origin.
    pub(crate) fn new(allowed: &[String]) -> Result<Origins, String> {
        let mut listed = Vec::new();
        let mut any = false;
        for value in allowed {
            match value.trim() {
                "*" => any = true,
                origin => listed.push(normalize(origin).ok_or_else(|| {
                    format!(
                        "--allow-origin {value:?} is not an origin: write it as a browser \
                         sends it, such as https://lab.example.org or http://localhost:8080"
                    )
                })?),
            }
        }
        Ok(Origins {
            any,
            listed: listed.into(),
        })
    }

    /// Whether a page from `origin` may open a WebSocket on a request for `host`.
    fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        if self.any {
            return true;
        }
        let Some(origin) = normalize(origin) else {
            return false;
        };
        self.listed.contains(&origin) || host.is_some_and(|host| same_origin(&origin, host))
    }
}

/// Refuse a WebSocket upgrade from a page whose origin is not allowed.
pub(crate) async fn check(
    State(origins): State<Origins>,
    request: Request,
    next: Next,
) -> Response {
    if !asks_for_websocket(request.headers()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let Some(origin) = headers.get(header::ORIGIN) else {
        return next.run(request).await;
    };
    let origin = origin.to_str().unwrap_or("");
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    if origins.allows(origin, host) {
        return next.run(request).await;
    }
    tracing::info!(origin, "refusing a WebSocket from another origin");
    api::error(
        StatusCode::FORBIDDEN,
        format!(
            "a page from {origin:?} may not open a WebSocket here: only this server's own \
             pages (and origins it was started with --allow-origin) may"
        ),
    )
}

/// Whether the request asks to become a WebSocket.
fn asks_for_websocket(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::UPGRADE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim().eq_ignore_ascii_case("websocket"))
}

/// `origin` as `scheme://host:port` in lower case with the port spelled
/// out, or `null`; `None` if it is neither.
fn normalize(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/');
    if origin.eq_ignore_ascii_case("null") {
        return Some("null".to_owned());
    }
    let uri: Uri = origin.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    if uri
        .path_and_query()
        .is_some_and(|path| path.as_str() != "/")
        || authority.as_str().contains('@')
    {
        return None;
    }
    let port = authority.port_u16().or(default_port(&scheme))?;
    Some(format!(
        "{scheme}://{}:{port}",
        authority.host().to_ascii_lowercase()
    ))
}

/// The port a scheme means when none is written.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// Whether `origin` (normalized) names the server the request for `host` reached.
fn same_origin(origin: &str, host: &str) -> bool {
    let Some((scheme, _)) = origin.split_once("://") else {
        return false;
    };
    normalize(&format!("{scheme}://{host}")).is_some_and(|own| own == origin)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn origins(allowed: &[&str]) -> Origins {
        let allowed: Vec<String> = allowed.iter().map(|origin| (*origin).to_owned()).collect();
        Origins::new(&allowed).expect("valid origins")
    }

    #[test]
    fn the_servers_own_pages_are_allowed_and_others_are_not() {
        let none = origins(&[]);
        let host = Some("127.0.0.1:3000");
        assert!(none.allows("http://127.0.0.1:3000", host));
        assert!(none.allows("HTTP://127.0.0.1:3000/", host));
        assert!(!none.allows("http://evil.example", host));
        assert!(!none.allows("http://127.0.0.1:3001", host));
        assert!(
            !none.allows("http://localhost:3000", host),
            "another origin"
        );
        assert!(!none.allows("null", host));
        assert!(!none.allows("", host));
        assert!(!none.allows("http://127.0.0.1:3000", None));
        // Behind a TLS proxy that keeps Host: the default port on both sides.
        assert!(none.allows("https://Lab.Example.org", Some("lab.example.org")));
        assert!(!none.allows("https://lab.example.org", Some("lab.example.org:8080")));
    }

    #[test]
    fn listed_origins_and_star_are_allowed() {
        let listed = origins(&["https://lab.example.org", "http://localhost:8080/"]);
        let host = Some("10.0.0.5:3000");
        assert!(listed.allows("https://lab.example.org", host));
        assert!(listed.allows("https://lab.example.org:443", host));
        assert!(listed.allows("http://LOCALHOST:8080", host));
        assert!(
            !listed.allows("http://lab.example.org", host),
            "scheme differs"
        );
        assert!(!listed.allows("https://evil.example", host));
        assert!(origins(&["*"]).allows("https://evil.example", host));
        assert!(origins(&["null"]).allows("null", host));
    }

    #[test]
    fn a_flag_that_is_not_an_origin_is_named() {
        for bad in [
            "lab.example.org",
            "https://lab.example.org/path",
            "ftp://x",
            "",
        ] {
            let error = Origins::new(&[bad.to_owned()]).expect_err(bad);
            assert!(error.contains("is not an origin"), "{error}");
        }
    }

    #[test]
    fn only_websocket_upgrades_are_checked() {
        let mut headers = HeaderMap::new();
        assert!(!asks_for_websocket(&headers));
        headers.insert(header::UPGRADE, HeaderValue::from_static("h2c"));
        assert!(!asks_for_websocket(&headers));
        headers.insert(header::UPGRADE, HeaderValue::from_static("WebSocket"));
        assert!(asks_for_websocket(&headers));
    }
}
