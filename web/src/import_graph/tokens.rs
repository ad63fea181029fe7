//! Rust source as tokens, as far as the import graph needs, read by
//! `proc-macro2`'s tokenizer: comments are gone (doc comments become
//! `#[doc = ".."]` attributes), and every literal is one token, so nothing
//! inside a string or a doc looks like a path.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// A token and the line it starts on.
pub(super) type Tok = (Token, usize);

/// A token of Rust source, as far as paths need.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    /// A word: a name or a keyword.
    Ident(String),
    /// A string literal's text between its quotes (a `#[path = ".."]`
    /// needs it); other literals are left out.
    Str(String),
    /// `::`.
    PathSep,
    /// Any other symbol.
    Punct(char),
    /// `( .. )`, `[ .. ]` or `{ .. }`, with the tokens inside.
    Group(Delimiter, Vec<Tok>),
}

/// The tokens of `text` (the file `name`), groups kept as groups.
pub(super) fn tokens(text: &str, name: &str) -> Vec<Tok> {
    let stream: TokenStream = text
        .parse()
        .unwrap_or_else(|e| panic!("{name} does not tokenize: {e}"));
    read(stream)
}

/// `stream`'s trees as tokens, `::` joined.
fn read(stream: TokenStream) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut joint_colon = false;
    for tree in stream {
        let line = tree.span().start().line;
        let token = match tree {
            TokenTree::Ident(ident) => Token::Ident(ident.to_string()),
            TokenTree::Literal(literal) => match string(&literal.to_string()) {
                Some(text) => Token::Str(text.to_string()),
                None => continue,
            },
            TokenTree::Punct(punct) if punct.as_char() == ':' && joint_colon => {
                joint_colon = false;
                if let Some(last) = out.last_mut() {
                    *last = (Token::PathSep, line);
                }
                continue;
            }
            TokenTree::Punct(punct) => {
                joint_colon = punct.as_char() == ':' && punct.spacing() == Spacing::Joint;
                out.push((Token::Punct(punct.as_char()), line));
                continue;
            }
            TokenTree::Group(group) => Token::Group(group.delimiter(), read(group.stream())),
        };
        joint_colon = false;
        out.push((token, line));
    }
    out
}

/// The text of a string literal's source (`"a"`, `r#"a"#`): `a`.
fn string(source: &str) -> Option<&str> {
    let raw = source.strip_prefix('r').unwrap_or(source);
    let hashes = raw.len() - raw.trim_start_matches('#').len();
    raw.get(hashes..raw.len().checked_sub(hashes)?)?
        .strip_prefix('"')?
        .strip_suffix('"')
}

/// A doc, a comment and a raw string hide their paths; `::` is one token.
#[test]
fn docs_and_strings_are_single_tokens_and_colons_join() {
    let text = "/// crate::ui::App\nuse a::b; // crate::c\nconst P: &str = r#\"crate::d\"#;";
    let found = tokens(text, "test.rs");
    let doc = vec![
        (Token::Ident("doc".into()), 1),
        (Token::Punct('='), 1),
        (Token::Str(" crate::ui::App".into()), 1),
    ];
    assert_eq!(
        found[..2],
        [
            (Token::Punct('#'), 1),
            (Token::Group(Delimiter::Bracket, doc), 1)
        ]
    );
    let ident = |w: &str, line| (Token::Ident(w.into()), line);
    let expected = [
        ident("use", 2),
        ident("a", 2),
        (Token::PathSep, 2),
        ident("b", 2),
        (Token::Punct(';'), 2),
        ident("const", 3),
        ident("P", 3),
        (Token::Punct(':'), 3),
        (Token::Punct('&'), 3),
        ident("str", 3),
        (Token::Punct('='), 3),
        (Token::Str("crate::d".into()), 3),
        (Token::Punct(';'), 3),
    ];
    assert_eq!(found[2..], expected);
}
