//! `deadlock`: two tasks that await each other's `JoinHandle`.
//!
//! ```text
//!   main: spawn(ping), spawn(pong), hand pong's handle to ping ─▶ sleep 100 ms
//!   ping: await pong ─▶ Pending (its waker in pong's join slot)
//!   pong: await ping ─▶ Pending (its waker in ping's join slot): the circle
//!         closes ─▶ diagnostic deadlock: tasks 1 and 2
//!   t=100 main wakes and returns: block_on ends, ping and pong are dropped
//!         unfinished, and neither ever printed
//! ```
//!
//! A `JoinHandle` cannot be cloned, so once ping and pong hold each other's
//! handles nobody else can await them: main cannot wait for the circle.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use super::{MainResult, Setup};
use crate::task::JoinHandle;
use crate::{output, sleep, spawn_named};

/// How long main gives them.
const PATIENCE: Duration = Duration::from_millis(100);

/// ping and pong each wait for the other to finish.
async fn main() -> MainResult {
    // ping gets pong's handle through a cell: pong is spawned after it.
    let mailbox: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
    let inbox = Rc::clone(&mailbox);
    let ping = spawn_named("ping", async move {
        let pong = inbox.borrow_mut().take().expect("main filled the mailbox");
        // BUG: ping waits for pong to finish ...
        let _ = pong.await;
        output("ping: done");
    });
    let pong = spawn_named("pong", async move {
        // ... and pong waits for ping: neither can ever finish.
        let _ = ping.await;
        output("pong: done");
    });
    *mailbox.borrow_mut() = Some(pong);
    sleep(PATIENCE).await;
    output("main: neither ping nor pong finished");
    Ok(())
}

pub(crate) fn setup() -> Setup {
    Setup {
        main: Box::pin(main()),
        script: None,
    }
}
