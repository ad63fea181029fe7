//! Programs to start from: the article's snippets, runnable as written.

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
