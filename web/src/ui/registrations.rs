//! The I/O driver's registrations: token, resource, readiness bits, wakers.

use leptos::prelude::*;

use reactor_protocol::RegistrationView;

use super::context::use_player;
use super::keyed::{Item, keyed};
use crate::explain::task_label;

/// `#registrations`: one row per registered resource, keyed by token.
#[component]
pub fn Registrations() -> impl IntoView {
    let player = use_player();
    let tokens = move || {
        player.state.with(|s| {
            s.as_ref()
                .map(|s| s.registrations.iter().map(|r| Item::id(r.token)).collect())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="panel">
            <h2>"I/O registrations"</h2>
            <table id="registrations" class="registrations">
                <thead>
                    <tr>
                        <th scope="col">"Token"</th>
                        <th scope="col">"Resource"</th>
                        <th scope="col" title="cached readable readiness: starts empty, so nothing is read until an OS event sets it (except an accepted stream, which Tokio assumes ready: its first read is simply tried); set by an OS event, cleared by WouldBlock">"R"</th>
                        <th scope="col" title="cached writable readiness: starts empty, so nothing is written until an OS event sets it (except an accepted stream, which Tokio assumes ready: its first write is simply tried); set by an OS event, cleared by WouldBlock">"W"</th>
                        <th scope="col" title="bumped by each OS event">"Tick"</th>
                        <th scope="col">"Read waker"</th>
                        <th scope="col">"Write waker"</th>
                    </tr>
                </thead>
                <tbody>
                    {keyed(tokens, |item| view! { <Row token=item.id as usize /> }.into_any())}
                </tbody>
            </table>
            <Show when=move || player.state.with(|s| s.as_ref().is_none_or(|s| s.registrations.is_empty()))>
                <p class="empty">"no resource registered"</p>
            </Show>
            <p class="note">
                <span class="bit on">"R"</span>" and "<span class="bit on">"W"</span>
                ": the readiness the driver has cached for reading and for writing. \
                 An OS event sets it; a read or write that hits WouldBlock clears it."
            </p>
        </div>
    }
}

/// One registration's row. A token is reused once freed, so every cell
/// follows the registration that holds the token now.
#[component]
fn Row(token: usize) -> impl IntoView {
    let player = use_player();
    let io = Memo::new(move |_| {
        player.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.registrations.iter().find(|r| r.token == token).cloned())
        })
    });
    // A waker cell names the task it wakes as the narration does.
    let waker = move |task: Option<u64>| {
        player.state.with(|s| match (task, s.as_ref()) {
            (Some(task), Some(s)) => task_label(task, &s.tasks),
            _ => "—".to_string(),
        })
    };
    let read = move |show: fn(&RegistrationView) -> String| {
        io.with(|r| r.as_ref().map(show).unwrap_or_default())
    };
    let readable = move || io.with(|r| r.as_ref().is_some_and(|r| r.readable));
    let writable = move || io.with(|r| r.as_ref().is_some_and(|r| r.writable));
    view! {
        <tr data-token=token.to_string() data-readable=move || readable().to_string() data-writable=move || writable().to_string()>
            <td>{token}</td>
            <td class="resource">{move || read(|r| r.resource.clone())}</td>
            <td class="bit" class:on=readable>{move || if readable() { "R" } else { "·" }}</td>
            <td class="bit" class:on=writable>{move || if writable() { "W" } else { "·" }}</td>
            <td>{move || read(|r| r.tick.to_string())}</td>
            <td>{move || waker(io.with(|r| r.as_ref().and_then(|r| r.read_waker)))}</td>
            <td>{move || waker(io.with(|r| r.as_ref().and_then(|r| r.write_waker)))}</td>
        </tr>
    }
}
