//! Programs and helpers for the playground tests (`playground_http`,
//! `playground_ws`): the article's program, broken ones, hostile ones, and
//! a `/ws` client's `load` of a program.

#![allow(dead_code)] // each test binary uses a different part

use anyhow::{Result, bail};
use reactor_protocol::{Outline, ServerFrame, Snapshot};

use crate::ws_support::Client;

/// The article's "life of a `tokio::spawn`", as a learner types it.
pub const ARTICLE_SPAWN: &str = r#"#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("done!");
        42
    });
    let result = handle.await.unwrap();
    assert_eq!(result, 42);
}
"#;

/// The article's `handle_connection`, with a `main` that accepts one
/// connection, and the client at the other end ([`ARTICLE_PEER`]).
pub const ARTICLE_HANDLER: &str = r#"use tokio::net::{TcpListener, TcpStream};
use tokio::io::AsyncReadExt;

async fn handle_connection(mut stream: TcpStream) {
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    println!("Read {} bytes", n);
}

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:8080").await.unwrap();
    let (stream, _) = listener.accept().await.unwrap();
    let handler = tokio::spawn(handle_connection(stream));
    handler.await.unwrap();
}
"#;

/// What the other end of [`ARTICLE_HANDLER`]'s socket does.
pub const ARTICLE_PEER: &str = "at 0 ms connect\nat 5 ms send \"hello, reactor\" and close\n";

/// Not Rust: `let x = ;` on line 3.
pub const BROKEN: &str = "#[tokio::main]\nasync fn main() {\n    let x = ;\n}\n";
/// Where [`BROKEN`] is broken.
pub const BROKEN_LINE: u32 = 3;

/// A peer description whose second line is no action.
pub const BAD_PEER: &str = "at 0 ms connect\nat 5 ms dance\n";

/// A task that never reaches an `.await`: the playground ends its run as a
/// busy poll after its steps per poll.
pub const SPIN: &str = "#[tokio::main]\nasync fn main() {\n    loop {}\n}\n";

/// A task that works hard between yields, forever: with the steps per
/// poll raised to [`GRIND_STEPS_PER_POLL`] (and no bound on steps in all),
/// each poll stays under them, so only the record limit or the server's
/// run time stops it, and the run time comes first by far (a poll takes
/// milliseconds, and a yield makes a handful of records).
pub const GRIND: &str = r#"#[tokio::main]
async fn main() {
    loop {
        let mut j = 0;
        while j < 50000 {
            j += 1;
        }
        tokio::task::yield_now().await;
    }
}
"#;

/// The steps per poll a server running [`GRIND`] gives programs: far more
/// than one pass of its inner loop takes.
pub const GRIND_STEPS_PER_POLL: u64 = 10_000_000;

/// The JSON of a `load` of `program` with `peer`.
pub fn load_command(program: &str, peer: &str) -> String {
    serde_json::json!({"cmd": "load", "program": program, "peer": peer}).to_string()
}

/// Load `program` on `client` and read the `loaded` (`"program"`),
/// `outline` and start `snapshot` that answer it.
pub async fn load_program(
    client: &mut Client,
    program: &str,
    peer: &str,
) -> Result<(Outline, Snapshot)> {
    client.send_text(&load_command(program, peer)).await?;
    match client.next_frame().await? {
        ServerFrame::Loaded { scenario } if scenario == "program" => {}
        other => bail!("expected loaded program, got {other:?}"),
    }
    client.outline_and_start().await
}

/// The `error` frame that answers a `load`: message, line, column, in_peer.
pub async fn expect_fault(client: &mut Client) -> Result<(String, Option<u32>, Option<u32>, bool)> {
    match client.next_frame().await? {
        ServerFrame::Error {
            message,
            line,
            column,
            in_peer,
        } => Ok((message, line, column, in_peer)),
        other => bail!("expected an error frame, got {other:?}"),
    }
}
