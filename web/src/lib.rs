//! Reactor Lab in the browser: a Leptos (client-side rendered) app that
//! animates a real event loop, one record at a time.
//!
//! ```text
//!  ┌ header: scenario picker · connection · presenter · ? ───────────────┐
//!  │ controls: restart · back · step · next turn · play · speed · scrub  │
//!  ├ diagram (4 parts + arrows) ───────┬ state panels (from snapshot) ───┤
//!  │ wake chain · explanation (aria)   │ tasks · run queue · registrations│
//!  │ source pane (file:line)           │ park/clock · wheel · console     │
//!  ├ event log (virtualised, click to jump) ─────────────────────────────┤
//! ```
//!
//! State lives in one place, the [`player::Player`]; views only read its
//! signals and call its methods. The pure logic (history, explanations, the
//! wake chain, routes, shortcuts, formatting) compiles and is unit-tested on
//! the host: `cargo test -p reactor-web --target x86_64-unknown-linux-gnu --lib`.

pub mod api;
pub mod chain;
pub mod decode;
pub mod decode_api;
mod decode_diagnostic;
mod decode_fields;
mod decode_pool;
pub mod explain;
pub mod format;
pub mod history;
pub mod keys;
pub mod lesson;
pub mod plan;
pub mod player;
pub mod playground;
pub mod program;
pub mod replay;
pub mod room;
pub mod route;
pub mod site;
pub mod socket;
pub mod ui;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod import_graph;

pub use ui::App;
