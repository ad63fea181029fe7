//! Room codes and presenter keys: the two secrets of a room.
//!
//! ```text
//!  room code      K7QX-2MPD        8 symbols × 5 bits = 40 bits, shown on the projector
//!  presenter key  9f1c…(32 hex)    16 bytes = 128 bits, kept by the presenter's browser
//! ```
//!
//! Both come from the operating system's random source (`getrandom`). The code
//! is public inside a lecture hall, so it only has to make *guessing* a live
//! room from outside impractical: with [`DEFAULT_MAX_ROOMS`] rooms open, one
//! guess hits with odds of 32 in 2^40 (about 3 in 100 billion), and failed
//! guesses are rate-limited per address. The key proves the presenter, so it is
//! long and compared in constant time (`subtle`), giving away nothing through
//! how long a wrong guess takes.
//!
//! [`DEFAULT_MAX_ROOMS`]: super::DEFAULT_MAX_ROOMS

use std::fmt;

use reactor_protocol::frame::{ROOM_CODE_ALPHABET, ROOM_CODE_LEN};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Random bytes behind a code: 5 bytes = 40 bits = 8 symbols of 5 bits.
const CODE_BYTES: usize = ROOM_CODE_LEN * 5 / 8;
/// Bytes of a presenter key: 128 bits.
const KEY_BYTES: usize = 16;

/// A room code, always 8 symbols of [`ROOM_CODE_ALPHABET`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RoomCode([u8; ROOM_CODE_LEN]);

impl RoomCode {
    /// A fresh code from the OS random source.
    pub(crate) fn random() -> Result<RoomCode, getrandom::Error> {
        let mut bytes = [0u8; CODE_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(RoomCode::from_bits(u64::from_be_bytes(pad(bytes))))
    }

    /// The code whose symbols are the 40 low bits of `bits`, 5 at a time.
    fn from_bits(bits: u64) -> RoomCode {
        let mut symbols = [0u8; ROOM_CODE_LEN];
        for (index, symbol) in symbols.iter_mut().enumerate() {
            let shift = 5 * (ROOM_CODE_LEN - 1 - index);
            *symbol = ROOM_CODE_ALPHABET[((bits >> shift) & 0b1_1111) as usize];
        }
        RoomCode(symbols)
    }

    /// Read a code as a person typed it: any case, with dashes or spaces.
    pub(crate) fn parse(input: &str) -> Result<RoomCode, String> {
        let cleaned: Vec<u8> = input
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' '))
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if cleaned.len() != ROOM_CODE_LEN {
            return Err(format!(
                "a room code has {ROOM_CODE_LEN} letters and digits, such as K7QX-2MPD"
            ));
        }
        if let Some(bad) = cleaned.iter().find(|b| !ROOM_CODE_ALPHABET.contains(b)) {
            return Err(format!(
                "{:?} never appears in a room code (codes use 2-9 and A-Z without I and O)",
                char::from(*bad)
            ));
        }
        let mut symbols = [0u8; ROOM_CODE_LEN];
        symbols.copy_from_slice(&cleaned);
        Ok(RoomCode(symbols))
    }

    /// The 8 symbols, without a dash.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for RoomCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RoomCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomCode({})", self.as_str())
    }
}

fn pad(bytes: [u8; CODE_BYTES]) -> [u8; 8] {
    let mut padded = [0u8; 8];
    padded[8 - CODE_BYTES..].copy_from_slice(&bytes);
    padded
}

/// The secret that makes a socket the presenter's. Its `Debug` hides it.
#[derive(Clone)]
pub(crate) struct PresenterKey([u8; KEY_BYTES]);

impl PresenterKey {
    /// A fresh key from the OS random source.
    pub(crate) fn random() -> Result<PresenterKey, getrandom::Error> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(PresenterKey(bytes))
    }

    /// The key as 32 lowercase hex digits, for `POST /api/rooms`.
    pub(crate) fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl fmt::Debug for PresenterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PresenterKey(..)")
    }
}

/// What a room keeps of its presenter key: the key's SHA-256. A server
/// that did not make the key (a room across servers) checks it all the same.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct KeyDigest([u8; DIGEST_BYTES]);

/// Bytes of a SHA-256 digest.
const DIGEST_BYTES: usize = 32;

impl KeyDigest {
    /// The digest of `key`.
    pub(crate) fn of(key: &PresenterKey) -> KeyDigest {
        KeyDigest(Sha256::digest(key.0).into())
    }

    /// A digest written by [`KeyDigest::to_hex`].
    pub(crate) fn from_hex(text: &str) -> Option<KeyDigest> {
        decode_hex(text).map(KeyDigest)
    }

    /// The digest as 64 lowercase hex digits.
    pub(crate) fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Whether `candidate` (hex, as the client sent it) is the key: its
    /// digest is compared in constant time; only a malformed candidate
    /// returns early.
    pub(crate) fn matches(&self, candidate: &str) -> bool {
        match decode_hex::<KEY_BYTES>(candidate) {
            Some(bytes) => {
                let digest: [u8; DIGEST_BYTES] = Sha256::digest(bytes).into();
                bool::from(self.0.ct_eq(&digest))
            }
            None => false,
        }
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyDigest(..)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn decode_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_spell_their_40_bits_with_the_alphabet() {
        assert_eq!(RoomCode::from_bits(0).as_str(), "22222222");
        assert_eq!(RoomCode::from_bits((1 << 40) - 1).as_str(), "ZZZZZZZZ");
        assert_eq!(RoomCode::from_bits(1).as_str(), "22222223");
        assert_eq!(RoomCode::from_bits(32).as_str(), "22222232");
    }

    #[test]
    fn random_codes_differ_and_parse_back() {
        let codes: Vec<RoomCode> = (0..64).map(|_| RoomCode::random().expect("rng")).collect();
        for code in &codes {
            assert_eq!(RoomCode::parse(code.as_str()), Ok(*code));
        }
        let mut distinct = codes.clone();
        distinct.sort_by_key(|code| code.0);
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            codes.len(),
            "64 random 40-bit codes never collide in practice"
        );
    }

    #[test]
    fn typed_codes_are_forgiving_about_case_dashes_and_spaces() {
        let code = RoomCode::parse("K7QX2MPD").expect("valid");
        assert_eq!(RoomCode::parse("k7qx-2mpd"), Ok(code));
        assert_eq!(RoomCode::parse(" K7QX 2MPD "), Ok(code));
    }

    #[test]
    fn bad_codes_say_what_is_wrong() {
        assert!(RoomCode::parse("").unwrap_err().contains("8 letters"));
        assert!(
            RoomCode::parse("K7QX2MP")
                .unwrap_err()
                .contains("8 letters")
        );
        assert!(
            RoomCode::parse("K7QX2MPD9")
                .unwrap_err()
                .contains("8 letters")
        );
        assert!(RoomCode::parse("K7QX2MP0").unwrap_err().contains("'0'"));
        assert!(RoomCode::parse("K7QX2MPÉ").is_err());
        assert!(RoomCode::parse("../../../").is_err());
    }

    #[test]
    fn a_key_matches_only_itself() {
        let key = PresenterKey::random().expect("rng");
        let hex = key.to_hex();
        let digest = KeyDigest::of(&key);
        assert_eq!(hex.len(), 32);
        assert!(digest.matches(&hex));
        assert!(
            digest.matches(&hex.to_uppercase()),
            "hex digits in either case"
        );
        let mut wrong = hex.clone().into_bytes();
        wrong[31] = if wrong[31] == b'0' { b'1' } else { b'0' };
        assert!(!digest.matches(std::str::from_utf8(&wrong).expect("ascii")));
        assert!(!digest.matches(""));
        assert!(!digest.matches(&hex[..30]));
        assert!(!digest.matches(&format!("{hex}00")));
        assert!(!digest.matches(&"zz".repeat(16)));
        assert!(!digest.matches(&"é".repeat(16)));
        assert_eq!(
            format!("{key:?}"),
            "PresenterKey(..)",
            "Debug never prints the key"
        );
    }

    #[test]
    fn a_digest_matches_its_key_only_and_reads_back_from_hex() {
        let key = PresenterKey::random().expect("rng");
        let digest = KeyDigest::of(&key);
        assert!(digest.matches(&key.to_hex()));
        let other = PresenterKey::random().expect("rng");
        assert!(!digest.matches(&other.to_hex()));
        assert!(
            !digest.matches(&digest.to_hex()),
            "the digest is not the key"
        );
        assert_eq!(KeyDigest::from_hex(&digest.to_hex()), Some(digest.clone()));
        assert_eq!(KeyDigest::from_hex(&key.to_hex()), None, "too short");
        assert_eq!(format!("{digest:?}"), "KeyDigest(..)");
    }
}
