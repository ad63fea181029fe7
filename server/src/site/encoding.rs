//! Content negotiation and the two compressors.
//!
//! Brotli is preferred when the client accepts it: on the app's wasm it is
//! roughly a fifth smaller than gzip. Each asset is compressed at most once per
//! encoding, at the strongest setting, so the cost is paid by the first request
//! and never again (see `super::Asset`).

use std::io::Write as _;

/// A representation of an asset's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `br`.
    Brotli,
    /// `gzip`.
    Gzip,
    /// As stored.
    Identity,
}

/// Brotli quality 11 is its strongest; fine for assets compressed once.
const BROTLI_QUALITY: u32 = 11;
/// Brotli window: 2^22 bytes (4 MiB), enough to see a whole wasm file.
const BROTLI_WINDOW_BITS: u32 = 22;
/// Brotli's internal buffer, its documented typical value.
const BROTLI_BUFFER: usize = 4096;

impl Encoding {
    /// The `Content-Encoding` value, `None` for identity.
    pub(crate) fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }

    /// Pick the best encoding an `Accept-Encoding` header allows.
    ///
    /// Codings with `q=0` are refused; `*` stands for any coding not named.
    pub(crate) fn negotiate(accept_encoding: &str) -> Encoding {
        let mut brotli = None;
        let mut gzip = None;
        let mut any = None;
        for item in accept_encoding.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let accepted = parts.all(|param| {
                let param = param.trim();
                let Some(q) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                else {
                    return true;
                };
                q.trim().parse::<f32>().is_ok_and(|q| q > 0.0)
            });
            match name.as_str() {
                "br" => brotli = Some(accepted),
                "gzip" | "x-gzip" => gzip = Some(accepted),
                "*" => any = Some(accepted),
                _ => {}
            }
        }
        let allowed = |named: Option<bool>| named.or(any).unwrap_or(false);
        if allowed(brotli) {
            Encoding::Brotli
        } else if allowed(gzip) {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// `body` in this encoding.
    pub(crate) fn compress(self, body: &[u8]) -> Vec<u8> {
        match self {
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(body.len() / 3);
                let mut writer = brotli::CompressorWriter::new(
                    &mut out,
                    BROTLI_BUFFER,
                    BROTLI_QUALITY,
                    BROTLI_WINDOW_BITS,
                );
                // Writing into a Vec cannot fail.
                let _ = writer.write_all(body);
                drop(writer);
                out
            }
            Encoding::Gzip => {
                let out = Vec::with_capacity(body.len() / 3);
                let mut writer = flate2::write::GzEncoder::new(out, flate2::Compression::best());
                let _ = writer.write_all(body);
                writer.finish().unwrap_or_default()
            }
            Encoding::Identity => body.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn negotiation_prefers_brotli_then_gzip() {
        assert_eq!(
            Encoding::negotiate("gzip, deflate, br, zstd"),
            Encoding::Brotli
        );
        assert_eq!(Encoding::negotiate("gzip, deflate"), Encoding::Gzip);
        assert_eq!(Encoding::negotiate("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(Encoding::negotiate("identity"), Encoding::Identity);
        assert_eq!(Encoding::negotiate(""), Encoding::Identity);
        assert_eq!(Encoding::negotiate("*"), Encoding::Brotli);
        assert_eq!(Encoding::negotiate("br;q=0, *"), Encoding::Gzip);
        assert_eq!(Encoding::negotiate("GZIP ; Q=1"), Encoding::Gzip);
        assert_eq!(Encoding::negotiate("gzip;q=nonsense"), Encoding::Identity);
    }

    #[test]
    fn both_compressors_round_trip() {
        let body = "the reactor waits, the executor polls. "
            .repeat(200)
            .into_bytes();

        let gzip = Encoding::Gzip.compress(&body);
        assert!(gzip.len() < body.len() / 10);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);

        let brotli = Encoding::Brotli.compress(&body);
        assert!(brotli.len() < body.len() / 10);
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);
    }
}
