//! Turning a client's text frame into a [`Request`] for the engine thread.
//!
//! Parsing happens on the socket task, but a bad frame is not answered there:
//! it travels to the engine thread as [`Request::Invalid`] like any command, so
//! every answer leaves in the order the client asked. Each message names the
//! problem and shows a well-formed command, because the reader is a person
//! poking at the protocol by hand as often as it is the web app.

use reactor_protocol::Command;
use serde::de::DeserializeOwned;

/// What the engine thread is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Request {
    /// A well-formed command.
    Command(Command),
    /// A frame that is not a command; the text says why. Answered with an `error` frame.
    Invalid(String),
}

/// The commands a client may send, for error messages.
const KNOWN_COMMANDS: &str = "load, step, turn, run, reset, seek";

/// Parse one text frame.
pub(crate) fn parse(text: &str) -> Request {
    match Envelope::read(text) {
        Ok(envelope) => envelope.into_request(),
        Err(message) => Request::Invalid(message),
    }
}

/// A text frame read as JSON once: an object with a `cmd` name, not yet a
/// typed command. A classroom presenter's relay reads the name to pick out
/// its own commands, then decodes the same object; the text is never parsed
/// twice.
#[derive(Debug)]
pub(crate) struct Envelope {
    name: String,
    value: serde_json::Value,
}

impl Envelope {
    /// Read `text`, or say why it is not a command.
    pub(crate) fn read(text: &str) -> Result<Envelope, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
            format!("not JSON ({error}): send a command such as {{\"cmd\":\"step\"}}")
        })?;
        let Some(cmd) = value.get("cmd") else {
            return Err(format!(
                "a command is a JSON object with a \"cmd\" field ({KNOWN_COMMANDS}), \
                 such as {{\"cmd\":\"step\"}}"
            ));
        };
        let Some(name) = cmd.as_str() else {
            return Err(format!(
                "\"cmd\" must be a string, one of {KNOWN_COMMANDS}; got {cmd}"
            ));
        };
        Ok(Envelope {
            name: name.to_owned(),
            value,
        })
    }

    /// The `cmd` name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The session [`Command`] this is, or an [`Request::Invalid`] saying why not.
    pub(crate) fn into_request(self) -> Request {
        let Envelope { name, value } = self;
        match serde_json::from_value::<Command>(value.clone()) {
            Ok(command) => match unknown_field(&value, &command) {
                Some(field) => {
                    Request::Invalid(format!("bad \"{name}\" command: unknown field `{field}`"))
                }
                None => Request::Command(command),
            },
            Err(_) if !KNOWN_COMMANDS.split(", ").any(|known| known == name) => Request::Invalid(
                format!("unknown command \"{name}\": the commands are {KNOWN_COMMANDS}"),
            ),
            Err(error) => Request::Invalid(format!("bad \"{name}\" command: {error}")),
        }
    }

    /// Decode it as a `T` (such as a presenter's command), or say why it is
    /// a bad one.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T, String> {
        let name = self.name;
        serde_json::from_value(self.value)
            .map_err(|error| format!("bad \"{name}\" command: {error}"))
    }
}

/// A field of `value` that `command` does not have. serde rejects unknown
/// fields only for commands that have fields (`load`, `seek`);
/// `{"cmd":"step","n":3}` would otherwise pass as a plain step and hide the
/// client's mistake.
fn unknown_field(value: &serde_json::Value, command: &Command) -> Option<String> {
    let has_fields = matches!(
        command,
        Command::Load { .. } | Command::LoadProgram { .. } | Command::Seek { .. }
    );
    if has_fields {
        return None;
    }
    value.as_object()?.keys().find(|key| *key != "cmd").cloned()
}

/// The answer to a binary frame.
pub(crate) fn binary_frame() -> Request {
    Request::Invalid(
        "binary frames are not understood: send commands as JSON text, such as {\"cmd\":\"step\"}"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> String {
        match parse(text) {
            Request::Invalid(message) => message,
            Request::Command(command) => panic!("{text} parsed as {command:?}"),
        }
    }

    #[test]
    fn well_formed_commands_parse() {
        assert_eq!(parse(r#"{"cmd":"step"}"#), Request::Command(Command::Step));
        assert_eq!(parse(r#"{"cmd":"turn"}"#), Request::Command(Command::Turn));
        assert_eq!(parse(r#"{"cmd":"run"}"#), Request::Command(Command::Run));
        assert_eq!(
            parse(r#"{"cmd":"reset"}"#),
            Request::Command(Command::Reset)
        );
        assert_eq!(
            parse(r#"{"cmd":"load","scenario":"tcp_read"}"#),
            Request::Command(Command::Load {
                scenario: "tcp_read".into(),
                seed: 0
            })
        );
        assert_eq!(
            parse(r#"{"cmd":"load","scenario":"tcp_read","seed":0}"#),
            Request::Command(Command::Load {
                scenario: "tcp_read".into(),
                seed: 0
            })
        );
        assert_eq!(
            parse(r#"{"cmd":"load","program":"fn main() {}"}"#),
            Request::Command(Command::LoadProgram {
                program: "fn main() {}".into(),
                peer: String::new(),
                seed: 0
            })
        );
        assert_eq!(
            parse(r#"{"cmd":"load","scenario":"work_stealing","seed":7}"#),
            Request::Command(Command::Load {
                scenario: "work_stealing".into(),
                seed: 7
            })
        );
    }

    #[test]
    fn each_kind_of_bad_frame_is_named() {
        assert!(invalid("step").starts_with("not JSON"));
        assert!(invalid("").starts_with("not JSON"));
        assert!(invalid("[1,2]").contains("\"cmd\" field"));
        assert!(invalid(r#"{"command":"step"}"#).contains("\"cmd\" field"));
        assert!(invalid(r#"{"cmd":7}"#).contains("must be a string"));
        assert!(invalid(r#"{"cmd":"jump"}"#).contains("unknown command \"jump\""));
        let wrong_type = invalid(r#"{"cmd":"load","scenario":5}"#);
        assert!(
            wrong_type.starts_with("bad \"load\" command"),
            "{wrong_type}"
        );
        assert!(wrong_type.contains("invalid type"), "{wrong_type}");
        assert!(invalid(r#"{"cmd":"load"}"#).contains("missing field `scenario`"));
        assert!(invalid(r#"{"cmd":"step","fast":true}"#).contains("unknown field `fast`"));
        assert!(invalid(r#"{"cmd":"load","scenario":"x","fast":1}"#).contains("unknown field"));
        assert!(invalid(r#"{"cmd":"seek","records":1,"have":0,"x":1}"#).contains("unknown field"));
        assert!(invalid(r#"{"cmd":"load","program":"x","scenario":"y"}"#).contains("not both"));
    }
}
