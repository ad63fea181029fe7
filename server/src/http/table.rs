//! Which HTTP connections are open, from where, and which one to close to
//! make room.
//!
//! ```text
//!  accept from A ─▶ A at connections_per_address? ─yes─▶ close A's longest-idle connection
//!                                                        (none idle: refuse the new one)
//!               ─▶ all at max_connections?        ─yes─▶ close the longest-idle connection
//!                                                        (none idle: refuse the new one)
//!               ─▶ admitted: a Slot, and a receiver told if it is closed to make room
//! ```
//!
//! A connection is idle while no request of it is in flight: before its
//! first request, and between keep-alive requests. A request is in flight
//! from the moment the router gets it until its answer's body is written
//! (or dropped). Closing idle connections first, oldest idleness first, is
//! what nginx does with its keep-alive connections when it runs short: a
//! flood of connections that never send a request only ever displaces
//! itself, while a real client's connection carries its request within
//! milliseconds and so is never the idlest.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::{Notify, oneshot};

use crate::peer::address_key;

/// Every open HTTP connection, with the caps.
pub(crate) struct Connections {
    inner: Mutex<Inner>,
    max: usize,
    per_address: usize,
    emptied: Notify,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    open: HashMap<u64, Entry>,
    per_address: HashMap<IpAddr, usize>,
}

/// One open connection.
struct Entry {
    key: IpAddr,
    in_flight: usize,
    idle_since: Instant,
    close: oneshot::Sender<()>,
}

/// A connection let in: its place, and word if it is closed to make room.
pub(crate) struct Admitted {
    /// The place; the connection holds it while it lives.
    pub(crate) slot: Slot,
    /// Resolves when the connection is closed to make room for another.
    pub(crate) closed: oneshot::Receiver<()>,
}

/// A connection's place in the table, given back when dropped.
pub(crate) struct Slot {
    table: Arc<Connections>,
    id: u64,
}

/// A request in flight on a connection; the connection is idle again once
/// every one is dropped.
pub(crate) struct Busy {
    table: Arc<Connections>,
    id: u64,
}

impl Connections {
    /// A table for at most `max` connections, `per_address` from one address.
    pub(crate) fn new(max: usize, per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            inner: Mutex::new(Inner::default()),
            max,
            per_address,
            emptied: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Let in a connection from `ip`, closing idle ones to make room if a
    /// cap is reached; `None` when every connection in the way is busy.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr, now: Instant) -> Option<Admitted> {
        let key = address_key(ip);
        let mut inner = self.lock();
        let from_address = inner.per_address.get(&key).copied().unwrap_or(0);
        if from_address >= self.per_address && !inner.close_idlest(Some(key)) {
            return None;
        }
        if inner.open.len() >= self.max && !inner.close_idlest(None) {
            return None;
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let (close, closed) = oneshot::channel();
        inner.open.insert(
            id,
            Entry {
                key,
                in_flight: 0,
                idle_since: now,
                close,
            },
        );
        *inner.per_address.entry(key).or_insert(0) += 1;
        let slot = Slot {
            table: Arc::clone(self),
            id,
        };
        Some(Admitted { slot, closed })
    }

    /// Close the connection idle longest, if any is; whether one was. For
    /// when the process runs out of descriptors.
    pub(crate) fn make_room(&self) -> bool {
        self.lock().close_idlest(None)
    }

    /// Connections open right now.
    pub(crate) fn open(&self) -> usize {
        self.lock().open.len()
    }

    /// Wait until no connection is open.
    pub(crate) async fn wait_empty(&self) {
        loop {
            let emptied = self.emptied.notified();
            if self.open() == 0 {
                return;
            }
            emptied.await;
        }
    }

    fn remove(&self, id: u64) {
        let mut inner = self.lock();
        inner.remove(id);
        if inner.open.is_empty() {
            self.emptied.notify_waiters();
        }
    }
}

impl Inner {
    /// Close the connection (from `key`, if given) idle longest; whether
    /// there was one.
    fn close_idlest(&mut self, key: Option<IpAddr>) -> bool {
        let idlest = self
            .open
            .iter()
            .filter(|(_, entry)| entry.in_flight == 0 && key.is_none_or(|key| entry.key == key))
            .min_by_key(|(id, entry)| (entry.idle_since, **id))
            .map(|(id, _)| *id);
        let Some(entry) = idlest.and_then(|id| self.remove(id)) else {
            return false;
        };
        // The connection's task may already be gone; then it is closed anyway.
        let _ = entry.close.send(());
        true
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let entry = self.open.remove(&id)?;
        if let Some(count) = self.per_address.get_mut(&entry.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.per_address.remove(&entry.key);
            }
        }
        Some(entry)
    }
}

impl Slot {
    /// Mark a request in flight until the returned guard is dropped.
    pub(crate) fn busy(&self) -> Busy {
        if let Some(entry) = self.table.lock().open.get_mut(&self.id) {
            entry.in_flight += 1;
        }
        Busy {
            table: Arc::clone(&self.table),
            id: self.id,
        }
    }
}

impl Slot {
    /// Whether a request of this connection is in flight.
    pub(crate) fn is_busy(&self) -> bool {
        self.table
            .lock()
            .open
            .get(&self.id)
            .is_some_and(|entry| entry.in_flight > 0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.table.remove(self.id);
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(entry) = self.table.lock().open.get_mut(&self.id) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            if entry.in_flight == 0 {
                entry.idle_since = Instant::now();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use super::*;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2));

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn an_address_at_its_cap_displaces_its_own_idlest_connection() {
        let table = Connections::new(10, 2);
        let start = Instant::now();
        let mut first = table.admit(A, at(start, 0)).expect("first");
        let mut second = table.admit(A, at(start, 1)).expect("second");
        let other = table.admit(B, at(start, 2)).expect("B is not A");
        let third = table.admit(A, at(start, 3)).expect("room made");
        assert_eq!(first.closed.try_recv(), Ok(()), "the idlest of A is closed");
        assert!(second.closed.try_recv().is_err(), "the next one is kept");
        assert_eq!(table.open(), 3);
        drop((first, other, third));
        assert_eq!(table.open(), 1);
    }

    #[test]
    fn busy_connections_are_never_displaced_and_then_the_new_one_is_refused() {
        let table = Connections::new(2, 2);
        let start = Instant::now();
        let first = table.admit(A, at(start, 0)).expect("first");
        let mut second = table.admit(B, at(start, 1)).expect("second");
        let busy = first.slot.busy();
        assert!(first.slot.is_busy() && !second.slot.is_busy());
        let third = table
            .admit(A, at(start, 2))
            .expect("the idle one made room");
        assert_eq!(second.closed.try_recv(), Ok(()));
        let _third_busy = third.slot.busy();
        assert!(
            table.admit(B, at(start, 3)).is_none(),
            "every connection is busy"
        );
        drop(busy);
        assert!(
            table.admit(B, Instant::now()).is_some(),
            "the first is idle again"
        );
    }

    #[test]
    fn the_connection_idle_longest_goes_first() {
        let table = Connections::new(2, 2);
        let ago = |ms| Instant::now().checked_sub(Duration::from_millis(ms));
        let mut early = table.admit(A, ago(2).expect("uptime")).expect("early");
        let mut late = table.admit(A, ago(1).expect("uptime")).expect("late");
        // The early one serves a request and is idle again only now.
        drop(early.slot.busy());
        let _newest = table.admit(A, Instant::now()).expect("room made");
        assert!(early.closed.try_recv().is_err());
        assert_eq!(late.closed.try_recv(), Ok(()));
    }

    #[test]
    fn making_room_closes_one_idle_connection() {
        let table = Connections::new(4, 4);
        assert!(!table.make_room(), "nothing to close");
        let mut idle = table.admit(A, Instant::now()).expect("idle");
        assert!(table.make_room());
        assert_eq!(idle.closed.try_recv(), Ok(()));
        assert_eq!(table.open(), 0);
    }

    #[tokio::test]
    async fn waiting_for_empty_ends_when_the_last_slot_is_dropped() {
        let table = Connections::new(4, 4);
        table.wait_empty().await;
        let admitted = table.admit(A, Instant::now()).expect("one");
        let waiter = tokio::spawn({
            let table = Arc::clone(&table);
            async move { table.wait_empty().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(admitted);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .expect("no panic");
    }
}
