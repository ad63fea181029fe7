//! Trace files of real runs of every scenario, written as the server
//! writes them and read back as the browser reads them.

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::OutlineBuilder;
use reactor_protocol::export::trace_file::{self, VERSION};
use reactor_protocol::export::{RecordedRun, RunAbout};

use super::TraceFile;

/// Scenario `id` run to its end, every action's state kept.
pub(crate) fn recorded(id: &str) -> RecordedRun {
    let run = LabRun::load(id, LabRunOptions::default()).expect("a built-in scenario loads");
    let about = RunAbout {
        scenario: id.to_string(),
        ..RunAbout::default()
    };
    run.run_recorded(about)
}

fn read(text: &str) -> Result<TraceFile, String> {
    TraceFile::read(text.to_string())
}

#[test]
fn every_scenario_reads_back_to_the_same_records_outline_and_states() {
    for info in scenarios() {
        let run = recorded(info.id);
        let file = read(&trace_file::write(&run, Some(7))).expect("our own file reads");
        assert_eq!(file.about.scenario, info.id);
        assert_eq!(file.position, Some(7));
        let records: Vec<_> = run.records().cloned().collect();
        assert_eq!(file.records, records, "{}", info.id);
        let mut outline = OutlineBuilder::default();
        for action in &run.actions {
            outline.add_action(&action.records);
        }
        assert_eq!(file.outline, outline.finish(), "{}", info.id);
        assert_eq!(file.state(None).as_ref(), Ok(&run.start), "{}", info.id);
        // Every state of the small runs; a spread of crowd's 1,005.
        let every = if run.actions.len() > 200 { 13 } else { 1 };
        for (index, action) in run.actions.iter().enumerate().step_by(every) {
            assert_eq!(
                file.state(Some(index)).as_ref(),
                Ok(&action.after),
                "{} action {index}",
                info.id
            );
        }
        let last = run.actions.len() - 1;
        assert_eq!(
            file.state(Some(last)).as_ref(),
            Ok(&run.actions[last].after)
        );
        assert!(file.state(Some(last + 1)).is_err());
    }
}

#[test]
fn saving_again_keeps_the_run_and_moves_the_position() {
    let run = recorded("tcp_read");
    let file = read(&trace_file::write(&run, None)).expect("reads");
    let again = read(&file.with_position(12)).expect("reads");
    assert_eq!(again.position, Some(12));
    assert_eq!(again.records, file.records);
    assert_eq!(again.state(Some(3)), file.state(Some(3)));
}

/// Cut `text` after `lines` lines (the header is line 1).
fn first_lines(text: &str, lines: usize) -> String {
    text.split_inclusive('\n').take(lines).collect()
}

#[test]
fn each_bad_file_gets_its_own_message() {
    let good = trace_file::write(&recorded("tcp_read"), None);
    let says = |text: &str, words: &str| {
        let error = read(text).expect_err("refused");
        assert!(error.contains(words), "expected `{words}` in: {error}");
    };
    says("", "empty");
    says("\n\n", "empty");
    says(&" ".repeat(50_000_000), "50.0 MB");
    says(
        r#"{"traceEvents":[{"ph":"B","ts":0,"pid":1,"tid":1,"name":"poll"}]}"#,
        "Chrome trace",
    );
    says(r#"[{"ph":"B","ts":0}]"#, "Chrome trace");
    says(
        r#"{"scenario":"tcp_read","records":[]}"#,
        "not a Reactor Lab trace",
    );
    says("hello", "not a Reactor Lab trace");
    let newer = good.replacen(
        &format!("\"version\":{VERSION}"),
        &format!("\"version\":{}", VERSION + 1),
        1,
    );
    says(&newer, "newer than this Reactor Lab reads");
    // Cut inside a line: that line is not JSON.
    says(&good[..good.len() / 2], "not complete JSON");
    // Cut at a line's end: the header's counts tell.
    says(&first_lines(&good, 10), "ends early");
    // A record out of place.
    let lines: Vec<&str> = good.lines().collect();
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    says(&(swapped.join("\n") + "\n"), "should come");
    assert!(super::too_large(super::MAX_FILE_BYTES + 1).is_some());
    assert!(super::too_large(super::MAX_FILE_BYTES).is_none());
}
