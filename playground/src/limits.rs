//! What one program may use. Each limit ends the run (or refuses the
//! program) with an error saying which was hit; the server makes each one
//! configurable.

use std::time::Duration;

/// The limits of one playground program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest program text, in bytes: 16 KiB, a long lesson's program
    /// many times over.
    pub max_source_bytes: usize,
    /// Deepest nesting of brackets and expressions the parser accepts.
    pub max_nesting: u32,
    /// Tasks a run may spawn.
    pub max_tasks: u32,
    /// Sockets a run may open (listeners, accepted and connected streams).
    pub max_sockets: u32,
    /// Records a run may make before it is stopped.
    pub max_records: u64,
    /// Virtual time a run may reach: a sleep that would end later ends the run.
    pub max_virtual_time: Duration,
    /// Interpreter steps one poll of a task may take: a loop that never
    /// reaches an `.await` that waits is a busy poll, reported as such.
    pub steps_per_poll: u64,
    /// Interpreter steps a whole run may take: bounds the CPU one program
    /// can use, however it spreads its work over polls.
    pub max_total_steps: u64,
    /// Deepest chain of function calls.
    pub max_call_depth: u32,
    /// Stack the interpreter may use below a task's poll, in bytes: each
    /// nested call and expression is a nested poll on the thread's stack,
    /// so recursion is bounded by bytes, whatever the build's frame sizes.
    /// The thread running the engine needs this much and some to spare
    /// (threads start with 2 MiB; the server gives its engine threads more).
    pub max_stack_bytes: usize,
    /// Deepest nesting of tuples, results and `Vec`s inside one another.
    pub max_value_nesting: u32,
    /// Bytes of strings and buffers a run may create, in total.
    pub max_memory_bytes: u64,
    /// Actions in a peer description.
    pub max_peer_actions: usize,
    /// Worker threads of a multi-thread program.
    pub max_workers: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_source_bytes: 16 * 1024,
            max_nesting: 64,
            max_tasks: 1_000,
            max_sockets: 64,
            max_records: reactor_engine::DEFAULT_MAX_RECORDS,
            max_virtual_time: Duration::from_secs(24 * 60 * 60),
            steps_per_poll: 100_000,
            max_total_steps: 10_000_000,
            max_call_depth: 64,
            max_stack_bytes: 1024 * 1024,
            max_value_nesting: 64,
            max_memory_bytes: 16 * 1024 * 1024,
            max_peer_actions: 64,
            max_workers: 16,
        }
    }
}
