//! Every `name()` in this crate is the JSON spelling serde writes, and every
//! `ALL` lists exactly the variants serde knows, in order. The web's hand
//! decoders read names through these, so a variant added without its name
//! fails here rather than in a browser.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::lesson::OutcomeKind;
use crate::{
    Direction, DriverPart, Kind, MarkKind, Problem, Queue, TaskState, WakeCause, WorkerState,
};

/// The variants serde accepts for `T`, read from its refusal of a bad one
/// ("unknown variant `nope`, expected one of `a`, `b`, …").
fn serde_variants<T: DeserializeOwned>() -> Vec<String> {
    let refusal = match serde_json::from_str::<T>(r#""nope""#) {
        Ok(_) => panic!("`nope` was accepted"),
        Err(error) => error.to_string(),
    };
    refusal
        .split('`')
        .skip(3)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn check<T: Serialize + DeserializeOwned + Copy>(all: &[T], name: fn(T) -> &'static str) {
    let names: Vec<String> = all.iter().map(|&value| name(value).to_string()).collect();
    assert_eq!(names, serde_variants::<T>(), "ALL and serde disagree");
    for &value in all {
        assert_eq!(serde_json::to_value(value).unwrap(), name(value));
    }
}

#[test]
fn every_name_is_serdes_and_every_all_is_complete() {
    check(&Kind::ALL, Kind::name);
    check(&WakeCause::ALL, WakeCause::name);
    check(&Direction::ALL, Direction::name);
    check(&TaskState::ALL, TaskState::name);
    check(&OutcomeKind::ALL, OutcomeKind::name);
    check(&MarkKind::ALL, MarkKind::name);
    check(&Problem::ALL, Problem::name);
    check(&DriverPart::ALL, DriverPart::name);
    check(&Queue::ALL, Queue::name);
    check(&WorkerState::ALL, WorkerState::name);
}
