//! A bare WebSocket: open one to a path of this page's host, send text,
//! and hear of what happens to it through one callback.
//!
//! ```text
//!  Socket::open(path, on_event) ─▶ on_event(Opened)
//!                                  on_event(Text(..))  for every text frame
//!                                  on_event(Closed { code, reason })
//!  Socket::send(text)  ·  drop(socket): no more events, and the socket closes
//! ```
//!
//! This is the bottom of the app: it knows nothing of what the text means,
//! nor of players or rooms. Reconnecting is the player's business
//! (`player::connection`).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What happened to a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocketEvent {
    /// The socket is open: text can be sent.
    Opened,
    /// A text frame arrived (binary frames are ignored).
    Text(String),
    /// The socket closed (or could not open): its close code and reason.
    Closed {
        /// The WebSocket close code, such as 1006 for a dropped connection.
        code: u16,
        /// The reason the other side gave, if any.
        reason: String,
    },
}

/// An open (or opening) socket and the handlers it calls.
pub struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Open a socket to `path` (such as `/ws`) on this page's host, `wss://`
    /// when the page is https. Every event goes to `on_event` until the
    /// socket is dropped. An error means the browser refused the URL.
    pub fn open(path: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Socket, String> {
        let url = url(path).ok_or("no browser window")?;
        let socket = WebSocket::new(&url).map_err(|error| format!("{error:?}"))?;
        let on_event: Rc<dyn Fn(SocketEvent)> = Rc::new(on_event);
        let on_open = Closure::<dyn FnMut()>::new({
            let on_event = Rc::clone(&on_event);
            move || on_event(SocketEvent::Opened)
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let on_event = Rc::clone(&on_event);
            move |event: MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    on_event(SocketEvent::Text(text));
                }
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_event(SocketEvent::Closed {
                code: event.code(),
                reason: event.reason(),
            });
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

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

/// `ws://host{path}` (or `wss://` on https).
fn url(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    Some(format!(
        "{scheme}://{}{path}",
        location.host().unwrap_or_default()
    ))
}
