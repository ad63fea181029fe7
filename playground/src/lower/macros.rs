//! The macros the playground knows: `println!` and its family, the
//! assertions, `vec![0u8; n]`, `tokio::join!` and `tokio::select!`.

use std::sync::Arc;

use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Expr, LitStr, Macro, Token};

use super::expr::Lowering;
use super::{refuse, span_of};
use crate::ProgramError;
use crate::ast::{self, ExprKind, Piece, Print, SelectBranch};

impl Lowering<'_> {
    /// Lower a macro call by its name (the last segment of its path).
    pub(super) fn macro_call(&mut self, mac: &Macro) -> Result<ast::Expr, ProgramError> {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let span = span_of(mac);
        let kind = match name.as_str() {
            "println" | "eprintln" | "print" | "eprint" => self.print(mac, Print::Line)?,
            "format" => self.print(mac, Print::Format)?,
            "panic" | "unreachable" | "todo" => {
                if mac.tokens.is_empty() {
                    let text = match name.as_str() {
                        "panic" => "explicit panic",
                        "unreachable" => "internal error: entered unreachable code",
                        _ => "not yet implemented",
                    };
                    ExprKind::Print {
                        print: Print::Panic,
                        pieces: vec![Piece::Text(text.into())],
                    }
                } else {
                    self.print(mac, Print::Panic)?
                }
            }
            "assert" => {
                let args = self.arguments(mac)?;
                let [condition] = <[ast::Expr; 1]>::try_from(args)
                    .map_err(|_| too_many(mac, "`assert!` takes one condition"))?;
                let text: String = mac.tokens.to_string();
                ExprKind::Assert {
                    condition: Box::new(condition),
                    text: text.into(),
                }
            }
            "assert_eq" | "assert_ne" => {
                let args = self.arguments(mac)?;
                let [left, right] = <[ast::Expr; 2]>::try_from(args)
                    .map_err(|_| too_many(mac, "`assert_eq!` and `assert_ne!` take two values (a message is not supported)"))?;
                ExprKind::AssertEq {
                    left: Box::new(left),
                    right: Box::new(right),
                    equal: name == "assert_eq",
                }
            }
            "vec" => return self.vec(mac),
            "join" => ExprKind::Join(self.arguments(mac)?),
            "select" => ExprKind::Select(self.select(mac)?),
            _ => {
                return refuse(
                    mac,
                    format!(
                        "the macro `{name}!` is not supported; the playground has println!, print!, eprintln!, format!, \
                     panic!, assert!, assert_eq!, assert_ne!, vec![0u8; n], tokio::join! and tokio::select!"
                    ),
                );
            }
        };
        Ok(ast::Expr { kind, span })
    }

    /// `vec![0u8; n]`: a byte buffer; `vec![a, b, …]`: a `Vec`.
    fn vec(&mut self, mac: &Macro) -> Result<ast::Expr, ProgramError> {
        let span = span_of(mac);
        let repeated = mac.parse_body_with(|input: ParseStream<'_>| {
            let element: Expr = input.parse()?;
            input.parse::<Token![;]>()?;
            let length: Expr = input.parse()?;
            Ok((element, length))
        });
        let Ok((element, length)) = repeated else {
            let items = self.arguments(mac)?;
            return Ok(ast::Expr {
                kind: ExprKind::List(items),
                span,
            });
        };
        let repeat = syn::ExprRepeat {
            attrs: Vec::new(),
            bracket_token: syn::token::Bracket::default(),
            expr: Box::new(element),
            semi_token: syn::token::Semi::default(),
            len: Box::new(length),
        };
        self.expr(&Expr::Repeat(repeat))
            .map(|expr| ast::Expr { span, ..expr })
    }

    fn arguments(&mut self, mac: &Macro) -> Result<Vec<ast::Expr>, ProgramError> {
        let args = mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .map_err(|error| syntax(mac, &error))?;
        self.exprs(&args)
    }

    /// `"text {} {name:?}", args…`: literal pieces and arguments, in order.
    fn print(&mut self, mac: &Macro, print: Print) -> Result<ExprKind, ProgramError> {
        let args = mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .map_err(|error| syntax(mac, &error))?;
        let mut args = args.into_iter();
        let pieces = match args.next() {
            None => Vec::new(),
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(format),
                ..
            })) => {
                let rest: Vec<Expr> = args.collect();
                self.format(&format, &rest)?
            }
            Some(other) => {
                return refuse(
                    &other,
                    "the first argument must be a format string in double quotes",
                );
            }
        };
        Ok(ExprKind::Print { print, pieces })
    }

    fn format(&mut self, format: &LitStr, args: &[Expr]) -> Result<Vec<Piece>, ProgramError> {
        let text = format.value();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut next = 0;
        let mut used = vec![false; args.len()];
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut spec = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        spec.push(c);
                    }
                    let (name, style) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
                    let debug = match style {
                        "" => false,
                        "?" => true,
                        _ => {
                            return refuse(
                                format,
                                format!(
                                    "`{{{spec}}}`: only `{{}}` and `{{:?}}` (with a position or name) are supported"
                                ),
                            );
                        }
                    };
                    let value = if name.is_empty() {
                        next += 1;
                        self.format_argument(format, args, &mut used, next - 1)?
                    } else if let Ok(index) = name.parse::<usize>() {
                        self.format_argument(format, args, &mut used, index)?
                    } else if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        ast::Expr {
                            kind: ExprKind::Variable(name.into()),
                            span: span_of(format),
                        }
                    } else {
                        return refuse(
                            format,
                            format!("`{{{spec}}}` is not a supported placeholder"),
                        );
                    };
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal).into()));
                    }
                    pieces.push(Piece::Arg { value, debug });
                }
                '}' => return refuse(format, "a lone `}` in a format string: write `}}`"),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(Arc::from(literal)));
        }
        if let Some(unused) = used.iter().position(|used| !used) {
            return refuse(
                &args[unused],
                "this argument is never used by the format string",
            );
        }
        Ok(pieces)
    }

    fn format_argument(
        &mut self,
        format: &LitStr,
        args: &[Expr],
        used: &mut [bool],
        index: usize,
    ) -> Result<ast::Expr, ProgramError> {
        let Some(arg) = args.get(index) else {
            return refuse(
                format,
                format!(
                    "the format string wants argument {} but there are {}",
                    index + 1,
                    args.len()
                ),
            );
        };
        used[index] = true;
        self.expr(arg)
    }

    /// `tokio::select! { pattern = future => handler, … }`.
    fn select(&mut self, mac: &Macro) -> Result<Vec<SelectBranch>, ProgramError> {
        let parsed = mac
            .parse_body_with(|input: ParseStream<'_>| {
                let mut branches = Vec::new();
                if input.peek(syn::Ident)
                    && input
                        .fork()
                        .parse::<syn::Ident>()
                        .is_ok_and(|i| i == "biased")
                {
                    input.parse::<syn::Ident>()?;
                    input.parse::<Token![;]>()?;
                }
                while !input.is_empty() {
                    if input.peek(Token![else]) {
                        return Err(input.error("the `else` branch of `select!` is not supported"));
                    }
                    let pattern = syn::Pat::parse_single(input)?;
                    input.parse::<Token![=]>()?;
                    let future: Expr = input.parse()?;
                    if input.peek(Token![,]) {
                        return Err(
                            input.error("branch preconditions (`, if …`) are not supported")
                        );
                    }
                    input.parse::<Token![=>]>()?;
                    let handler: Expr = input.parse()?;
                    if !input.is_empty() {
                        let block = matches!(handler, Expr::Block(_));
                        if block {
                            let _ = input.parse::<Option<Token![,]>>()?;
                        } else {
                            input.parse::<Token![,]>()?;
                        }
                    }
                    branches.push((pattern, future, handler));
                }
                Ok(branches)
            })
            .map_err(|error| syntax(mac, &error))?;
        if parsed.is_empty() {
            return refuse(mac, "`select!` needs at least one branch");
        }
        parsed
            .iter()
            .map(|(pattern, future, handler)| {
                Ok(SelectBranch {
                    pattern: self.pattern(pattern)?,
                    future: self.expr(future)?,
                    handler: self.expr(handler)?,
                })
            })
            .collect()
    }
}

fn syntax(mac: &Macro, error: &syn::Error) -> ProgramError {
    let at = super::span_at(error.span());
    let at = if at.line == 0 { span_of(mac) } else { at };
    ProgramError::at(
        at.line,
        at.column,
        format!(
            "cannot read this `{}!`: {error}",
            mac.path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default()
        ),
    )
}

fn too_many(mac: &Macro, message: &str) -> ProgramError {
    let at = span_of(mac);
    ProgramError::at(at.line, at.column, message)
}
