//! A wake drawn as a causal chain, from the records that caused it:
//!
//! ```text
//!  I/O:    os_event ─▶ token 1 ─▶ registration ─▶ read waker ─▶ run queue ─▶ poll
//!  timer:  timer_fire ─▶ wheel slot ─────────────▶ waker ─────▶ run queue ─▶ poll
//!  yield:  park (the driver ran) ─▶ deferred wake ─────────────▶ run queue ─▶ poll
//!  main:   … ─▶ waker of main ─▶ polled at the top of the next turn (never queued)
//! ```
//!
//! Each link points at the record that shows it, so the view can light the
//! links the learner has already stepped past. `main`, the `block_on`
//! future, has no run-queue link: its waker only marks it woken.

use reactor_protocol::{Event, Record, TaskId, WakeCause};

use crate::explain::main_task;

/// How far around the current record a wake is looked for: one engine action
/// (dispatch an event: `os_event`, `wake`, `schedule`) plus its neighbours.
const NEARBY: usize = 4;

/// One link of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// What the link is, such as `token 1`.
    pub label: String,
    /// The record that shows it, when recorded.
    pub seq: Option<u64>,
}

/// A task as the narration and the panels name it, `handler (#1)`, from
/// its spawn record; `task #1` if none was recorded.
fn named(records: &[Record], task: TaskId) -> String {
    records
        .iter()
        .find_map(|record| match &record.event {
            Event::Spawn { task: t, name } if *t == task => Some(format!("{name} (#{task})")),
            _ => None,
        })
        .unwrap_or_else(|| format!("task #{task}"))
}

/// The chain of the wake near `position`, if the current record is part of one.
pub fn wake_chain(records: &[Record], position: usize) -> Option<Vec<Link>> {
    let current = position.checked_sub(1)?;
    let first = current.saturating_sub(NEARBY);
    let last = (current + NEARBY).min(records.len().saturating_sub(1));
    let wake = (first..=last)
        .filter(|&i| matches!(records[i].event, Event::Wake { .. }))
        .min_by_key(|&i| i.abs_diff(current))?;
    let Event::Wake { task, cause } = records[wake].event else {
        return None;
    };
    let is_part = |i: usize| -> bool {
        match &records[i].event {
            Event::OsEvent { .. } | Event::TimerFire { .. } | Event::Wake { .. } => true,
            Event::Schedule { task: t } | Event::Poll { task: t } => *t == task,
            _ => false,
        }
    };
    if !is_part(current) {
        return None;
    }
    let mut links = cause_links(records, wake, task, cause);
    let seq = |i: usize| Some(records[i].seq);
    let after = |matches: &dyn Fn(&Event) -> bool| {
        (wake + 1..records.len()).find(|&i| matches(&records[i].event))
    };
    links.push(Link {
        label: format!("waker of {}", named(records, task)),
        seq: seq(wake),
    });
    let poll = after(&|e| matches!(e, Event::Poll { task: t } if *t == task));
    if main_task(records) == Some(task) {
        // The block_on future: its waker marks it woken, no run queue.
        links.push(Link {
            label: format!(
                "poll {} at the top of a turn (main is never queued)",
                named(records, task)
            ),
            seq: poll.and_then(seq),
        });
        return Some(links);
    }
    let schedule = after(&|e| matches!(e, Event::Schedule { task: t } if *t == task));
    links.push(Link {
        label: "run queue".into(),
        seq: schedule.and_then(seq),
    });
    links.push(Link {
        label: format!("poll {}", named(records, task)),
        seq: poll.and_then(seq),
    });
    Some(links)
}

/// The links before the waker: what woke it.
fn cause_links(records: &[Record], wake: usize, task: TaskId, cause: WakeCause) -> Vec<Link> {
    let before = wake.saturating_sub(NEARBY)..wake;
    let find = |matches: &dyn Fn(&Event) -> bool| {
        before.clone().rev().find(|&i| matches(&records[i].event))
    };
    match cause {
        WakeCause::Io => match find(&|e| matches!(e, Event::OsEvent { .. })) {
            Some(i) => {
                let Event::OsEvent { token, .. } = records[i].event else {
                    return Vec::new();
                };
                let seq = Some(records[i].seq);
                vec![
                    Link {
                        label: "OS event".into(),
                        seq,
                    },
                    Link {
                        label: format!("token {token}"),
                        seq,
                    },
                    Link {
                        label: format!("registration {token}"),
                        seq,
                    },
                ]
            }
            None => vec![Link {
                label: "I/O event".into(),
                seq: None,
            }],
        },
        WakeCause::Timer => {
            match find(&|e| matches!(e, Event::TimerFire { task: t, .. } if *t == task)) {
                Some(i) => {
                    let Event::TimerFire { timer, .. } = records[i].event else {
                        return Vec::new();
                    };
                    vec![Link {
                        label: format!("timer {timer} fires"),
                        seq: Some(records[i].seq),
                    }]
                }
                None => vec![Link {
                    label: "timer".into(),
                    seq: None,
                }],
            }
        }
        WakeCause::Join => vec![Link {
            label: "joined task completes".into(),
            seq: None,
        }],
        WakeCause::Yield => vec![Link {
            label: "deferred until the driver ran".into(),
            seq: find(&|e| matches!(e, Event::Unpark { .. })).map(|i| records[i].seq),
        }],
        WakeCause::BlockOn => vec![Link {
            label: "entering block_on".into(),
            seq: None,
        }],
        WakeCause::Other => vec![Link {
            label: "direct wake".into(),
            seq: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{golden_trace, tcp_read};

    fn labels(chain: &[Link]) -> Vec<&str> {
        chain.iter().map(|l| l.label.as_str()).collect()
    }

    #[test]
    fn an_io_wake_runs_from_the_os_event_to_the_next_poll() {
        let records = tcp_read();
        let chain = wake_chain(&records, 11).expect("wake at seq 10");
        assert_eq!(
            labels(&chain),
            [
                "OS event",
                "token 1",
                "registration 1",
                "waker of handler (#0)",
                "run queue",
                "poll handler (#0)"
            ]
        );
        let seqs: Vec<_> = chain.iter().map(|l| l.seq).collect();
        assert_eq!(
            seqs,
            [Some(9), Some(9), Some(9), Some(10), Some(11), Some(12)]
        );
    }

    #[test]
    fn the_chain_shows_from_the_os_event_and_until_the_poll() {
        let records = tcp_read();
        assert!(wake_chain(&records, 10).is_some(), "on os_event");
        assert!(wake_chain(&records, 13).is_some(), "on the poll it led to");
        assert!(
            wake_chain(&records, 14).is_none(),
            "the read after it is not part of it"
        );
        assert!(
            wake_chain(&records, 3).is_none(),
            "the first poll had no wake"
        );
    }

    #[test]
    fn a_wake_of_main_has_no_run_queue_link() {
        let records = golden_trace("tcp_read");
        // seq 9 os_event token 0, seq 10 wake main (io), seq 11 poll main.
        let chain = wake_chain(&records, 11).expect("wake at seq 10");
        assert_eq!(
            labels(&chain),
            [
                "OS event",
                "token 0",
                "registration 0",
                "waker of main (#0)",
                "poll main (#0) at the top of a turn (main is never queued)"
            ]
        );
        assert_eq!(chain.last().and_then(|l| l.seq), Some(11));
        // The handler is an ordinary task: woken, queued, polled.
        let chain = wake_chain(&records, 30).expect("wake at seq 29");
        let seqs: Vec<_> = chain.iter().map(|l| l.seq).collect();
        assert_eq!(labels(&chain)[4], "run queue");
        assert_eq!(seqs[3..], [Some(29), Some(30), Some(31)]);
    }

    #[test]
    fn a_writable_only_event_that_wakes_nobody_shows_no_chain() {
        let records = golden_trace("tcp_read");
        assert!(wake_chain(&records, 25).is_none(), "seq 24 wakes nobody");
    }

    #[test]
    fn a_deferred_yield_links_to_the_park_it_waited_for() {
        let records = golden_trace("crowd");
        let wake = records
            .iter()
            .position(|r| {
                matches!(
                    r.event,
                    Event::Wake {
                        cause: WakeCause::Yield,
                        ..
                    }
                )
            })
            .expect("crowd ends with a deferred yield");
        let chain = wake_chain(&records, wake + 1).expect("the yield's chain");
        assert_eq!(chain[0].label, "deferred until the driver ran");
        let unpark = chain[0].seq.expect("the unpark before it") as usize;
        assert!(matches!(records[unpark].event, Event::Unpark { .. }));
    }

    #[test]
    fn a_poll_not_yet_recorded_has_no_seq() {
        let records = &tcp_read()[..12];
        let chain = wake_chain(records, 11).unwrap();
        assert_eq!(chain.last().map(|l| l.seq), Some(None));
    }
}
