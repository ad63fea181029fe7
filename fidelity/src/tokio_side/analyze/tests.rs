//! The analysis on small hand-written logs.

use super::*;
use crate::strace::parse;

const PRELUDE: &str = r#"9 100.000000 statx(AT_FDCWD, "/reactor-lab-fidelity/start", 0) = -1 ENOENT (No such file or directory)
9 100.000100 eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = 4
9 100.000200 epoll_ctl(3, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLRDHUP|EPOLLET, data={u32=0, u64=0}}) = 0
9 100.000300 epoll_ctl(5, EPOLL_CTL_ADD, 8, {events=EPOLLIN|EPOLLRDHUP|EPOLLET, data={u32=1, u64=1}}) = 0
9 100.001000 statx(AT_FDCWD, "/reactor-lab-fidelity/block-on", 0) = -1 ENOENT (No such file or directory)
"#;
const END: &str = r#"9 200.000000 statx(AT_FDCWD, "/reactor-lab-fidelity/end", 0) = -1 ENOENT (No such file or directory)
9 200.000100 epoll_wait(3, [], 1024, 0) = 0
"#;

fn run(body: &str, clock: Clock) -> Analysis {
    analyze(&parse(&format!("{PRELUDE}{body}{END}")), clock).unwrap()
}

#[test]
fn real_clock_instants_count_from_the_block_on_marker() {
    let analysis = run(
        "9 100.001400 write(4, \"\\1\\0\\0\\0\\0\\0\\0\\0\", 8) = 8 <0.000006>
9 100.001500 epoll_wait(3, [{events=EPOLLIN, data={u32=0, u64=0}}], 1024, 960) = 1 <0.000007>
9 100.002000 epoll_wait(3, [], 1024, 960) = 0 <0.960100>
9 100.962000 epoll_wait(3, [], 1024, -1) = 0 <0.000900>
9 100.963000 epoll_wait(3, [], 1024, 0) = 0 <0.000005>
",
        Clock::Real,
    );
    let parks = &analysis.observed.parks;
    assert_eq!(
        analysis.observed.asked(),
        [Some(960.5), Some(961.0), None, Some(962.0)]
    );
    assert_eq!(parks[0].note, CUT_SHORT);
    assert_eq!(parks[1].note, "");
    assert!(parks[3].is_zero());
    // What ended each wait, how long it lasted, and who unparked it.
    let woken: Vec<_> = parks.iter().map(|park| park.woken).collect();
    assert_eq!(
        woken,
        [
            Woken::OwnWaker,
            Woken::Nothing,
            Woken::Nothing,
            Woken::Nothing
        ]
    );
    let lasted: Vec<_> = parks.iter().map(|park| park.lasted_ms).collect();
    assert_eq!(lasted, [Some(0.007), Some(960.1), Some(0.9), Some(0.005)]);
    let unparked: Vec<_> = parks.iter().map(|park| park.self_unparked).collect();
    assert_eq!(unparked, [true, false, false, false]);
    assert!(
        parks
            .iter()
            .all(|park| park.real_clock && !park.asked_inferred)
    );
    // Shutdown's calls, after the end marker, are not the program's.
    assert_eq!(analysis.calls.len(), 5);
}

#[test]
fn only_the_runtime_thread_s_writes_to_the_waker_unpark_it_itself() {
    let analysis = run(
        "10 100.001400 write(4, \"\\1\\0\\0\\0\\0\\0\\0\\0\", 8) = 8
9 100.001450 write(1, \"hello\\n\", 6) = 6
9 100.001500 epoll_wait(3, [{events=EPOLLIN, data={u32=0, u64=0}}], 1024, 960) = 1 <0.000007>
9 100.001600 write(4, \"\\1\\0\\0\\0\\0\\0\\0\\0\", 8) = 8
9 100.001700 epoll_wait(3, [{events=EPOLLIN, data={u32=0, u64=0}}, {events=EPOLLIN, data={u32=1, u64=77}}], 1024, 960) = 2 <0.000007>
9 100.001800 epoll_wait(3, [{events=EPOLLIN, data={u32=1, u64=1}}], 1024, 960) = 1 <0.000007>
",
        Clock::Real,
    );
    let parks = &analysis.observed.parks;
    // Another thread's write (10) and a write to stdout are not the
    // runtime thread unparking itself.
    assert!(!parks[0].self_unparked);
    assert!(parks[1].self_unparked);
    // The waker's event with a socket's is a socket wake; the signal
    // driver's (data 1, registered before block_on) is Tokio's own, not
    // its waker's.
    assert_eq!(parks[1].woken, Woken::Sockets(1));
    assert_eq!(parks[2].woken, Woken::Internal);
}

#[test]
fn other_threads_are_ignored() {
    let analysis = run(
        "10 100.001500 epoll_wait(7, [], 1024, 5) = 0
10 100.001600 accept4(9, NULL, NULL, SOCK_CLOEXEC) = 12
",
        Clock::Real,
    );
    assert_eq!(analysis.observed, Observed::default());
}

#[test]
fn paused_clock_jumps_cut_short_parks_and_did_wake_parks() {
    let analysis = run(
        r#"9 100.002000 statx(AT_FDCWD, "/reactor-lab-fidelity/park/0", 0) = -1 ENOENT
9 100.002100 epoll_wait(3, [{events=EPOLLIN, data={u32=0, u64=0}}], 1024, 0) = 1
9 100.002200 statx(AT_FDCWD, "/reactor-lab-fidelity/unpark/0", 0) = -1 ENOENT
9 100.002300 statx(AT_FDCWD, "/reactor-lab-fidelity/park/0", 0) = -1 ENOENT
9 100.002400 epoll_wait(3, [], 1024, 0) = 0
9 100.002500 statx(AT_FDCWD, "/reactor-lab-fidelity/unpark/10000000", 0) = -1 ENOENT
9 100.002600 statx(AT_FDCWD, "/reactor-lab-fidelity/park/10000000", 0) = -1 ENOENT
9 100.002700 epoll_wait(3, [], 1024, 0) = 0
9 100.002800 statx(AT_FDCWD, "/reactor-lab-fidelity/unpark/10000000", 0) = -1 ENOENT
9 100.002900 statx(AT_FDCWD, "/reactor-lab-fidelity/park/10000000", 0) = -1 ENOENT
9 100.003000 epoll_wait(3, [], 1024, 0) = 0
9 100.003100 statx(AT_FDCWD, "/reactor-lab-fidelity/unpark/20500000", 0) = -1 ENOENT
9 100.003200 epoll_wait(3, [], 1024, 0) = 0
"#,
        Clock::Paused,
    );
    // A jump is the asked instant; the own-waker park asks for the next
    // park's instant; the empty park without a jump is the paused clock's
    // own (dropped); the last wait is a park_yield at the clock's reading.
    assert_eq!(
        analysis.observed.asked(),
        [Some(10.0), Some(10.0), Some(20.5), Some(20.5)]
    );
    let parks = &analysis.observed.parks;
    assert!(parks[0].note.starts_with(CUT_SHORT), "{}", parks[0].note);
    assert!(parks[0].asked_inferred && !parks[1].asked_inferred);
    // On the paused clock a wait lasts as long as the clock jumped.
    let lasted: Vec<_> = parks.iter().map(|park| park.lasted_ms).collect();
    assert_eq!(lasted, [Some(0.0), Some(10.0), Some(10.5), Some(0.0)]);
    assert_eq!(parks[2].at_ms, 10.0);
    assert!(parks[3].is_zero());
    assert_eq!(analysis.dropped.len(), 1);
    assert_eq!(analysis.dropped[0].at_ms, 10.0);
}

#[test]
fn user_sockets_registrations_and_calls() {
    let analysis = run(
        "9 100.001100 epoll_ctl(5, EPOLL_CTL_ADD, 9, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=1, u64=77}}) = 0
9 100.001200 epoll_wait(3, [{events=EPOLLIN, data={u32=1, u64=77}}], 1024, -1) = 1
9 100.001300 accept4(9, {sa_family=AF_INET}, [128 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 12
9 100.001400 accept4(9, 0x1, 0x2, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)
9 100.001500 read(4, \"\\1\\0\\0\\0\\0\\0\\0\\0\", 8) = 8
9 100.001600 recvfrom(12, \"hello\", 1024, 0, NULL, NULL) = 5
9 100.001700 recvfrom(12, 0x5, 1024, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)
",
        Clock::Real,
    );
    let io: Vec<String> = analysis
        .observed
        .io
        .iter()
        .map(ToString::to_string)
        .collect();
    // The read of Tokio's eventfd (fd 4) is not a user socket's.
    assert_eq!(
        io,
        [
            "accept → ok",
            "accept → WouldBlock",
            "read → 5 bytes",
            "read → ECONNRESET"
        ]
    );
    let registrations = &analysis.observed.registrations;
    assert_eq!(registrations.len(), 1);
    assert!(registrations[0].readable && registrations[0].writable);
    assert_eq!(analysis.observed.parks[0].note, "1 socket event");
}

#[test]
fn a_log_without_markers_is_an_error() {
    let error = analyze(
        &parse("9 1.0 epoll_wait(3, [], 1024, 0) = 0\n"),
        Clock::Real,
    );
    assert!(error.is_err());
    let no_end = analyze(&parse(PRELUDE), Clock::Real).unwrap_err();
    assert!(no_end.contains("end marker"), "{no_end}");
}
