//! Running scenarios to the end, or abandoning them halfway, leaks no file
//! descriptor: every socket and epoll instance is closed. (Its own test
//! binary, so no other test opens files meanwhile.)

use reactor_engine::{LabRun, LabRunOptions, scenarios};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("Linux exposes /proc/self/fd")
        .count()
}

#[test]
fn engines_close_every_socket() {
    let before = open_fds();
    for _ in 0..50 {
        for info in scenarios() {
            let mut finished = LabRun::load(info.id, LabRunOptions::default()).expect("loads");
            finished.run();
            // Abandoned after a few steps: dropping the engine closes everything too.
            let mut abandoned = LabRun::load(info.id, LabRunOptions::default()).expect("loads");
            for _ in 0..12 {
                abandoned.step();
            }
        }
    }
    assert_eq!(open_fds(), before);
}
