use tokio::io::AsyncReadExt;
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
