//! Tests of the frames' and commands' JSON shapes.

use super::*;

#[test]
fn room_frames_have_the_documented_shape() {
    let frame = ServerFrame::Room(RoomStatus {
        code: "K7QX2MPD".into(),
        followers: 3,
        presenter: true,
        ended: false,
        reason: None,
        resync: false,
        exploring: 0,
    });
    let json = serde_json::to_string(&frame).expect("encodes");
    assert_eq!(
        json,
        r#"{"type":"room","code":"K7QX2MPD","followers":3,"presenter":true,"ended":false}"#
    );
    assert_eq!(
        serde_json::from_str::<ServerFrame>(&json).expect("decodes"),
        frame
    );
}

#[test]
fn view_frames_and_commands_share_their_body() {
    let at = ViewPosition {
        step: 12,
        lesson: Some("tcp-read".into()),
        stage: Some(4),
    };
    let frame = serde_json::to_string(&ServerFrame::View(at.clone())).expect("encodes");
    assert_eq!(
        frame,
        r#"{"type":"view","step":12,"lesson":"tcp-read","stage":4}"#
    );
    let command: PresenterCommand =
        serde_json::from_str(r#"{"cmd":"view","step":12,"lesson":"tcp-read","stage":4}"#)
            .expect("decodes");
    assert_eq!(command, PresenterCommand::View(at));
    let plain: PresenterCommand =
        serde_json::from_str(r#"{"cmd":"view","step":0}"#).expect("decodes");
    assert_eq!(plain, PresenterCommand::View(ViewPosition::default()));
    assert!(serde_json::from_str::<PresenterCommand>(r#"{"cmd":"view","step":-1}"#).is_err());
    assert!(serde_json::from_str::<PresenterCommand>(r#"{"cmd":"view","step":1,"x":1}"#).is_err());
}

#[test]
fn presenter_commands_never_shadow_a_session_command() {
    for name in PresenterCommand::NAMES {
        let json = format!(r#"{{"cmd":"{name}"}}"#);
        assert!(
            serde_json::from_str::<Command>(&json).is_err(),
            "{name} is also a Command"
        );
    }
    assert_eq!(
        serde_json::from_str::<PresenterCommand>(r#"{"cmd":"end"}"#).expect("decodes"),
        PresenterCommand::End
    );
}

#[test]
fn load_takes_a_scenario_or_a_program() {
    let read = |json: &str| serde_json::from_str::<Command>(json);
    assert_eq!(
        read(r#"{"cmd":"load","scenario":"tcp_read"}"#).expect("a scenario"),
        Command::Load {
            scenario: "tcp_read".into(),
            seed: 0
        }
    );
    let program = Command::LoadProgram {
        program: "fn main() {}".into(),
        peer: "at 0 ms connect".into(),
        seed: 3,
    };
    let json = r#"{"cmd":"load","program":"fn main() {}","peer":"at 0 ms connect","seed":3}"#;
    assert_eq!(read(json).expect("a program"), program);
    assert_eq!(serde_json::to_string(&program).expect("encodes"), json);
    let alone = read(r#"{"cmd":"load","program":"x"}"#).expect("no peer");
    assert_eq!(
        serde_json::to_string(&alone).expect("encodes"),
        r#"{"cmd":"load","program":"x","peer":""}"#
    );
    let refusal = |json: &str| read(json).expect_err(json).to_string();
    assert!(refusal(r#"{"cmd":"load"}"#).starts_with("missing field `scenario`"));
    assert!(refusal(r#"{"cmd":"load","scenario":"a","program":"b"}"#).contains("not both"));
    assert!(refusal(r#"{"cmd":"load","scenario":"a","peer":"b"}"#).contains("`peer`"));
    assert!(refusal(r#"{"cmd":"load","program":7}"#).contains("invalid type"));
    assert!(refusal(r#"{"cmd":"load","source":"x"}"#).contains("unknown field `source`"));
}

#[test]
fn an_error_frame_points_into_a_program_only_when_it_can() {
    let plain = serde_json::to_string(&ServerFrame::error("no")).expect("encodes");
    assert_eq!(plain, r#"{"type":"error","message":"no"}"#);
    let placed = ServerFrame::Error {
        message: "expected `;`".into(),
        line: Some(3),
        column: Some(14),
        in_peer: true,
    };
    let json = serde_json::to_string(&placed).expect("encodes");
    assert_eq!(
        json,
        r#"{"type":"error","message":"expected `;`","line":3,"column":14,"in_peer":true}"#
    );
    assert_eq!(
        serde_json::from_str::<ServerFrame>(&json).expect("decodes"),
        placed
    );
    assert_eq!(
        serde_json::from_str::<ServerFrame>(&plain).expect("decodes"),
        ServerFrame::error("no")
    );
}

#[test]
fn the_code_alphabet_has_no_look_alikes_or_repeats() {
    for banned in b"01IO" {
        assert!(!ROOM_CODE_ALPHABET.contains(banned));
    }
    let mut sorted = ROOM_CODE_ALPHABET.to_vec();
    sorted.dedup();
    assert_eq!(sorted.len(), 32);
}

#[test]
fn poll_frames_and_commands_have_the_documented_shape() {
    let tally = PollTally {
        poll: 1,
        counts: vec![2, 1, 0],
        answered: 3,
        right: None,
    };
    let encoded = |frame: &ServerFrame| serde_json::to_string(frame).expect("encodes");
    assert_eq!(
        encoded(&ServerFrame::Tally(tally.clone())),
        r#"{"type":"tally","poll":1,"counts":[2,1,0],"answered":3}"#
    );
    let revealed = ServerFrame::Revealed(PollTally {
        right: Some(1),
        ..tally
    });
    assert_eq!(
        encoded(&revealed),
        r#"{"type":"revealed","poll":1,"counts":[2,1,0],"answered":3,"right":1}"#
    );
    assert_eq!(
        encoded(&ServerFrame::Answered { poll: 1, choice: 0 }),
        r#"{"type":"answered","poll":1,"choice":0}"#
    );
    let asked = ServerFrame::Poll(PollAsked {
        id: 1,
        text: "What happens next?".into(),
        choices: vec!["it parks".into(), "it reads".into()],
    });
    assert_eq!(
        encoded(&asked),
        r#"{"type":"poll","id":1,"text":"What happens next?","choices":["it parks","it reads"]}"#
    );
    let answer: FollowerCommand =
        serde_json::from_str(r#"{"cmd":"answer","poll":3,"choice":1}"#).expect("parses");
    assert_eq!(answer, FollowerCommand::Answer { poll: 3, choice: 1 });
    let reveal: PresenterCommand = serde_json::from_str(r#"{"cmd":"reveal"}"#).expect("parses");
    assert_eq!(reveal, PresenterCommand::Reveal { right: None });
    let poll: PresenterCommand =
        serde_json::from_str(r#"{"cmd":"poll","text":"Which?","choices":["a","b"]}"#)
            .expect("parses");
    let PresenterCommand::Poll(question) = poll else {
        panic!("not a poll: {poll:?}");
    };
    assert_eq!(question.check(), Ok(()));
    let one = PollQuestion {
        choices: vec!["a".into()],
        ..question
    };
    assert!(one.check().is_err(), "one choice is no poll");
}

#[test]
fn a_records_frame_carries_flat_records_in_order() {
    let record = |seq| crate::Record {
        seq,
        turn: 0,
        worker: 0,
        time_ms: 0,
        event: crate::Event::Spawn {
            task: seq,
            name: "main".into(),
        },
        source: crate::Source {
            file: "engine/src/task/mod.rs".into(),
            line: 1,
        },
        span: None,
    };
    let frame = ServerFrame::Records {
        records: vec![record(0), record(1)],
    };
    let json: serde_json::Value = serde_json::to_value(&frame).expect("encodes");
    assert_eq!(json["type"], "records");
    let seqs: Vec<_> = json["records"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| (r["seq"].as_u64(), r["kind"].as_str()))
        .collect();
    assert_eq!(seqs, [(Some(0), Some("spawn")), (Some(1), Some("spawn"))]);
    let text = json.to_string();
    assert_eq!(
        serde_json::from_str::<ServerFrame>(&text).expect("decodes"),
        frame
    );
    assert!(frame.is_run(), "records belong to the loaded run");
}
