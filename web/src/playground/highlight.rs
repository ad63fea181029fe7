//! A tiny Rust tokenizer for the editor's colouring: enough to tell
//! keywords, strings, numbers, comments, macros and lifetimes from the
//! rest, never a parser. Every byte of the text lands in exactly one
//! token, so the coloured copy lines up with the `<textarea>` above it.
//!
//! ```text
//!  "let n = s.read(&mut b).await; // ok"
//!   ├─┘ ├┘   ├──┘      ├─┘ ├───┘  ├───┘
//!   kw  plain …        kw  kw     comment
//! ```

/// What a run of text is, as far as colouring goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Anything else: names, punctuation, spaces.
    Plain,
    /// A keyword (`let`, `async`, `await`, …).
    Keyword,
    /// A string, byte string or character literal.
    Str,
    /// A number literal.
    Number,
    /// A line or block comment.
    Comment,
    /// A macro's name with its `!` (`println!`).
    Macro,
    /// A lifetime (`'static`).
    Lifetime,
    /// An attribute (`#[tokio::main]`).
    Attribute,
}

impl Class {
    /// The CSS class of a token of this kind (`None` for plain text).
    pub fn css(self) -> Option<&'static str> {
        match self {
            Class::Plain => None,
            Class::Keyword => Some("tok-kw"),
            Class::Str => Some("tok-str"),
            Class::Number => Some("tok-num"),
            Class::Comment => Some("tok-com"),
            Class::Macro => Some("tok-mac"),
            Class::Lifetime => Some("tok-life"),
            Class::Attribute => Some("tok-attr"),
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while",
];

/// `text` cut into classified runs that, joined, give `text` back.
/// Adjacent runs of one class are merged.
pub fn tokens(text: &str) -> Vec<(Class, &str)> {
    let mut runs: Vec<(Class, usize, usize)> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let (class, end) = token_at(text, at);
        // Always forward, and never inside a character.
        let end = (end.max(at + 1).min(text.len())..=text.len())
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(text.len());
        match runs.last_mut() {
            Some((last, _, run_end)) if *last == class => *run_end = end,
            _ => runs.push((class, at, end)),
        }
        at = end;
    }
    runs.into_iter()
        .map(|(class, start, end)| (class, &text[start..end]))
        .collect()
}

/// The class of the token starting at byte `at`, and where it ends.
fn token_at(text: &str, at: usize) -> (Class, usize) {
    let bytes = text.as_bytes();
    let rest = &text[at..];
    let b = bytes[at];
    let ident = |from: usize| {
        (from..bytes.len())
            .find(|&i| !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80))
            .unwrap_or(bytes.len())
    };
    if rest.starts_with("//") {
        return (
            Class::Comment,
            rest.find('\n').map_or(text.len(), |n| at + n),
        );
    }
    if let Some(body) = rest.strip_prefix("/*") {
        return (
            Class::Comment,
            body.find("*/").map_or(text.len(), |n| at + 2 + n + 2),
        );
    }
    if rest.starts_with("#[") || rest.starts_with("#![") {
        return (
            Class::Attribute,
            rest.find(']').map_or(text.len(), |n| at + n + 1),
        );
    }
    if b == b'"' || rest.starts_with("b\"") {
        let open = if b == b'"' { at + 1 } else { at + 2 };
        return (Class::Str, string_end(bytes, open));
    }
    if b == b'\'' {
        // A character literal ('a', '\n') or a lifetime ('static).
        let close = match bytes.get(at + 1) {
            Some(b'\\') => bytes[at + 2..]
                .iter()
                .position(|&c| c == b'\'')
                .map(|n| at + 2 + n),
            Some(_) => {
                let next = (at + 2..bytes.len()).find(|&e| text.is_char_boundary(e));
                next.filter(|&e| bytes.get(e) == Some(&b'\''))
            }
            None => None,
        };
        return match close {
            Some(close) => (Class::Str, close + 1),
            None => (Class::Lifetime, ident(at + 1)),
        };
    }
    if b.is_ascii_digit() {
        let end = (at..bytes.len())
            .find(|&i| !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_'))
            .unwrap_or(bytes.len());
        return (Class::Number, end);
    }
    if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
        let end = ident(at);
        let word = &text[at..end];
        if bytes.get(end) == Some(&b'!') && bytes.get(end + 1) != Some(&b'=') {
            return (Class::Macro, end + 1);
        }
        let class = if KEYWORDS.contains(&word) {
            Class::Keyword
        } else {
            Class::Plain
        };
        return (class, end);
    }
    (Class::Plain, at + 1)
}

/// The end of a string whose text starts at `from` (after its quote).
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end (in characters, exclusive) of the word at 1-based `column` of
/// `line`: where a wavy underline stops. At least one character.
pub fn word_end(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let run = match chars.get(start) {
        // A number runs on through its point and fraction (`7.5`).
        Some(c) if c.is_ascii_digit() => chars[start..]
            .iter()
            .take_while(|c| word(c) || **c == '.')
            .count(),
        Some(c) if word(c) => chars[start..].iter().take_while(|c| word(c)).count(),
        _ => 1,
    };
    start + run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(Class, String)> {
        tokens(text)
            .into_iter()
            .filter(|(_, piece)| !piece.trim().is_empty())
            .map(|(c, piece)| (c, piece.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_byte_is_in_one_token() {
        for text in [
            "let x = \"a\\\"b\"; // é\n'a' 'static 0u8 b\"hi\" /* x */ println!(\"{}\", y)",
            "\"unterminated",
            "/* open",
            "'",
            "é'",
            "x != y",
        ] {
            let joined: String = tokens(text).iter().map(|(_, p)| *p).collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn each_kind_is_told_apart() {
        use Class::*;
        let got = classes("#[tokio::main]\nasync fn main() { println!(\"hi {}\", 42); }");
        assert!(
            got.contains(&(Attribute, "#[tokio::main]".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&(Keyword, "async fn".into())) || got.contains(&(Keyword, "async".into())),
            "{got:?}"
        );
        assert!(got.contains(&(Macro, "println!".into())), "{got:?}");
        assert!(got.contains(&(Str, "\"hi {}\"".into())), "{got:?}");
        assert!(got.contains(&(Number, "42".into())), "{got:?}");
        let got = classes("fn f<'a>(x: &'a str) -> char { 'x' } // done");
        assert!(got.contains(&(Lifetime, "'a".into())), "{got:?}");
        assert!(got.contains(&(Str, "'x'".into())), "{got:?}");
        assert!(got.contains(&(Comment, "// done".into())), "{got:?}");
        assert!(!got.iter().any(|(c, p)| *c == Keyword && p == "main"));
        assert_eq!(classes("x != y"), [(Plain, "x != y".to_string())]);
    }

    #[test]
    fn an_underline_spans_the_word_at_the_column() {
        assert_eq!(word_end("    let x = foo(1);", 13), 15);
        assert_eq!(word_end("    x;", 6), 6);
        assert_eq!(word_end("", 1), 1);
        assert_eq!(word_end("é_é x", 1), 3);
        assert_eq!(word_end("f(7.5))", 3), 5);
    }
}
