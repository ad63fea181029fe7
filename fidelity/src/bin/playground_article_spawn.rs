//! The playground's `article_spawn` example, compiled by rustc against real Tokio:
//! `tests/fidelity/playground.rs` compares what it prints with what the
//! same text prints when the playground interprets it on the engine.

// The article's snippet uses `Duration` without importing it; the playground's
// prelude has it, rustc's does not.
use std::time::Duration;
include!("../../../playground/programs/article_spawn.rs");
