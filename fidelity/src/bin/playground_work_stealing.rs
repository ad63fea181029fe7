//! The playground's `work_stealing` example, compiled by rustc against real Tokio:
//! `tests/fidelity/playground.rs` compares what it prints with what the
//! same text prints when the playground interprets it on the engine.

include!("../../../playground/programs/work_stealing.rs");
