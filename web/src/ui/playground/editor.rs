//! The code editor: a `<textarea>` over a coloured copy of its text, with
//! a gutter of line numbers and, when the server refused the program, a
//! wavy underline under the construct at fault.
//!
//! ```text
//!  ┌ .editor (scrolls) ───────────────────────────────┐
//!  │ gutter │ pre.editor-colour   (tokens, coloured)  │  three layers, one
//!  │  1     │ pre.editor-marks    (the underline)     │  font, one size:
//!  │  2     │ textarea            (transparent text)  │  they line up
//!  └──────────────────────────────────────────────────┘
//! ```
//!
//! The textarea is as tall and wide as its text, so it never scrolls on its
//! own: the box around all three scrolls, and they move together. Tab
//! inserts four spaces; Escape, then Tab, leaves the editor.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;

use crate::playground::highlight::{tokens, word_end};

/// Spaces one Tab inserts.
const INDENT: &str = "    ";

/// One editor. `error` is the 1-based line and column to underline.
#[component]
pub fn Editor(
    /// The `<textarea>`'s id.
    id: &'static str,
    /// Its accessible name.
    label: &'static str,
    /// Its text, read and written.
    text: RwSignal<String>,
    /// The place to underline, if any.
    #[prop(into)]
    error: Signal<Option<(u32, u32)>>,
    /// Lines shown at least.
    min_lines: usize,
    /// The id of the text describing it (a hint, the error).
    describedby: &'static str,
) -> impl IntoView {
    let escaped = StoredValue::new(false);
    let lines = move || text.with(|t| t.split('\n').count()).max(min_lines);
    let widest = move || text.with(|t| t.split('\n').map(|l| l.chars().count()).max().unwrap_or(0));
    let gutter = move || {
        let error_line = error.get().map(|(line, _)| line as usize);
        (1..=lines())
            .map(|n| {
                view! { <span class:error-line=error_line == Some(n)>{n}"\n"</span> }
            })
            .collect_view()
    };
    let coloured = move || {
        text.with(|t| {
            tokens(t)
                .into_iter()
                .map(|(class, piece)| match class.css() {
                    Some(css) => view! { <span class=css>{piece.to_string()}</span> }.into_any(),
                    None => piece.to_string().into_any(),
                })
                .collect_view()
        })
    };
    let marks = move || {
        let (line, column) = error.get()?;
        text.with(|t| {
            let row = t
                .split('\n')
                .nth(line.saturating_sub(1) as usize)
                .unwrap_or("");
            let start = (column.max(1) - 1) as usize;
            let end = word_end(row, column as usize);
            let before: String = "\n".repeat(line.saturating_sub(1) as usize)
                + &row.chars().take(start).collect::<String>();
            let word: String = row.chars().skip(start).take(end - start).collect();
            // Past the end of the line: underline one blank.
            let word = if word.is_empty() {
                " ".to_string()
            } else {
                word
            };
            Some(view! { {before}<span class="squiggle">{word}</span> })
        })
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            escaped.set_value(true);
            return;
        }
        let was_escaped = escaped.get_value();
        escaped.set_value(false);
        if key != "Tab" || ev.shift_key() || was_escaped || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let Some(area) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        else {
            return;
        };
        ev.prevent_default();
        let value = area.value();
        let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
        let (start, end) = (byte_at(&value, start), byte_at(&value, end.max(start)));
        let new = format!("{}{INDENT}{}", &value[..start], &value[end..]);
        area.set_value(&new);
        let cursor = utf16_len(&new[..start + INDENT.len()]);
        let _ = area.set_selection_range(cursor, cursor);
        text.set(new);
    };
    view! {
        <div class="editor" class:has-error=move || error.get().is_some()>
            <pre class="editor-gutter" aria-hidden="true">{gutter}</pre>
            <div class="editor-body">
                <pre class="editor-colour" aria-hidden="true">{coloured}"\n"</pre>
                <pre class="editor-marks" aria-hidden="true">{marks}</pre>
                <textarea
                    id=id
                    aria-label=label
                    aria-describedby=describedby
                    aria-invalid=move || error.get().is_some().to_string()
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    rows=move || lines().to_string()
                    style=move || format!("width: calc({}ch + 2rem)", widest())
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:keydown=on_keydown
                ></textarea>
            </div>
        </div>
    }
}

/// Put the caret at 1-based `line` and `column` of textarea `id` and focus it.
pub fn focus_at(id: &str, line: u32, column: u32) {
    let Some(area) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let value = area.value();
    let before: usize = value
        .split('\n')
        .take(line.saturating_sub(1) as usize)
        .map(|l| utf16_len(l) as usize + 1)
        .sum();
    let row = value
        .split('\n')
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let into: String = row
        .chars()
        .take(column.saturating_sub(1) as usize)
        .collect();
    let at = (before + utf16_len(&into) as usize) as u32;
    let _ = area.focus();
    let _ = area.set_selection_range(at, at);
}

/// The byte offset of UTF-16 offset `units` in `text` (the DOM counts in UTF-16).
fn byte_at(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (byte, c) in text.char_indices() {
        if seen >= units {
            return byte;
        }
        seen += c.len_utf16();
    }
    text.len()
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}
