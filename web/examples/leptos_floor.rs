//! The smallest Leptos app: one button counting its clicks.
//!
//! Not part of Reactor Lab. `cargo xtask size` builds it with the same
//! profile and flags as the app, so the bundle budget can be read against
//! what Leptos itself costs before any of our code.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let (clicks, set_clicks) = signal(0);
        view! {
            <button on:click=move |_| set_clicks.update(|n| *n += 1)>{move || clicks.get()}</button>
        }
    });
}
