//! Test builds note every key the hand decoders look up, so the tests can
//! check that they read every key the protocol's serde writes; and what
//! those tests share.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

thread_local! {
    /// (the object's address, the key) for every lookup since [`unread`] began.
    static READ: RefCell<Vec<(usize, String)>> = const { RefCell::new(Vec::new()) };
}

/// Note that key `name` of `object` was looked up.
pub(crate) fn note(object: &Map<String, Value>, name: &str) {
    let at = std::ptr::from_ref(object) as usize;
    READ.with(|read| read.borrow_mut().push((at, name.to_string())));
}

/// Run `decode` over `value`, and list every key of `value`, at any depth,
/// it never looked up, as a path such as `state.tasks[0].waiting_on`.
pub(crate) fn unread(value: &Value, decode: impl FnOnce(&Value)) -> Vec<String> {
    READ.with(|read| read.borrow_mut().clear());
    decode(value);
    let read = READ.with(|read| std::mem::take(&mut *read.borrow_mut()));
    let mut missed = Vec::new();
    walk(value, "", &read, &mut missed);
    missed
}

/// Decode `sample`'s serde JSON with `decode`: the same value comes back,
/// and every key was read.
pub(crate) fn check<T: Serialize + PartialEq + std::fmt::Debug>(
    sample: &T,
    decode: fn(&Value) -> Result<T, String>,
) {
    let value = serde_json::to_value(sample).expect("serde encodes");
    let mut decoded = None;
    let unread = unread(&value, |value| decoded = Some(decode(value)));
    let decoded = decoded.expect("decoded");
    assert_eq!(decoded.as_ref(), Ok(sample), "{value}");
    assert!(unread.is_empty(), "the decoder skips {unread:?} of {value}");
}

/// The names serde accepts for `T`, read from its refusal of `probe`.
pub(crate) fn serde_names<T: DeserializeOwned + std::fmt::Debug>(probe: &str) -> BTreeSet<String> {
    let refusal = serde_json::from_str::<T>(probe)
        .expect_err("refused")
        .to_string();
    let names: BTreeSet<String> = refusal
        .split('`')
        .skip(3)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!names.is_empty(), "{refusal}");
    names
}

fn walk(value: &Value, path: &str, read: &[(usize, String)], missed: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            let at = std::ptr::from_ref(object) as usize;
            for (key, inner) in object {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if !read
                    .iter()
                    .any(|(address, name)| *address == at && name == key)
                {
                    missed.push(here.clone());
                }
                walk(inner, &here, read, missed);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), read, missed);
            }
        }
        _ => {}
    }
}
