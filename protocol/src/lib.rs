//! The vocabulary Reactor Lab speaks, shared by every crate.
//!
//! Data flows one way:
//!
//! ```text
//!  engine ──Record/Snapshot──▶ server ──ServerFrame (JSON)──▶ web
//!                               ▲
//!                               └──────── Command (JSON) ──── web
//! ```
//!
//! This crate holds plain data with `serde` derives, the names the JSON
//! spells (each enum's `name()` and `ALL`, tested against serde), and the
//! few pure rules both sides must apply alike: [`state_within`] and
//! [`Park::after`] (what the screen shows partway through an action),
//! lesson binding ([`lesson::bind`]) and id checks ([`valid_id`]). So the
//! engine (native, with mio) and the web app (wasm32) agree on every field
//! and every rule without either one depending on the other. The JSON shapes are documented, with an example of
//! each record kind, in `docs/trace-format.md` and `docs/protocol.md`.

pub mod actor;
pub mod api;
pub mod diagnostic;
pub mod export;
pub mod frame;
pub mod kind;
pub mod lesson;
pub mod outline;
pub mod poll;
pub mod pool;
pub mod record;
pub mod snapshot;
pub mod static_site;
#[cfg(test)]
mod wire_names;
pub mod within;

pub use actor::Actor;
pub use api::{ApiError, MAX_ID_LEN, ScenarioSummary, Trace, valid_id};
pub use diagnostic::{
    Diagnostic, DriverPart, FiredBy, LateTimer, Problem, WaitTarget, Waits, WakerPlace, WakerSpot,
};
pub use frame::{Command, ServerFrame};
pub use kind::Kind;
pub use outline::{Mark, MarkKind, Outline, OutlineBuilder};
pub use pool::{BLOCK_ON_THREAD, PoolView, Queue, WorkerState, WorkerView};
pub use record::{Direction, Event, Outcome, Record, Source, Span, Syscall, TaskId, WakeCause};
pub use snapshot::{
    DEFERRED_WAKE, LevelView, Park, RegistrationView, SlotView, Snapshot, TaskState, TaskView,
    TimerView, WheelView,
};
pub use within::state_within;

/// Task polls per turn before the loop parks anyway (with a zero timeout:
/// a quick look at the OS), so a busy run queue cannot starve timers and
/// I/O. Tokio's current-thread scheduler uses 61 for the same purpose: the
/// default `event_interval` (`EVENT_INTERVAL` in `tokio/src/runtime/builder.rs`).
/// The engine's loop enforces it; the browser's sentences quote it.
pub const POLL_BUDGET: u32 = 61;

/// Records one run may keep before it stops with an `error` record: enough
/// for every built-in scenario many times over, small enough to bound a
/// session's memory. The engine's default, the server's `--max-records`
/// default, and the highest step a browser URL may ask for.
pub const DEFAULT_MAX_RECORDS: u64 = 100_000;
