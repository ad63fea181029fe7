//! Share links: a program and its peer description carried in the address,
//! deflated (`miniz_oxide`) and written in base64url (`base64`), so
//! `/playground?code=<…>` opens the same program in any browser.
//!
//! ```text
//!  peer ␀ program ─▶ deflate (level 9) ─▶ base64url, no padding ─▶ ?code=…
//! ```
//!
//! Only the playground's split module reaches this file, so neither crate
//! weighs on the first screen.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The longest `code=` a link may carry, in characters: addresses much
/// longer than this are cut by some browsers, chat apps and servers.
pub const MAX_CODE_CHARS: usize = 6_000;

/// The most text a link may unpack to (program and peer): the
/// playground's own limit on a program is 16 KiB.
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// What goes between the peer description and the program.
const SEPARATOR: char = '\0';

/// The `code=` value for `program` and `peer`, or why there is none.
pub fn encode(program: &str, peer: &str) -> Result<String, String> {
    let text = format!("{peer}{SEPARATOR}{program}");
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    let code = URL_SAFE_NO_PAD.encode(packed);
    if code.len() > MAX_CODE_CHARS {
        return Err(format!(
            "This program is too long for a link: it packs to {} characters, and a link holds {MAX_CODE_CHARS}. Shorten it, or copy the text itself.",
            code.len()
        ));
    }
    Ok(code)
}

/// The program and peer description a `code=` value carries, or a
/// sentence saying why the link cannot be read.
pub fn decode(code: &str) -> Result<(String, String), String> {
    const BROKEN: &str = "This share link is damaged (cut short or changed), so its program cannot be read: ask for the link again.";
    if code.len() > MAX_CODE_CHARS {
        return Err(format!(
            "This share link is longer than the {MAX_CODE_CHARS} characters a link may carry, so it was not opened."
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(code.trim())
        .map_err(|_| BROKEN.to_string())?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_TEXT_BYTES)
        .map_err(|_| BROKEN.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| BROKEN.to_string())?;
    let (peer, program) = text.split_once(SEPARATOR).ok_or(BROKEN)?;
    Ok((program.to_string(), peer.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAM: &str = "#[tokio::main]\nasync fn main() {\n    println!(\"héllo\");\n}\n";

    #[test]
    fn a_link_gives_back_the_same_program_and_peer() {
        let code = encode(PROGRAM, "at 0 ms connect").expect("fits");
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            decode(&code),
            Ok((PROGRAM.to_string(), "at 0 ms connect".to_string()))
        );
        assert_eq!(
            decode(&encode("", "").expect("fits")),
            Ok((String::new(), String::new()))
        );
    }

    #[test]
    fn a_damaged_or_oversized_link_is_a_sentence() {
        let code = encode(PROGRAM, "").expect("fits");
        for bad in [&code[..code.len() / 2], "!!!", "", "AAAA"] {
            let said = decode(bad).expect_err(bad);
            assert!(said.contains("damaged"), "{said}");
        }
        assert!(decode(&"A".repeat(MAX_CODE_CHARS + 1)).is_err());
        // Text that does not compress: too long for a link, said so.
        let mut seed = 0x2545_f491_u32;
        let noise: String = (0..40_000)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                char::from(b'!' + (seed % 90) as u8)
            })
            .collect();
        let said = encode(&noise, "").expect_err("too long");
        assert!(said.contains("too long for a link"), "{said}");
    }
}
