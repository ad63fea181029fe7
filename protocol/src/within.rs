//! The state *between* two snapshots: partway through one engine action.
//!
//! The engine takes a [`Snapshot`] after each action, but one action makes
//! several records. A poll of `main`, for instance:
//!
//! ```text
//!   snapshot B ── poll #0 ── syscall bind ── register token 0 ── pending #0 ── snapshot A
//!                    ▲ shown here, the task must be running and off the run queue,
//!                      and token 0 not registered yet: neither B nor A says that
//! ```
//!
//! [`state_within`] replays the records shown so far onto `B`, so every
//! record can be shown with the state it left. The records say nearly
//! everything; the two things they leave out come from `A`:
//!
//! - what a task waits on after `pending`, and the `.await` it is parked on
//!   (the engine notes both as the poll returns, and nothing later in the
//!   same action changes them);
//! - where the wheel stands after a timer action (it moves to the fired
//!   instant before the first cascade or fire is recorded) or after a park
//!   (its time catches up with the clock as the wait ends).
//!
//! Replaying *all* of an action's records onto `B` gives `A` exactly: the
//! engine's tests check that for every action of every scenario.

use crate::{
    Direction, Event, LevelView, Park, Record, RegistrationView, SlotView, Snapshot, TaskId,
    TaskState, TaskView, TimerView, WakeCause,
};

/// The state after `shown`, the first records of the action that leads
/// from `before` to `after`. Records `before` already counts are skipped.
pub fn state_within(before: &Snapshot, after: &Snapshot, shown: &[Record]) -> Snapshot {
    let mut state = before.clone();
    let mut last_event_token = None;
    let new = shown
        .iter()
        .position(|r| r.seq >= before.records)
        .map_or(&[][..], |first| &shown[first..]);
    state.park = Park::after(before.park.as_ref(), new);
    for record in new {
        state.records = record.seq + 1;
        state.time_ms = record.time_ms;
        state.turn = record.turn;
        apply(&mut state, after, &record.event, &mut last_event_token);
        if let Some(pool) = &mut state.pool {
            pool.apply(record.worker, &record.event);
        }
    }
    refresh_waits(&mut state, after);
    state
}

/// A task's `waits` can change without a record about the task (its timer
/// cascades, the task it awaits loses its waker): an idle task that is
/// still idle after the action shows the `waits` the action left; one
/// woken by it keeps what it waited on until its wake; no other task waits.
fn refresh_waits(state: &mut Snapshot, after: &Snapshot) {
    for task in &mut state.tasks {
        if task.state != TaskState::Idle {
            task.waits = None;
            continue;
        }
        let later = after.tasks.iter().find(|t| t.id == task.id);
        if let Some(later) = later.filter(|later| later.state == TaskState::Idle) {
            task.waits = later.waits.clone();
        }
    }
}

fn apply(state: &mut Snapshot, after: &Snapshot, event: &Event, event_token: &mut Option<usize>) {
    match event {
        Event::Spawn { task, name } => state.tasks.push(TaskView {
            id: *task,
            name: name.clone(),
            state: TaskState::Idle,
            waiting_on: None,
            awaiting: None,
            at: None,
            waits: None,
        }),
        Event::Schedule { task } => {
            state.run_queue.push(*task);
            set_task(state, *task, TaskState::Scheduled, None);
        }
        Event::Poll { task } => {
            state.run_queue.retain(|queued| queued != task);
            set_task(state, *task, TaskState::Running, None);
        }
        Event::Pending { task } => {
            let later = after.tasks.iter().find(|t| t.id == *task);
            let waiting_on = later.and_then(|t| t.waiting_on.clone());
            set_task(state, *task, TaskState::Idle, waiting_on);
            if let Some(view) = state.tasks.iter_mut().find(|t| t.id == *task) {
                view.awaiting = later.and_then(|t| t.awaiting.clone());
                view.at = later.and_then(|t| t.at);
            }
        }
        Event::Complete { task, .. } => {
            set_task(state, *task, TaskState::Complete, None);
            let later = after.tasks.iter().find(|t| t.id == *task);
            if let Some(view) = state.tasks.iter_mut().find(|t| t.id == *task) {
                view.awaiting = None;
                view.at = later.and_then(|t| t.at);
            }
        }
        Event::Register {
            token,
            resource,
            assumed_ready,
            ..
        } => state.registrations.push(RegistrationView {
            token: *token,
            resource: resource.clone(),
            readable: *assumed_ready,
            writable: *assumed_ready,
            tick: 0,
            read_waker: None,
            write_waker: None,
        }),
        Event::Deregister { token } => state.registrations.retain(|r| r.token != *token),
        Event::WakerStored {
            token,
            task,
            direction,
        } => {
            if let Some(io) = registration(state, *token) {
                *waker(io, *direction) = Some(*task);
            }
        }
        Event::ReadinessCleared {
            token,
            direction,
            tick,
        } => {
            if let Some(io) = registration(state, *token)
                && io.tick == *tick
            {
                match direction {
                    Direction::Read => io.readable = false,
                    Direction::Write => io.writable = false,
                }
            }
        }
        Event::OsEvent {
            token,
            readable,
            writable,
        } => {
            *event_token = Some(*token);
            if let Some(io) = registration(state, *token) {
                io.readable |= readable;
                io.writable |= writable;
                io.tick += 1;
            }
        }
        Event::Wake { task, cause } => {
            // A woken idle task is due to be polled: `schedule` then queues
            // it, except `main` (the block_on future), which is polled at the
            // top of the next turn without entering the run queue.
            if state
                .tasks
                .iter()
                .any(|t| t.id == *task && t.state == TaskState::Idle)
            {
                set_task(state, *task, TaskState::Scheduled, None);
            }
            // The dispatch takes the woken task's waker out of the registration.
            if *cause == WakeCause::Io
                && let Some(io) = event_token.and_then(|token| registration(state, token))
            {
                for slot in [&mut io.read_waker, &mut io.write_waker] {
                    if *slot == Some(*task) {
                        *slot = None;
                    }
                }
            }
        }
        Event::TimerInsert {
            timer,
            task,
            deadline_ms,
            level,
            slot,
        } => file(
            state,
            *level,
            *slot,
            TimerView {
                id: *timer,
                task: *task,
                deadline_ms: *deadline_ms,
            },
        ),
        Event::TimerCascade {
            timer,
            from_level,
            from_slot,
            to_level,
            to_slot,
        } => {
            move_wheel_to(state, after);
            if let Some(filed) = unfile(state, *from_level, *from_slot, *timer) {
                file(state, *to_level, *to_slot, filed);
            }
        }
        Event::TimerFire { timer, .. } => {
            move_wheel_to(state, after);
            unfile_anywhere(state, *timer);
        }
        Event::TimerCancel { timer } => unfile_anywhere(state, *timer),
        // Back from the OS wait, the wheel's time catches up with the clock
        // when nothing is due (the park action changes nothing else in it).
        Event::Unpark { .. } => move_wheel_to(state, after),
        Event::Output { text, .. } => state.console.push(text.clone()),
        // The park in force is [`Park::after`]'s, set before the records.
        Event::Park { .. }
        | Event::Ready { .. }
        | Event::Syscall(_)
        | Event::Diagnostic(_)
        | Event::ClockAdvance { .. }
        | Event::Error { .. } => {}
        // A multi-thread pool's own records: `PoolView::apply`.
        Event::Push { task, .. } => set_task(state, *task, TaskState::Scheduled, None),
        Event::InjectTaken { .. }
        | Event::Overflow { .. }
        | Event::Steal { .. }
        | Event::Search
        | Event::WorkerPark
        | Event::WorkerUnpark
        | Event::Notify { .. }
        | Event::DriverAcquired
        | Event::DriverReleased => {}
    }
}

fn set_task(state: &mut Snapshot, id: TaskId, new: TaskState, waiting_on: Option<String>) {
    if let Some(task) = state.tasks.iter_mut().find(|t| t.id == id) {
        task.state = new;
        task.waiting_on = waiting_on;
    }
}

fn registration(state: &mut Snapshot, token: usize) -> Option<&mut RegistrationView> {
    state.registrations.iter_mut().find(|r| r.token == token)
}

fn waker(io: &mut RegistrationView, direction: Direction) -> &mut Option<TaskId> {
    match direction {
        Direction::Read => &mut io.read_waker,
        Direction::Write => &mut io.write_waker,
    }
}

/// The wheel's clock and current slots as they are after the timer action.
fn move_wheel_to(state: &mut Snapshot, after: &Snapshot) {
    state.wheel.elapsed_ms = after.wheel.elapsed_ms;
    for level in &mut state.wheel.levels {
        if let Some(moved) = after.wheel.levels.iter().find(|l| l.level == level.level) {
            level.current_slot = moved.current_slot;
        }
    }
}

fn level(state: &mut Snapshot, number: u32) -> Option<&mut LevelView> {
    state.wheel.levels.iter_mut().find(|l| l.level == number)
}

/// File `timer` in a slot, in fire order (by deadline, then as filed).
fn file(state: &mut Snapshot, level_number: u32, slot: u32, timer: TimerView) {
    let Some(level) = level(state, level_number) else {
        return;
    };
    level.occupied |= 1 << slot;
    let at = level.slots.partition_point(|s| s.slot < slot);
    if level.slots.get(at).is_none_or(|s| s.slot != slot) {
        let timers = Vec::new();
        level.slots.insert(at, SlotView { slot, timers });
    }
    let timers = &mut level.slots[at].timers;
    let place = timers.partition_point(|t| t.deadline_ms <= timer.deadline_ms);
    timers.insert(place, timer);
    refresh_next_expiration(state);
}

/// Take `timer` out of one slot; the slot empties when it was the last.
fn unfile(state: &mut Snapshot, level_number: u32, slot: u32, timer: u64) -> Option<TimerView> {
    let level = level(state, level_number)?;
    let at = level.slots.iter().position(|s| s.slot == slot)?;
    let timers = &mut level.slots[at].timers;
    let taken = timers.remove(timers.iter().position(|t| t.id == timer)?);
    if timers.is_empty() {
        level.slots.remove(at);
        level.occupied &= !(1 << slot);
    }
    refresh_next_expiration(state);
    Some(taken)
}

fn unfile_anywhere(state: &mut Snapshot, timer: u64) {
    let found = state.wheel.levels.iter().find_map(|level| {
        let slot = level
            .slots
            .iter()
            .find(|s| s.timers.iter().any(|t| t.id == timer))?;
        Some((level.level, slot.slot))
    });
    if let Some((level, slot)) = found {
        unfile(state, level, slot, timer);
    }
}

fn refresh_next_expiration(state: &mut Snapshot) {
    let wheel = &mut state.wheel;
    wheel.earliest_deadline_ms = wheel.timers().map(|timer| timer.deadline_ms).min();
    let elapsed = wheel.elapsed_ms;
    wheel.next_expiration_ms = wheel
        .levels
        .iter()
        .find_map(|level| first_slot_start(level, elapsed));
}

/// When the wheel reaches the first occupied slot of `level`: level 0 from
/// the current slot on, higher levels from the next one (their current
/// slot has begun already), wrapping round the ring.
fn first_slot_start(level: &LevelView, elapsed: u64) -> Option<u64> {
    if level.occupied == 0 {
        return None;
    }
    let first_step = u32::from(level.level > 0);
    let ahead = level
        .occupied
        .rotate_right((level.current_slot + first_step) % 64);
    let steps = u64::from(first_step + ahead.trailing_zeros());
    let current_start = elapsed - elapsed % level.slot_ms.max(1);
    Some(current_start.saturating_add(steps * level.slot_ms))
}

#[cfg(test)]
#[path = "within_tests.rs"]
mod tests;
