//! The I/O driver's registrations: token, resource, readiness bits, wakers.

use leptos::prelude::*;

use super::use_player;

/// `#registrations`: one row per registered resource.
#[component]
pub fn Registrations() -> impl IntoView {
    let player = use_player();
    let waker = |task: Option<u64>| task.map_or("—".to_string(), |t| format!("task #{t}"));
    let rows = move || {
        player.state.with(|s| {
            s.as_ref().map(|s| s.registrations.clone()).unwrap_or_default().into_iter().map(|r| {
                view! {
                    <tr data-token=r.token.to_string() data-readable=r.readable.to_string() data-writable=r.writable.to_string()>
                        <td>{r.token}</td>
                        <td class="resource">{r.resource}</td>
                        <td class="bit" class:on=r.readable>{if r.readable { "R" } else { "·" }}</td>
                        <td class="bit" class:on=r.writable>{if r.writable { "W" } else { "·" }}</td>
                        <td>{r.tick}</td>
                        <td>{waker(r.read_waker)}</td>
                        <td>{waker(r.write_waker)}</td>
                    </tr>
                }
            }).collect_view()
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
                <tbody>{rows}</tbody>
            </table>
            <Show when=move || player.state.with(|s| s.as_ref().is_none_or(|s| s.registrations.is_empty()))>
                <p class="empty">"no resource registered"</p>
            </Show>
        </div>
    }
}
