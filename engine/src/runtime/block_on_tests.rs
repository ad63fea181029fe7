//! `block_on` on a thread that is already driving a runtime panics with
//! Tokio's words; `Runtime::enter` may nest. The fidelity suite runs the
//! same programs on real Tokio (`fidelity/src/ownership/`).

use super::{NESTED_BLOCK_ON, RunError, Runtime, RuntimeOptions};
use crate::spawn;

fn runtime() -> Runtime {
    Runtime::new(RuntimeOptions::default()).expect("runtime starts")
}

#[test]
fn block_on_inside_a_task_panics_and_the_task_fails_with_tokios_words() {
    let mut outer = runtime();
    let failed = outer
        .block_on(async {
            spawn(async {
                let mut inner = runtime();
                inner.block_on(async {}).map(|()| "the inner block_on ran")
            })
            .await
        })
        .expect("main itself does not panic");
    let error = failed.expect_err("the nested block_on panics");
    assert!(error.is_panic());
    assert_eq!(error.message, NESTED_BLOCK_ON);
}

#[test]
fn block_on_inside_block_on_panics_the_main_future() {
    let mut outer = runtime();
    let mut inner = runtime();
    let result = outer.block_on(async move { inner.block_on(async {}).is_ok() });
    assert_eq!(result, Err(RunError::MainPanicked(NESTED_BLOCK_ON.into())));
    // The thread is free again once the outer block_on returned.
    assert_eq!(outer.block_on(async { 7 }), Ok(7));
}

#[test]
fn entering_nests_and_only_changes_the_current_runtime() {
    let first = runtime();
    let second = runtime();
    let outer = first.enter();
    let inner = second.enter();
    drop(inner);
    drop(outer);
    let mut third = runtime();
    assert_eq!(third.block_on(async { 1 }), Ok(1));
}
