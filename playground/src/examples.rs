//! Programs to start from: the article's snippets, runnable as written,
//! and a program for each built-in scenario the subset can express.

/// The article's "life of a `tokio::spawn`", unchanged.
pub const ARTICLE_SPAWN: &str = include_str!("../programs/article_spawn.rs");

/// The article's `handle_connection`, unchanged, with a `main` that accepts
/// one connection and spawns it.
pub const ARTICLE_HANDLER: &str = include_str!("../programs/article_handle_connection.rs");

/// The client of the article's handler: what `tcp_read`'s peer does.
pub const ARTICLE_PEER: &str = "at 0 ms connect\nat 5 ms send \"hello, reactor\" and close\n";

/// A program to start from.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// Stable id.
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// The built-in scenario this program does the work of, if any.
    pub scenario: Option<&'static str>,
    /// The program.
    pub program: &'static str,
    /// Its peer description (empty: none).
    pub peer: &'static str,
}

/// Every example, the article's first.
pub const EXAMPLES: [Example; 8] = [
    Example {
        id: "article-spawn",
        title: "The article: the life of a tokio::spawn",
        scenario: Some("spawn_lifecycle"),
        program: ARTICLE_SPAWN,
        peer: "",
    },
    Example {
        id: "article-handle-connection",
        title: "The article: handle_connection reads from a socket",
        scenario: Some("tcp_read"),
        program: ARTICLE_HANDLER,
        peer: ARTICLE_PEER,
    },
    Example {
        id: "timers",
        title: "Four sleeps on four wheel levels",
        scenario: Some("timers"),
        program: TIMERS,
        peer: "",
    },
    Example {
        id: "lost-waker",
        title: "A future that keeps no waker",
        scenario: Some("lost_waker"),
        program: LOST_WAKER,
        peer: "",
    },
    Example {
        id: "blocking-call",
        title: "A blocking call in a task",
        scenario: Some("blocking_poll"),
        program: BLOCKING_CALL,
        peer: "",
    },
    Example {
        id: "four-workers",
        title: "Four workers: the spawn flow",
        scenario: Some("multi_thread_spawn"),
        program: FOUR_WORKERS,
        peer: "",
    },
    Example {
        id: "work-stealing",
        title: "Work stealing",
        scenario: Some("work_stealing"),
        program: WORK_STEALING,
        peer: "",
    },
    Example {
        id: "two-workers-tcp",
        title: "Two workers: reading from TCP",
        scenario: Some("multi_thread_tcp_read"),
        program: TWO_WORKERS_TCP,
        peer: TWO_CLIENTS,
    },
];

/// The example that does the work of scenario `id`.
pub fn for_scenario(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|example| example.scenario == Some(id))
}

const TIMERS: &str = include_str!("../programs/timers.rs");

const LOST_WAKER: &str = include_str!("../programs/lost_waker.rs");

const BLOCKING_CALL: &str = include_str!("../programs/blocking_call.rs");

const FOUR_WORKERS: &str = include_str!("../programs/four_workers.rs");

const WORK_STEALING: &str = include_str!("../programs/work_stealing.rs");

const TWO_WORKERS_TCP: &str = include_str!("../programs/two_workers_tcp.rs");

const TWO_CLIENTS: &str =
    "at 0 ms connect\nat 0 ms connect\nat 5 ms send all \"hello, reactor\" and close\n";
