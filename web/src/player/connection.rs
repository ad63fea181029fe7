//! The player's connection to the server: one [`Socket`] at a time, to
//! `link.endpoint`, reconnecting with back-off when it drops.
//!
//! ```text
//!  connect ─▶ Opened ─▶ on_open (load + replay to the same step)
//!     ▲         │
//!     │       Text ─▶ decode::frame ─▶ on_frame
//!     │       Closed ─▶ on_close ─▶ a room's refusal: stop; else wait retry_delay(attempt) ─┐
//!     └────────────────────────────────────────────────────────────────────────────────────┘
//! ```

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use super::link::is_refusal;
use super::{Connection, Player};
use crate::decode;
use crate::socket::{Socket, SocketEvent};

/// First retry delay after a drop: short, so a restarted server is found fast.
const FIRST_RETRY: Duration = Duration::from_millis(250);
/// Longest retry delay: a learner should not wait more than this after the
/// server comes back.
const MAX_RETRY: Duration = Duration::from_secs(8);

/// The wait before connection attempt number `attempt` (0 = right after a drop):
/// doubling from [`FIRST_RETRY`], capped at [`MAX_RETRY`].
fn retry_delay(attempt: u32) -> Duration {
    FIRST_RETRY
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_RETRY)
}

impl Player {
    /// Connect to `link.endpoint` now, dropping the socket held (if any),
    /// and keep connected. The classroom moves the socket between `/ws` and
    /// a room this way.
    pub fn connect(self) {
        attempt(self, 0);
    }

    /// Hold the socket of a new connection attempt (dropping the old one).
    fn attach(self, socket: Socket) {
        self.socket.set_value(Some(socket));
        self.connection.set(Connection::Connecting);
    }

    /// The socket opened: load the scenario again and replay to where we were.
    fn on_open(self) {
        self.connection.set(Connection::Connected);
        self.send_load();
    }

    /// The socket closed: the history stays, the server's engine is gone.
    fn on_close(self) {
        self.connection.set(Connection::Disconnected);
        self.sync.set_value(Default::default());
        // Nothing more is coming for now: show what came.
        self.show_history(false);
    }
}

/// Connection attempt number `number` to the player's endpoint.
fn attempt(player: Player, number: u32) {
    let endpoint = player.link.endpoint.get_untracked();
    let retry = {
        let endpoint = endpoint.clone();
        move |next: u32| {
            let endpoint = endpoint.clone();
            // A retry for an endpoint the player has since left is dropped.
            let again = move || {
                if player.link.endpoint.get_untracked() == endpoint {
                    attempt(player, next);
                }
            };
            set_timeout(again, retry_delay(next));
        }
    };
    let opened = Rc::new(Cell::new(false));
    let on_event = {
        let retry = retry.clone();
        move |event: SocketEvent| match event {
            SocketEvent::Opened => {
                opened.set(true);
                player.on_open();
            }
            SocketEvent::Text(text) => match decode::frame(&text) {
                // Playing a file: the server's answers to earlier commands
                // belong to a run no longer shown.
                Ok(frame) if player.from_file.get_untracked() && frame.is_run() => {}
                Ok(frame) => player.on_frame(frame),
                Err(error) => leptos::logging::warn!(
                    "ignored a frame the app does not know ({error}): {text:.200}"
                ),
            },
            SocketEvent::Closed { code, reason } => {
                player.on_close();
                if is_refusal(code) {
                    // A room said no for good (ended, unknown, ...): do not retry.
                    player.link.refused.set(Some((code, reason)));
                } else {
                    retry(if opened.get() { 0 } else { number + 1 });
                }
            }
        }
    };
    match Socket::open(&endpoint, on_event) {
        Ok(socket) => player.attach(socket),
        Err(_) => retry(number + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        assert_eq!(retry_delay(0), FIRST_RETRY);
        assert_eq!(retry_delay(1), FIRST_RETRY * 2);
        assert_eq!(retry_delay(3), FIRST_RETRY * 8);
        assert_eq!(retry_delay(10), MAX_RETRY);
        assert_eq!(retry_delay(u32::MAX), MAX_RETRY);
    }
}
