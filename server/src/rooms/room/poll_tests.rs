use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Instant;

use reactor_protocol::frame::{PollQuestion, PollTally, ServerFrame};

use super::super::{Kind, PresenterSeat, Room};
use super::*;
use crate::rooms::code::{KeyDigest, PresenterKey, RoomCode};
use crate::rooms::history::Frame;
use crate::rooms::limits::RoomLimits;

const HOME: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const SCHOOL: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));

fn room(limits: RoomLimits) -> Arc<Room> {
    let code = RoomCode::parse("K7QX2MPD").expect("valid code");
    let key = PresenterKey::random().expect("rng");
    Arc::new(Room::new(
        code,
        KeyDigest::of(&key),
        Arc::new(limits),
        Instant::now(),
    ))
}

fn question(choices: usize) -> PollQuestion {
    PollQuestion {
        text: "What does the task do next?".to_owned(),
        choices: (0..choices).map(|n| format!("choice {n}")).collect(),
    }
}

fn parse(frame: &Utf8Bytes) -> ServerFrame {
    serde_json::from_str(frame.as_str()).expect("a server frame")
}

/// A live follower from `address`, its catch-up pulled.
fn follower(room: &Arc<Room>, address: IpAddr) -> Membership {
    let (member, _) = room.join(address, false).expect("joins");
    while !room.pull(&member, 64, usize::MAX).expect("pulls").live {}
    member
}

fn drain(member: &mut Membership) -> Vec<ServerFrame> {
    std::iter::from_fn(|| member.frames.try_recv().ok())
        .map(|frame| parse(&frame))
        .filter(|frame| !matches!(frame, ServerFrame::Room(_)))
        .collect()
}

/// The presenter's poll frames so far (room counts skipped).
fn notices(seat: &mut PresenterSeat) -> Vec<ServerFrame> {
    std::iter::from_fn(|| seat.notices.try_recv().ok())
        .map(|frame| parse(&frame))
        .filter(|frame| !matches!(frame, ServerFrame::Room(_)))
        .collect()
}

fn tally(poll: u32, counts: &[u32], right: Option<u8>) -> PollTally {
    PollTally {
        poll,
        counts: counts.to_vec(),
        answered: counts.iter().sum(),
        right,
    }
}

#[test]
fn answers_are_counted_once_each_and_tallied_to_the_presenter_only() {
    let room = room(RoomLimits::default());
    let mut seat = room.seat_presenter();
    let mut members: Vec<_> = (0..3).map(|_| follower(&room, HOME)).collect();
    room.open_poll(question(3), Instant::now()).expect("opens");
    assert_eq!(
        notices(&mut seat),
        [ServerFrame::Tally(tally(1, &[0, 0, 0], None))]
    );
    for (member, choice) in members.iter().zip([0, 0, 1]) {
        let answered = room.answer(member, 1, choice).expect("counted");
        assert_eq!(parse(&answered), ServerFrame::Answered { poll: 1, choice });
    }
    assert_eq!(
        room.answer(&members[0], 1, 2),
        Err(AnswerRefused::AlreadyAnswered { poll: 1, choice: 0 })
    );
    assert!(notices(&mut seat).is_empty(), "tallies wait for the tick");
    room.flush_tally();
    room.flush_tally();
    assert_eq!(
        notices(&mut seat),
        [ServerFrame::Tally(tally(1, &[2, 1, 0], None))],
        "one tally per tick with answers, none without"
    );
    for member in &mut members {
        let frames = drain(member);
        assert_eq!(frames.len(), 1, "the poll only, no counts: {frames:?}");
        assert!(matches!(&frames[0], ServerFrame::Poll(asked) if asked.id == 1));
    }
    room.reveal_poll(Some(1), Instant::now()).expect("reveals");
    let revealed = ServerFrame::Revealed(tally(1, &[2, 1, 0], Some(1)));
    assert_eq!(notices(&mut seat), std::slice::from_ref(&revealed));
    for member in &mut members {
        assert_eq!(drain(member), std::slice::from_ref(&revealed));
    }
    assert_eq!(
        room.answer(&members[1], 1, 0),
        Err(AnswerRefused::NotOpen {
            poll: 1,
            open: None
        })
    );
}

#[test]
fn bad_answers_change_nothing() {
    let room = room(RoomLimits::default());
    let mut seat = room.seat_presenter();
    let member = follower(&room, HOME);
    room.open_poll(question(2), Instant::now()).expect("opens");
    let _ = notices(&mut seat);
    assert_eq!(
        room.answer(&member, 2, 0),
        Err(AnswerRefused::NotOpen {
            poll: 2,
            open: Some(1)
        })
    );
    assert_eq!(
        room.answer(&member, 1, 2),
        Err(AnswerRefused::NoSuchChoice {
            poll: 1,
            choices: 2,
            choice: 2
        })
    );
    room.flush_tally();
    assert!(notices(&mut seat).is_empty(), "no tally is due");
    assert!(
        room.answer(&member, 1, 1).is_ok(),
        "the connection may still answer"
    );
}

#[test]
fn the_presenters_own_mistakes_are_refused_and_change_nothing() {
    let room = room(RoomLimits {
        max_polls_per_room: 2,
        ..RoomLimits::default()
    });
    let mut seat = room.seat_presenter();
    let mut member = follower(&room, HOME);
    let one = room
        .open_poll(question(1), Instant::now())
        .expect_err("one choice");
    assert!(
        one.starts_with("bad \"poll\" command: a poll has 2 to"),
        "{one}"
    );
    let none = room
        .reveal_poll(None, Instant::now())
        .expect_err("nothing open");
    assert!(none.starts_with("no poll is open"), "{none}");
    room.open_poll(question(2), Instant::now()).expect("opens");
    let wrong = room
        .reveal_poll(Some(2), Instant::now())
        .expect_err("no choice 2");
    assert!(wrong.contains("\"right\" cannot be 2"), "{wrong}");
    room.open_poll(question(2), Instant::now())
        .expect("the second");
    let third = room
        .open_poll(question(2), Instant::now())
        .expect_err("past the cap");
    assert!(third.contains("asked 2 polls"), "{third}");
    let frames = drain(&mut member);
    assert!(
        matches!(&frames[..], [ServerFrame::Poll(first), ServerFrame::Revealed(closed), ServerFrame::Poll(second)]
            if first.id == 1 && closed.poll == 1 && closed.right.is_none() && second.id == 2),
        "a new poll closes the open one unanswered: {frames:?}"
    );
    assert_eq!(
        notices(&mut seat),
        [
            ServerFrame::Tally(tally(1, &[0, 0], None)),
            ServerFrame::Revealed(tally(1, &[0, 0], None)),
            ServerFrame::Tally(tally(2, &[0, 0], None)),
        ]
    );
}

#[test]
fn an_address_answers_up_to_its_share() {
    let room = room(RoomLimits {
        poll_answers_per_address: 2,
        ..RoomLimits::default()
    });
    let members: Vec<_> = (0..3).map(|_| follower(&room, SCHOOL)).collect();
    let elsewhere = follower(&room, HOME);
    room.open_poll(question(2), Instant::now()).expect("opens");
    assert!(room.answer(&members[0], 1, 0).is_ok());
    assert!(room.answer(&members[1], 1, 0).is_ok());
    assert_eq!(
        room.answer(&members[2], 1, 0),
        Err(AnswerRefused::AddressShare { poll: 1, cap: 2 })
    );
    assert!(
        room.answer(&elsewhere, 1, 1).is_ok(),
        "other addresses still answer"
    );
    drop(members);
    let again = follower(&room, SCHOOL);
    assert_eq!(
        room.answer(&again, 1, 0),
        Err(AnswerRefused::AddressShare { poll: 1, cap: 2 }),
        "reconnecting gives no new share"
    );
}

#[test]
fn late_joiners_get_the_open_poll_after_the_view_and_their_own_answer_on_resync() {
    let room = room(RoomLimits::default());
    let publish =
        |frame: &str, kind| room.publish(&Utf8Bytes::from(frame.to_owned()), kind, Instant::now());
    publish(
        r#"{"type":"loaded","scenario":"tcp_read"}"#,
        Kind::Run(Frame::Loaded),
    );
    publish(r#"{"type":"view","step":0}"#, Kind::View);
    room.open_poll(question(2), Instant::now()).expect("opens");
    let (member, _) = room.join(HOME, false).expect("joins");
    let pulled = room.pull(&member, 64, usize::MAX).expect("pulls");
    assert!(pulled.live);
    let frames: Vec<_> = pulled.frames.iter().map(parse).collect();
    assert!(
        matches!(&frames[..], [ServerFrame::Loaded { .. }, ServerFrame::View(_), ServerFrame::Poll(asked)] if asked.id == 1),
        "{frames:?}"
    );
    room.answer(&member, 1, 1).expect("counted");
    room.resync(&member).expect("resyncs");
    let again: Vec<_> = room
        .pull(&member, 64, usize::MAX)
        .expect("pulls")
        .frames
        .iter()
        .map(parse)
        .collect();
    assert_eq!(
        again.last(),
        Some(&ServerFrame::Answered { poll: 1, choice: 1 })
    );
    let watcher = room.join(HOME, true).expect("joins").0;
    assert_eq!(room.answer(&watcher, 1, 0), Err(AnswerRefused::Watching));
}

#[test]
fn a_load_closes_the_poll_and_the_last_tally_waits_for_room_in_the_queue() {
    let room = room(RoomLimits::default());
    let mut seat = room.seat_presenter();
    let member = follower(&room, HOME);
    room.open_poll(question(2), Instant::now()).expect("opens");
    room.answer(&member, 1, 0).expect("counted");
    // Fill the presenter's queue, as a presenter that does not read would.
    while room
        .lock()
        .presenter
        .as_ref()
        .expect("seated")
        .1
        .try_send(Utf8Bytes::from_static("{}"))
        .is_ok()
    {}
    room.flush_tally();
    let _ = std::iter::from_fn(|| seat.notices.try_recv().ok()).count();
    room.flush_tally();
    assert_eq!(
        notices(&mut seat),
        [ServerFrame::Tally(tally(1, &[1, 0], None))],
        "kept, then sent"
    );
    room.close_poll();
    assert_eq!(
        notices(&mut seat),
        [ServerFrame::Revealed(tally(1, &[1, 0], None))]
    );
    room.close_poll();
    assert!(notices(&mut seat).is_empty(), "nothing more to close");
    let mut second = room.seat_presenter();
    assert!(
        notices(&mut second).is_empty(),
        "no poll open, nothing to retell"
    );
    room.open_poll(question(2), Instant::now()).expect("opens");
    drop(second);
    let mut third = room.seat_presenter();
    assert_eq!(
        notices(&mut third),
        [ServerFrame::Tally(tally(2, &[0, 0], None))],
        "a new presenter is told"
    );
}
