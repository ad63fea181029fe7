//! The multi-thread programs: a `multi_thread` runtime with two workers
//! (`reactor_fidelity::multi_thread`), whose workers park and wake again
//! and again. Everything runs in spawned tasks, on the workers; the main
//! thread only waits in `block_on`.

use std::io::Write;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use reactor_fidelity::markers;
use reactor_fidelity::multi_thread::{MultiThreadProgram, WORKERS};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinSet;
use tokio::time::sleep;

/// What each peer sends.
const MESSAGE: &[u8] = b"hello, reactor";
/// How long a peer waits between connecting and sending, and between rounds.
const SEND_AFTER: Duration = Duration::from_millis(5);
/// Rounds of each program: each one parks both workers again.
const ROUNDS: usize = 3;
/// Short tasks spawned per round of `mt_stealing`.
const SHORT_TASKS: usize = 64;

/// Build the runtime between the start and block-on markers, run
/// `program`, mark the end, and shut the runtime down.
pub fn run(program: MultiThreadProgram) {
    let runtime = build();
    let peer = runtime.block_on(async move {
        match program {
            MultiThreadProgram::TcpRead => Some(tcp_read().await),
            MultiThreadProgram::TwoClients => Some(two_clients().await),
            MultiThreadProgram::Stealing => {
                stealing().await;
                None
            }
        }
    });
    markers::hit(markers::END);
    drop(runtime);
    if let Some(peer) = peer {
        peer.join()
            .expect("the peer thread panicked")
            .expect("the peer failed");
    }
}

/// Two workers, every driver; each worker states the worker marker.
fn build() -> Runtime {
    markers::hit(markers::START);
    let runtime = Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .on_thread_start(|| markers::hit(markers::WORKER))
        .build()
        .expect("the Tokio runtime could not start");
    markers::hit(markers::BLOCK_ON);
    runtime
}

type Peer = std::thread::JoinHandle<std::io::Result<()>>;

/// The article's read, [`ROUNDS`] times: a task accepts, a handler reads.
async fn tcp_read() -> Peer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind failed");
    let address = listener.local_addr().expect("no local address");
    let peer = std::thread::spawn(move || {
        for _ in 0..ROUNDS {
            let mut socket = std::net::TcpStream::connect(address)?;
            std::thread::sleep(SEND_AFTER);
            socket.write_all(MESSAGE)?;
            socket.shutdown(Shutdown::Both)?;
            std::thread::sleep(SEND_AFTER);
        }
        Ok(())
    });
    let server = tokio::spawn(async move {
        for round in 1..=ROUNDS {
            let (stream, _) = listener.accept().await.expect("accept failed");
            let n = tokio::spawn(read_once(stream))
                .await
                .expect("the handler failed");
            println!("round {round}: read {n} bytes");
        }
    });
    server.await.expect("the server task failed");
    peer
}

/// Two connections, each with its own handler task; each round the peer
/// writes to both, back to back.
async fn two_clients() -> Peer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind failed");
    let address = listener.local_addr().expect("no local address");
    let peer = std::thread::spawn(move || {
        let mut sockets = [connect(address)?, connect(address)?];
        for _ in 0..ROUNDS {
            std::thread::sleep(SEND_AFTER);
            for socket in &mut sockets {
                socket.write_all(MESSAGE)?;
            }
        }
        for socket in &sockets {
            socket.shutdown(Shutdown::Write)?;
        }
        Ok(())
    });
    let server = tokio::spawn(async move {
        let mut handlers = JoinSet::new();
        for _ in 0..2 {
            let (stream, _) = listener.accept().await.expect("accept failed");
            handlers.spawn(read_to_end(stream));
        }
        let mut total = 0;
        while let Some(bytes) = handlers.join_next().await {
            total += bytes.expect("a handler failed");
        }
        println!("two clients: read {total} bytes");
    });
    server.await.expect("the server task failed");
    peer
}

fn connect(address: SocketAddr) -> std::io::Result<std::net::TcpStream> {
    let socket = std::net::TcpStream::connect(address)?;
    socket.set_nodelay(true)?;
    Ok(socket)
}

async fn read_once(mut stream: TcpStream) -> usize {
    let mut buf = [0u8; 1024];
    stream.read(&mut buf).await.expect("the read failed")
}

/// Read until the peer closes; the bytes read.
async fn read_to_end(mut stream: TcpStream) -> usize {
    let mut buf = [0u8; 1024];
    let mut total = 0;
    loop {
        match stream.read(&mut buf).await.expect("the read failed") {
            0 => return total,
            n => total += n,
        }
    }
}

/// One task spawns [`SHORT_TASKS`] tasks that yield, sleep 1 ms and yield
/// again, [`ROUNDS`] times: its worker's queue fills up and the other
/// worker is woken to steal.
async fn stealing() {
    let spawner = tokio::spawn(async {
        let mut done = 0;
        for round in 0..ROUNDS {
            let mut tasks = JoinSet::new();
            for n in 0..SHORT_TASKS {
                tasks.spawn(async move {
                    tokio::task::yield_now().await;
                    sleep(Duration::from_millis(1)).await;
                    tokio::task::yield_now().await;
                    round * SHORT_TASKS + n
                });
            }
            while let Some(task) = tasks.join_next().await {
                task.expect("a short task failed");
                done += 1;
            }
            sleep(SEND_AFTER).await;
        }
        done
    });
    let done = spawner.await.expect("the spawner failed");
    println!("{done} short tasks done");
}
