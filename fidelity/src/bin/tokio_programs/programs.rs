//! The programs themselves: each is the engine's program, written with
//! Tokio's API (same tasks, same sleeps, same peer behaviour).

use std::io::Write;
use std::net::{Shutdown, SocketAddr};
use std::thread::JoinHandle;
use std::time::Duration;

use reactor_fidelity::program::Program;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, sleep, sleep_until};

/// What the `tcp_read` peer sends.
const MESSAGE: &[u8] = b"hello, reactor";
/// How long the peer waits between connecting and sending.
const SEND_AFTER: Duration = Duration::from_millis(5);

/// Work left once `block_on` has returned (joining the peer thread).
pub enum After {
    /// Nothing.
    Nothing,
    /// Join the peer thread and check it did its part.
    JoinPeer(JoinHandle<std::io::Result<()>>),
}

impl After {
    /// Do it, outside the runtime.
    pub fn finish(self) {
        if let After::JoinPeer(peer) = self {
            peer.join()
                .expect("the peer thread panicked")
                .expect("the peer failed");
        }
    }
}

/// Run `program` inside the runtime.
pub async fn run(program: Program) -> After {
    match program {
        Program::TcpRead => return tcp_read().await,
        Program::SpawnLifecycle => spawn_lifecycle().await,
        Program::Timers => sleeps_in_order(&[3, 150, 5_000, 300_000]).await,
        Program::TimersShort => sleeps_in_order(&[3, 150, 5_000]).await,
        Program::Crowd => crowd().await,
        Program::YieldLoop => yield_loop().await,
        Program::OddSleeps => sleeps_in_order(&[1, 63, 64, 65, 777, 4095, 4097]).await,
        Program::OneSlot => sleeps_in_order(&(200..=250).collect::<Vec<_>>()).await,
        Program::BeyondWheel => sleeps_in_order(&[(1 << 36) + 5_000]).await,
        Program::SleepMaxRace => sleep_max_race().await,
        Program::SleepMax => sleep_max().await,
        Program::PastDeadline => past_deadline().await,
    }
    After::Nothing
}

/// The engine's `tcp_read`: a plain blocking peer thread connects at once,
/// waits 5 ms, writes and closes; main accepts and a handler reads once.
async fn tcp_read() -> After {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind failed");
    let address = listener.local_addr().expect("no local address");
    let peer = std::thread::spawn(move || peer(address));
    let (stream, _) = listener.accept().await.expect("accept failed");
    let handler = tokio::spawn(handle_connection(stream));
    handler.await.expect("the handler failed");
    After::JoinPeer(peer)
}

fn peer(address: SocketAddr) -> std::io::Result<()> {
    let mut socket = std::net::TcpStream::connect(address)?;
    std::thread::sleep(SEND_AFTER);
    socket.write_all(MESSAGE)?;
    socket.shutdown(Shutdown::Both)
}

async fn handle_connection(mut stream: TcpStream) {
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.expect("the read failed");
    println!("Read {n} bytes");
}

/// The engine's `spawn_lifecycle`.
async fn spawn_lifecycle() {
    let handle = tokio::spawn(async {
        sleep(Duration::from_secs(1)).await;
        println!("done!");
        42
    });
    assert_eq!(handle.await.expect("the sleeper failed"), 42);
}

/// One task per sleep (in ms), spawned in order and awaited in order; the
/// shape of the engine's `timers`.
async fn sleeps_in_order(millis: &[u64]) {
    let handles: Vec<_> = millis
        .iter()
        .map(|&ms| {
            tokio::spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                println!("sleep {ms} ms: woke up");
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("a sleeper failed");
    }
}

/// The engine's `crowd`: 240 workers, rhythms 10..50 ms, three naps each.
async fn crowd() {
    const RHYTHMS: [u64; 5] = [10, 20, 30, 40, 50];
    let handles: Vec<_> = (0..240u64)
        .map(|n| {
            let nap = Duration::from_millis(RHYTHMS[(n % 5) as usize]);
            tokio::spawn(async move {
                for _ in 0..3 {
                    sleep(nap).await;
                }
                n
            })
        })
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a worker failed");
    }
    println!("240 workers took 720 naps; ids sum to {sum}");
}

/// A spawned task yields five times.
async fn yield_loop() {
    let handle = tokio::spawn(async {
        for _ in 0..5 {
            tokio::task::yield_now().await;
        }
    });
    handle.await.expect("the yielder failed");
}

/// `sleep(Duration::MAX)` against a 300 ms sleep, polled in that order
/// (`biased`, as the engine's `race`); the short one wins.
async fn sleep_max_race() {
    let handle = tokio::spawn(async {
        tokio::select! {
            biased;
            () = sleep(Duration::MAX) => "forever",
            () = sleep(Duration::from_millis(300)) => "300 ms",
        }
    });
    let winner = handle.await.expect("the racer failed");
    assert_eq!(winner, "300 ms");
    println!("{winner} won");
}

/// `sleep(Duration::MAX)` to its end: Tokio caps a sleep at 30 years.
async fn sleep_max() {
    let handle = tokio::spawn(async {
        sleep(Duration::MAX).await;
        println!("forever is over");
    });
    handle.await.expect("the sleeper failed");
}

/// Deadlines in the past: one before the runtime started (Tokio counts it
/// as tick 0, already reached), then, once a 20 ms sleep has moved the
/// clock, one 10 ms ago. Neither files a timer: each completes on its
/// first poll.
async fn past_deadline() {
    let handle = tokio::spawn(async {
        sleep_until(Instant::now() - Duration::from_millis(10)).await;
        println!("before the start: already past");
        sleep(Duration::from_millis(20)).await;
        sleep_until(Instant::now() - Duration::from_millis(10)).await;
        println!("10 ms ago: already past");
    });
    handle.await.expect("the sleeper failed");
}
