//! The Chrome trace (`GET /api/trace/{id}?format=chrome`) of every built-in
//! scenario keeps the Trace Event format's rules that Perfetto UI and
//! `chrome://tracing` rely on, and says what the run did.

use std::collections::{BTreeMap, BTreeSet};

use reactor_engine::{LabRun, LabRunOptions, scenarios};
use reactor_protocol::export::{RecordedRun, RunAbout, chrome};
use reactor_protocol::{Event, Snapshot};
use serde_json::{Value, json};

/// Scenario `id` run to its end with interleaving `seed`.
fn recorded(id: &str, seed: u64) -> RecordedRun {
    let options = LabRunOptions {
        seed,
        ..LabRunOptions::default()
    };
    let run = LabRun::load(id, options).unwrap_or_else(|error| panic!("{id}: {error}"));
    run.run_recorded(RunAbout {
        scenario: id.to_string(),
        seed,
        program: None,
    })
}

/// A track: (pid, tid).
type Track = (u64, u64);

/// An event's field, or what is wrong.
fn field<'a>(event: &'a Value, key: &str) -> Result<&'a Value, String> {
    event
        .get(key)
        .ok_or_else(|| format!("no `{key}` in {event}"))
}

fn number(event: &Value, key: &str) -> Result<f64, String> {
    field(event, key)?
        .as_f64()
        .ok_or_else(|| format!("`{key}` is not a number in {event}"))
}

fn whole(event: &Value, key: &str) -> Result<u64, String> {
    field(event, key)?
        .as_u64()
        .ok_or_else(|| format!("`{key}` is not a whole number in {event}"))
}

fn text<'a>(event: &'a Value, key: &str) -> Result<&'a str, String> {
    field(event, key)?
        .as_str()
        .ok_or_else(|| format!("`{key}` is not a string in {event}"))
}

/// The format's rules, as Perfetto and `chrome://tracing` read them:
/// every event has `ph`, `name`, a numeric `ts`, `pid` and `tid`; `B`/`E`
/// nest on their own track, in order, with a length, and all close;
/// each flow start has exactly one finish with its id, not earlier, both
/// inside a slice on their track; counters' values are numbers; instants
/// have a scope; every thread used is named. Returns the events.
fn check_format(trace: &str) -> Result<Vec<Value>, String> {
    let file: Value = serde_json::from_str(trace).map_err(|e| format!("not JSON: {e}"))?;
    let events = field(&file, "traceEvents")?
        .as_array()
        .ok_or("traceEvents is not a list")?;
    let unit = text(&file, "displayTimeUnit")?;
    if unit != "ms" && unit != "ns" {
        return Err(format!("displayTimeUnit {unit}"));
    }
    let mut open: BTreeMap<Track, Vec<(&str, &Value, f64)>> = BTreeMap::new();
    let mut last_slice_ts: BTreeMap<Track, f64> = BTreeMap::new();
    let mut starts: BTreeMap<u64, f64> = BTreeMap::new();
    let mut finishes: BTreeMap<u64, f64> = BTreeMap::new();
    let mut named = BTreeSet::new();
    let mut used = BTreeSet::new();
    for event in events {
        let ph = text(event, "ph")?;
        let name = text(event, "name")?;
        let ts = number(event, "ts")?;
        let track = (whole(event, "pid")?, whole(event, "tid")?);
        if ts < 0.0 {
            return Err(format!("ts below 0: {event}"));
        }
        if ph != "M" {
            used.insert(track);
        }
        match ph {
            "B" | "E" => {
                let last = last_slice_ts.insert(track, ts).unwrap_or(0.0);
                if ts < last {
                    return Err(format!("a slice goes back in time on {track:?}: {event}"));
                }
                let stack = open.entry(track).or_default();
                if ph == "B" {
                    stack.push((name, &event["cat"], ts));
                    continue;
                }
                let Some((began, _, at)) = stack.pop() else {
                    return Err(format!("E with nothing open: {event}"));
                };
                if began != name || ts <= at {
                    return Err(format!("E closes {began} at {at}, not in order: {event}"));
                }
            }
            "s" | "f" => {
                let id = whole(event, "id")?;
                let Some(&(_, cat, began)) = open.get(&track).and_then(|stack| stack.last()) else {
                    return Err(format!("a flow event outside any slice: {event}"));
                };
                if ph == "f" && (cat != "poll" || began != ts) {
                    return Err(format!(
                        "a flow finishes elsewhere than a poll's start: {event}"
                    ));
                }
                let (seen, other) = match ph {
                    "s" => (&mut starts, "f"),
                    _ => (&mut finishes, "s"),
                };
                if seen.insert(id, ts).is_some() {
                    return Err(format!("two flow {ph} with id {id} (one {other} each)"));
                }
                if ph == "f" && text(event, "bp")? != "e" {
                    return Err(format!("a flow finish not bound to its slice: {event}"));
                }
            }
            "C" => {
                let args = field(event, "args")?.as_object().ok_or("counter args")?;
                if args.is_empty() || !args.values().all(Value::is_number) {
                    return Err(format!("a counter without numeric values: {event}"));
                }
            }
            "i" => {
                if !["t", "p", "g"].contains(&text(event, "s")?) {
                    return Err(format!("an instant without a scope: {event}"));
                }
            }
            "M" => {
                if name.ends_with("_name") {
                    text(field(event, "args")?, "name")?;
                }
                if name == "thread_name" {
                    named.insert(track);
                }
            }
            other => return Err(format!("unexpected ph {other}: {event}")),
        }
    }
    if let Some((track, stack)) = open.iter().find(|(_, stack)| !stack.is_empty()) {
        return Err(format!("slices left open on {track:?}: {stack:?}"));
    }
    for (id, ts) in &starts {
        match finishes.get(id) {
            Some(end) if end >= ts => {}
            Some(end) => return Err(format!("flow {id} finishes at {end}, before {ts}")),
            None => return Err(format!("flow {id} never finishes")),
        }
    }
    if let Some(id) = finishes.keys().find(|id| !starts.contains_key(id)) {
        return Err(format!("flow {id} finishes but never starts"));
    }
    if let Some(track) = used.difference(&named).next() {
        return Err(format!("track {track:?} has no thread_name"));
    }
    Ok(events.clone())
}

/// What the trace says about `run`: its metadata, one event per record at
/// its time, a poll slice per poll named by its task, the threads, the
/// counters.
fn check_content(trace: &str, events: &[Value], run: &RecordedRun) -> Result<(), String> {
    let file: Value = serde_json::from_str(trace).map_err(|e| e.to_string())?;
    let other = field(&file, "otherData")?;
    let records: Vec<_> = run.records().collect();
    let expected = json!({
        "source": "Reactor Lab",
        "scenario": run.about.scenario,
        "seed": run.about.seed,
        "records": records.len(),
    });
    for (key, value) in expected.as_object().into_iter().flatten() {
        if field(other, key)? != value {
            return Err(format!("otherData.{key} is not {value}: {other}"));
        }
    }
    text(other, "time_rule")?;
    let mut seen = BTreeMap::new();
    for event in events.iter().filter(|e| e["ph"] == "B" || e["ph"] == "i") {
        let Some(seq) = event["args"].get("seq").and_then(Value::as_u64) else {
            continue;
        };
        if seen.insert(seq, event).is_some() {
            return Err(format!("record {seq} is written twice"));
        }
    }
    let last = run.actions.last().map_or(&run.start, |a| &a.after);
    let mut tracks_of_records = BTreeSet::new();
    for record in &records {
        let Some(event) = seen.get(&record.seq) else {
            return Err(format!("record {} is missing", record.seq));
        };
        let ts = number(event, "ts")?;
        let ms = record.time_ms as f64 * 1000.0;
        if ts < ms || ts >= ms + 1000.0 {
            return Err(format!(
                "record at {} ms written at {ts} us",
                record.time_ms
            ));
        }
        tracks_of_records.insert((record.worker, whole(event, "tid")?));
        if let Event::Poll { task } = record.event {
            let name = task_name(last, task);
            let want = format!("{name} (task {task})");
            if event["ph"] != "B" || event["cat"] != "poll" || event["name"] != want.as_str() {
                return Err(format!(
                    "poll {} is not a slice named {want}: {event}",
                    record.seq
                ));
            }
        }
    }
    let workers: BTreeSet<_> = tracks_of_records.iter().map(|(w, _)| w).collect();
    let tids: BTreeSet<_> = tracks_of_records.iter().map(|(_, t)| t).collect();
    if workers.len() != tids.len() || tids.len() != tracks_of_records.len() {
        return Err(format!(
            "workers and tracks do not match: {tracks_of_records:?}"
        ));
    }
    let counters: BTreeSet<_> = events
        .iter()
        .filter(|e| e["ph"] == "C")
        .filter_map(|e| e["name"].as_str())
        .collect();
    let mut wanted = vec!["run queue", "timers in wheel"];
    if last.pool.is_some() {
        wanted.push("inject queue");
        let named = |name: &str| {
            events
                .iter()
                .any(|e| e["name"] == "thread_name" && e["args"]["name"] == name)
        };
        if !named("block_on thread") || !named("worker 1") {
            return Err("a multi-thread run's threads are not all named".to_string());
        }
    }
    if let Some(missing) = wanted.iter().find(|name| !counters.contains(*name)) {
        return Err(format!("no {missing} counter; counters: {counters:?}"));
    }
    Ok(())
}

fn task_name(snapshot: &Snapshot, task: u64) -> &str {
    snapshot
        .tasks
        .iter()
        .find(|view| view.id == task)
        .map_or("?", |view| view.name.as_str())
}

#[test]
fn every_scenario_gives_a_well_formed_chrome_trace() {
    for info in scenarios() {
        for seed in [0, 7] {
            let run = recorded(info.id, seed);
            let trace = chrome::write(&run);
            let events = check_format(&trace)
                .unwrap_or_else(|problem| panic!("{} (seed {seed}): {problem}", info.id));
            check_content(&trace, &events, &run)
                .unwrap_or_else(|problem| panic!("{} (seed {seed}): {problem}", info.id));
        }
    }
}

#[test]
fn every_wake_that_a_poll_follows_has_its_arrow() {
    for info in scenarios() {
        let run = recorded(info.id, 0);
        let records: Vec<_> = run.records().collect();
        let mut flows = BTreeSet::new();
        for (index, record) in records.iter().enumerate() {
            let Event::Wake { task, .. } = record.event else {
                continue;
            };
            let later = records[index + 1..].iter().find_map(|r| match r.event {
                Event::Poll { task: polled } if polled == task => Some(r.seq),
                _ => None,
            });
            if let Some(poll) = later {
                flows.insert((record.seq, poll));
            }
        }
        let trace = chrome::write(&run);
        let events = check_format(&trace).unwrap_or_else(|p| panic!("{}: {p}", info.id));
        let seq_at = |ph: &str, id: u64| {
            // The event a flow event follows in the file is its record's.
            let at = events.iter().position(|e| e["ph"] == ph && e["id"] == id)?;
            events[..at]
                .iter()
                .rev()
                .find_map(|e| e["args"].get("seq").and_then(Value::as_u64))
        };
        let written: BTreeSet<_> = events
            .iter()
            .filter(|e| e["ph"] == "s")
            .filter_map(|e| e["id"].as_u64())
            .map(|id| (seq_at("s", id), seq_at("f", id)))
            .collect();
        let expected: BTreeSet<_> = flows.iter().map(|&(w, p)| (Some(w), Some(p))).collect();
        assert_eq!(written, expected, "{}: wake → poll arrows", info.id);
        assert!(
            !flows.is_empty(),
            "{}: no wake is followed by a poll",
            info.id
        );
    }
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    for id in ["tcp_read", "work_stealing"] {
        let first = chrome::write(&recorded(id, 0));
        let second = chrome::write(&recorded(id, 0));
        assert!(first == second, "{id}: two runs wrote different traces");
    }
}

#[test]
fn crowd_stays_small_enough_to_open() {
    let trace = chrome::write(&recorded("crowd", 0));
    assert!(
        trace.len() < 10_000_000,
        "crowd's trace is {} bytes",
        trace.len()
    );
}

/// The checker itself fails on each broken rule it is meant to catch.
#[test]
fn the_checker_rejects_broken_traces() {
    let wrap = |events: &str| {
        format!(r#"{{"traceEvents":[{events}],"displayTimeUnit":"ms","otherData":{{}}}}"#)
    };
    let name = r#"{"ph":"M","name":"thread_name","ts":0,"pid":1,"tid":1,"args":{"name":"w"}}"#;
    let b = |ts: u32| format!(r#"{{"ph":"B","name":"p","ts":{ts},"pid":1,"tid":1}}"#);
    let e = |ts: u32| format!(r#"{{"ph":"E","name":"p","ts":{ts},"pid":1,"tid":1}}"#);
    let good = wrap(&[name.to_string(), b(1), e(2)].join(","));
    assert!(check_format(&good).is_ok(), "{good}");
    let broken = [
        wrap(&[name.to_string(), b(2), e(1)].join(",")),
        wrap(&[name.to_string(), b(1)].join(",")),
        wrap(&[name.to_string(), e(1)].join(",")),
        wrap(&[name.to_string(), b(1), e(1)].join(",")),
        wrap(&b(1).replace(r#""ts":1"#, r#""ts":"1""#)),
        wrap(&[b(1), e(2)].join(",")),
        wrap(&format!(
            r#"{name},{},{{"ph":"s","name":"wake","ts":1,"pid":1,"tid":1,"id":3}},{}"#,
            b(1),
            e(2)
        )),
        wrap(&format!(
            r#"{name},{{"ph":"C","name":"run queue","ts":1,"pid":1,"tid":1,"args":{{"tasks":"2"}}}}"#
        )),
        wrap(&format!(
            r#"{name},{{"ph":"i","name":"wake","ts":1,"pid":1,"tid":1}}"#
        )),
    ];
    for trace in broken {
        assert!(check_format(&trace).is_err(), "accepted: {trace}");
    }
}
