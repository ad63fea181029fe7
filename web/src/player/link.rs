//! What the [`Player`](crate::player::Player) knows about the room its socket
//! is in. A plain `/ws` session leaves it at its defaults.

use leptos::prelude::*;
use reactor_protocol::frame::{RoomStatus, ViewPosition};

/// The WebSocket path of a private session.
pub const PRIVATE_ENDPOINT: &str = "/ws";

/// The player's side of a room, as copyable signal handles.
///
/// Invariants: `driving` is false only while following a presenter, and then
/// the player sends no command at all and adopts whatever scenario the room
/// loads; `endpoint` is the path every (re)connection uses, so a retry
/// scheduled for an older endpoint is dropped.
#[derive(Clone, Copy)]
pub struct RoomLink {
    /// Whether this client drives its own engine.
    pub driving: RwSignal<bool>,
    /// The socket's path: [`PRIVATE_ENDPOINT`], or a room's.
    pub endpoint: RwSignal<String>,
    /// The last `room` frame.
    pub status: RwSignal<Option<RoomStatus>>,
    /// The presenter's last position (a `view` frame).
    pub view: RwSignal<Option<ViewPosition>>,
    /// The room closed this socket for good: close code and reason.
    pub refused: RwSignal<Option<(u16, String)>>,
}

impl RoomLink {
    /// Not in a room: driving a private session.
    pub fn new() -> RoomLink {
        RoomLink {
            driving: RwSignal::new(true),
            endpoint: RwSignal::new(PRIVATE_ENDPOINT.to_string()),
            status: RwSignal::new(None),
            view: RwSignal::new(None),
            refused: RwSignal::new(None),
        }
    }
}

impl Default for RoomLink {
    fn default() -> Self {
        RoomLink::new()
    }
}

/// Whether a close code means "this room will not take you back" (the
/// 4000–4999 codes of `docs/protocol.md`): no automatic reconnect then.
pub fn is_refusal(close_code: u16) -> bool {
    (4000..5000).contains(&close_code)
}

/// The room code in a `/join/CODE` path, as typed (not yet checked).
pub fn join_code(path: &str) -> Option<&str> {
    let code = path.strip_prefix("/join/")?.trim_end_matches('/');
    (!code.is_empty() && !code.contains('/')).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_refusals_are_the_4000_codes() {
        assert!(is_refusal(4404) && is_refusal(4410));
        assert!(!is_refusal(1000) && !is_refusal(1006) && !is_refusal(1013));
    }

    #[test]
    fn join_links_carry_the_code() {
        assert_eq!(join_code("/join/K7QX2MPD"), Some("K7QX2MPD"));
        assert_eq!(join_code("/join/k7qx-2mpd/"), Some("k7qx-2mpd"));
        assert_eq!(join_code("/join/"), None);
        assert_eq!(join_code("/join/a/b"), None);
        assert_eq!(join_code("/scenario/tcp_read"), None);
    }
}
