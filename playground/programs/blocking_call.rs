use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
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
