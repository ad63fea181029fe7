//! What a stepping run of `room_load` prints: latency over every delivery,
//! then each server's memory and CPU (with one server, in the lines this
//! tool has always printed), NATS's share and the clients' own CPU.
//!
//! ```text
//!  followers: F   steps: S   pace: P ms   deliveries: F×S   [instances: N (NATS)]
//!  latency  p50 … p95 … p99 … max …                   every delivery
//!  server RSS … / server CPU …                         N = 1
//!  instance i: its followers, latency, RSS, CPU        N ≥ 2, one block each
//!  nats-server CPU, RSS                                N ≥ 2
//!  clients (this tool) CPU                             on the same cores
//! ```

use std::time::Duration;

use super::ms;

/// What one server process delivered and cost.
pub struct Figures {
    /// Followers connected to it.
    pub followers: usize,
    /// `VmRSS` before the followers joined and with them joined, in KiB.
    pub rss: (u64, u64),
    /// CPU time while stepping, in milliseconds.
    pub cpu_ms: u64,
    /// Every delivery to its followers, sorted.
    pub latencies: Vec<Duration>,
}

impl Figures {
    /// Its memory and CPU lines, each line starting with `prefix`.
    fn print(&self, prefix: &str) {
        let (before, after) = self.rss;
        let per_follower = after.saturating_sub(before) as f64 / self.followers as f64;
        println!(
            "{prefix}RSS  before {before} KiB   with followers {after} KiB   per idle follower {per_follower:.1} KiB"
        );
        println!(
            "{prefix}CPU while stepping  {} ms   per delivered step {:.1} µs",
            self.cpu_ms,
            self.cpu_ms as f64 * 1000.0 / self.latencies.len() as f64
        );
    }
}

/// What a stepping run measured, over every process.
pub struct Stepped {
    /// Followers over all servers.
    pub followers: usize,
    /// Steps the presenter took.
    pub steps: usize,
    /// Milliseconds between steps (0: back to back).
    pub pace_ms: u64,
    /// Per server, in order: the presenter's first.
    pub figures: Vec<Figures>,
    /// The `nats-server`'s CPU while stepping (ms) and RSS after (KiB).
    pub nats: Option<(u64, u64)>,
    /// This tool's CPU while stepping: the clients, on the same cores.
    pub clients_ms: u64,
}

impl Stepped {
    /// Print the figures (see the module docs).
    pub fn print(&self) {
        let mut all: Vec<Duration> = self
            .figures
            .iter()
            .flat_map(|f| f.latencies.iter().copied())
            .collect();
        all.sort();
        let instances = match self.figures.len() {
            1 => String::new(),
            count => format!("   instances: {count} (NATS)"),
        };
        println!(
            "followers: {}   steps: {}   pace: {} ms   deliveries: {}{instances}",
            self.followers,
            self.steps,
            self.pace_ms,
            all.len()
        );
        println!("latency  {}", percentiles(&all));
        if let [only] = self.figures.as_slice() {
            only.print("server ");
        } else {
            for (i, figures) in self.figures.iter().enumerate() {
                let role = if i == 0 { " (the presenter's)" } else { "" };
                println!("instance {i}{role}: {} followers", figures.followers);
                println!("  latency  {}", percentiles(&figures.latencies));
                figures.print("  ");
            }
        }
        if let Some((cpu, rss)) = self.nats {
            println!("nats-server  CPU while stepping  {cpu} ms   RSS {rss} KiB");
        }
        println!(
            "clients (this tool)  CPU while stepping  {} ms",
            self.clients_ms
        );
    }
}

/// `p50 … ms   p95 … ms   p99 … ms   max … ms` of sorted `latencies`.
fn percentiles(latencies: &[Duration]) -> String {
    let at = |p: f64| ms(latencies[((latencies.len() - 1) as f64 * p).round() as usize]);
    format!(
        "p50 {:.2} ms   p95 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}
