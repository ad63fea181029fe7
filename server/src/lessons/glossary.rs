//! `glossary.toml`: the terms lessons link to with `[text](glossary:id)`.
//!
//! Definitions may link to each other; every link must name a defined term,
//! and a lesson carries the terms it links to plus the ones their definitions
//! link to, so every link on the page has its definition at hand.

use std::collections::BTreeMap;
use std::path::Path;

use reactor_protocol::lesson::Term;
use serde::Deserialize;

use super::{markdown, read_small};

/// `glossary.toml`: `[[term]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    #[serde(rename = "term", default)]
    terms: Vec<TermFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermFile {
    id: String,
    term: String,
    /// Markdown; may link to other terms.
    text: String,
}

/// A rendered glossary entry and the terms its definition links to.
pub(super) struct GlossaryEntry {
    pub term: Term,
    pub links: Vec<String>,
}

/// The glossary by term id; a missing file is an empty glossary.
pub(super) fn load_glossary(file: &Path) -> Result<BTreeMap<String, GlossaryEntry>, String> {
    if !file.is_file() {
        return Ok(BTreeMap::new());
    }
    let broken = |error: String| format!("{}: {error}", file.display());
    let parsed: GlossaryFile =
        toml::from_str(&read_small(file).map_err(broken)?).map_err(|e| broken(e.to_string()))?;
    let mut glossary = BTreeMap::new();
    for entry in parsed.terms {
        if !markdown::is_term_id(&entry.id) {
            return Err(broken(format!(
                "term id {:?}: use lowercase letters, digits and `-`",
                entry.id
            )));
        }
        let rendered = markdown::render(&entry.text)
            .map_err(|e| broken(format!("term `{}`: {e}", entry.id)))?;
        let term = Term {
            id: entry.id.clone(),
            term: entry.term,
            html: rendered.html,
        };
        if glossary
            .insert(
                entry.id.clone(),
                GlossaryEntry {
                    term,
                    links: rendered.terms,
                },
            )
            .is_some()
        {
            return Err(broken(format!("term `{}` is defined twice", entry.id)));
        }
    }
    for entry in glossary.values() {
        if let Some(missing) = entry.links.iter().find(|id| !glossary.contains_key(*id)) {
            return Err(broken(format!(
                "term `{}` links to unknown term `{missing}`",
                entry.term.id
            )));
        }
    }
    Ok(glossary)
}

/// The terms `used` links to, plus the terms their definitions link to, in first-use order.
pub(super) fn glossary_closure(
    used: &[String],
    glossary: &BTreeMap<String, GlossaryEntry>,
) -> Vec<Term> {
    let mut ids: Vec<String> = used.to_vec();
    let mut next = 0;
    while let Some(id) = ids.get(next).cloned() {
        for link in glossary
            .get(&id)
            .map(|entry| entry.links.as_slice())
            .unwrap_or_default()
        {
            if !ids.contains(link) {
                ids.push(link.clone());
            }
        }
        next += 1;
    }
    ids.iter()
        .filter_map(|id| glossary.get(id))
        .map(|entry| entry.term.clone())
        .collect()
}

/// Render lesson Markdown whose glossary links must all name terms of `glossary`.
///
/// # Errors
/// What [`markdown::render`] refuses, or a link to a term the glossary lacks.
pub(super) fn render_linked(
    text: &str,
    glossary: &BTreeMap<String, GlossaryEntry>,
) -> Result<markdown::Rendered, String> {
    let rendered = markdown::render(text)?;
    if let Some(missing) = rendered.terms.iter().find(|id| !glossary.contains_key(*id)) {
        return Err(format!(
            "links to glossary term `{missing}`, which {} does not define",
            super::GLOSSARY_FILE
        ));
    }
    Ok(rendered)
}
