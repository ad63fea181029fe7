async fn spawner() -> u64 {
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
