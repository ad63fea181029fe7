//! The registry's caps, lookups, ended codes and lectures, and the janitor.

use std::time::Duration;

use axum::extract::ws::Utf8Bytes;

use super::super::history::Frame;
use super::super::room::Kind;
use super::*;

const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

#[test]
fn rooms_are_capped_and_an_ended_room_frees_its_place() {
    let registry = Registry::new(RoomLimits {
        max_rooms: 2,
        ..RoomLimits::default()
    });
    let now = Instant::now();
    let (first, _) = registry.create(now, HOME).expect("room 1");
    let (second, _) = registry.create(now, HOME).expect("room 2");
    assert_ne!(first.code(), second.code());
    assert_eq!(registry.create(now, HOME).err(), Some(CreateError::Full(2)));
    registry.end(first.code(), "done");
    assert!(registry.create(now, HOME).is_ok());
    assert_eq!(registry.live(), 2);
}

#[test]
fn one_address_cannot_take_every_room() {
    let limits = RoomLimits {
        max_rooms: 4,
        rooms_per_address: 2,
        ..RoomLimits::default()
    };
    let registry = Registry::new(limits);
    let now = Instant::now();
    let (first, _) = registry.create(now, HOME).expect("room 1");
    registry.create(now, HOME).expect("room 2");
    assert_eq!(
        registry.create(now, HOME).err(),
        Some(CreateError::TooManyFromAddress(2))
    );
    let elsewhere = IpAddr::from([10, 0, 0, 7]);
    assert!(
        registry.create(now, elsewhere).is_ok(),
        "other addresses still can"
    );
    registry.end(first.code(), "done");
    assert!(
        registry.create(now, HOME).is_ok(),
        "ending one frees a place"
    );
}

#[test]
fn lookups_tell_live_ended_and_unknown_apart() {
    let registry = Registry::new(RoomLimits::default());
    let (room, key) = registry.create(Instant::now(), HOME).expect("room");
    assert!(room.is_presenter_key(&key.to_hex()));
    assert!(matches!(registry.find(room.code()), Lookup::Live(_)));
    registry.end(room.code(), "the presenter ended the room");
    match registry.find(room.code()) {
        Lookup::Ended(reason) => assert_eq!(&*reason, "the presenter ended the room"),
        _ => panic!("should be ended"),
    }
    let other = RoomCode::parse("22222222").expect("valid");
    assert!(matches!(registry.find(other), Lookup::Unknown));
}

#[test]
fn ended_codes_are_remembered_within_a_bound() {
    let registry = Registry::new(RoomLimits {
        max_rooms: 1,
        ..RoomLimits::default()
    });
    let mut codes = Vec::new();
    for _ in 0..ENDED_KEPT_PER_ROOM + 1 {
        let (room, _) = registry.create(Instant::now(), HOME).expect("room");
        codes.push(room.code());
        registry.end(room.code(), "over");
    }
    assert!(
        matches!(registry.find(codes[0]), Lookup::Unknown),
        "the oldest was forgotten"
    );
    assert!(matches!(registry.find(codes[1]), Lookup::Ended(_)));
}

#[test]
fn the_janitor_ends_only_idle_rooms() {
    let idle = Duration::from_secs(60);
    let registry = Registry::new(RoomLimits {
        idle_timeout: idle,
        ..RoomLimits::default()
    });
    let start = Instant::now();
    let (quiet, _) = registry.create(start, HOME).expect("room");
    let (busy, _) = registry.create(start, HOME).expect("room");
    let _seat = busy.seat_presenter();
    let _member = quiet.join(HOME, false).expect("joins");
    let loaded = Utf8Bytes::from_static(r#"{"type":"loaded"}"#);
    busy.publish(
        &loaded,
        Kind::Run(Frame::Loaded),
        start + Duration::from_secs(30),
    );
    registry.tick(start + Duration::from_secs(59));
    assert_eq!(registry.live(), 2);
    registry.tick(start + idle);
    assert!(matches!(registry.find(quiet.code()), Lookup::Ended(_)));
    assert!(matches!(registry.find(busy.code()), Lookup::Live(_)));
    assert!(
        quiet
            .end_reason()
            .expect("ended")
            .contains("idle for 1.0 minutes")
    );
}

#[test]
fn the_janitor_ends_rooms_nobody_is_in() {
    let registry = Registry::new(RoomLimits {
        empty_timeout: Duration::from_secs(60),
        ..RoomLimits::default()
    });
    let start = Instant::now();
    let (abandoned, _) = registry.create(start, HOME).expect("room");
    let (followed, _) = registry.create(start, HOME).expect("room");
    let _member = followed.join(HOME, false).expect("joins");
    registry.tick(start);
    registry.tick(start + Duration::from_secs(59));
    assert_eq!(registry.live(), 2);
    registry.tick(start + Duration::from_secs(60));
    assert!(matches!(registry.find(followed.code()), Lookup::Live(_)));
    let reason = abandoned.end_reason().expect("ended");
    assert!(
        reason.contains("nobody was in the room for 1.0 minutes"),
        "{reason}"
    );
}

#[test]
fn no_room_outlives_its_lifetime_however_busy() {
    let lifetime = Duration::from_secs(4 * 60 * 60);
    let registry = Registry::new(RoomLimits::default());
    let start = Instant::now();
    let (room, _) = registry.create(start, HOME).expect("room");
    let _seat = room.seat_presenter();
    let mut now = start;
    while now < start + lifetime {
        registry.tick(now);
        assert!(matches!(registry.find(room.code()), Lookup::Live(_)));
        now += Duration::from_secs(60);
        let view = Utf8Bytes::from(format!(
            r#"{{"type":"view","step":{}}}"#,
            now.duration_since(start).as_secs()
        ));
        room.publish(&view, Kind::View, now);
    }
    registry.tick(now);
    let reason = room.end_reason().expect("ended");
    assert!(reason.contains("at most 4.0 hours"), "{reason}");
}

#[test]
fn the_lectures_of_the_rooms_that_ended_last_are_kept() {
    use reactor_protocol::export::lecture::{Lecture, Shown};

    let registry = Registry::new(RoomLimits {
        max_rooms: 2,
        ..RoomLimits::default()
    });
    let start = Instant::now();
    let mut ended = Vec::new();
    for scenario in ["tcp_read", "timers", "join_all"] {
        let (room, key) = registry.create(start, HOME).expect("room");
        let shown = Shown::Load {
            scenario: scenario.into(),
            seed: 0,
        };
        room.record(shown, start + Duration::from_millis(5));
        registry.end(room.code(), "over");
        ended.push((room.code(), key));
    }
    assert!(
        registry.kept_lecture(ended[0].0).is_none(),
        "only the last max_rooms rooms to end keep theirs"
    );
    assert!(matches!(registry.find(ended[0].0), Lookup::Ended(_)));
    for (code, key) in &ended[1..] {
        let kept = registry.kept_lecture(*code).expect("kept");
        assert!(kept.is_presenter_key(&key.to_hex()));
        let lecture: Lecture = serde_json::from_slice(&kept.json()).expect("a lecture");
        assert_eq!(lecture.room, code.to_string());
        assert_eq!(lecture.moves.len(), 1);
        assert_eq!(lecture.moves[0].at_ms, 5);
    }
    let (live, _) = registry.create(start, HOME).expect("room");
    assert!(
        registry.kept_lecture(live.code()).is_none(),
        "a live room's is its own"
    );
}
