//! Shared parts of the abuse suite (`tests/abuse/`): clients from chosen
//! loopback addresses, the probes that play a normal student and a
//! presenter, and what the process costs while a hostile client tries.
//!
//! ```text
//!  abuser (127.0.0.1x) ══▶ ┌───────────── reactor-lab (in this process) ─────────────┐
//!  probe  (127.0.0.1)  ══▶ │ sessions · rooms · HTTP                                 │
//!                          └──── /proc/self: threads, fds, VmRSS, VmHWM ─────────────┘
//! ```

pub mod gauge;
pub mod net;
pub mod probe;

pub use gauge::{
    Sampler, Slack, Usage, engine_threads, largest_mappings, mib, peak_rss_kib, reset_peak_rss,
};
pub use net::{Answer, STEP_PATIENCE, Ws, connect, http, loopback};
pub use probe::{Latencies, Probe, Prober, Summary};
