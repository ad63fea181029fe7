//! A replay answers the player's commands as the server would: fed into a
//! history, its frames show every position exactly.

use std::rc::Rc;

use reactor_protocol::export::trace_file;
use reactor_protocol::{Command, ServerFrame};

use super::LocalRun;
use crate::history::History;
use crate::replay::TraceFile;
use crate::replay::tests::recorded;

fn local_run(file: Rc<TraceFile>) -> LocalRun {
    LocalRun::new(file, 1)
}

fn read(text: &str) -> Result<TraceFile, String> {
    TraceFile::read(text.to_string())
}

/// Feed a local run's answer into a history, as `Player::on_frame` does.
fn feed(history: &mut History, frames: Vec<ServerFrame>) {
    for frame in frames {
        match frame {
            ServerFrame::Outline(outline) => history.set_outline(outline),
            ServerFrame::Record { record } => {
                history.push_record(record).expect("records come in order");
            }
            ServerFrame::Snapshot { state } => history.push_snapshot(state),
            ServerFrame::Done => history.set_done(),
            ServerFrame::Loaded { .. } => {}
            other => panic!("a replay answered with {other:?}"),
        }
    }
}

#[test]
fn a_replay_answers_steps_and_jumps_as_the_server_does() {
    let run = recorded("timers");
    let file = Rc::new(read(&trace_file::write(&run, None)).expect("reads"));
    let mut local = local_run(Rc::clone(&file));
    let mut history = History::new();
    feed(&mut history, local.answer(&Command::Reset));
    feed(&mut history, local.answer(&Command::Step));
    let first = run.actions[0].records.len();
    assert_eq!(history.len(), first);
    assert!(history.shows(first));
    // A jump far ahead: every record up to there, states around it.
    let wanted = file.outline.actions[20] as usize;
    let have = history.len() as u64;
    feed(
        &mut history,
        local.answer(&Command::Seek {
            records: wanted as u64,
            have,
        }),
    );
    assert!(history.shows(wanted));
    assert_eq!(
        history.state_at(wanted).as_deref(),
        Some(&run.actions[20].after)
    );
    assert!(
        history.shows(file.outline.actions[19] as usize),
        "the action before is shown too"
    );
    // To the end, then done.
    let total = file.records.len();
    let have = history.len() as u64;
    feed(
        &mut history,
        local.answer(&Command::Seek {
            records: total as u64,
            have,
        }),
    );
    assert!(history.shows(total) && history.is_done());
    assert_eq!(
        history.state_at(total).as_deref(),
        Some(&run.actions.last().expect("actions").after)
    );
}
