//! One keyed list for every panel that redraws a list as the player moves:
//! the tasks, the run queue, the registrations, the log, the console, the
//! wake chain and the source excerpt.
//!
//! A row is drawn once, when its [`Item`] appears, and kept while the same
//! item is listed: a step redraws only the rows whose item changed. Every
//! list goes through [`keyed`], so the wasm holds one copy of Leptos's
//! keyed `<For>` (each `<For>` over another item, key or view type is
//! another copy: six of them made the wasm 56 KB larger, 12 KB brotli).

use std::sync::Arc;

use leptos::prelude::*;

/// A row's identity: `id` (a task id, a token, a record's `seq`, a line
/// number) and, when the row shows it as is, its `text`. Equal items are
/// the same row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// What the row is about.
    pub id: u64,
    /// What the row shows, when that is fixed for its life (else empty,
    /// and the row reads what it shows itself).
    pub text: String,
}

impl Item {
    /// A row that reads what it shows itself.
    pub fn id(id: impl TryInto<u64>) -> Item {
        Item {
            id: id.try_into().unwrap_or(u64::MAX),
            text: String::new(),
        }
    }

    /// A row that shows `text`.
    pub fn text(id: impl TryInto<u64>, text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            ..Item::id(id)
        }
    }
}

type Items = Arc<dyn Fn() -> Vec<Item> + Send + Sync>;
type Row = Arc<dyn Fn(Item) -> AnyView + Send + Sync>;

/// The rows of `items()`, each drawn by `row` when its item appears.
pub fn keyed(
    items: impl Fn() -> Vec<Item> + Send + Sync + 'static,
    row: impl Fn(Item) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    list(Arc::new(items), Arc::new(row))
}

/// [`keyed`] without its type parameters: the one `<For>`.
fn list(items: Items, row: Row) -> impl IntoView {
    view! { <For each=move || items() key=Item::clone children=move |item| row(item) /> }
}
