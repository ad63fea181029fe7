//! The colour theme: the system's (auto), light or dark, chosen in the header
//! and kept in `localStorage`. The choice is applied as `data-theme` on
//! `<html>`, which selects the palette in `style.css`; on auto it follows the
//! system's `prefers-color-scheme`, also when that changes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The `localStorage` key that keeps the choice.
const STORAGE_KEY: &str = "reactor-lab-theme";

/// The media query that tells whether the system prefers dark.
const SYSTEM_DARK: &str = "(prefers-color-scheme: dark)";

/// What the reader chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Whatever the system prefers.
    Auto,
    /// The light palette.
    Light,
    /// The dark palette.
    Dark,
}

impl Theme {
    /// The choice as stored and as shown on the button.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// A stored choice; anything unknown (or nothing) is auto.
    pub fn parse(stored: Option<&str>) -> Theme {
        match stored {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The choice after this one, as the button cycles them.
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    /// The palette shown (`data-theme` on `<html>`), given whether the
    /// system prefers dark.
    pub fn palette(self, system_dark: bool) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto if system_dark => "dark",
            Theme::Auto => "light",
        }
    }
}

/// The reader's choice, in context for [`ThemeButton`].
#[derive(Clone, Copy)]
struct Chosen(RwSignal<Theme>);

/// Read the stored choice, apply it, and follow the system's preference
/// while on auto.
pub fn install() {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
    let theme = RwSignal::new(Theme::parse(stored.as_deref()));
    let system = window().match_media(SYSTEM_DARK).ok().flatten();
    let system_dark = RwSignal::new(system.as_ref().is_some_and(|query| query.matches()));
    if let Some(query) = system {
        let changed = Closure::<dyn Fn()>::new({
            let query = query.clone();
            move || system_dark.set(query.matches())
        });
        if query
            .add_event_listener_with_callback("change", changed.as_ref().unchecked_ref())
            .is_ok()
        {
            // The listener lives as long as the page, like the app.
            changed.forget();
        }
    }
    Effect::new(move || {
        let palette = theme.get().palette(system_dark.get());
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", palette);
        }
    });
    provide_context(Chosen(theme));
}

/// Keep the choice for the next visit (nothing happens where storage is off).
fn store(theme: Theme) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(STORAGE_KEY, theme.name());
    }
}

/// The header's button that cycles auto → light → dark.
#[component]
pub fn ThemeButton() -> impl IntoView {
    let Chosen(theme) = expect_context::<Chosen>();
    let choose_next = move |_| {
        let next = theme.get_untracked().next();
        store(next);
        theme.set(next);
    };
    view! {
        <button
            id="theme-btn"
            data-theme=move || theme.get().name()
            title="Colour theme: auto follows the system; click for the next"
            on:click=choose_next
        >
            "Theme: " {move || theme.get().name()}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_cycles_through_every_choice() {
        let mut seen = vec![Theme::Auto];
        let mut theme = Theme::Auto.next();
        while theme != Theme::Auto {
            seen.push(theme);
            theme = theme.next();
        }
        assert_eq!(seen, [Theme::Auto, Theme::Light, Theme::Dark]);
    }

    #[test]
    fn a_stored_choice_reads_back_and_junk_is_auto() {
        for theme in [Theme::Auto, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(Some(theme.name())), theme);
        }
        assert_eq!(Theme::parse(Some("purple")), Theme::Auto);
        assert_eq!(Theme::parse(None), Theme::Auto);
    }

    #[test]
    fn auto_follows_the_system_and_a_choice_does_not() {
        assert_eq!(Theme::Auto.palette(true), "dark");
        assert_eq!(Theme::Auto.palette(false), "light");
        assert_eq!(Theme::Light.palette(true), "light");
        assert_eq!(Theme::Dark.palette(false), "dark");
    }
}
