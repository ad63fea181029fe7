//! The ownership programs written against real Tokio (current-thread
//! runtimes, every driver enabled), one per process: each prints one line
//! per fact, with Tokio's own panic and error texts
//! (see `reactor_fidelity::ownership`).
//!
//! ```text
//! tokio_ownership <case>
//! ```
//!
//! The engine's twins are in `fidelity/src/ownership/engine.rs`.

use std::future::Future;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use reactor_fidelity::ownership::{Case, io_line, panic_text, panicked};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};

fn main() -> ExitCode {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(case) = Case::from_name(&name) else {
        let names: Vec<_> = Case::ALL.iter().map(|case| case.name()).collect();
        eprintln!("usage: tokio_ownership <{}>", names.join("|"));
        return ExitCode::from(2);
    };
    match case {
        Case::SocketOutsideRuntime => socket_outside_runtime(),
        Case::ForeignRuntimeNotDriven => foreign_runtime(Some(Duration::from_millis(200))),
        Case::ForeignRuntimeForever => foreign_runtime(None),
        Case::SocketAfterRuntimeDropped => socket_after_runtime_dropped(),
        Case::BlockOnInTask => block_on_in_task(),
        Case::BlockOnInBlockOn => block_on_in_block_on(),
    }
    ExitCode::SUCCESS
}

fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the Tokio runtime could not start")
}

fn localhost() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// `TcpListener::bind` polled once by hand, with no runtime anywhere.
fn socket_outside_runtime() {
    let bound = catch_unwind(|| {
        let mut bind = pin!(TcpListener::bind(localhost()));
        let polled = bind.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        matches!(polled, Poll::Ready(Ok(_)))
    });
    match bound {
        Ok(made) => println!("bind outside any runtime: no panic (made: {made})"),
        Err(payload) => println!(
            "bind outside any runtime: {}",
            panicked(&panic_text(&*payload))
        ),
    }
}

/// A's listener, with a connection waiting, awaited in B (for `limit`, or
/// for ever); then, if B gave up, in A.
fn foreign_runtime(limit: Option<Duration>) {
    let a = runtime();
    let listener = a
        .block_on(TcpListener::bind(localhost()))
        .expect("bind failed");
    let address = listener.local_addr().expect("no local address");
    let _peer = std::net::TcpStream::connect(address).expect("the peer cannot connect");
    println!("a connection waits in A's listener");
    let b = runtime();
    let in_b = match limit {
        // The `Sleep` inside `timeout` needs a runtime when it is made, so
        // the timeout is made inside `block_on`.
        Some(limit) => b.block_on(async { tokio::time::timeout(limit, listener.accept()).await }),
        None => Ok(b.block_on(listener.accept())),
    };
    match in_b {
        Ok(accepted) => println!("{}", io_line("accept in B", &accepted)),
        Err(_elapsed) => println!("accept in B: timed out"),
    }
    let accepted = a.block_on(listener.accept());
    println!("{}", io_line("accept in A", &accepted));
}

/// A stream of A, read in B after A was dropped, then dropped there.
fn socket_after_runtime_dropped() {
    let a = runtime();
    let (mut stream, _peer) = a.block_on(async {
        let listener = TcpListener::bind(localhost()).await.expect("bind failed");
        let address = listener.local_addr().expect("no local address");
        let peer = TcpStream::connect(address).await.expect("connect failed");
        let (stream, _) = listener.accept().await.expect("accept failed");
        (stream, peer)
    });
    drop(a);
    println!("A dropped");
    let b = runtime();
    let read = b.block_on(async {
        let mut buf = [0u8; 8];
        stream.read(&mut buf).await
    });
    println!("{}", io_line("read in B", &read));
    let dropped = catch_unwind(AssertUnwindSafe(|| b.block_on(async move { drop(stream) })));
    match dropped {
        Ok(()) => println!("drop in B: no panic"),
        Err(payload) => println!("drop in B: {}", panicked(&panic_text(&*payload))),
    }
}

/// A spawned task calls `block_on` on another runtime (kept alive outside
/// the task: dropping a runtime inside a task is another panic).
fn block_on_in_task() {
    let outer = runtime();
    let inner = Arc::new(runtime());
    let in_task = Arc::clone(&inner);
    let joined = outer
        .block_on(async move { tokio::spawn(async move { in_task.block_on(async {}) }).await });
    match joined {
        Ok(()) => println!("block_on in a task: no panic"),
        Err(error) => match error.try_into_panic() {
            Ok(payload) => println!("block_on in a task: {}", panicked(&panic_text(&*payload))),
            Err(error) => println!("block_on in a task: {error}"),
        },
    }
}

/// `block_on` inside the future of another runtime's `block_on`.
fn block_on_in_block_on() {
    let outer = runtime();
    let inner = runtime();
    let nested = catch_unwind(AssertUnwindSafe(|| {
        outer.block_on(async { inner.block_on(async {}) })
    }));
    match nested {
        Ok(()) => println!("block_on in block_on: no panic"),
        Err(payload) => println!("block_on in block_on: {}", panicked(&panic_text(&*payload))),
    }
}
