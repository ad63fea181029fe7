//! A wake drawn as a causal chain, from the records that caused it:
//!
//! ```text
//!  I/O:    os_event ─▶ token 1 ─▶ registration ─▶ read waker ─▶ run queue ─▶ poll
//!  timer:  timer_fire ─▶ wheel slot ─────────────▶ waker ─────▶ run queue ─▶ poll
//! ```
//!
//! Each link points at the record that shows it, so the view can light the
//! links the learner has already stepped past.

use reactor_protocol::{Event, Record, TaskId, WakeCause};

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
        label: format!("waker of task #{task}"),
        seq: seq(wake),
    });
    let schedule = after(&|e| matches!(e, Event::Schedule { task: t } if *t == task));
    links.push(Link {
        label: "run queue".into(),
        seq: schedule.and_then(seq),
    });
    let poll = after(&|e| matches!(e, Event::Poll { task: t } if *t == task));
    links.push(Link {
        label: format!("poll task #{task}"),
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
        WakeCause::Other => vec![Link {
            label: "direct wake".into(),
            seq: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::tcp_read;

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
                "waker of task #0",
                "run queue",
                "poll task #0"
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
    fn a_poll_not_yet_recorded_has_no_seq() {
        let records = &tcp_read()[..12];
        let chain = wake_chain(records, 11).unwrap();
        assert_eq!(chain.last().map(|l| l.seq), Some(None));
    }
}
