//! Programs to start from: the article's snippets, runnable as written,
//! and a program for each built-in scenario the subset can express.

/// The article's "life of a `tokio::spawn`", unchanged.
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

/// The article's `handle_connection`, unchanged, with a `main` that accepts
/// one connection and spawns it.
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

const TIMERS: &str = r#"use tokio::time::{sleep, Duration};

async fn nap(name: &str, duration: Duration) {
    sleep(duration).await;
    println!("{name}: woke up");
}

#[tokio::main]
async fn main() {
    let mut handles = Vec::new();
    handles.push(tokio::spawn(nap("sleep 3 ms", Duration::from_millis(3))));
    handles.push(tokio::spawn(nap("sleep 150 ms", Duration::from_millis(150))));
    handles.push(tokio::spawn(nap("sleep 5 s", Duration::from_secs(5))));
    handles.push(tokio::spawn(nap("sleep 5 min", Duration::from_secs(300))));
    for handle in handles {
        handle.await.unwrap();
    }
}
"#;

const LOST_WAKER: &str = r#"#[tokio::main]
async fn main() {
    let worker = tokio::spawn(async {
        // Pending, and no waker kept anywhere: nothing will poll this again.
        std::future::pending::<()>().await;
        println!("never printed");
    });
    worker.await.unwrap();
}
"#;

const BLOCKING_CALL: &str = r#"use std::time::Duration;

#[tokio::main]
async fn main() {
    let ticker = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        println!("ticker: woke up");
    });
    let blocker = tokio::spawn(async {
        // A blocking call in async code: nothing else runs until it returns.
        std::thread::sleep(Duration::from_millis(200));
        println!("blocker: done");
    });
    blocker.await.unwrap();
    ticker.await.unwrap();
}
"#;

const FOUR_WORKERS: &str = r#"use tokio::time::{sleep, Duration};

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let mut sleepers = Vec::new();
    for n in 0..4 {
        sleepers.push(tokio::spawn(async move {
            sleep(Duration::from_millis(10 * (n + 1))).await;
            n
        }));
    }
    let mut finished = 0;
    for sleeper in sleepers {
        sleeper.await.unwrap();
        finished += 1;
    }
    println!("{finished} sleepers finished");
}
"#;

const WORK_STEALING: &str = r#"async fn spawner() -> u64 {
    let mut parts = Vec::new();
    for n in 0..16 {
        parts.push(tokio::spawn(async move { n * n }));
    }
    let mut sum = 0;
    for part in parts {
        sum += part.await.unwrap();
    }
    sum
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let sum = tokio::spawn(spawner()).await.unwrap();
    println!("16 parts add up to {sum}");
}
"#;

const TWO_WORKERS_TCP: &str = r#"use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

async fn handle_connection(mut stream: TcpStream) {
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    println!("Read {} bytes", n);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:8080").await.unwrap();
    let mut handlers = Vec::new();
    for _ in 0..2 {
        let (stream, _) = listener.accept().await.unwrap();
        handlers.push(tokio::spawn(handle_connection(stream)));
    }
    for handler in handlers {
        handler.await.unwrap();
    }
}
"#;

const TWO_CLIENTS: &str =
    "at 0 ms connect\nat 0 ms connect\nat 5 ms send all \"hello, reactor\" and close\n";
