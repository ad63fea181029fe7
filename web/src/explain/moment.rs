//! [`Moment`]: the state a record left, as the sentences read it.

use reactor_protocol::{Event, Record, RegistrationView, Snapshot, TaskId, TaskView, WakeCause};

/// What an explanation may read besides its record.
#[derive(Clone, Copy, Debug, Default)]
pub struct Moment<'a> {
    /// The state the record left: the snapshot closing its action, or the
    /// records shown so far replayed onto the one before it
    /// ([`crate::history::History::state_at`]).
    pub state: Option<&'a Snapshot>,
    /// `main`, the `block_on` future ([`main_task`]): never on the run queue.
    pub main: Option<TaskId>,
}

impl<'a> Moment<'a> {
    pub(super) fn tasks(&self) -> &'a [TaskView] {
        self.state.map_or(&[], |s| &s.tasks)
    }

    pub(super) fn task(&self, id: TaskId) -> Option<&'a TaskView> {
        self.tasks().iter().find(|t| t.id == id)
    }

    pub(super) fn registration(&self, token: usize) -> Option<&'a RegistrationView> {
        self.state?.registrations.iter().find(|r| r.token == token)
    }

    pub(super) fn is_main(&self, id: TaskId) -> bool {
        self.main == Some(id)
    }
}

/// The `block_on` future's task: the one the trace's `wake {cause:
/// "block_on"}` names (its second record).
pub fn main_task(records: &[Record]) -> Option<TaskId> {
    records.iter().find_map(|record| match record.event {
        Event::Wake {
            task,
            cause: WakeCause::BlockOn,
        } => Some(task),
        _ => None,
    })
}
