//! One keyed list for every panel that redraws a list as the player moves:
//! the tasks, the run queue, the registrations, the log, the console, the
//! wake chain and the source excerpt.
//!
//! A row is drawn once, when its [`Item`] appears, and kept while the same
//! item is listed: a step redraws only the rows whose item changed. Every
//! list goes through [`keyed`], so the wasm holds one copy of Leptos's
//! keyed `<For>` (each `<For>` over another item, key or view type is
//! another copy: six of them made the wasm 56 KB larger, 12 KB brotli).
//! What changes inside a row that stays (a task's state) goes through
//! [`Live`].

use std::collections::BTreeMap;
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

/// What the rows of a keyed list show that changes while the row stays:
/// one signal per drawn row, by id, set from one place for the whole list.
///
/// A row made by [`keyed`] is drawn once, when its [`Item`] appears. Some
/// of what it shows changes with every jump (a task's state, what it waits
/// on); redrawing the row for that (another item) made a jump across
/// `crowd` build and lay out some 200 fresh rows in one task, and a
/// subscription per row to the whole state made every step check them all.
/// With `Live`, the row's element stays; the list's one effect calls
/// [`Live::show`] for each row, and only the rows whose value changed wake.
pub struct Live<T: Send + Sync + 'static> {
    rows: StoredValue<BTreeMap<u64, RwSignal<T>>>,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Live<T> {}

impl<T: PartialEq + Send + Sync + 'static> Default for Live<T> {
    fn default() -> Self {
        Live::new()
    }
}

impl<T: PartialEq + Send + Sync + 'static> Live<T> {
    /// No row drawn yet.
    pub fn new() -> Self {
        Live {
            rows: StoredValue::new(BTreeMap::new()),
        }
    }

    /// Row `id`'s signal, starting at `now`: call it where the row is drawn
    /// (in [`keyed`]'s `row`); it goes with the row.
    pub fn row(self, id: u64, now: T) -> RwSignal<T> {
        let shown = RwSignal::new(now);
        self.rows.update_value(|rows| {
            rows.insert(id, shown);
        });
        on_cleanup(move || {
            // Only this row's entry: a row of the same id may have replaced it.
            self.rows.try_update_value(|rows| {
                if rows.get(&id) == Some(&shown) {
                    rows.remove(&id);
                }
            });
        });
        shown
    }

    /// Show `now` in row `id`, if that row is drawn and shows something else.
    pub fn show(self, id: u64, now: T) {
        let Some(shown) = self.rows.with_value(|rows| rows.get(&id).copied()) else {
            return;
        };
        if shown.try_with_untracked(|was| *was != now) == Some(true) {
            shown.set(now);
        }
    }
}
