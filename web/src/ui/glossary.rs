//! The glossary outside the lessons: every term the lessons define, on the
//! home page. Inside a lesson the narration panel shows the lesson's own
//! terms; here they are gathered from every lesson, fetched only when the
//! reader opens the glossary. The list's code is not on the first screen
//! either: it lives in `split_glossary-<hash>.wasm`, behind a [`Door`].

use std::sync::atomic::AtomicBool;

use leptos::prelude::*;
use reactor_protocol::lesson::Term;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use super::door::{self, Door};
use crate::lesson::{fetch_lesson, fetch_lessons};

/// The term list's way in.
static DOOR: Door = Door {
    loaded: AtomicBool::new(false),
    fetch: || Box::pin(preload_terms()),
    contents: || Box::pin(terms()),
    heading: None,
    loading: "Loading the glossary…",
    what: "The glossary",
};

/// A disclosure on the home page; opening it fetches and lists the terms.
#[component]
pub fn GlossaryLink() -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details id="glossary" class="glossary" on:toggle=move |_| opened.set(true)>
            <summary>"Glossary: the words the lessons use"</summary>
            {move || opened.get().then(|| door::view_behind(&DOOR))}
        </details>
    }
}

/// The split point: this function and what only it reaches live in
/// `split_glossary-<hash>.wasm`.
#[wasm_split(glossary, fallible, preload(preload_terms))]
fn terms() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <Terms /> }.into_any())
}

/// Every term the lessons use, once each, in alphabetical order.
async fn every_term() -> Result<Vec<Term>, String> {
    let mut lists = Vec::new();
    for lesson in fetch_lessons().await? {
        lists.push(fetch_lesson(&lesson.id).await?.glossary);
    }
    Ok(merge_terms(lists))
}

/// The terms of several lessons as one list: each id once, sorted by the
/// term as written (ignoring case).
pub fn merge_terms(lists: Vec<Vec<Term>>) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    for term in lists.into_iter().flatten() {
        if !terms.iter().any(|known| known.id == term.id) {
            terms.push(term);
        }
    }
    terms.sort_by_key(|term| term.term.to_lowercase());
    terms
}

/// The list, fetched as it is built. A definition's links to other terms
/// (`#glossary-<id>`) land on them.
#[component]
fn Terms() -> impl IntoView {
    let terms = RwSignal::new(None::<Result<Vec<Term>, String>>);
    leptos::task::spawn_local(async move {
        let _ = terms.try_set(Some(every_term().await));
    });
    move || match terms.get() {
        None => view! { <p>"Loading the glossary…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="error" role="alert">"Could not load the glossary: " {error}</p> }
                .into_any()
        }
        Some(Ok(list)) => view! {
            <dl class="glossary-terms">
                {list
                    .into_iter()
                    .map(|term| view! {
                        <dt id=format!("glossary-{}", term.id)>{term.term}</dt>
                        <dd inner_html=term.html></dd>
                    })
                    .collect_view()}
            </dl>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, written: &str) -> Term {
        Term {
            id: id.into(),
            term: written.into(),
            html: format!("<p>{written}</p>"),
        }
    }

    #[test]
    fn each_term_once_in_alphabetical_order() {
        let merged = merge_terms(vec![
            vec![term("waker", "Waker"), term("task", "Task")],
            vec![term("task", "Task"), term("future", "future")],
        ]);
        let ids: Vec<&str> = merged.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["future", "task", "waker"]);
    }
}
