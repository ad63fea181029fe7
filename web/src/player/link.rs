//! What the player knows about the classroom room its socket is in. A plain
//! `/ws` session leaves it at its defaults; `crate::room` moves the socket
//! between `/ws` and a room by setting `endpoint` and reconnecting.

use leptos::prelude::*;
use reactor_protocol::frame::{RoomStatus, ViewPosition};

use super::poll::RoomPoll;

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
    /// The room's poll this tab shows, if any.
    pub poll: RwSignal<Option<RoomPoll>>,
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
            poll: RwSignal::new(None),
        }
    }
}

impl Default for RoomLink {
    fn default() -> Self {
        RoomLink::new()
    }
}

/// Whether a close code means "this room will not take you back" (the
/// 4000–4999 codes of `docs/protocol.md`, such as
/// [`CLOSE_ROOM_ENDED`](reactor_protocol::frame::CLOSE_ROOM_ENDED)): no
/// automatic reconnect then.
pub fn is_refusal(close_code: u16) -> bool {
    (4000..5000).contains(&close_code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactor_protocol::frame::{
        CLOSE_ROOM_ENDED, CLOSE_ROOM_RATE_LIMITED, CLOSE_ROOM_REPLACED, CLOSE_ROOM_UNKNOWN,
        CLOSE_ROOM_WRONG_KEY,
    };

    #[test]
    fn room_refusals_are_the_4000_codes() {
        for code in [
            CLOSE_ROOM_UNKNOWN,
            CLOSE_ROOM_WRONG_KEY,
            CLOSE_ROOM_ENDED,
            CLOSE_ROOM_REPLACED,
            CLOSE_ROOM_RATE_LIMITED,
        ] {
            assert!(is_refusal(code), "{code}");
        }
        assert!(!is_refusal(1000) && !is_refusal(1006) && !is_refusal(1013));
    }
}
