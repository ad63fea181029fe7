//! The depth of a text's brackets, checked before syn parses it (syn
//! recurses once per level).

use crate::ProgramError;

/// Refuse `source` at the first bracket nested deeper than `max`. Strings,
/// character literals and comments are skipped, so brackets inside them do
/// not count.
pub(crate) fn check(source: &str, max: u32) -> Result<(), ProgramError> {
    let mut depth = 0u32;
    let mut line = 1u32;
    let mut column = 0u32;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > max {
                    return Err(ProgramError::at(
                        line,
                        column,
                        format!(
                            "brackets are nested more than {max} deep here; the playground stops at {max}"
                        ),
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '"' => skip_string(&mut chars, &mut line, &mut column),
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        column = 0;
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    column += 1;
                    if c == '\n' {
                        line += 1;
                        column = 0;
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' => {
                // A character literal such as '(' or '\'' (a lifetime has no closing quote).
                let mut ahead = chars.clone();
                let length = match ahead.next() {
                    Some('\\') => {
                        (ahead.next().is_some() && ahead.next() == Some('\'')).then_some(3)
                    }
                    Some(_) => (ahead.next() == Some('\'')).then_some(2),
                    None => None,
                };
                for _ in 0..length.unwrap_or(0) {
                    chars.next();
                    column += 1;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn skip_string(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    line: &mut u32,
    column: &mut u32,
) {
    while let Some(c) = chars.next() {
        *column += 1;
        match c {
            '\\' => {
                chars.next();
                *column += 1;
            }
            '"' => return,
            '\n' => {
                *line += 1;
                *column = 0;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_brackets_are_refused_where_they_pass_the_limit() {
        let text = format!(
            "fn main() {{ let x = {}1{}; }}",
            "(".repeat(70),
            ")".repeat(70)
        );
        let error = check(&text, 64).unwrap_err();
        assert_eq!((error.line, error.column), (1, 21 + 63));
        assert!(check(&text, 80).is_ok());
    }

    #[test]
    fn brackets_in_strings_chars_and_comments_do_not_count() {
        let text = "let a = \"((((\"; let b = '('; // ((((\n/* [[[[ */ let c = '\\'';";
        assert!(check(text, 0).is_ok());
    }
}
