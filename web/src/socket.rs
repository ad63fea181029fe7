//! The WebSocket to `/ws`, reconnecting with back-off when it drops.
//!
//! ```text
//!  connect ─▶ open ─▶ Player::on_open (load + replay to the same step)
//!     ▲         │
//!     │       close ─▶ Player::on_close ─▶ wait retry_delay(attempt) ─┐
//!     └───────────────────────────────────────────────────────────────┘
//! ```

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{GetUntracked, Set, set_timeout};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::decode;
use crate::player::Player;

/// First retry delay after a drop: short, so a restarted server is found fast.
pub const FIRST_RETRY: Duration = Duration::from_millis(250);
/// Longest retry delay: a learner should not wait more than this after the
/// server comes back.
pub const MAX_RETRY: Duration = Duration::from_secs(8);

/// The wait before connection attempt number `attempt` (0 = right after a drop):
/// doubling from [`FIRST_RETRY`], capped at [`MAX_RETRY`].
pub fn retry_delay(attempt: u32) -> Duration {
    FIRST_RETRY
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_RETRY)
}

/// An open (or opening) socket and the handlers it calls.
pub struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Send a text frame; false when the socket is not open.
    pub fn send(&self, text: &str) -> bool {
        self.socket.ready_state() == WebSocket::OPEN && self.socket.send_with_str(text).is_ok()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// `ws://host{path}` (or `wss://` on https); `path` is `/ws` or a room's.
fn url(path: &str) -> String {
    let location = leptos::prelude::window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}{path}", location.host().unwrap_or_default())
}

/// Connect the player to the server, and keep it connected.
pub fn connect(player: Player) {
    attempt(player, 0);
}

/// Drop the socket and connect again at once, to `player.link.endpoint`
/// (the classroom moves the socket between `/ws` and a room this way).
pub fn reconnect(player: Player) {
    attempt(player, 0);
}

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
    let Ok(socket) = WebSocket::new(&url(&endpoint)) else {
        retry(number + 1);
        return;
    };
    let opened = Rc::new(Cell::new(false));
    let on_open = Closure::<dyn FnMut()>::new({
        let opened = Rc::clone(&opened);
        move || {
            opened.set(true);
            player.on_open();
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match decode::frame(&text) {
            Ok(frame) => player.on_frame(frame),
            Err(error) => leptos::logging::warn!(
                "ignored a frame the app does not know ({error}): {text:.200}"
            ),
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        player.on_close();
        if crate::room::is_refusal(event.code()) {
            // A room said no for good (ended, unknown, ...): do not retry.
            player
                .link
                .refused
                .set(Some((event.code(), event.reason())));
            return;
        }
        retry(if opened.get() { 0 } else { number + 1 });
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    player.attach(Socket {
        socket,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    });
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
