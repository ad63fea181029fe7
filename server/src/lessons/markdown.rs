//! Lesson Markdown to HTML, rendered once at start-up so the browser gets
//! ready HTML and the wasm carries no Markdown parser.
//!
//! Two rules on top of CommonMark:
//! - `[text](glossary:waker)` links to a glossary term. It becomes
//!   `<a class="glossary-link" href="#glossary-waker" data-term="waker">`, and
//!   the term id is reported so the caller can check it exists.
//! - Raw HTML is refused: lesson text is words, code and links, and refusing it
//!   means a lesson can never inject markup into the page.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// The scheme of a link to a glossary term.
const GLOSSARY_SCHEME: &str = "glossary:";

/// HTML and the glossary terms it links to, in first-use order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Rendered {
    pub html: String,
    pub terms: Vec<String>,
}

/// Render one Markdown text.
///
/// # Errors
/// Raw HTML, or a glossary link whose id is not a plain word.
pub(super) fn render(markdown: &str) -> Result<Rendered, String> {
    let mut terms: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut in_glossary_link = false;
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    ) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                return Err(format!(
                    "raw HTML is not allowed in lesson text: {:?}",
                    raw.trim()
                ));
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(GLOSSARY_SCHEME) => {
                let id = &dest_url[GLOSSARY_SCHEME.len()..];
                if !is_term_id(id) {
                    return Err(format!(
                        "glossary link `{dest_url}`: a term id is lowercase letters, digits and `-`"
                    ));
                }
                if !terms.iter().any(|known| known == id) {
                    terms.push(id.to_string());
                }
                in_glossary_link = true;
                let open = format!(
                    r##"<a class="glossary-link" href="#glossary-{id}" data-term="{id}">"##
                );
                events.push(Event::InlineHtml(CowStr::from(open)));
            }
            Event::End(TagEnd::Link) if in_glossary_link => {
                in_glossary_link = false;
                events.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
            }
            other => events.push(other),
        }
    }
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, events.into_iter());
    Ok(Rendered {
        html: rendered,
        terms,
    })
}

/// Term ids appear in URLs and attributes: keep them to `[a-z0-9-]`.
pub(super) fn is_term_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_links_become_anchors_and_are_reported_once() {
        let out = render(
            "A [waker](glossary:waker) and [wakers](glossary:waker), a [task](glossary:task).",
        )
        .unwrap();
        assert!(
            out.html.contains(
                r##"<a class="glossary-link" href="#glossary-waker" data-term="waker">waker</a>"##
            ),
            "{}",
            out.html
        );
        assert_eq!(out.terms, ["waker", "task"]);
    }

    #[test]
    fn ordinary_markdown_renders() {
        let out = render("The `read` call **blocks**.\n\n- one\n- two").unwrap();
        assert!(
            out.html.contains("<code>read</code>") && out.html.contains("<strong>blocks</strong>")
        );
        assert!(out.html.contains("<li>two</li>"));
        let link = render("[mio](https://docs.rs/mio)").unwrap();
        assert!(
            link.html.contains(r#"href="https://docs.rs/mio""#),
            "{}",
            link.html
        );
    }

    #[test]
    fn raw_html_and_bad_term_ids_are_refused() {
        assert!(
            render("hello <script>alert(1)</script>")
                .unwrap_err()
                .contains("raw HTML")
        );
        assert!(
            render("<div>\nblock\n</div>")
                .unwrap_err()
                .contains("raw HTML")
        );
        assert!(
            render("[x](glossary:Bad_Id)")
                .unwrap_err()
                .contains("glossary link")
        );
    }

    #[test]
    fn code_that_looks_like_html_is_escaped_not_refused() {
        let out = render("`Poll<()>` is the answer").unwrap();
        assert!(out.html.contains("Poll&lt;()&gt;"), "{}", out.html);
    }
}
