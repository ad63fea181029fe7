//! A registration belongs to its own runtime: made outside any runtime,
//! used from another runtime, used after its runtime is gone, dropped
//! elsewhere. The fidelity suite runs the same situations on real Tokio
//! (`fidelity/src/ownership/`); these look inside the engine's drivers.

use std::cell::RefCell;
use std::future::poll_fn;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use reactor_protocol::Event;

use crate::net::{TcpListener, TcpStream};
use crate::runtime::{NO_RUNTIME, RUNTIME_SHUT_DOWN, RunError};
use crate::{Runtime, RuntimeOptions};

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions::default()).expect("runtime starts")
}

fn localhost() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// A listener registered with `runtime`'s driver, at its token 0.
fn listener_of(runtime: &Runtime) -> Rc<RefCell<TcpListener>> {
    let _entered = runtime.enter();
    let listener = TcpListener::bind(localhost()).expect("bind");
    assert_eq!(listener.token(), 0);
    Rc::new(RefCell::new(listener))
}

/// `(token, has a reader waiting)` of every registration of `runtime`.
fn registrations(runtime: &Runtime) -> Vec<(usize, bool)> {
    let driver = runtime.core().driver.borrow();
    driver
        .registrations
        .iter()
        .map(|(token, io)| (token, io.read_waiter.is_some()))
        .collect()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_socket_made_outside_any_runtime_panics_with_tokios_words() {
    let made = std::panic::catch_unwind(|| TcpListener::bind(localhost()));
    let payload = made.expect_err("no runtime, no socket");
    assert_eq!(panic_message(payload.as_ref()), NO_RUNTIME);
}

/// The defect this ownership fixes: B's loop found "token 0" in *its*
/// driver, some other socket. Now the waker goes to A's token 0, B's own
/// token 0 is untouched, B's trace names no token 0, and B, with nothing
/// that can wake its task, stops.
#[test]
fn a_socket_of_an_idle_runtime_never_becomes_ready_in_another() {
    let a = runtime();
    let listener = listener_of(&a);
    let address = listener.borrow().local_addr();
    let _peer = std::net::TcpStream::connect(address).expect("the peer connects");

    let mut b = runtime();
    let b_own = listener_of(&b);
    let _setup = b.take_records();
    let waiting = Rc::clone(&listener);
    let accepted = b.block_on(async move {
        poll_fn(|cx| waiting.borrow_mut().poll_accept(cx))
            .await
            .map(|_| ())
    });
    assert!(
        matches!(&accepted, Err(RunError::Stopped(message)) if message.starts_with("deadlock")),
        "{accepted:?}"
    );
    assert_eq!(registrations(&a), [(0, true)], "the waker is in A's driver");
    assert_eq!(registrations(&b), [(0, false)], "B's token 0 is untouched");
    let b_records = b.take_records();
    assert!(!b_records.iter().any(|record| matches!(
        record.event,
        Event::WakerStored { .. } | Event::ReadinessCleared { .. } | Event::Syscall(_)
    )));
    let main = &b.snapshot().tasks[0];
    let waiting_on = main.waiting_on.as_deref().unwrap_or_default();
    assert!(
        waiting_on.starts_with("read readiness on token 0 of runtime "),
        "{waiting_on}"
    );

    // Driven by its own runtime, the same socket sees the connection.
    let mut a = a;
    let accepted = a.block_on(async move {
        poll_fn(|cx| listener.borrow_mut().poll_accept(cx))
            .await
            .map(|_| ())
    });
    assert!(matches!(accepted, Ok(Ok(()))), "{accepted:?}");
    drop(b_own);
}

#[test]
fn a_socket_dropped_in_another_runtime_leaves_that_runtime_s_tokens_alone() {
    let a = runtime();
    let from_a = listener_of(&a);
    let mut b = runtime();
    let b_own = listener_of(&b);
    b.block_on(async move { drop(from_a) })
        .expect("main completes");
    assert_eq!(registrations(&a), [], "A's token 0 is freed");
    assert_eq!(registrations(&b), [(0, false)], "B's token 0 stays");
    drop(b_own);
}

#[test]
fn a_socket_used_after_its_runtime_is_dropped_answers_tokios_error() {
    let mut a = runtime();
    let (mut stream, _peer) = a
        .block_on(async {
            let mut listener = TcpListener::bind(localhost()).expect("bind");
            let peer = TcpStream::connect(listener.local_addr())
                .await
                .expect("connect");
            let (stream, _) = listener.accept().await.expect("accept");
            (stream, peer)
        })
        .expect("main completes");
    drop(a);
    let mut b = runtime();
    let read = b
        .block_on(async move {
            let mut buf = [0u8; 8];
            let read = stream.read(&mut buf).await;
            drop(stream);
            read
        })
        .expect("main completes: dropping the socket does not panic");
    let error = read.expect_err("the runtime is gone");
    assert_eq!(error.kind(), std::io::ErrorKind::Other);
    assert_eq!(error.to_string(), RUNTIME_SHUT_DOWN);
}
