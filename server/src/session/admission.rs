//! Who may open a session: the caps, and the seats kept for presenters.
//!
//! ```text
//!  /ws from address A ──▶ A below sessions_per_address? ──▶ a student permit (max_sessions)
//!  presenter (right key) ─────────────────────────────────▶ a presenter seat (one per room),
//!                                                             else a student permit
//! ```
//!
//! | budget | size | who draws on it |
//! |---|---|---|
//! | student permits | [`Limits::max_sessions`] | every `/ws` session; a presenter when the seats are taken |
//! | per address | [`Limits::sessions_per_address`] | `/ws` sessions from one address ([`address_key`]) |
//! | presenter seats | the room cap (`--max-rooms`) | presenters with the right key, first |
//!
//! A presenter is never counted against its address (the class sharing its
//! NAT may have filled it) and has a seat of its own even when students hold
//! every permit, so a full server never turns the teacher away. A presenter
//! who opens a second window is briefly in two seats; the first is closed
//! at once (4409), and the student permits back up that moment.
//!
//! A [`Slot`] holds the session's place; the engine thread owns it and gives
//! it back when it ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::Limits;
use crate::peer::address_key;

/// Every session's place: the two budgets and the per-address counts.
pub(crate) struct Admission {
    students: Arc<Semaphore>,
    student_permits: usize,
    presenters: Arc<Semaphore>,
    presenter_seats: usize,
    per_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    sessions_per_address: usize,
}

/// Why a session was not admitted, in words for the close frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Every permit is taken.
    Full(usize),
    /// The client's address has this many sessions open.
    AddressFull(usize),
}

impl Refused {
    /// The reason sent with the 1013 close.
    pub(crate) fn reason(&self) -> String {
        match self {
            Refused::Full(max) => {
                format!("server full: {max} sessions are open; try again later")
            }
            Refused::AddressFull(max) => format!(
                "{max} sessions are open from your address: close a tab, or try again later"
            ),
        }
    }
}

/// A session's place, given back when dropped.
pub(crate) struct Slot {
    _permit: OwnedSemaphorePermit,
    _address: Option<AddressShare>,
}

/// One session counted against an address.
struct AddressShare {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    key: IpAddr,
}

impl Drop for AddressShare {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

impl Admission {
    /// Budgets from `limits`, with `presenter_seats` kept for presenters.
    pub(crate) fn new(limits: &Limits, presenter_seats: usize) -> Admission {
        let student_permits = limits.max_sessions.min(Semaphore::MAX_PERMITS);
        let presenter_seats = presenter_seats.min(Semaphore::MAX_PERMITS);
        Admission {
            students: Arc::new(Semaphore::new(student_permits)),
            student_permits,
            presenters: Arc::new(Semaphore::new(presenter_seats)),
            presenter_seats,
            per_address: Arc::new(Mutex::new(HashMap::new())),
            sessions_per_address: limits.sessions_per_address,
        }
    }

    /// A place for a `/ws` session from `ip`.
    pub(crate) fn student(&self, ip: IpAddr) -> Result<Slot, Refused> {
        let key = address_key(ip);
        let mut counts = self
            .per_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = counts.get(&key).copied().unwrap_or(0);
        if count >= self.sessions_per_address {
            return Err(Refused::AddressFull(self.sessions_per_address));
        }
        let permit = Arc::clone(&self.students)
            .try_acquire_owned()
            .map_err(|_| Refused::Full(self.student_permits))?;
        counts.insert(key, count + 1);
        Ok(Slot {
            _permit: permit,
            _address: Some(AddressShare {
                counts: Arc::clone(&self.per_address),
                key,
            }),
        })
    }

    /// A place for a presenter: a seat of its own, else a student permit.
    pub(crate) fn presenter(&self) -> Result<Slot, Refused> {
        let permit = Arc::clone(&self.presenters)
            .try_acquire_owned()
            .or_else(|_| Arc::clone(&self.students).try_acquire_owned())
            .map_err(|_| Refused::Full(self.student_permits))?;
        Ok(Slot {
            _permit: permit,
            _address: None,
        })
    }

    /// Sessions holding a place right now.
    pub(crate) fn open(&self) -> usize {
        (self.student_permits - self.students.available_permits())
            + (self.presenter_seats - self.presenters.available_permits())
    }

    /// Wait until every place is given back, or `grace` passed. Returns
    /// whether they all were.
    pub(crate) async fn wait_all_ended(&self, grace: Duration) -> bool {
        let all = |permits: usize| u32::try_from(permits).unwrap_or(u32::MAX);
        tokio::time::timeout(grace, async {
            let students = self.students.acquire_many(all(self.student_permits)).await;
            let presenters = self
                .presenters
                .acquire_many(all(self.presenter_seats))
                .await;
            (students.is_ok(), presenters.is_ok())
        })
        .await
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max_sessions: usize, per_address: usize, seats: usize) -> Admission {
        let limits = Limits {
            max_sessions,
            sessions_per_address: per_address,
            ..Limits::default()
        };
        Admission::new(&limits, seats)
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 2));

    #[test]
    fn one_address_gets_its_share_and_others_the_rest() {
        let admission = admission(5, 3, 1);
        let a: Vec<Slot> = (0..3).map(|_| admission.student(A).expect("a")).collect();
        assert_eq!(
            admission.student(A).err(),
            Some(Refused::AddressFull(3)),
            "A is at its share"
        );
        let b: Vec<Slot> = (0..2).map(|_| admission.student(B).expect("b")).collect();
        assert_eq!(admission.student(B).err(), Some(Refused::Full(5)));
        assert_eq!(admission.open(), 5);
        drop(a);
        assert_eq!(admission.open(), 2);
        assert!(admission.student(A).is_ok(), "A's share came back");
        drop(b);
    }

    #[test]
    fn a_refusal_for_a_full_server_takes_nothing_from_the_address() {
        let admission = admission(1, 2, 0);
        let _b = admission.student(B).expect("b");
        assert_eq!(admission.student(A).err(), Some(Refused::Full(1)));
        drop(_b);
        let _a1 = admission.student(A).expect("a1");
        assert_eq!(admission.student(A).err(), Some(Refused::Full(1)));
    }

    #[test]
    fn a_presenter_is_seated_when_students_fill_the_server_and_its_address() {
        let admission = admission(2, 2, 1);
        let _students: Vec<Slot> = (0..2).map(|_| admission.student(A).expect("s")).collect();
        let presenter = admission.presenter().expect("a seat of its own");
        assert_eq!(admission.open(), 3);
        // A second presenter (another room) finds the seats taken and the
        // server full.
        assert_eq!(admission.presenter().err(), Some(Refused::Full(2)));
        drop(presenter);
        assert!(admission.presenter().is_ok());
    }

    #[tokio::test]
    async fn waiting_for_the_end_sees_every_place_given_back() {
        let admission = admission(2, 2, 1);
        assert!(admission.wait_all_ended(Duration::from_millis(10)).await);
        let slot = admission.presenter().expect("seat");
        assert!(!admission.wait_all_ended(Duration::from_millis(10)).await);
        drop(slot);
        assert!(admission.wait_all_ended(Duration::from_millis(10)).await);
    }
}
