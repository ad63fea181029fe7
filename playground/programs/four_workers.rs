use tokio::time::{sleep, Duration};

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
