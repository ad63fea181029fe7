//! Room codes as people type and read them, the join link, and the
//! presenter's commands.
//!
//! The server's codes are 8 symbols of `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`.
//! On a projector they read better in two halves, `K7QX-2MPD`; students may
//! type them in any case, with or without the dash.

use reactor_protocol::frame::{PresenterCommand, ROOM_CODE_ALPHABET, ROOM_CODE_LEN, ViewPosition};

/// A typed code in its canonical form (`K7QX2MPD`), or what is wrong with it.
pub fn normalise(typed: &str) -> Result<String, String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.chars().count() != ROOM_CODE_LEN {
        return Err(format!(
            "A room code has {ROOM_CODE_LEN} letters and digits, such as K7QX-2MPD."
        ));
    }
    match code.bytes().find(|b| !ROOM_CODE_ALPHABET.contains(b)) {
        Some(bad) if bad.is_ascii() => Err(format!(
            "Room codes never contain {:?}: they use 2-9 and A-Z without I and O.",
            char::from(bad)
        )),
        Some(_) => Err("Room codes use only 2-9 and A-Z.".to_string()),
        None => Ok(code),
    }
}

/// `K7QX2MPD` → `K7QX-2MPD`, for reading aloud and off a screen.
pub fn display(code: &str) -> String {
    if code.len() == ROOM_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// The path a student opens: `/join/K7QX2MPD`.
pub fn join_path(code: &str) -> String {
    format!("/join/{code}")
}

/// The room's WebSocket path, with the presenter key when presenting.
pub fn socket_path(code: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("/rooms/{code}/ws?key={key}"),
        None => format!("/rooms/{code}/ws"),
    }
}

/// The room's WebSocket path for a student exploring on a private session:
/// the room's news (counts, "bring everyone back"), not the run.
pub fn watch_path(code: &str) -> String {
    format!("/rooms/{code}/ws?watch=true")
}

/// The room code in a `/join/CODE` path, as typed (not yet checked).
pub fn join_code(path: &str) -> Option<&str> {
    let code = path.strip_prefix("/join/")?.trim_end_matches('/');
    (!code.is_empty() && !code.contains('/')).then_some(code)
}

/// A presenter command as the server reads it.
pub fn command(command: &PresenterCommand) -> String {
    serde_json::to_string(command).unwrap_or_default()
}

/// The `view` command the presenter's app sends after every move: `step`
/// records shown, and the lesson open with its stage (from 1), if any.
pub fn view_command(step: usize, lesson: Option<(&str, usize)>) -> String {
    command(&PresenterCommand::View(ViewPosition {
        step: step as u64,
        lesson: lesson.map(|(id, _)| id.to_string()),
        stage: lesson.map(|(_, stage)| stage as u64),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_forgiving() {
        assert_eq!(normalise("k7qx-2mpd").as_deref(), Ok("K7QX2MPD"));
        assert_eq!(normalise(" K7QX 2MPD ").as_deref(), Ok("K7QX2MPD"));
    }

    #[test]
    fn bad_codes_say_why() {
        assert!(normalise("K7QX").unwrap_err().contains("8 letters"));
        assert!(normalise("K7QX2MP0").unwrap_err().contains("'0'"));
        assert!(normalise("K7QX2MPÉ").unwrap_err().contains("only"));
    }

    #[test]
    fn codes_read_in_two_halves() {
        assert_eq!(display("K7QX2MPD"), "K7QX-2MPD");
        assert_eq!(display("odd"), "odd");
        assert_eq!(join_path("K7QX2MPD"), "/join/K7QX2MPD");
        assert_eq!(
            socket_path("K7QX2MPD", Some("ab")),
            "/rooms/K7QX2MPD/ws?key=ab"
        );
    }

    #[test]
    fn join_links_carry_the_code() {
        assert_eq!(join_code("/join/K7QX2MPD"), Some("K7QX2MPD"));
        assert_eq!(join_code("/join/k7qx-2mpd/"), Some("k7qx-2mpd"));
        assert_eq!(join_code("/join/"), None);
        assert_eq!(join_code("/join/a/b"), None);
        assert_eq!(join_code("/scenario/tcp_read"), None);
    }

    #[test]
    fn view_commands_are_what_the_server_parses() {
        let parse = |text: &str| serde_json::from_str::<PresenterCommand>(text).expect("parses");
        let plain = ViewPosition {
            step: 12,
            lesson: None,
            stage: None,
        };
        assert_eq!(
            parse(&view_command(12, None)),
            PresenterCommand::View(plain)
        );
        let lesson = ViewPosition {
            step: 3,
            lesson: Some("tcp-read".into()),
            stage: Some(2),
        };
        assert_eq!(
            parse(&view_command(3, Some(("tcp-read", 2)))),
            PresenterCommand::View(lesson)
        );
    }
}
