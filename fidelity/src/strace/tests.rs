//! The parser on lines captured from real runs of `tokio_programs`.

use super::*;

/// A `tcp_read` run under `strace -f -ttt` (the peer thread is 13156).
const TCP_READ: &str = r#"13155 1795946539.238850 statx(AT_FDCWD, "/reactor-lab-fidelity/start", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffe74b28670) = -1 ENOENT (No such file or directory)
13155 1795946539.239005 statx(0, NULL, AT_STATX_SYNC_AS_STAT, STATX_ALL, NULL) = -1 EFAULT (Bad address)
13155 1795946539.239064 eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = 4
13155 1795946539.239080 epoll_ctl(3, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLRDHUP|EPOLLET, data={u32=0, u64=0}}) = 0
13155 1795946539.239636 epoll_ctl(5, EPOLL_CTL_ADD, 9, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=4077847808, u64=94755351364864}}) = 0
13155 1795946539.239782 epoll_wait(3, [{events=EPOLLIN, data={u32=4077847808, u64=94755351364864}}], 1024, -1) = 1
13155 1795946539.240888 accept4(9, {sa_family=AF_INET, sin_port=htons(46508), sin_addr=inet_addr("127.0.0.1")}, [128 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 12
13155 1795946539.240985 recvfrom(12, 0x562df30f0a88, 1024, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)
13155 1795946539.241024 epoll_wait(3, [{events=EPOLLIN|EPOLLOUT, data={u32=4077848832, u64=94755351365888}}], 1024, -1) = 1
13155 1795946539.246092 recvfrom(12, "hello, reactor", 1024, 0, NULL, NULL) = 14
13155 1795946539.246229 epoll_ctl(5, EPOLL_CTL_DEL, 12, NULL) = 0
13155 1795946539.246355 epoll_wait(3,  <unfinished ...>
13156 1795946539.246380 +++ exited with 0 +++
13155 1795946539.246388 <... epoll_wait resumed>[], 1024, 0) = 0
13155 1795946539.246831 +++ exited with 0 +++
"#;

#[test]
fn parses_every_call_of_a_real_log() {
    let calls = parse(TCP_READ);
    let names: Vec<_> = calls
        .iter()
        .map(|call| match &call.call {
            Call::EpollWait { .. } => "epoll_wait",
            Call::EpollCtl { .. } => "epoll_ctl",
            Call::Accept { .. } => "accept",
            Call::Read { .. } => "read",
            Call::Stat { .. } => "stat",
            Call::Eventfd => "eventfd",
            Call::EpollCreate => "epoll_create",
            Call::Futex { .. } => "futex",
            Call::Write { .. } => "write",
            Call::Other { .. } => "other",
        })
        .collect();
    assert_eq!(
        names,
        [
            "stat",
            "other", // statx(0, NULL, …): no path
            "eventfd",
            "epoll_ctl",
            "epoll_ctl",
            "epoll_wait",
            "accept",
            "read",
            "epoll_wait",
            "read",
            "epoll_ctl",
            "epoll_wait",
        ]
    );
    assert!(calls.iter().all(|call| call.tid == 13155));
}

#[test]
fn reads_timestamps_threads_and_lines() {
    let calls = parse(TCP_READ);
    assert_eq!(calls[0].at_us, 1_795_946_539_238_850);
    assert_eq!(calls[0].line, 1);
    assert_eq!(
        calls[0].call,
        Call::Stat {
            path: "/reactor-lab-fidelity/start".into()
        }
    );
    assert_eq!(calls[0].ret.errno.as_deref(), Some("ENOENT"));
}

#[test]
fn reads_epoll_waits_timeouts_and_ready_data() {
    let calls = parse(TCP_READ);
    assert_eq!(
        calls[5].call,
        Call::EpollWait {
            epfd: 3,
            timeout_ms: None,
            ready: vec![94_755_351_364_864],
        }
    );
    assert_eq!(calls[5].ret.value, Some(1));
}

#[test]
fn joins_an_unfinished_call_with_its_resumed_half() {
    let calls = parse(TCP_READ);
    let last = calls.last().unwrap();
    assert_eq!(
        last.call,
        Call::EpollWait {
            epfd: 3,
            timeout_ms: Some(0),
            ready: vec![],
        }
    );
    assert_eq!(last.ret.value, Some(0));
    // The call keeps its start: the timestamp and line of the unfinished
    // half; it returned at the resumed half's.
    assert_eq!(last.at_us, 1_795_946_539_246_355);
    assert_eq!(last.line, 12);
    assert_eq!(last.returned_us, 1_795_946_539_246_388);
}

#[test]
fn reads_registrations_accepts_and_reads() {
    let calls = parse(TCP_READ);
    assert_eq!(
        calls[4].call,
        Call::EpollCtl {
            op: "EPOLL_CTL_ADD".into(),
            fd: 9,
            events: ["EPOLLIN", "EPOLLOUT", "EPOLLRDHUP", "EPOLLET"]
                .map(String::from)
                .to_vec(),
            data: Some(94_755_351_364_864),
        }
    );
    assert_eq!(
        calls[10].call,
        Call::EpollCtl {
            op: "EPOLL_CTL_DEL".into(),
            fd: 12,
            events: vec![],
            data: None,
        }
    );
    assert_eq!(calls[6].call, Call::Accept { fd: 9 });
    assert_eq!(calls[6].ret.value, Some(12));
    assert_eq!(
        calls[7].call,
        Call::Read {
            fd: 12,
            socket: true
        }
    );
    assert!(calls[7].would_block());
    assert_eq!(calls[9].ret.value, Some(14));
    assert!(!calls[9].would_block());
}

#[test]
fn other_threads_interleaving_does_not_mix_halves() {
    let log = "\
1 10.000001 epoll_wait(3,  <unfinished ...>
2 10.000002 read(7,  <unfinished ...>
2 10.000500 <... read resumed>\"ab\", 2) = 2
1 10.000900 <... epoll_wait resumed>[], 1024, 5) = 0
1 10.001000 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
1 10.001100 exit_group(0) = ?
";
    let calls = parse(log);
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].tid, 2);
    assert_eq!(
        calls[0].call,
        Call::Read {
            fd: 7,
            socket: false
        }
    );
    assert_eq!(calls[0].at_us, 10_000_002);
    assert_eq!(calls[1].tid, 1);
    assert_eq!(
        calls[1].call,
        Call::EpollWait {
            epfd: 3,
            timeout_ms: Some(5),
            ready: vec![],
        }
    );
    assert_eq!(calls[2].ret.value, None);
}

#[test]
fn epoll_pwait_variants_and_torn_lines() {
    let log = "\
7 1.5 epoll_pwait(3, [], 1024, 250, NULL, 8) = 0
7 1.6 epoll_pwait2(3, [], 1024, {tv_sec=1, tv_nsec=500000}, NULL, 8) = 0
7 1.7 epoll_pwait2(3, [], 1024, NULL, NULL, 8) = 0
7 1.8 epoll_wait(3, [], 1024,
not a line at all
7 1.9 <... accept4 resumed>) = 5
";
    let calls = parse(log);
    let timeouts: Vec<_> = calls
        .iter()
        .map(|call| match &call.call {
            Call::EpollWait { timeout_ms, .. } => *timeout_ms,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(timeouts, [Some(250), Some(1001), None]);
    assert_eq!(calls[0].at_us, 1_500_000);
}

#[test]
fn commas_inside_strings_and_structs_do_not_split() {
    assert_eq!(
        split_args(r#"3, "a, \"b\"", {x=1, y=[2, 3]}, f(4, 5)"#),
        ["3", r#""a, \"b\"""#, "{x=1, y=[2, 3]}", "f(4, 5)"]
    );
    assert_eq!(split_args(""), Vec::<&str>::new());
}

#[test]
fn reads_the_time_spent_in_a_call_and_writes_to_the_waker() {
    let log = r#"9 1.000000 write(4, "\1\0\0\0\0\0\0\0", 8) = 8 <0.000006>
9 1.000100 epoll_wait(3, [{events=EPOLLIN, data={u32=0, u64=0}}], 1024, 960) = 1 <0.000007>
9 1.000200 epoll_wait(3, [], 1024, 960) = 0 <0.961347>
9 1.000300 recvfrom(12, 0x5, 1024, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>
9 1.000400 epoll_wait(3,  <unfinished ...>
9 1.000500 <... epoll_wait resumed>[], 1024, 5) = 0 <0.005123>
9 1.000600 epoll_wait(3, [], 1024, 0) = 0
"#;
    let calls = parse(log);
    assert_eq!(calls[0].call, Call::Write { fd: 4 });
    assert_eq!(calls[0].ret.value, Some(8));
    let took: Vec<_> = calls.iter().map(|call| call.ret.took_us).collect();
    assert_eq!(
        took,
        [Some(6), Some(7), Some(961_347), Some(10), Some(5_123), None]
    );
    assert_eq!(calls[2].took_ms(), Some(961.347));
    // A call on one line returns `-T`'s time after its start.
    assert_eq!(calls[2].returned_us, 1_000_200 + 961_347);
    // The errno is still read when the time follows it.
    assert!(calls[3].would_block());
}

#[test]
fn reads_epoll_creates_and_futexes() {
    let log = "\
5 1.000000 epoll_create1(EPOLL_CLOEXEC) = 3 <0.000011>
6 1.000100 futex(0x7f5c3e1ff9a8, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = 0 <0.004000>
6 1.004200 futex(0x55d0c6a4b2c0, FUTEX_WAKE_PRIVATE, 1) = 0 <0.000005>
6 1.004300 futex(0x55d0c6a4b2c0) = 0
6 1.004400 futex(0x7f3331e6b658, FUTEX_WAIT_PRIVATE, 1, {tv_sec=9, tv_nsec=999995840}) = -1 ETIMEDOUT (Connection timed out) <10.000100>
";
    let calls = parse(log);
    assert_eq!(calls[0].call, Call::EpollCreate);
    assert_eq!(calls[0].ret.value, Some(3));
    assert_eq!(
        calls[1].call,
        Call::Futex {
            addr: "0x7f5c3e1ff9a8".into(),
            op: "FUTEX_WAIT_BITSET_PRIVATE".into(),
            untimed: true,
        }
    );
    assert!(calls[1].is_futex_wait());
    assert!(!calls[2].is_futex_wait());
    assert_eq!(
        calls[3].call,
        Call::Other {
            name: "futex".into()
        }
    );
    // A wait with a timeout (the blocking pool's keep-alive, in Tokio).
    assert!(calls[4].is_futex_wait());
    assert!(matches!(calls[4].call, Call::Futex { untimed: false, .. }));
}
