//! The checker on hand-written excerpts in the shape of real logs.

use super::*;
use crate::strace::parse_log;

/// The runtime's build on the main thread (100): its epoll instance is 3.
const BUILD: &str = r#"100 1.000000 statx(AT_FDCWD, "/reactor-lab-fidelity/start", 0) = -1 ENOENT (No such file or directory)
100 1.000010 epoll_create1(EPOLL_CLOEXEC) = 3 <0.000005>
101 1.000100 statx(AT_FDCWD, "/reactor-lab-fidelity/worker", 0) = -1 ENOENT (No such file or directory)
102 1.000110 statx(AT_FDCWD, "/reactor-lab-fidelity/worker", 0) = -1 ENOENT (No such file or directory)
100 1.000200 statx(AT_FDCWD, "/reactor-lab-fidelity/block-on", 0) = -1 ENOENT (No such file or directory)
"#;

fn log(body: &str) -> Log {
    parse_log(&format!("{BUILD}{body}"))
}

/// Worker 101 holds the driver, 102 sleeps on its condvar; an event wakes
/// 101, which wakes 102; 102 takes the driver while 101 runs a task, and
/// 101 then sleeps on its condvar. (Lines 6 to 15.)
const HANDOFF: &str = "\
101 1.001000 epoll_wait(3,  <unfinished ...>
102 1.001010 futex(0x7f10, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
101 1.006000 <... epoll_wait resumed>[{events=EPOLLIN|EPOLLOUT, data={u32=7, u64=7}}], 1024, -1) = 1
101 1.006010 futex(0x7f10, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
102 1.006020 <... futex resumed>) = 0
101 1.006030 <... futex resumed>) = 1
102 1.006100 epoll_wait(3,  <unfinished ...>
101 1.006200 futex(0x7f20, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
102 1.009000 <... epoll_wait resumed>[], 1024, 3) = 0
101 1.009100 <... futex resumed>) = 0
";

#[test]
fn only_untimed_futex_waits_are_a_parked_worker() {
    let log = log("\
101 1.001000 futex(0x7f10, FUTEX_WAIT_PRIVATE, 1, {tv_sec=9, tv_nsec=999995840} <unfinished ...>
102 1.001100 futex(0x7f20, FUTEX_WAIT_PRIVATE, 1, NULL <unfinished ...>
101 1.001200 <... futex resumed>) = -1 ETIMEDOUT (Connection timed out)
102 1.001300 futex(0x7f30, FUTEX_WAKE_PRIVATE, 1) = 0
101 1.001400 futex(0x7f10, FUTEX_WAIT_PRIVATE, 1, {tv_sec=9, tv_nsec=0} <unfinished ...>
");
    let spans = futex_wait_spans(&log, &[101, 102]);
    let seen: Vec<(u32, usize, Option<usize>)> = spans
        .iter()
        .map(|span| (span.tid, span.line, span.returned_line))
        .collect();
    // 102's wait (lines 7-?) is cut short with no timeout: kept, to the end.
    assert_eq!(seen, [(102, 7, None)]);
}

#[test]
fn finds_the_runtime_s_epoll_instance_and_its_workers() {
    let log = log(HANDOFF);
    assert_eq!(runtime_epoll(&log), Ok(3));
    assert_eq!(super::super::worker_tids(&log), [101, 102]);
}

#[test]
fn a_handoff_without_overlap_passes_and_shows_the_condvar_side() {
    let log = log(HANDOFF);
    let report = check(&log, &[101, 102]).unwrap();
    assert!(report.overlaps.is_empty(), "{report}");
    assert_eq!(report.threads_that_waited(), 2);
    assert_eq!(report.handoffs, 1);
    // Each wait had the other worker asleep on a futex when it returned.
    assert_eq!(
        (report.beside_futex, report.asleep_at_return),
        (2, 2),
        "{report}"
    );
    let (wait, futex) = report.example.clone().unwrap();
    assert_eq!((wait.tid, wait.line, wait.returned_line), (101, 6, Some(8)));
    assert_eq!(
        (futex.tid, futex.line, futex.returned_line),
        (102, 7, Some(10))
    );
    assert_eq!(wait.returned_us - wait.at_us, 5_000);
}

/// The teeth: two threads inside `epoll_wait` on the runtime's instance at
/// once are reported, with both waits.
#[test]
fn two_threads_inside_epoll_wait_at_once_are_reported() {
    let log = log("\
101 1.001000 epoll_wait(3,  <unfinished ...>
102 1.001500 epoll_wait(3,  <unfinished ...>
101 1.006000 <... epoll_wait resumed>[], 1024, 5) = 0
102 1.006500 <... epoll_wait resumed>[], 1024, 5) = 0
");
    let report = check(&log, &[101, 102]).unwrap();
    assert_eq!(report.overlaps.len(), 1, "{report}");
    let (first, second) = &report.overlaps[0];
    assert_eq!(
        (first.tid, first.line, first.returned_line),
        (101, 6, Some(8))
    );
    assert_eq!(
        (second.tid, second.line, second.returned_line),
        (102, 7, Some(9))
    );
    assert!(report.to_string().contains("OVERLAP"), "{report}");
}

#[test]
fn a_whole_line_inside_another_thread_s_wait_overlaps() {
    let log = log("\
101 1.001000 epoll_wait(3,  <unfinished ...>
102 1.001500 epoll_wait(3, [], 1024, 0) = 0 <0.000004>
101 1.006000 <... epoll_wait resumed>[], 1024, 5) = 0
");
    assert_eq!(check(&log, &[101, 102]).unwrap().overlaps.len(), 1);
}

#[test]
fn a_wait_the_log_cut_short_lasts_to_its_end() {
    let log = log("\
101 1.001000 epoll_wait(3,  <unfinished ...>
102 1.001500 epoll_wait(3, [], 1024, 0) = 0 <0.000004>
102 1.002000 +++ exited with 0 +++
");
    let report = check(&log, &[101, 102]).unwrap();
    assert_eq!(report.overlaps.len(), 1, "{report}");
    assert_eq!(report.overlaps[0].0.returned_line, None);
    assert_eq!(report.overlaps[0].0.returned_us, 1_002_000);
}

#[test]
fn one_thread_s_waits_in_a_row_and_other_instances_do_not_count() {
    let log = log("\
101 1.001000 epoll_wait(3, [], 1024, 0) = 0 <0.000004>
101 1.001100 epoll_wait(3,  <unfinished ...>
102 1.001200 epoll_wait(9,  <unfinished ...>
101 1.002000 <... epoll_wait resumed>[], 1024, 1) = 0
102 1.002100 <... epoll_wait resumed>[], 1024, 1) = 0
");
    let report = check(&log, &[101, 102]).unwrap();
    assert!(report.overlaps.is_empty(), "{report}");
    assert_eq!(report.threads_that_waited(), 1);
    let counts = report.per_thread[&101];
    assert_eq!((counts.waits, counts.zero_timeout), (2, 1));
    assert_eq!(report.handoffs, 0);
}

#[test]
fn the_epoll_instance_must_be_made_while_the_runtime_is_built() {
    let late = parse_log(&BUILD.replace(
        "100 1.000010 epoll_create1(EPOLL_CLOEXEC) = 3 <0.000005>\n",
        "",
    ));
    assert!(runtime_epoll(&late).is_err());
    let two = parse_log(&BUILD.replace(
        "<0.000005>\n",
        "<0.000005>\n100 1.000020 epoll_create1(EPOLL_CLOEXEC) = 4\n",
    ));
    assert!(runtime_epoll(&two).unwrap_err().contains("[3, 4]"));
}
