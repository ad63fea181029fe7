//! A snapshot as the change from the one before it.
//!
//! A trace file needs the state after every action, but a snapshot of
//! `crowd` lists 241 tasks and weighs up to 98 KB, and the run has 1,005
//! actions: 66 MB written out in full. Most actions touch a few tasks, so a
//! file writes most states as a *change*: the snapshot's fields that differ
//! from the state before, each whole, except `tasks`, which lists only the
//! tasks that differ or are new:
//!
//! ```text
//!  before {time_ms: 5, turn: 2, tasks: [t0, t1, t2], run_queue: [1], …}
//!  after  {time_ms: 5, turn: 3, tasks: [t0, t1', t2], run_queue: [], …}
//!  change {turn: 3, tasks: [t1'], run_queue: []}
//! ```
//!
//! Both sides work on JSON objects (`serde_json::Value`): the server writes
//! changes between serialised snapshots, and the browser, which decodes
//! snapshots by hand, applies them before decoding. A field that disappears
//! is written as `null`.

use serde_json::{Map, Value};

/// The key of the field a change merges by task id instead of replacing.
const TASKS: &str = "tasks";
/// The key that identifies a task.
const TASK_ID: &str = "id";

/// The change that turns `before` into `after`, two snapshots as JSON objects.
pub fn between(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    let mut change = Map::new();
    for (key, value) in after {
        if before.get(key) == Some(value) {
            continue;
        }
        let written = match (key.as_str(), before.get(key), value) {
            (TASKS, Some(Value::Array(old)), Value::Array(new)) => {
                let changed = new.iter().filter(|task| {
                    let id = task.get(TASK_ID);
                    !old.iter().any(|o| o.get(TASK_ID) == id && o == *task)
                });
                Value::Array(changed.cloned().collect())
            }
            _ => value.clone(),
        };
        change.insert(key.clone(), written);
    }
    for key in before.keys() {
        if !after.contains_key(key) {
            change.insert(key.clone(), Value::Null);
        }
    }
    change
}

/// Apply `change` (from [`between`]) to `state`, in place.
///
/// # Errors
/// A change whose `tasks` is not a list of objects with a numeric `id`, or
/// a state whose `tasks` is not a list: the file is not one we wrote.
pub fn apply(state: &mut Map<String, Value>, change: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in change {
        if key != TASKS {
            state.insert(key.clone(), value.clone());
            continue;
        }
        let Value::Array(changed) = value else {
            return Err("a state change's `tasks` is not a list".to_string());
        };
        let tasks = state
            .entry(TASKS)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(tasks) = tasks else {
            return Err("a state's `tasks` is not a list".to_string());
        };
        for task in changed {
            let Some(id) = task.get(TASK_ID).and_then(Value::as_u64) else {
                return Err("a changed task has no numeric `id`".to_string());
            };
            match tasks
                .iter_mut()
                .find(|t| t.get(TASK_ID).and_then(Value::as_u64) == Some(id))
            {
                Some(slot) => *slot = task.clone(),
                None => tasks.push(task.clone()),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("a test object"),
        }
    }

    #[test]
    fn a_change_holds_what_differs_and_the_tasks_that_did() {
        let before = object(json!({
            "turn": 2, "time_ms": 5, "park": {"timeout_ms": 3},
            "tasks": [{"id": 0, "state": "idle"}, {"id": 1, "state": "scheduled"}],
        }));
        let after = object(json!({
            "turn": 3, "time_ms": 5, "park": null,
            "tasks": [{"id": 0, "state": "idle"}, {"id": 1, "state": "idle"}, {"id": 2, "state": "scheduled"}],
        }));
        let change = between(&before, &after);
        assert_eq!(
            Value::Object(change.clone()),
            json!({"turn": 3, "park": null, "tasks": [{"id": 1, "state": "idle"}, {"id": 2, "state": "scheduled"}]})
        );
        let mut state = before;
        apply(&mut state, &change).expect("applies");
        assert_eq!(state, after);
    }

    #[test]
    fn a_field_that_disappears_is_written_as_null() {
        let before = object(json!({"turn": 1, "pool": {"seed": 3}}));
        let after = object(json!({"turn": 1}));
        let change = between(&before, &after);
        assert_eq!(Value::Object(change), json!({"pool": null}));
    }

    #[test]
    fn a_change_that_is_not_ours_is_refused() {
        let mut state = object(json!({"tasks": []}));
        let bad = object(json!({"tasks": [{"name": "x"}]}));
        assert!(apply(&mut state, &bad).is_err());
        let bad = object(json!({"tasks": 3}));
        assert!(apply(&mut state, &bad).is_err());
    }
}
