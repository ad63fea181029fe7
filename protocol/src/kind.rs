//! [`Kind`]: what sort of action a record reports, without its fields.
//!
//! This is the one home of the record kinds' names. The JSON spells a
//! record's kind in its `kind` field (`"kind": "waker_stored"`); lessons
//! match on it; the browser labels rows with it. All of them read
//! [`Event::kind`] and [`Kind::name`]. A new [`Event`] variant does not
//! compile without a `Kind`; the tests (here and in `wire_names.rs`) fail if
//! a name disagrees with the JSON or the docs lack an example of it.

use serde::{Deserialize, Serialize};

use crate::record::Event;

/// A record kind, spelled as the record's `kind` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A `spawn` record.
    Spawn,
    /// A `schedule` record.
    Schedule,
    /// A `poll` record.
    Poll,
    /// A `pending` record.
    Pending,
    /// A `ready` record.
    Ready,
    /// A `complete` record.
    Complete,
    /// A `register` record.
    Register,
    /// A `deregister` record.
    Deregister,
    /// A `syscall` record.
    Syscall,
    /// A `waker_stored` record.
    WakerStored,
    /// A `readiness_cleared` record.
    ReadinessCleared,
    /// A `timer_insert` record.
    TimerInsert,
    /// A `timer_cascade` record.
    TimerCascade,
    /// A `timer_fire` record.
    TimerFire,
    /// A `timer_cancel` record.
    TimerCancel,
    /// A `park` record.
    Park,
    /// A `clock_advance` record.
    ClockAdvance,
    /// An `os_event` record.
    OsEvent,
    /// An `unpark` record.
    Unpark,
    /// A `wake` record.
    Wake,
    /// An `output` record.
    Output,
    /// A `diagnostic` record.
    Diagnostic,
    /// An `error` record.
    Error,
    /// A `push` record.
    Push,
    /// An `inject_taken` record.
    InjectTaken,
    /// An `overflow` record.
    Overflow,
    /// A `steal` record.
    Steal,
    /// A `search` record.
    Search,
    /// A `worker_park` record.
    WorkerPark,
    /// A `worker_unpark` record.
    WorkerUnpark,
    /// A `notify` record.
    Notify,
    /// A `driver_acquired` record.
    DriverAcquired,
    /// A `driver_released` record.
    DriverReleased,
}

impl Kind {
    /// Every kind, in the order of [`Event`]'s variants.
    pub const ALL: [Kind; 33] = [
        Kind::Spawn,
        Kind::Schedule,
        Kind::Poll,
        Kind::Pending,
        Kind::Ready,
        Kind::Complete,
        Kind::Register,
        Kind::Deregister,
        Kind::Syscall,
        Kind::WakerStored,
        Kind::ReadinessCleared,
        Kind::TimerInsert,
        Kind::TimerCascade,
        Kind::TimerFire,
        Kind::TimerCancel,
        Kind::Park,
        Kind::ClockAdvance,
        Kind::OsEvent,
        Kind::Unpark,
        Kind::Wake,
        Kind::Output,
        Kind::Diagnostic,
        Kind::Error,
        Kind::Push,
        Kind::InjectTaken,
        Kind::Overflow,
        Kind::Steal,
        Kind::Search,
        Kind::WorkerPark,
        Kind::WorkerUnpark,
        Kind::Notify,
        Kind::DriverAcquired,
        Kind::DriverReleased,
    ];

    /// The kind as records spell it, such as `waker_stored`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Spawn => "spawn",
            Kind::Schedule => "schedule",
            Kind::Poll => "poll",
            Kind::Pending => "pending",
            Kind::Ready => "ready",
            Kind::Complete => "complete",
            Kind::Register => "register",
            Kind::Deregister => "deregister",
            Kind::Syscall => "syscall",
            Kind::WakerStored => "waker_stored",
            Kind::ReadinessCleared => "readiness_cleared",
            Kind::TimerInsert => "timer_insert",
            Kind::TimerCascade => "timer_cascade",
            Kind::TimerFire => "timer_fire",
            Kind::TimerCancel => "timer_cancel",
            Kind::Park => "park",
            Kind::ClockAdvance => "clock_advance",
            Kind::OsEvent => "os_event",
            Kind::Unpark => "unpark",
            Kind::Wake => "wake",
            Kind::Output => "output",
            Kind::Diagnostic => "diagnostic",
            Kind::Error => "error",
            Kind::Push => "push",
            Kind::InjectTaken => "inject_taken",
            Kind::Overflow => "overflow",
            Kind::Steal => "steal",
            Kind::Search => "search",
            Kind::WorkerPark => "worker_park",
            Kind::WorkerUnpark => "worker_unpark",
            Kind::Notify => "notify",
            Kind::DriverAcquired => "driver_acquired",
            Kind::DriverReleased => "driver_released",
        }
    }

    /// The kind whose [`name`](Kind::name) is `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl Event {
    /// What sort of action this is.
    pub fn kind(&self) -> Kind {
        match self {
            Event::Spawn { .. } => Kind::Spawn,
            Event::Schedule { .. } => Kind::Schedule,
            Event::Poll { .. } => Kind::Poll,
            Event::Pending { .. } => Kind::Pending,
            Event::Ready { .. } => Kind::Ready,
            Event::Complete { .. } => Kind::Complete,
            Event::Register { .. } => Kind::Register,
            Event::Deregister { .. } => Kind::Deregister,
            Event::Syscall(_) => Kind::Syscall,
            Event::WakerStored { .. } => Kind::WakerStored,
            Event::ReadinessCleared { .. } => Kind::ReadinessCleared,
            Event::TimerInsert { .. } => Kind::TimerInsert,
            Event::TimerCascade { .. } => Kind::TimerCascade,
            Event::TimerFire { .. } => Kind::TimerFire,
            Event::TimerCancel { .. } => Kind::TimerCancel,
            Event::Park { .. } => Kind::Park,
            Event::ClockAdvance { .. } => Kind::ClockAdvance,
            Event::OsEvent { .. } => Kind::OsEvent,
            Event::Unpark { .. } => Kind::Unpark,
            Event::Wake { .. } => Kind::Wake,
            Event::Output { .. } => Kind::Output,
            Event::Diagnostic(_) => Kind::Diagnostic,
            Event::Error { .. } => Kind::Error,
            Event::Push { .. } => Kind::Push,
            Event::InjectTaken { .. } => Kind::InjectTaken,
            Event::Overflow { .. } => Kind::Overflow,
            Event::Steal { .. } => Kind::Steal,
            Event::Search => Kind::Search,
            Event::WorkerPark => Kind::WorkerPark,
            Event::WorkerUnpark => Kind::WorkerUnpark,
            Event::Notify { .. } => Kind::Notify,
            Event::DriverAcquired => Kind::DriverAcquired,
            Event::DriverReleased => Kind::DriverReleased,
        }
    }

    /// The record's `kind` as the JSON spells it, such as `os_event`.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("no_such_kind"), None);
    }

    /// `docs/trace-format.md` shows one example of every record kind. Each
    /// example's `kind` must be its event's [`Event::kind_name`], and together
    /// they must be exactly [`Kind::ALL`]: a kind added to [`Event`] without
    /// a name, a doc example, or a place in `ALL` fails here.
    #[test]
    fn the_documented_examples_are_exactly_every_kind() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/trace-format.md");
        let doc = std::fs::read_to_string(path).expect("docs/trace-format.md exists");
        let mut documented = Vec::new();
        for block in doc.split("```json\n").skip(1) {
            let json = block.split("\n```").next().unwrap_or_default();
            let record: crate::Record = serde_json::from_str(json)
                .unwrap_or_else(|error| panic!("example {json} is not a record: {error}"));
            let value = serde_json::to_value(&record).expect("serialises");
            assert_eq!(value["kind"], record.event.kind_name(), "{json}");
            documented.push(record.event.kind());
        }
        documented.sort();
        documented.dedup();
        assert_eq!(
            documented,
            Kind::ALL,
            "an example of every kind, ALL in order"
        );
    }
}
