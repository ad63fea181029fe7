//! One row of the abuse table, run the same way each time:
//!
//! ```text
//!  lock (rows run one at a time: they measure the whole process)
//!  start a server with the row's limits ─ warm up (one probe round) ─ baseline
//!  the row's body: abuse, with probes during it, and what the abuse must end in
//!  probe rounds after ─ wait (bounded) for threads, fds, RSS back near the baseline
//!  print the figures ─ check the probes' p95 ─ shut the server down
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use reactor_e2e::abuse::{
    Latencies, Probe, Prober, Sampler, Slack, Usage, largest_mappings, loopback, mib, peak_rss_kib,
    reset_peak_rss,
};
use reactor_e2e::{TestServer, eventually_within};

/// A probe step's 95th percentile must stay under this, during and after
/// every abuse (loopback, debug build, 2 cores, abusers running alongside).
pub const P95_BOUND: Duration = Duration::from_millis(500);
/// How far above the baseline the process may stay once the abusers are
/// gone: a thread or two of the runtime's blocking pool, a few descriptors,
/// and memory the allocator keeps for reuse rather than returning.
pub const SLACK: Slack = Slack {
    threads: 2,
    fds: 4,
    rss_kib: 16 * 1024,
};
/// How long the process may take to come back within [`SLACK`].
pub const SETTLE: Duration = Duration::from_secs(20);
/// Rounds of probes after the abuse.
const ROUNDS_AFTER: usize = 3;
/// Pace of background probe rounds during an abuse.
pub const PROBE_PACE: Duration = Duration::from_millis(100);

/// Rows measure the whole process, so they never overlap.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What a row's body works with.
pub struct Row {
    /// The server under abuse.
    pub server: TestServer,
    /// The student and presenter from the class's own address (127.0.0.1).
    pub probe: Arc<Probe>,
    /// Probe latencies while the abuse goes on.
    pub during: Latencies,
    /// Figures the row adds to its report.
    notes: Mutex<Vec<String>>,
}

impl Row {
    /// The server's address.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    /// Probe rounds in the background from the class's address and from
    /// `also` (each its own student and presenter), into [`Row::during`].
    pub fn probing(&self, also: &[u8]) -> Prober {
        let mut probes = vec![Arc::clone(&self.probe)];
        probes.extend(
            also.iter()
                .map(|&n| Arc::new(Probe::new(self.addr(), loopback(n)))),
        );
        Prober::start(probes, self.during.clone(), PROBE_PACE)
    }

    /// One probe round now, from the class's address, into [`Row::during`].
    pub async fn probe_now(&self) -> Result<()> {
        self.probe.round(&self.during).await
    }

    /// Add a line to the row's report.
    pub fn note(&self, line: impl Into<String>) {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line.into());
    }

    /// Wait until the server has no session open (bounded).
    pub async fn no_sessions(&self) -> Result<()> {
        eventually_within(SETTLE, "every session to end", || async {
            Ok((self.server.server().open_sessions() == 0).then_some(()))
        })
        .await
    }
}

/// Run one row: `adjust` sets its limits, `body` abuses and checks.
pub fn row(
    name: &str,
    adjust: impl FnOnce(&mut reactor_server::Config),
    body: impl AsyncFnOnce(&Row) -> Result<()>,
) -> Result<()> {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(Duration::from_millis(100))
        .enable_all()
        .build()?;
    let started = Instant::now();
    let outcome = runtime.block_on(run(name, adjust, body));
    drop(runtime);
    eprintln!("[{name}] took {:.1} s", started.elapsed().as_secs_f64());
    outcome.with_context(|| format!("row {name}"))
}

async fn run(
    name: &str,
    adjust: impl FnOnce(&mut reactor_server::Config),
    body: impl AsyncFnOnce(&Row) -> Result<()>,
) -> Result<()> {
    let server = TestServer::start_with(adjust).await?;
    let probe = Arc::new(Probe::new(server.addr(), loopback(1)));
    probe
        .round(&Latencies::default())
        .await
        .context("warm-up")?;
    let row = Row {
        server,
        probe,
        during: Latencies::default(),
        notes: Mutex::new(Vec::new()),
    };
    row.no_sessions().await?;
    let base = Usage::now()?;
    reset_peak_rss()?;
    let sampler = Sampler::start(base, Duration::from_millis(20));

    let abused = body(&row).await;
    let after = Latencies::default();
    let mut probed_after = Ok(());
    if abused.is_ok() {
        for _ in 0..ROUNDS_AFTER {
            probed_after = row.probe.round(&after).await;
            if probed_after.is_err() {
                break;
            }
        }
    }
    let settled = settle(&row, base).await;
    let peak = sampler.stop().await;
    let peak_rss = peak_rss_kib()?;
    let end = Usage::now()?;

    eprintln!("[{name}] probes during: {}", row.during.summary());
    eprintln!("[{name}] probes after:  {}", after.summary());
    eprintln!("[{name}] before: {base}");
    eprintln!("[{name}] peak:   {peak} (VmHWM {:.1} MiB)", mib(peak_rss));
    eprintln!("[{name}] after:  {end}");
    for line in row
        .notes
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        eprintln!("[{name}] {line}");
    }

    abused?;
    probed_after.context("a probe after the abuse")?;
    settled?;
    for (phase, latencies) in [("during", &row.during), ("after", &after)] {
        let summary = latencies.summary();
        ensure!(
            summary.p95 <= P95_BOUND,
            "probe p95 {phase} the abuse is {:?}, over {P95_BOUND:?}",
            summary.p95
        );
    }
    row.server.shutdown().await
}

/// Wait until no session is open and the process is back within [`SLACK`]
/// of `base`.
async fn settle(row: &Row, base: Usage) -> Result<()> {
    row.no_sessions().await?;
    let what = format!("threads, fds and RSS back within {SLACK:?} of ({base})");
    let settled = eventually_within(SETTLE, &what, || async {
        let now = Usage::now()?;
        Ok(now.within(base, SLACK).then_some(()))
    })
    .await;
    settled.with_context(|| match largest_mappings(8) {
        Ok(mappings) => format!("the largest mappings now:\n{mappings}"),
        Err(error) => format!("(no mappings: {error})"),
    })
}
