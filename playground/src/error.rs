//! What a refused program is told: a message, a line and a column.

use std::fmt;

use serde::Serialize;

/// A program (or its peer description) outside what the playground runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgramError {
    /// What is wrong and what is supported instead.
    pub message: String,
    /// 1-based line of the construct (1 when the whole text is at fault).
    pub line: u32,
    /// 1-based column of the construct, in characters.
    pub column: u32,
    /// Whether the peer description, not the program, is at fault.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_peer: bool,
}

impl ProgramError {
    /// An error at `line:column` of the program.
    pub(crate) fn at(line: u32, column: u32, message: impl Into<String>) -> ProgramError {
        ProgramError {
            message: message.into(),
            line: line.max(1),
            column: column.max(1),
            in_peer: false,
        }
    }

    /// An error about the whole text (its size), placed at its start.
    pub(crate) fn whole(message: impl Into<String>) -> ProgramError {
        ProgramError::at(1, 1, message)
    }

    /// The same error, said of the peer description.
    pub(crate) fn in_peer(self) -> ProgramError {
        ProgramError {
            in_peer: true,
            ..self
        }
    }
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of = if self.in_peer { "peer " } else { "" };
        write!(f, "{of}{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ProgramError {}
