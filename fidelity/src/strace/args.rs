//! Splitting a syscall's argument list: commas inside `[…]`, `{…}`, `(…)` and
//! `"…"` do not separate arguments.

/// `(args) = ret` → (`args`, `ret`). `None` if the parentheses never close
/// or no return follows them.
pub(super) fn split_call(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('(')?;
    let close = top_level(inner).find(|&(_, c)| c == ')')?.0;
    let ret = inner[close + 1..].trim_start().strip_prefix('=')?;
    Some((&inner[..close], ret.trim()))
}

/// Split on the commas at depth 0, trimming each argument.
pub fn split_args(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (index, c) in top_level(args) {
        if c == ',' {
            parts.push(args[start..index].trim());
            start = index + 1;
        }
    }
    let last = args[start..].trim();
    if !last.is_empty() || !parts.is_empty() {
        parts.push(last);
    }
    parts
}

/// The string inside a quoted argument (`"/a/b"` → `/a/b`), with `\"` and
/// `\\` unescaped. `None` if `arg` is not a string.
pub(super) fn unquote(arg: &str) -> Option<String> {
    let inner = arg.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// The characters of `text` that sit outside any string and at nesting
/// depth 0, except the closers that bring the depth below 0 (those are
/// reported too, so a caller can find the end of an enclosing group).
fn top_level(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            return false;
        }
        match c {
            '"' => {
                in_string = true;
                false
            }
            '(' | '[' | '{' => {
                depth += 1;
                false
            }
            ')' | ']' | '}' => match depth.checked_sub(1) {
                Some(outer) => {
                    depth = outer;
                    false
                }
                None => true,
            },
            _ => depth == 0,
        }
    })
}
