use tokio::time::{sleep, Duration};

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
