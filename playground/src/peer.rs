//! The peer description: the world at the other end of a program's sockets.
//!
//! Nobody types at the other end of a learner's socket, so a few lines say
//! what the other end does, and when, in virtual milliseconds:
//!
//! ```text
//!   # the client of the article's handle_connection
//!   at 0 ms connect
//!   at 5 ms send "hello, reactor" and close
//! ```
//!
//! | line                                   | what the peer does                               |
//! |----------------------------------------|--------------------------------------------------|
//! | `at T ms connect`                      | connects to the listener the program bound       |
//! | `at T ms send "text"`                  | writes on its oldest open connection             |
//! | `at T ms send "text" and close`        | writes, then closes that connection              |
//! | `at T ms send all "text" and close`    | writes on every open connection and closes them  |
//! | `at T ms close`                        | closes its oldest open connection                |
//!
//! Times never go back; `#` starts a comment; text takes `\n`, `\r`, `\t`,
//! `\\` and `\"`. The peer is plain blocking sockets on the engine's thread,
//! outside the runtime ([`reactor_engine::Peer`]).

use reactor_engine::PeerAction;

use crate::{Limits, ProgramError};

/// The peer's actions, in time order.
///
/// # Errors
/// The first line that is not one of the forms above, with its position.
pub fn parse(text: &str, limits: &Limits) -> Result<Vec<(u64, PeerAction)>, ProgramError> {
    let mut steps = Vec::new();
    let max_ms = u64::try_from(limits.max_virtual_time.as_millis()).unwrap_or(u64::MAX);
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let code = raw.split_once('#').map_or(raw, |(code, _)| code);
        if code.trim().is_empty() && !raw.contains('"') {
            continue;
        }
        let mut words = Words::new(raw, line);
        words.expect("at")?;
        let (at, column) = words.number()?;
        if at > max_ms {
            return Err(ProgramError::at(
                line,
                column,
                format!("{at} ms is past the run's limit of {max_ms} ms of virtual time"),
            ));
        }
        if let Some((before, _)) = steps.last()
            && at < *before
        {
            return Err(ProgramError::at(
                line,
                column,
                format!(
                    "times never go back: this line is at {at} ms, the one before at {before} ms"
                ),
            ));
        }
        words.expect("ms")?;
        let action = words.action()?;
        words.end()?;
        if steps.len() == limits.max_peer_actions {
            return Err(ProgramError::at(
                line,
                1,
                format!("the peer may do at most {} things", limits.max_peer_actions),
            ));
        }
        steps.push((at, action));
    }
    Ok(steps)
}

/// The words of one line, with the column of each.
struct Words<'a> {
    rest: &'a str,
    line: u32,
    /// Characters already read, for the column of the next word.
    read: usize,
}

impl<'a> Words<'a> {
    fn new(text: &'a str, line: u32) -> Words<'a> {
        Words {
            rest: text,
            line,
            read: 0,
        }
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest.trim_start();
        self.read += self.rest[..self.rest.len() - trimmed.len()].chars().count();
        self.rest = trimmed;
    }

    fn column(&self) -> u32 {
        u32::try_from(self.read + 1).unwrap_or(u32::MAX)
    }

    fn error(&self, message: String) -> ProgramError {
        ProgramError::at(self.line, self.column(), message)
    }

    /// The next word, without taking it.
    fn peek(&mut self) -> &'a str {
        self.skip_space();
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || c == '#' || c == '"')
            .unwrap_or(self.rest.len());
        &self.rest[..end]
    }

    fn take(&mut self, word: &str) {
        self.read += word.chars().count();
        self.rest = &self.rest[word.len()..];
    }

    fn expect(&mut self, wanted: &str) -> Result<(), ProgramError> {
        let word = self.peek();
        if word != wanted {
            return Err(self.error(format!(
                "expected `{wanted}` here, found {}; a peer line reads `at 5 ms send \"hi\"`",
                shown(word)
            )));
        }
        self.take(word);
        Ok(())
    }

    fn number(&mut self) -> Result<(u64, u32), ProgramError> {
        let word = self.peek();
        let column = self.column();
        let at = word.parse::<u64>().map_err(|_| {
            self.error(format!(
                "expected a time in whole milliseconds here, found {}",
                shown(word)
            ))
        })?;
        self.take(word);
        Ok((at, column))
    }

    fn action(&mut self) -> Result<PeerAction, ProgramError> {
        let word = self.peek();
        self.take(word);
        match word {
            "connect" => Ok(PeerAction::Connect),
            "close" => Ok(PeerAction::Close),
            "send" => {
                let all = self.peek() == "all";
                if all {
                    self.take("all");
                }
                let bytes = self.text()?;
                let closes = self.peek() == "and";
                if closes {
                    self.take("and");
                    self.expect("close")?;
                }
                Ok(match (all, closes) {
                    (false, false) => PeerAction::Send(bytes.into()),
                    (false, true) => PeerAction::SendAndClose(bytes.into()),
                    (true, true) => PeerAction::SendAllAndClose(bytes.into()),
                    (true, false) => {
                        return Err(self.error(
                            "`send all` closes every connection: write `send all \"text\" and close`"
                                .into(),
                        ));
                    }
                })
            }
            other => Err(ProgramError::at(
                self.line,
                self.column() - u32::try_from(other.chars().count()).unwrap_or(0),
                format!(
                    "the peer can `connect`, `send \"text\"`, `send \"text\" and close`, \
                     `send all \"text\" and close` or `close`, not {}",
                    shown(other)
                ),
            )),
        }
    }

    /// A quoted text, its escapes undone.
    fn text(&mut self) -> Result<Vec<u8>, ProgramError> {
        self.skip_space();
        if !self.rest.starts_with('"') {
            return Err(self.error("expected the text to send, in double quotes".into()));
        }
        let mut bytes = Vec::new();
        let mut chars = self.rest[1..].char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '"' => {
                    let used = &self.rest[..index + 2];
                    self.take(used);
                    return Ok(bytes);
                }
                '\\' => {
                    let escaped = match chars.next().map(|(_, c)| c) {
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('\\') => '\\',
                        Some('"') => '"',
                        other => {
                            return Err(self.error(format!(
                                "unknown escape `\\{}` in the text: use \\n, \\r, \\t, \\\\ or \\\"",
                                other.map(String::from).unwrap_or_default()
                            )));
                        }
                    };
                    bytes.push(escaped as u8);
                }
                c => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
        Err(self.error("the text has no closing `\"`".into()))
    }

    fn end(&mut self) -> Result<(), ProgramError> {
        let word = self.peek();
        if !word.is_empty() || self.rest.starts_with('"') {
            return Err(self.error(format!("unexpected {} at the end of the line", shown(word))));
        }
        Ok(())
    }
}

fn shown(word: &str) -> String {
    if word.is_empty() {
        "the end of the line".into()
    } else {
        format!("`{word}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_client_connects_then_sends_and_closes() {
        let steps = parse(
            "# a client\nat 0 ms connect\n\nat 5 ms send \"hello, reactor\" and close # done\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(steps.len(), 2);
        assert!(matches!(steps[0], (0, PeerAction::Connect)));
        assert!(
            matches!(&steps[1], (5, PeerAction::SendAndClose(bytes)) if &bytes[..] == b"hello, reactor")
        );
    }

    #[test]
    fn escapes_and_every_action_read() {
        let steps = parse(
            "at 0 ms connect\nat 1 ms send \"a\\n\\\"b\\\"\"\nat 2 ms close\nat 3 ms send all \"x\" and close",
            &Limits::default(),
        )
        .unwrap();
        assert!(matches!(&steps[1], (1, PeerAction::Send(bytes)) if &bytes[..] == b"a\n\"b\""));
        assert!(matches!(steps[2], (2, PeerAction::Close)));
        assert!(matches!(steps[3], (3, PeerAction::SendAllAndClose(_))));
    }

    #[test]
    fn mistakes_are_placed_and_named() {
        let cases = [
            ("connect", 1, 1, "expected `at`"),
            ("at five ms connect", 1, 4, "whole milliseconds"),
            ("at 5 s connect", 1, 6, "expected `ms`"),
            ("at 5 ms dance", 1, 9, "not `dance`"),
            ("at 5 ms send hi", 1, 14, "double quotes"),
            ("at 5 ms send \"hi", 1, 14, "no closing"),
            ("at 5 ms connect\nat 2 ms close", 2, 4, "never go back"),
            ("at 5 ms close now", 1, 15, "unexpected `now`"),
            ("at 5 ms send \"\\q\"", 1, 14, "unknown escape"),
            ("at 99999999999 ms connect", 1, 4, "past the run's limit"),
        ];
        for (text, line, column, words) in cases {
            let error = parse(text, &Limits::default()).unwrap_err();
            assert_eq!(
                (error.line, error.column),
                (line, column),
                "{text}: {error}"
            );
            assert!(error.message.contains(words), "{text}: {error}");
        }
    }

    #[test]
    fn a_peer_does_a_bounded_number_of_things() {
        let limits = Limits {
            max_peer_actions: 2,
            ..Limits::default()
        };
        let error =
            parse("at 0 ms connect\nat 0 ms connect\nat 0 ms connect", &limits).unwrap_err();
        assert_eq!(error.line, 3);
    }
}
