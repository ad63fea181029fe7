use std::time::Instant;

use reactor_protocol::frame::{RoomStatus, ServerFrame};

use super::*;

fn room(limits: RoomLimits) -> Arc<Room> {
    let code = RoomCode::parse("K7QX2MPD").expect("valid code");
    let key = PresenterKey::random().expect("rng");
    Arc::new(Room::new(code, key, Arc::new(limits), Instant::now()))
}

fn text(frame: &str) -> Utf8Bytes {
    Utf8Bytes::from(frame.to_owned())
}

fn status(frame: &Utf8Bytes) -> RoomStatus {
    match serde_json::from_str(frame.as_str()) {
        Ok(ServerFrame::Room(status)) => status,
        other => panic!("not a room frame: {other:?}"),
    }
}

fn drain(member: &mut Membership) -> Vec<String> {
    std::iter::from_fn(|| member.frames.try_recv().ok())
        .map(|f| f.as_str().to_owned())
        .collect()
}

#[test]
fn followers_get_every_frame_in_order_sharing_one_encoding() {
    let room = room(RoomLimits::default());
    let (mut first, _) = room.join().expect("joins");
    let (mut second, _) = room.join().expect("joins");
    let frame = text(r#"{"type":"record"}"#);
    room.publish(&text(r#"{"type":"loaded"}"#), Kind::Loaded);
    room.publish(&frame, Kind::Stream);
    assert_eq!(
        drain(&mut first),
        [r#"{"type":"loaded"}"#, r#"{"type":"record"}"#]
    );
    assert_eq!(
        drain(&mut second),
        [r#"{"type":"loaded"}"#, r#"{"type":"record"}"#]
    );
    let (mut third, _) = room.join().expect("joins");
    room.publish(&frame, Kind::Stream);
    let received = third.frames.try_recv().expect("a frame");
    assert_eq!(
        received.as_str().as_ptr(),
        frame.as_str().as_ptr(),
        "a clone, not a copy"
    );
}

#[test]
fn late_joiners_catch_up_from_the_last_loaded_frame_and_view() {
    let room = room(RoomLimits::default());
    room.publish(&text("old-loaded"), Kind::Loaded);
    room.publish(&text("old-record"), Kind::Stream);
    room.publish(&text("loaded"), Kind::Loaded);
    room.publish(&text("record-0"), Kind::Stream);
    room.publish(&text("view-1"), Kind::View);
    room.publish(&text("snapshot"), Kind::Stream);
    room.publish(&text("view-2"), Kind::View);
    let (_, catch_up) = room.join().expect("joins");
    let status = status(&catch_up[0]);
    assert_eq!(
        (status.code.as_str(), status.followers, status.resync),
        ("K7QX2MPD", 1, false)
    );
    let rest: Vec<&str> = catch_up[1..].iter().map(Utf8Bytes::as_str).collect();
    assert_eq!(rest, ["loaded", "record-0", "snapshot", "view-2"]);
}

#[test]
fn a_full_queue_marks_the_follower_lagging_until_it_resyncs() {
    let room = room(RoomLimits {
        follower_queue: 2,
        ..RoomLimits::default()
    });
    let (mut slow, _) = room.join().expect("joins");
    let (mut quick, _) = room.join().expect("joins");
    room.publish(&text("loaded"), Kind::Loaded);
    for n in 0..5 {
        room.publish(&text(&format!("record-{n}")), Kind::Stream);
        drain(&mut quick);
    }
    assert_eq!(drain(&mut slow), ["loaded", "record-0"], "only what fitted");
    room.publish(&text("record-5"), Kind::Stream);
    assert!(slow.frames.try_recv().is_err(), "nothing while lagging");
    assert_eq!(drain(&mut quick), ["record-5"], "the others never noticed");

    let catch_up = room.resync(&slow);
    assert!(status(&catch_up[0]).resync);
    let replay: Vec<&str> = catch_up[1..].iter().map(Utf8Bytes::as_str).collect();
    assert_eq!(
        replay,
        [
            "loaded", "record-0", "record-1", "record-2", "record-3", "record-4", "record-5"
        ]
    );
    room.publish(&text("record-6"), Kind::Stream);
    assert_eq!(drain(&mut slow), ["record-6"], "live again, nothing twice");
}

#[test]
fn a_lagging_follower_is_told_once() {
    let room = room(RoomLimits {
        follower_queue: 1,
        ..RoomLimits::default()
    });
    let (slow, _) = room.join().expect("joins");
    for n in 0..4 {
        room.publish(&text(&format!("f{n}")), Kind::Stream);
    }
    let notified = slow.resync.notified();
    tokio::pin!(notified);
    assert!(notified.as_mut().enable(), "a resync was asked for");
}

#[test]
fn caps_refuse_with_the_number() {
    let room = room(RoomLimits {
        max_followers: 2,
        ..RoomLimits::default()
    });
    let _a = room.join().expect("joins");
    let b = room.join().expect("joins");
    assert_eq!(room.join().err(), Some(Refusal::Full(2)));
    drop(b);
    let (_, catch_up) = room.join().expect("leaving frees the place");
    assert_eq!(status(&catch_up[0]).followers, 2);
}

#[test]
fn history_has_a_bound_and_a_new_load_lifts_it() {
    let room = room(RoomLimits {
        history_bytes: 10,
        ..RoomLimits::default()
    });
    room.publish(&text("loaded"), Kind::Loaded);
    room.publish(&text("abcd"), Kind::Stream);
    room.publish(&text("efgh"), Kind::Stream);
    assert_eq!(room.join().err(), Some(Refusal::HistoryFull(10)));
    room.publish(&text("loaded"), Kind::Loaded);
    let (_, catch_up) = room.join().expect("joins after a reload");
    assert_eq!(catch_up.len(), 2);
}

#[test]
fn status_changes_are_published_once_and_reach_the_presenter() {
    let room = room(RoomLimits::default());
    let mut seat = room.seat_presenter(Instant::now());
    assert!(status(&seat.notices.try_recv().expect("a status")).presenter);
    let (mut member, _) = room.join().expect("joins");
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
    let mut first = room.seat_presenter(Instant::now());
    let _second = room.seat_presenter(Instant::now());
    let _ = first.notices.try_recv();
    assert!(matches!(
        first.notices.try_recv(),
        Err(mpsc::error::TryRecvError::Disconnected)
    ));
    drop(first);
    let (_, catch_up) = room.join().expect("joins");
    assert!(
        status(&catch_up[0]).presenter,
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
        room.join().err(),
        Some(Refusal::Ended("the presenter ended the room".into()))
    );
}
