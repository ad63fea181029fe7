use std::time::Instant;

use reactor_protocol::frame::{RoomStatus, ServerFrame};

use super::*;
use crate::rooms::code::PresenterKey;

const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

pub(super) fn room(limits: RoomLimits) -> Arc<Room> {
    let code = RoomCode::parse("K7QX2MPD").expect("valid code");
    let key = PresenterKey::random().expect("rng");
    Arc::new(Room::new(
        code,
        KeyDigest::of(&key),
        Arc::new(limits),
        Instant::now(),
    ))
}

fn text(frame: &str) -> Utf8Bytes {
    Utf8Bytes::from(frame.to_owned())
}

fn snapshot(records: u64) -> Utf8Bytes {
    text(&format!(
        r#"{{"type":"snapshot","state":{{"records":{records}}}}}"#
    ))
}

fn status(frame: &Utf8Bytes) -> RoomStatus {
    match serde_json::from_str(frame.as_str()) {
        Ok(ServerFrame::Room(status)) => status,
        other => panic!("not a room frame: {other:?}"),
    }
}

fn publish(room: &Room, frame: &str, kind: Kind) {
    room.publish(&text(frame), kind, Instant::now());
}

const LOADED: Kind = Kind::Run(Frame::Loaded);
const RECORD: Kind = Kind::Run(Frame::Record);

fn drain(member: &mut Membership) -> Vec<String> {
    std::iter::from_fn(|| member.frames.try_recv().ok())
        .map(|f| f.as_str().to_owned())
        .collect()
}

/// Join and pull the whole catch-up; the frames after the `room` frame.
fn joined(room: &Arc<Room>) -> (Membership, Vec<String>) {
    let (member, hello) = room.join(HOME, false).expect("joins");
    assert!(!status(&hello).resync);
    let caught_up = pull_all(room, &member);
    (member, caught_up)
}

fn pull_all(room: &Room, member: &Membership) -> Vec<String> {
    let mut frames = Vec::new();
    loop {
        let pulled = room.pull(member, 2, usize::MAX).expect("pulls");
        frames.extend(pulled.frames.iter().map(|f| f.as_str().to_owned()));
        if pulled.live {
            return frames;
        }
    }
}

#[test]
fn followers_get_every_frame_in_order_sharing_one_encoding() {
    let room = room(RoomLimits::default());
    let (mut first, _) = joined(&room);
    let (mut second, _) = joined(&room);
    let frame = text(r#"{"type":"record"}"#);
    publish(&room, r#"{"type":"loaded"}"#, LOADED);
    room.publish(&frame, RECORD, Instant::now());
    for member in [&mut first, &mut second] {
        assert_eq!(
            drain(member),
            [r#"{"type":"loaded"}"#, r#"{"type":"record"}"#]
        );
    }
    let (mut third, _) = joined(&room);
    room.publish(&frame, RECORD, Instant::now());
    let received = third.frames.try_recv().expect("a frame");
    assert_eq!(
        received.as_str().as_ptr(),
        frame.as_str().as_ptr(),
        "a clone, not a copy"
    );
}

#[test]
fn late_joiners_pull_the_history_from_the_last_loaded_frame_then_the_view() {
    let room = room(RoomLimits::default());
    publish(&room, "old-loaded", LOADED);
    publish(&room, "old-record", RECORD);
    publish(&room, "loaded", LOADED);
    publish(&room, "record-0", RECORD);
    publish(&room, "view-1", Kind::View);
    publish(&room, "record-1", RECORD);
    publish(&room, "view-2", Kind::View);
    let (member, hello) = room.join(HOME, false).expect("joins");
    let status = status(&hello);
    assert_eq!((status.code.as_str(), status.followers), ("K7QX2MPD", 1));
    let first = room.pull(&member, 2, usize::MAX).expect("pulls");
    assert!(!first.live, "two of three history frames");
    publish(&room, "record-2", RECORD);
    assert!(drain_none(&member), "nothing is queued while catching up");
    let rest = pull_all(&room, &member);
    assert_eq!(rest, ["record-1", "record-2", "view-2"]);
    publish(&room, "record-3", RECORD);
    let mut member = member;
    assert_eq!(drain(&mut member), ["record-3"], "then live, nothing twice");
}

fn drain_none(member: &Membership) -> bool {
    member.frames.is_empty()
}

#[test]
fn a_pull_stops_at_its_byte_budget_but_hands_out_one_frame_at_least() {
    let room = room(RoomLimits::default());
    publish(&room, "loaded", LOADED);
    for n in 0..10 {
        publish(&room, &format!("record-{n}"), RECORD);
    }
    let (member, _) = room.join(HOME, false).expect("joins");
    let pulled = room.pull(&member, 64, 1).expect("pulls");
    assert_eq!(pulled.frames.len(), 1);
    assert_eq!(
        member.unread(),
        "loaded".len(),
        "what was handed out is unread"
    );
    let pulled = room.pull(&member, 64, 20).expect("pulls");
    assert_eq!(pulled.frames.len(), 3, "8 + 8 + 8 bytes pass 20");
    member.settled(1_000);
    assert_eq!(member.unread(), 0, "never below zero");
}

#[test]
fn a_change_behind_a_reader_sends_it_back_there() {
    let room = room(RoomLimits::default());
    publish(&room, "loaded", LOADED);
    room.publish(&snapshot(2), Kind::Run(Frame::Snapshot), Instant::now());
    publish(&room, r#"{"type":"done"}"#, Kind::Run(Frame::Done));
    let (mut live, _) = joined(&room);
    let (reader, _) = room.join(HOME, false).expect("joins");
    let pulled = room.pull(&reader, 2, usize::MAX).expect("pulls");
    assert!(!pulled.live, "loaded and snapshot read, done not yet");
    let newer = text(r#"{"type":"snapshot","state":{"records":2,"x":1}}"#);
    room.publish(&newer, Kind::Run(Frame::Snapshot), Instant::now());
    assert_eq!(
        pull_all(&room, &reader),
        [newer.as_str()],
        "the replaced snapshot again; the done went with the old one"
    );
    assert_eq!(
        drain(&mut live),
        [newer.as_str()],
        "live followers get it once"
    );
}

#[test]
fn repeats_are_not_sent_and_do_not_count_as_use() {
    let room = room(RoomLimits::default());
    let (mut member, _) = joined(&room);
    let start = room.last_active();
    let later = start + Duration::from_secs(60);
    room.publish(&text("loaded"), LOADED, start);
    room.publish(&snapshot(2), Kind::Run(Frame::Snapshot), start);
    room.publish(&text("view-3"), Kind::View, start);
    assert_eq!(drain(&mut member).len(), 3);
    room.publish(&snapshot(2), Kind::Run(Frame::Snapshot), later);
    room.publish(&text("view-3"), Kind::View, later);
    assert!(drain(&mut member).is_empty(), "nothing new, nothing sent");
    assert_eq!(
        room.last_active(),
        start,
        "and the room is as idle as it was"
    );
    room.publish(&text("view-4"), Kind::View, later);
    assert_eq!(room.last_active(), later, "a move counts");
}

#[test]
fn a_full_queue_puts_the_follower_behind_until_it_resyncs() {
    let room = room(RoomLimits {
        follower_queue: 2,
        ..RoomLimits::default()
    });
    let (mut slow, _) = joined(&room);
    let (mut quick, _) = joined(&room);
    publish(&room, "loaded", LOADED);
    for n in 0..5 {
        publish(&room, &format!("record-{n}"), RECORD);
        drain(&mut quick);
    }
    assert_eq!(drain(&mut slow), ["loaded", "record-0"], "only what fitted");
    let wake = Arc::clone(&slow.wake);
    let notified = wake.notified();
    tokio::pin!(notified);
    assert!(notified.as_mut().enable(), "told once to resync");
    publish(&room, "record-5", RECORD);
    assert!(slow.frames.try_recv().is_err(), "nothing while behind");
    assert_eq!(drain(&mut quick), ["record-5"], "the others never noticed");

    let hello = room.resync(&slow).expect("resyncs");
    assert!(status(&hello).resync);
    let replay = pull_all(&room, &slow);
    assert_eq!(
        replay,
        [
            "loaded", "record-0", "record-1", "record-2", "record-3", "record-4", "record-5"
        ]
    );
    publish(&room, "record-6", RECORD);
    assert_eq!(drain(&mut slow), ["record-6"], "live again, nothing twice");
}

#[test]
fn unread_bytes_past_the_cap_put_a_follower_behind() {
    let room = room(RoomLimits {
        follower_bytes: 20,
        ..RoomLimits::default()
    });
    let (mut member, _) = joined(&room);
    publish(&room, "0123456789", RECORD);
    publish(&room, "0123456789", RECORD);
    assert_eq!(member.unread(), 20);
    publish(&room, "x", RECORD);
    assert_eq!(drain(&mut member).len(), 2, "the third did not fit");
    assert_eq!(
        member.unread(),
        20,
        "counted until the follower shows it read them"
    );
    member.settled(20);
    room.resync(&member).expect("resyncs");
    assert_eq!(pull_all(&room, &member).len(), 3);
}

#[test]
fn caps_refuse_with_the_number() {
    let room = room(RoomLimits {
        max_followers: 3,
        followers_per_address: 2,
        ..RoomLimits::default()
    });
    let _a = room.join(HOME, false).expect("joins");
    let b = room.join(HOME, false).expect("joins");
    assert_eq!(room.join(HOME, false).err(), Some(Refusal::AddressFull(2)));
    let elsewhere = IpAddr::from([10, 0, 0, 7]);
    let _c = room.join(elsewhere, false).expect("another address joins");
    assert_eq!(room.join(elsewhere, false).err(), Some(Refusal::Full(3)));
    drop(b);
    let (_, hello) = room.join(HOME, false).expect("leaving frees the place");
    assert_eq!(status(&hello).followers, 3);
}

#[test]
fn an_overflowing_history_refuses_joins_and_evicts_catch_ups_until_a_new_load() {
    let room = room(RoomLimits {
        history_bytes: 10,
        ..RoomLimits::default()
    });
    publish(&room, "loaded", LOADED);
    let (member, _) = room.join(HOME, false).expect("joins");
    publish(&room, "abcd", RECORD);
    publish(&room, "efgh", RECORD);
    assert_eq!(room.join(HOME, false).err(), Some(Refusal::HistoryFull(10)));
    let notified = member.wake.notified();
    tokio::pin!(notified);
    assert!(
        notified.as_mut().enable(),
        "the catching-up follower is told"
    );
    assert_eq!(
        room.pull(&member, 8, usize::MAX).err(),
        Some(Refusal::HistoryFull(10))
    );
    publish(&room, "loaded", LOADED);
    let (_, caught_up) = joined(&room);
    assert_eq!(caught_up, ["loaded"]);
}

#[test]
fn an_empty_room_counts_how_long_it_has_been_empty() {
    let room = room(RoomLimits::default());
    let start = Instant::now();
    assert_eq!(room.empty_for(start), Duration::ZERO, "the clock starts");
    assert_eq!(
        room.empty_for(start + Duration::from_secs(5)),
        Duration::from_secs(5)
    );
    let member = room.join(HOME, false).expect("joins");
    assert_eq!(
        room.empty_for(start + Duration::from_secs(6)),
        Duration::ZERO
    );
    drop(member);
    assert_eq!(
        room.empty_for(start + Duration::from_secs(7)),
        Duration::ZERO
    );
    assert_eq!(
        room.empty_for(start + Duration::from_secs(9)),
        Duration::from_secs(2)
    );
}

#[test]
fn status_changes_are_published_once_and_reach_the_presenter() {
    let room = room(RoomLimits::default());
    let mut seat = room.seat_presenter();
    assert!(status(&seat.notices.try_recv().expect("a status")).presenter);
    let (mut member, _) = joined(&room);
    room.publish_status();
    room.publish_status();
    assert_eq!(
        status(&seat.notices.try_recv().expect("a status")).followers,
        1
    );
    assert!(seat.notices.try_recv().is_err(), "published once");
    assert_eq!(drain(&mut member).len(), 1);
    drop(seat);
    room.publish_status();
    assert!(!status(&member.frames.try_recv().expect("a status")).presenter);
}

#[test]
fn a_second_presenter_takes_over() {
    let room = room(RoomLimits::default());
    let mut first = room.seat_presenter();
    let _second = room.seat_presenter();
    let _ = first.notices.try_recv();
    assert!(matches!(
        first.notices.try_recv(),
        Err(mpsc::error::TryRecvError::Disconnected)
    ));
    drop(first);
    let (_, hello) = room.join(HOME, false).expect("joins");
    assert!(
        status(&hello).presenter,
        "the old seat leaving does not unseat the new one"
    );
}

#[test]
fn ending_is_final_and_refuses_joins() {
    let room = room(RoomLimits::default());
    let watcher = room.ended();
    room.end("the presenter ended the room");
    room.end("idle");
    let ended = watcher.borrow().clone().expect("ended");
    let status = status(&ended.frame);
    assert!(status.ended);
    assert_eq!(
        status.reason.as_deref(),
        Some("the presenter ended the room")
    );
    assert_eq!(
        room.join(HOME, false).err(),
        Some(Refusal::Ended("the presenter ended the room".into()))
    );
}
