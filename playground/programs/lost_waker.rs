#[tokio::main]
async fn main() {
    let worker = tokio::spawn(async {
        // Pending, and no waker kept anywhere: nothing will poll this again.
        std::future::pending::<()>().await;
        println!("never printed");
    });
    worker.await.unwrap();
}
