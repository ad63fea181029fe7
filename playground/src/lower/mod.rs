//! From syn's syntax tree to the program (`crate::ast`), refusing every
//! construct outside the subset with its line and column.
//!
//! ```text
//!   text ─▶ nesting check ─▶ syn::parse_file ─▶ items (here): `use`, `fn`, #[tokio::main]
//!                                                └▶ statements, expressions (expr.rs)
//!                                                   └▶ macros: println!, join!, select! (macros.rs)
//!                                                   └▶ paths: tokio::spawn → Builtin (paths.rs)
//! ```
//!
//! syn parses nested brackets and prefix operators by recursion, so the
//! whole parse runs on a thread of its own with a large stack (a 16 KiB
//! hostile text cannot overflow it), and the brackets' depth is checked
//! first. That thread also owns the parser's map of line positions, which
//! goes with it: a server parsing programs all day keeps none of them.

mod calls;
mod captures;
mod expr;
mod items;
mod macros;
mod nesting;
mod paths;
mod pattern;

use proc_macro2::Span as TokenSpan;
use reactor_protocol::Span;
use syn::spanned::Spanned;

use crate::{Limits, ProgramError, ast};

/// Stack of the parsing thread: syn recurses once per nested bracket or
/// prefix operator, and a 16 KiB text holds at most 16 Ki of them at a few
/// KiB of stack each. Only the pages touched are ever committed.
const PARSER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Parse and lower a whole program.
pub(crate) fn program(source: &str, limits: &Limits) -> Result<ast::Program, ProgramError> {
    nesting::check(source, limits.max_nesting)?;
    std::thread::scope(|scope| {
        let parser = std::thread::Builder::new()
            .name("playground-parser".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse(source, limits));
        match parser {
            Ok(parser) => parser.join().unwrap_or_else(|_| {
                Err(ProgramError::whole(
                    "the playground's parser failed on this text; please report it",
                ))
            }),
            Err(error) => Err(ProgramError::whole(format!(
                "the server could not start a parser: {error}"
            ))),
        }
    })
}

fn parse(source: &str, limits: &Limits) -> Result<ast::Program, ProgramError> {
    let file = syn::parse_file(source).map_err(|error| {
        let at = span_at(error.span());
        ProgramError::at(
            at.line,
            at.column,
            format!("this is not valid Rust: {error}"),
        )
    })?;
    items::program(&file, limits)
}

/// A method's name, for messages.
pub(crate) fn method_name(method: ast::Method) -> &'static str {
    paths::METHODS
        .iter()
        .find(|(_, known)| *known == method)
        .map_or("?", |(name, _)| name)
}

/// The 1-based line and column where a token starts.
pub(crate) fn span_at(span: TokenSpan) -> Span {
    let start = span.start();
    Span {
        line: u32::try_from(start.line).unwrap_or(u32::MAX),
        column: u32::try_from(start.column + 1).unwrap_or(u32::MAX),
    }
}

/// Where a piece of syntax starts.
pub(crate) fn span_of(node: &impl Spanned) -> Span {
    span_at(node.span())
}

/// Refuse `node`: `message` names the construct and says what is supported.
pub(crate) fn refuse<T>(
    node: &impl Spanned,
    message: impl Into<String>,
) -> Result<T, ProgramError> {
    let at = span_of(node);
    Err(ProgramError::at(at.line, at.column, message))
}
