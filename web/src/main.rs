//! Reactor Lab in the browser. PLACEHOLDER skeleton (issue 2); issue 5 makes it real.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let (status, set_status) = signal("connecting");
    let location = web_sys::window().expect("window").location();
    let proto = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let url = format!("{proto}://{}/ws", location.host().unwrap_or_default());
    if let Ok(socket) = WebSocket::new(&url) {
        let on_message =
            Closure::<dyn FnMut(MessageEvent)>::new(move |_| set_status.set("connected"));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_close = Closure::<dyn FnMut()>::new(move || set_status.set("disconnected"));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
    }
    view! {
        <main>
            <h1>"Reactor Lab"</h1>
            <p id="connection" data-state=move || status.get()>"Server: " {move || status.get()}</p>
        </main>
    }
}
