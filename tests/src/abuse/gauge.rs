//! What the process costs right now: threads, open descriptors, resident
//! memory (and its peak), and the kernel's TCP buffer memory.
//!
//! The server runs in the test process, so `/proc/self` counts its engine
//! threads, its sockets and its buffers together with the test's own.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;

/// Resources of this process at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Threads (`Threads:` in `/proc/self/status`).
    pub threads: usize,
    /// Open file descriptors (entries of `/proc/self/fd`).
    pub fds: usize,
    /// Resident memory in KiB (`VmRSS:`).
    pub rss_kib: u64,
    /// Pages of memory the kernel holds for TCP buffers, machine-wide
    /// (`mem` on the `TCP:` line of `/proc/net/sockstat`).
    pub tcp_pages: u64,
}

impl Usage {
    /// Read them all now.
    pub fn now() -> Result<Usage> {
        let status = std::fs::read_to_string("/proc/self/status").context("/proc/self/status")?;
        Ok(Usage {
            threads: usize::try_from(status_field(&status, "Threads:")?)?,
            fds: std::fs::read_dir("/proc/self/fd")
                .context("/proc/self/fd")?
                .count(),
            rss_kib: status_field(&status, "VmRSS:")?,
            tcp_pages: tcp_pages()?,
        })
    }

    /// The larger of each figure.
    pub fn max(self, other: Usage) -> Usage {
        Usage {
            threads: self.threads.max(other.threads),
            fds: self.fds.max(other.fds),
            rss_kib: self.rss_kib.max(other.rss_kib),
            tcp_pages: self.tcp_pages.max(other.tcp_pages),
        }
    }

    /// Whether every figure is at most `base` plus its allowance in `slack`.
    pub fn within(self, base: Usage, slack: Slack) -> bool {
        self.threads <= base.threads + slack.threads
            && self.fds <= base.fds + slack.fds
            && self.rss_kib <= base.rss_kib + slack.rss_kib
    }
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "threads {}, fds {}, RSS {:.1} MiB, kernel TCP {} pages",
            self.threads,
            self.fds,
            mib(self.rss_kib),
            self.tcp_pages
        )
    }
}

/// How far above the baseline a figure may stay once the abuse is over.
#[derive(Clone, Copy, Debug)]
pub struct Slack {
    /// Extra threads.
    pub threads: usize,
    /// Extra descriptors.
    pub fds: usize,
    /// Extra resident KiB: the allocator keeps some freed memory for reuse.
    pub rss_kib: u64,
}

/// KiB as MiB, for printing.
pub fn mib(kib: u64) -> f64 {
    // Precision is not a concern below 2^52 KiB.
    #[allow(clippy::cast_precision_loss)]
    let kib = kib as f64;
    kib / 1024.0
}

/// The number after `name` on its line of `status`, text of `/proc` lines
/// such as `VmRSS:  23040 kB` (`/proc/self/status`, `/proc/self/smaps`).
fn status_field(status: &str, name: &str) -> Result<u64> {
    let line = status
        .lines()
        .find(|line| line.starts_with(name))
        .with_context(|| format!("no {name} line"))?;
    line[name.len()..]
        .split_whitespace()
        .next()
        .context("empty field")?
        .parse()
        .with_context(|| format!("bad {line}"))
}

/// Kernel TCP buffer memory in pages (0 where `/proc/net/sockstat` says nothing).
fn tcp_pages() -> Result<u64> {
    let sockstat = std::fs::read_to_string("/proc/net/sockstat").context("/proc/net/sockstat")?;
    let line = sockstat.lines().find(|line| line.starts_with("TCP:"));
    let words: Vec<&str> = line
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    Ok(words
        .windows(2)
        .find(|pair| pair[0] == "mem")
        .and_then(|pair| pair[1].parse().ok())
        .unwrap_or(0))
}

/// The highest resident memory since [`reset_peak_rss`], in KiB (`VmHWM:`).
pub fn peak_rss_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("/proc/self/status")?;
    status_field(&status, "VmHWM:")
}

/// Start the peak of [`peak_rss_kib`] again from the current RSS
/// (`5` into `/proc/self/clear_refs`, Linux 4.0+).
pub fn reset_peak_rss() -> Result<()> {
    std::fs::write("/proc/self/clear_refs", "5").context("resetting the peak RSS")
}

/// The `n` mappings of this process holding the most resident memory, one
/// per line (`/proc/self/smaps`): what stayed behind when RSS does not come
/// back (an allocator arena, a thread's stack, a file).
pub fn largest_mappings(n: usize) -> Result<String> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").context("/proc/self/smaps")?;
    let mut mappings: Vec<(u64, String)> = Vec::new();
    for line in smaps.lines() {
        if line.starts_with("Rss:") {
            if let Some(last) = mappings.last_mut() {
                last.0 = status_field(line, "Rss:")?;
            }
        } else if line
            .split_whitespace()
            .next()
            .is_some_and(|range| range.contains('-'))
        {
            mappings.push((0, line.to_owned()));
        }
    }
    mappings.sort_unstable_by_key(|(kib, _)| std::cmp::Reverse(*kib));
    Ok(mappings
        .iter()
        .take(n)
        .map(|(kib, header)| format!("{:8.1} MiB  {header}", mib(*kib)))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Samples [`Usage`] in the background and keeps the highest of each figure
/// (threads and descriptors have no kernel-kept peak).
pub struct Sampler {
    peak: Arc<Mutex<Usage>>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Sampler {
    /// Sample every `every`, starting from `first`.
    pub fn start(first: Usage, every: Duration) -> Sampler {
        let peak = Arc::new(Mutex::new(first));
        let (stop, mut stopped) = watch::channel(false);
        let kept = Arc::clone(&peak);
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = stopped.wait_for(|stop| *stop) => return,
                    _ = tick.tick() => {
                        if let Ok(now) = Usage::now() {
                            let mut peak = kept.lock().unwrap_or_else(PoisonError::into_inner);
                            *peak = peak.max(now);
                        }
                    }
                }
            }
        });
        Sampler { peak, stop, task }
    }

    /// The highest figures so far.
    pub fn peak(&self) -> Usage {
        *self.peak.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stop sampling; the highest figures seen.
    pub async fn stop(self) -> Usage {
        self.stop.send_replace(true);
        let peak = Arc::clone(&self.peak);
        let _ = self.task.await;
        *peak.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Names of the server's engine threads alive now (`session-N`, one per
/// session; the number is the session's id, never reused).
pub fn engine_threads() -> Result<std::collections::BTreeSet<String>> {
    let mut names = std::collections::BTreeSet::new();
    for task in std::fs::read_dir("/proc/self/task").context("/proc/self/task")? {
        // A thread may end between the listing and the read: skip it.
        if let Ok(name) = std::fs::read_to_string(task?.path().join("comm")) {
            let name = name.trim_end();
            if name.starts_with("session-") {
                names.insert(name.to_owned());
            }
        }
    }
    Ok(names)
}
