//! Resources belong to their runtime, and `block_on` does not nest: real
//! Tokio 1.x and the engine run the same programs
//! (`reactor_fidelity::ownership`) and must print the same lines.
//!
//! What real Tokio 1.54.1 printed, word for word (each test also asserts
//! Tokio's lines on their own, so a Tokio upgrade that changes them fails
//! here by name):
//!
//! ```text
//! socket_outside_runtime
//!   bind outside any runtime: panicked: there is no reactor running, must be called
//!   from the context of a Tokio 1.x runtime
//! foreign_runtime_not_driven
//!   a connection waits in A's listener
//!   accept in B: timed out
//!   accept in A: ok
//! foreign_runtime_forever                      (stopped after 1 s)
//!   a connection waits in A's listener
//!   still waiting: nothing will ever wake it
//! socket_after_runtime_dropped
//!   A dropped
//!   read in B: error Other: A Tokio 1.x context was found, but it is being shutdown.
//!   drop in B: no panic
//! block_on_in_task / block_on_in_block_on
//!   block_on in a task: panicked: Cannot start a runtime from within a runtime. This
//!   happens because a function (like `block_on`) attempted to block the current thread
//!   while the thread is being used to drive asynchronous tasks. If you are in an async
//!   function, use `.await` on the future instead of blocking on it.
//! ```

use std::path::Path;

use reactor_fidelity::ownership::{self, Case, NEVER_ENDS, Outcome};

const NO_REACTOR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";
const SHUT_DOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";
const NESTED: &str = "Cannot start a runtime from within a runtime. This happens because a \
    function (like `block_on`) attempted to block the current thread while the thread is \
    being used to drive asynchronous tasks. If you are in an async function, use `.await` \
    on the future instead of blocking on it.";

/// Run `case` on both runtimes, check they printed the same, and return
/// Tokio's lines.
fn both(case: Case) -> Vec<String> {
    let binary = Path::new(env!("CARGO_BIN_EXE_tokio_ownership"));
    let tokio = ownership::run_tokio(binary, case).unwrap_or_else(|error| panic!("{error}"));
    let engine = std::thread::spawn(move || ownership::engine::run(case))
        .join()
        .unwrap_or_else(|_| panic!("the engine's {case} panicked outside its program"));
    assert_eq!(
        tokio, engine,
        "{case}: the engine does not do what Tokio does\nTokio:\n{tokio}engine:\n{engine}"
    );
    println!("{case}: the engine prints what Tokio prints\n{tokio}");
    tokio.lines
}

fn lines(text: &[&str]) -> Vec<String> {
    Outcome::from_text(&text.join("\n")).lines
}

#[test]
fn a_socket_made_outside_any_runtime_panics() {
    assert_eq!(
        both(Case::SocketOutsideRuntime),
        lines(&[&format!("bind outside any runtime: panicked: {NO_REACTOR}")])
    );
}

/// B's loop never polls A's driver: the connection waiting in A's
/// listener never reaches B's task. A, driven again, accepts it.
#[test]
fn a_socket_of_a_runtime_nobody_drives_never_becomes_ready() {
    assert_eq!(
        both(Case::ForeignRuntimeNotDriven),
        lines(&[
            "a connection waits in A's listener",
            "accept in B: timed out",
            "accept in A: ok",
        ])
    );
}

/// Without a time limit Tokio's `block_on` waits for ever (the program is
/// stopped after `HANG_LIMIT`); the engine's loop stops instead, because
/// nothing it drives can ever wake the task.
#[test]
fn without_a_time_limit_it_waits_for_ever() {
    assert_eq!(
        both(Case::ForeignRuntimeForever),
        lines(&["a connection waits in A's listener", NEVER_ENDS])
    );
}

#[test]
fn a_socket_used_after_its_runtime_was_dropped_is_an_error_and_drops_quietly() {
    assert_eq!(
        both(Case::SocketAfterRuntimeDropped),
        lines(&[
            "A dropped",
            &format!("read in B: error Other: {SHUT_DOWN}"),
            "drop in B: no panic",
        ])
    );
}

#[test]
fn block_on_inside_a_task_panics() {
    assert_eq!(
        both(Case::BlockOnInTask),
        lines(&[&format!("block_on in a task: panicked: {NESTED}")])
    );
}

#[test]
fn block_on_inside_block_on_panics() {
    assert_eq!(
        both(Case::BlockOnInBlockOn),
        lines(&[&format!("block_on in block_on: panicked: {NESTED}")])
    );
}

/// What the cross-runtime lesson says of a multi-thread runtime, asserted on
/// Tokio alone (the engine has no multi-thread runtime to compare): A's
/// worker threads drive its I/O driver, so A's listener accepts inside B's
/// `block_on` while A's own `block_on` is not running.
#[test]
fn a_socket_of_a_multi_thread_runtime_works_in_another_runtime() {
    use std::time::Duration;
    let a = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime A");
    let listener = a
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind in A");
    let address = listener.local_addr().expect("A's address");
    let _peer = std::net::TcpStream::connect(address).expect("connect to A");
    let b = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime B");
    // The timeout is made inside B: a `Sleep` needs a runtime when made.
    let accepted = b
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), listener.accept()).await });
    assert!(
        matches!(accepted, Ok(Ok(_))),
        "A's listener in B's block_on: {accepted:?}"
    );
}
