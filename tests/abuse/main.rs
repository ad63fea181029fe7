//! The abuse suite: each way a student can attack a class, tried as a student with a
//! laptop and a script would, on loopback, bounded in count and time.
//!
//! | row | abuse (scaled down by small limits) | module |
//! |---|---|---|
//! | 1 | `/ws` clients run `crowd` and never read | [`sessions`] |
//! | 2 | many `/ws` sockets from one address; invalid frames to stay alive | [`sessions`] |
//! | 3 | wrong presenter keys and unknown codes, fast | [`joins`] |
//! | 4 | rooms: one address's share, `view` spam, a few addresses taking all | [`rooms`] |
//! | 5 | follower sockets from one client | [`followers`] |
//! | 6 | a long history and followers that never read | [`followers`] |
//! | 7 | idle TCP connections | [`http`] |
//! | 8 | API errors | [`http`] |
//! | 9 | a foreign `Origin` on WebSocket upgrades | [`http`] |
//!
//! Every row asserts that a normal student (`/ws`: load `tcp_read`, step)
//! and a presenter (right key, a follower sees the steps) are served during
//! and after the abuse with a probe p95 under [`harness::P95_BOUND`], that
//! the abuse ends as designed, and that threads, descriptors and RSS of this
//! process (the server runs in it) come back within [`harness::SLACK`] of
//! the baseline. Run with `--nocapture` to see the figures:
//!
//! ```text
//! cargo test -p reactor-e2e --test abuse -- --nocapture
//! ```

mod followers;
mod harness;
mod http;
mod joins;
mod rooms;
mod sessions;
