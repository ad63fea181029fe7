//! The history's compaction, on frames shaped like the real ones.

use super::*;

fn text(frame: &str) -> Utf8Bytes {
    Utf8Bytes::from(frame.to_owned())
}

fn loaded() -> Utf8Bytes {
    text(r#"{"type":"loaded","scenario":"tcp_read"}"#)
}

fn record(seq: u64) -> Utf8Bytes {
    text(&format!(r#"{{"type":"record","record":{{"seq":{seq}}}}}"#))
}

/// A snapshot after `records` records, padded with `pad` bytes of state.
fn snapshot(records: u64, pad: usize) -> Utf8Bytes {
    let filler = "x".repeat(pad);
    text(&format!(
        r#"{{"type":"snapshot","state":{{"time_ms":0,"records":{records},"tasks":"{filler}"}}}}"#
    ))
}

fn done() -> Utf8Bytes {
    text(r#"{"type":"done"}"#)
}

fn frames(history: &History) -> Vec<String> {
    (0..history.len())
        .filter_map(|index| history.get(index))
        .map(|frame| frame.as_str().to_owned())
        .collect()
}

fn names(history: &History) -> Vec<String> {
    frames(history)
        .iter()
        .map(|frame| {
            let value: serde_json::Value = serde_json::from_str(frame).expect("json");
            match value["type"].as_str().expect("a type") {
                "record" => format!("r{}", value["record"]["seq"]),
                "snapshot" => format!("s{}", value["state"]["records"]),
                other => other.to_owned(),
            }
        })
        .collect()
}

/// A run stepped to its end: `steps` actions of two records each.
fn stepped(history: &mut History, steps: u64) {
    history.keep(&loaded(), Frame::Loaded);
    history.keep(&snapshot(2, 10), Frame::Snapshot);
    for step in 0..steps {
        history.keep(&record(2 * step), Frame::Record);
        history.keep(&record(2 * step + 1), Frame::Record);
        history.keep(&snapshot(2 * step + 2, 10), Frame::Snapshot);
    }
    history.keep(&done(), Frame::Done);
}

#[test]
fn a_run_is_kept_in_order_from_its_loaded_frame() {
    let mut history = History::new(1 << 20);
    history.keep(&loaded(), Frame::Loaded);
    history.keep(&record(0), Frame::Record);
    assert_eq!(history.keep(&loaded(), Frame::Loaded), Kept::From(0));
    stepped(&mut history, 2);
    assert_eq!(
        names(&history),
        ["loaded", "s2", "r0", "r1", "s2", "r2", "r3", "s4", "done"]
    );
    let weight: usize = frames(&history).iter().map(String::len).sum();
    assert_eq!(history.bytes(), weight);
}

#[test]
fn steps_past_the_end_change_nothing() {
    let mut history = History::new(1 << 20);
    stepped(&mut history, 3);
    let before = frames(&history);
    for _ in 0..10_000 {
        assert_eq!(
            history.keep(&snapshot(6, 10), Frame::Snapshot),
            Kept::Unchanged
        );
        assert_eq!(history.keep(&done(), Frame::Done), Kept::Unchanged);
    }
    assert_eq!(frames(&history), before, "8 MB of repeats cost nothing");
}

#[test]
fn a_snapshot_with_the_same_record_count_replaces_the_last() {
    let mut history = History::new(1 << 20);
    stepped(&mut history, 1);
    assert_eq!(names(&history), ["loaded", "s2", "r0", "r1", "s2", "done"]);
    let newer = snapshot(2, 20);
    assert_eq!(history.keep(&newer, Frame::Snapshot), Kept::From(4));
    assert_eq!(names(&history), ["loaded", "s2", "r0", "r1", "s2"]);
    assert_eq!(
        history.get(4),
        Some(&newer),
        "the newer one, done dropped with the old"
    );
    assert_eq!(history.keep(&record(2), Frame::Record), Kept::Appended);
    assert_eq!(
        history.keep(&snapshot(2, 30), Frame::Snapshot),
        Kept::Appended,
        "a record in between: the counts cannot be the same run's checkpoint"
    );
}

#[test]
fn past_the_cap_every_other_snapshot_goes_but_records_and_both_ends_stay() {
    let mut whole = History::new(1 << 20);
    stepped(&mut whole, 40);
    let cap = whole.bytes() * 2 / 3;
    let mut history = History::new(cap);
    stepped(&mut history, 40);
    assert!(!history.overflowed());
    assert!(history.bytes() <= cap, "{} > {cap}", history.bytes());
    let kept = names(&history);
    let records: Vec<&String> = kept.iter().filter(|n| n.starts_with('r')).collect();
    assert_eq!(records.len(), 80, "every record");
    for (seq, name) in records.iter().enumerate() {
        assert_eq!(**name, format!("r{seq}"), "in order");
    }
    let snapshots: Vec<&String> = kept.iter().filter(|n| n.starts_with('s')).collect();
    assert!(
        snapshots.len() < 41,
        "some snapshots went: {}",
        snapshots.len()
    );
    assert_eq!(
        snapshots.first().map(|s| s.as_str()),
        Some("s2"),
        "the start state"
    );
    assert_eq!(
        snapshots.last().map(|s| s.as_str()),
        Some("s80"),
        "the latest state"
    );
    assert_eq!(kept.last().map(String::as_str), Some("done"));
}

#[test]
fn thinning_reports_the_first_frame_it_touched() {
    let mut history = History::new(1 << 20);
    stepped(&mut history, 3);
    let cap = history.bytes();
    let mut history = History::new(cap);
    stepped(&mut history, 3);
    // loaded s2 r0 r1 s2 r2 r3 s4 r4 r5 s6 done: the next record tips it over.
    assert_eq!(history.keep(&record(6), Frame::Record), Kept::From(4));
    assert_eq!(
        names(&history),
        [
            "loaded", "s2", "r0", "r1", "r2", "r3", "s4", "r4", "r5", "s6", "done", "r6"
        ]
    );
}

#[test]
fn records_that_outgrow_the_cap_stop_the_history_until_the_next_load() {
    let mut history = History::new(200);
    history.keep(&loaded(), Frame::Loaded);
    history.keep(&snapshot(2, 10), Frame::Snapshot);
    let mut seq = 0;
    let overflowed = loop {
        let kept = history.keep(&record(seq), Frame::Record);
        if kept == Kept::Overflowed {
            break seq;
        }
        seq += 1;
        assert!(seq < 100, "never overflowed");
    };
    assert!(history.overflowed());
    assert!(history.bytes() <= 200);
    assert_eq!(
        names(&history).last(),
        Some(&format!("r{}", overflowed - 1)),
        "a clean prefix, without the frame that did not fit"
    );
    assert_eq!(
        history.keep(&record(seq + 1), Frame::Record),
        Kept::Overflowed
    );
    assert_eq!(history.keep(&loaded(), Frame::Loaded), Kept::From(0));
    assert!(!history.overflowed());
    assert_eq!(names(&history), ["loaded"]);
}

#[test]
fn snapshots_are_read_for_their_record_count_only() {
    assert_eq!(snapshot_records(&snapshot(44, 3)), Some(44));
    assert_eq!(snapshot_records(&text(r#"{"type":"snapshot"}"#)), None);
    assert_eq!(snapshot_records(&text("not json")), None);
    let mut history = History::new(1 << 20);
    history.keep(&loaded(), Frame::Loaded);
    let odd = text(r#"{"type":"snapshot","state":{}}"#);
    history.keep(&odd, Frame::Snapshot);
    assert_eq!(
        history.keep(&odd, Frame::Snapshot),
        Kept::Appended,
        "a snapshot without a count is never taken for another"
    );
}

#[test]
fn crowd_stepped_action_by_action_fits_the_default_cap() {
    // The measured shape of `crowd` stepped one action at a time: 5,797
    // records of ~172 bytes, 1,006 snapshots of ~24 KB.
    let mut history = History::new(crate::rooms::DEFAULT_HISTORY_BYTES);
    history.keep(&loaded(), Frame::Loaded);
    history.keep(&snapshot(2, 24_000), Frame::Snapshot);
    let mut seq = 0;
    for action in 0..1005u64 {
        let records = if action % 5 == 0 { 2 } else { 6 };
        for _ in 0..records {
            history.keep(&record(seq), Frame::Record);
            seq += 1;
        }
        let kept = history.keep(&snapshot(seq, 24_000), Frame::Snapshot);
        assert_ne!(kept, Kept::Overflowed);
    }
    assert!(!history.overflowed());
    let snapshots = names(&history)
        .iter()
        .filter(|n| n.starts_with('s'))
        .count();
    assert!(
        (64..=256).contains(&snapshots),
        "about one snapshot in eight is kept: {snapshots}"
    );
}
