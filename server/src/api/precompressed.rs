//! The JSON answers the first screen fetches (`/api/scenarios`,
//! `/api/lessons`) never change while the server runs: each is serialised
//! and brotli-compressed once, at start-up, and sent compressed to every
//! client that takes brotli (`Accept-Encoding: br`), as the site's own files
//! are. They count against the first screen's transfer budget.

use std::io::Write as _;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Brotli quality: the best, paid once at start-up.
const QUALITY: u32 = 11;
/// Brotli window (log2 of its bytes): the format's default.
const WINDOW: u32 = 22;

/// One answer, plain and compressed.
pub(crate) struct Precompressed {
    json: Bytes,
    br: Bytes,
}

impl Precompressed {
    /// `value` as JSON, and that JSON compressed.
    pub(crate) fn new<T: Serialize>(value: &T) -> Precompressed {
        // Plain data with string keys: serialising cannot fail.
        let json = serde_json::to_vec(value).unwrap_or_default();
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 4096, QUALITY, WINDOW);
            // Writing to a Vec cannot fail.
            let _ = writer.write_all(&json);
        }
        Precompressed {
            json: Bytes::from(json),
            br: Bytes::from(br),
        }
    }

    /// The answer to a request with `headers`: compressed if it takes brotli.
    pub(crate) fn answer(&self, headers: &HeaderMap) -> Response {
        let json = HeaderValue::from_static("application/json");
        let vary = HeaderValue::from_static("accept-encoding");
        if takes_brotli(headers) {
            let br = HeaderValue::from_static("br");
            (
                [
                    (header::CONTENT_TYPE, json),
                    (header::CONTENT_ENCODING, br),
                    (header::VARY, vary),
                ],
                self.br.clone(),
            )
                .into_response()
        } else {
            (
                [(header::CONTENT_TYPE, json), (header::VARY, vary)],
                self.json.clone(),
            )
                .into_response()
        }
    }
}

/// Whether `Accept-Encoding` offers `br` (with a quality above 0).
fn takes_brotli(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|offer| {
            let mut parts = offer.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused =
                parts.any(|p| p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0");
            coding.eq_ignore_ascii_case("br") && !refused
        })
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).expect("ascii"),
        );
        headers
    }

    #[test]
    fn brotli_only_when_offered() {
        assert!(takes_brotli(&headers("gzip, deflate, br")));
        assert!(takes_brotli(&headers("br;q=0.5")));
        assert!(!takes_brotli(&headers("gzip")));
        assert!(!takes_brotli(&headers("br;q=0")));
        assert!(!takes_brotli(&HeaderMap::new()));
    }

    #[test]
    fn the_compressed_answer_is_the_json() {
        let answer = Precompressed::new(&vec!["tcp_read"; 50]);
        let mut back = Vec::new();
        brotli::Decompressor::new(&answer.br[..], 4096)
            .read_to_end(&mut back)
            .expect("our own brotli");
        assert_eq!(back, answer.json);
        assert!(answer.br.len() < answer.json.len());
    }
}
