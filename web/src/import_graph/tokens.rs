//! Rust source as tokens, as far as the import graph needs: comments left
//! out, string and char literals kept whole so nothing inside them looks
//! like a path.

/// A token of Rust source, as far as paths need.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    /// A word: a name or a keyword.
    Ident(String),
    /// A string literal's text (a `#[path = ".."]` needs it).
    Str(String),
    /// `::`.
    PathSep,
    /// Any other symbol; numbers and white space are left out.
    Punct(char),
}

/// The tokens of `text` with their line numbers, comments left out.
pub(super) fn tokens(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                loop {
                    match (at(i), at(i + 1)) {
                        ('/', '*') => (depth, i) = (depth + 1, i + 2),
                        ('*', '/') => (depth, i) = (depth - 1, i + 2),
                        ('\0', _) => break,
                        (ch, _) => (line, i) = (line + usize::from(ch == '\n'), i + 1),
                    }
                    if depth == 0 {
                        break;
                    }
                }
                continue;
            }
            'r' if at(i + 1) == '#' || at(i + 1) == '"' => {
                let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                if at(i + 1 + hashes) == '"' {
                    let start = i + 2 + hashes;
                    let close: String = std::iter::once('"')
                        .chain("#".repeat(hashes).chars())
                        .collect();
                    let mut end = start;
                    while end < chars.len()
                        && !chars[end..].starts_with(&close.chars().collect::<Vec<_>>())
                    {
                        end += 1;
                    }
                    let body: String = chars[start..end].iter().collect();
                    line += body.matches('\n').count();
                    out.push((Token::Str(body), line));
                    i = end + close.len();
                    continue;
                }
                out.push((Token::Ident("r".into()), line));
            }
            '"' => {
                let mut end = i + 1;
                while end < chars.len() && chars[end] != '"' {
                    end += if chars[end] == '\\' { 2 } else { 1 };
                }
                let body: String = chars[i + 1..end.min(chars.len())].iter().collect();
                out.push((Token::Str(body.clone()), line));
                line += body.matches('\n').count();
                i = end + 1;
                continue;
            }
            // A char literal ('x', '\n', '\''); otherwise a lifetime's quote.
            '\'' if at(i + 1) == '\\' || at(i + 2) == '\'' => {
                i += if at(i + 1) == '\\' { 3 } else { 1 };
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
            }
            ':' if at(i + 1) == ':' => {
                out.push((Token::PathSep, line));
                i += 2;
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Token::Ident(chars[start..i].iter().collect()), line));
                continue;
            }
            c if c.is_whitespace() || c.is_numeric() => {}
            c => out.push((Token::Punct(c), line)),
        }
        i += 1;
    }
    out
}
