//! The ownership programs on the engine, the twins of the Tokio ones in
//! `src/bin/tokio_ownership/main.rs`: the same runtimes, sockets and
//! `block_on`s, printing the same lines.
//!
//! Where the programs must differ: the engine's `bind` is not `async` (it
//! never blocks), so the Tokio program polls its `bind` once by hand; the
//! engine has no `tokio::time::timeout`, so [`race`] races the `accept`
//! with a 200 ms sleep (on the virtual clock: no real wait); the engine's
//! `Runtime` is not `Send`, so the task that nests a `block_on` reaches the
//! inner runtime through an `Rc` instead of an `Arc`. And where Tokio's
//! `block_on` waits for ever, the engine's loop sees that nothing can wake
//! its task and returns `RunError::Stopped`: that prints [`NEVER_ENDS`].

use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

use reactor_engine::net::{TcpListener, TcpStream};
use reactor_engine::{RunError, Runtime, RuntimeOptions, sleep, spawn};

use super::{Case, NEVER_ENDS, Outcome, io_line, panic_text, panicked};
use crate::engine_cases::race;

/// Run `case` on the engine and collect the lines it prints.
pub fn run(case: Case) -> Outcome {
    let mut lines = Vec::new();
    match case {
        Case::SocketOutsideRuntime => socket_outside_runtime(&mut lines),
        Case::ForeignRuntimeNotDriven => {
            foreign_runtime(Some(Duration::from_millis(200)), &mut lines);
        }
        Case::ForeignRuntimeForever => foreign_runtime(None, &mut lines),
        Case::SocketAfterRuntimeDropped => socket_after_runtime_dropped(&mut lines),
        Case::BlockOnInTask => block_on_in_task(&mut lines),
        Case::BlockOnInBlockOn => block_on_in_block_on(&mut lines),
    }
    Outcome { lines }
}

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions::default()).expect("the engine could not start")
}

fn localhost() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// What a `block_on` that ended without its output prints: a loop with
/// nothing left that could wake it is the engine's "for ever".
fn stopped(what: &str, error: &RunError) -> String {
    match error {
        RunError::Stopped(message) if message.starts_with("deadlock") => NEVER_ENDS.to_string(),
        RunError::Stopped(message) => format!("{what}: stopped: {message}"),
        RunError::MainPanicked(message) => format!("{what}: {}", panicked(message)),
    }
}

fn socket_outside_runtime(lines: &mut Vec<String>) {
    let bound = catch_unwind(|| TcpListener::bind(localhost()).is_ok());
    lines.push(match bound {
        Ok(made) => format!("bind outside any runtime: no panic (made: {made})"),
        Err(payload) => format!(
            "bind outside any runtime: {}",
            panicked(&panic_text(&*payload))
        ),
    });
}

fn foreign_runtime(limit: Option<Duration>, lines: &mut Vec<String>) {
    let mut a = runtime();
    let listener = a
        .block_on(async { TcpListener::bind(localhost()) })
        .expect("main completes")
        .expect("bind failed");
    let _peer = std::net::TcpStream::connect(listener.local_addr()).expect("the peer connects");
    lines.push("a connection waits in A's listener".into());
    let listener = Rc::new(RefCell::new(listener));
    let mut b = runtime();
    let in_b = Rc::clone(&listener);
    let accepted = b.block_on(async move {
        let accept = std::future::poll_fn(|cx| in_b.borrow_mut().poll_accept(cx));
        match limit {
            Some(limit) => {
                let timed = async { Some(accept.await) };
                race(timed, async {
                    sleep(limit).await;
                    None
                })
                .await
            }
            None => Some(accept.await),
        }
    });
    match accepted {
        Ok(Some(accepted)) => lines.push(io_line("accept in B", &accepted)),
        Ok(None) => lines.push("accept in B: timed out".into()),
        Err(error) => {
            lines.push(stopped("accept in B", &error));
            return;
        }
    }
    let accepted = a
        .block_on(async move {
            let accepted = std::future::poll_fn(|cx| listener.borrow_mut().poll_accept(cx)).await;
            accepted.map(|_| ())
        })
        .expect("main completes");
    lines.push(io_line("accept in A", &accepted));
}

fn socket_after_runtime_dropped(lines: &mut Vec<String>) {
    let mut a = runtime();
    let (mut stream, _peer) = a
        .block_on(async {
            let mut listener = TcpListener::bind(localhost()).expect("bind failed");
            let peer = TcpStream::connect(listener.local_addr())
                .await
                .expect("connect failed");
            let (stream, _) = listener.accept().await.expect("accept failed");
            (stream, peer)
        })
        .expect("main completes");
    drop(a);
    lines.push("A dropped".into());
    let mut b = runtime();
    let read = b
        .block_on(async move {
            let mut buf = [0u8; 8];
            let read = stream.read(&mut buf).await;
            (read, stream)
        })
        .expect("main completes");
    let (read, stream) = read;
    lines.push(io_line("read in B", &read));
    let dropped = catch_unwind(AssertUnwindSafe(|| b.block_on(async move { drop(stream) })));
    lines.push(match dropped {
        Ok(Ok(())) => "drop in B: no panic".into(),
        Ok(Err(error)) => stopped("drop in B", &error),
        Err(payload) => format!("drop in B: {}", panicked(&panic_text(&*payload))),
    });
}

fn block_on_in_task(lines: &mut Vec<String>) {
    let mut outer = runtime();
    let inner = Rc::new(RefCell::new(runtime()));
    let in_task = Rc::clone(&inner);
    let joined = outer
        .block_on(async move {
            spawn(async move {
                let ran = in_task.borrow_mut().block_on(async {});
                ran.is_ok()
            })
            .await
        })
        .expect("main completes");
    lines.push(match joined {
        Ok(_) => "block_on in a task: no panic".into(),
        Err(error) if error.is_panic() => {
            format!("block_on in a task: {}", panicked(&error.message))
        }
        Err(error) => format!("block_on in a task: {error}"),
    });
}

fn block_on_in_block_on(lines: &mut Vec<String>) {
    let mut outer = runtime();
    let mut inner = runtime();
    let nested = outer.block_on(async move { inner.block_on(async {}).is_ok() });
    lines.push(match nested {
        Ok(_) => "block_on in block_on: no panic".into(),
        Err(error) => stopped("block_on in block_on", &error),
    });
}
