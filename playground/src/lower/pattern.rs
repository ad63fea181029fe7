//! Patterns, literals and the small pieces of syntax around them.

use std::sync::Arc;

use syn::{Expr, Lit, Pat};

use super::expr::Lowering;
use super::refuse;
use crate::ProgramError;
use crate::ast::{Literal, Pattern};

impl Lowering<'_> {
    /// What a `let`, `match` arm, `for` or `select!` branch binds.
    pub(super) fn pattern(&mut self, pat: &Pat) -> Result<Pattern, ProgramError> {
        Ok(match pat {
            Pat::Wild(_) => Pattern::Ignore,
            Pat::Ident(ident) => {
                if ident.by_ref.is_some() || ident.subpat.is_some() {
                    return refuse(
                        ident,
                        "`ref` and `@` patterns are not supported: bind a plain name",
                    );
                }
                Pattern::Bind(ident.ident.to_string().into())
            }
            Pat::Type(typed) => return self.pattern(&typed.pat),
            Pat::Paren(paren) => return self.pattern(&paren.pat),
            Pat::Tuple(tuple) => Pattern::Tuple(
                tuple
                    .elems
                    .iter()
                    .map(|p| self.pattern(p))
                    .collect::<Result<_, _>>()?,
            ),
            Pat::TupleStruct(tuple) => {
                let name = tuple
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let [inner] = tuple.elems.iter().collect::<Vec<_>>()[..] else {
                    return refuse(tuple, "`Ok(…)` and `Err(…)` patterns take one pattern");
                };
                match name.as_str() {
                    "Ok" => Pattern::Ok(Box::new(self.pattern(inner)?)),
                    "Err" => Pattern::Err(Box::new(self.pattern(inner)?)),
                    _ => {
                        return refuse(
                            &tuple.path,
                            "only `Ok(…)` and `Err(…)` patterns are supported",
                        );
                    }
                }
            }
            Pat::Lit(lit) => Pattern::Literal(literal(&lit.lit)?),
            other => {
                return refuse(
                    other,
                    "this pattern is not supported: the playground takes names, `_`, tuples, `Ok(…)`, `Err(…)` and literals",
                );
            }
        })
    }
}

/// A literal: integers, text, byte text and booleans.
pub(super) fn literal(lit: &Lit) -> Result<Literal, ProgramError> {
    Ok(match lit {
        Lit::Int(int) => match int.base10_parse::<i64>() {
            Ok(value) => Literal::Int(value),
            Err(_) => return refuse(int, "this integer does not fit in 64 bits"),
        },
        Lit::Str(text) => Literal::Str(text.value().into()),
        Lit::ByteStr(bytes) => Literal::Bytes(bytes.value().into()),
        Lit::Bool(flag) => Literal::Bool(flag.value),
        Lit::Float(float) => {
            return refuse(
                float,
                "floating-point numbers are not supported: the playground's numbers are integers",
            );
        }
        Lit::Char(c) => return refuse(c, "character literals are not supported: use text (\"a\")"),
        other => {
            return refuse(
                other,
                "this literal is not supported: use integers, \"text\", b\"bytes\", true or false",
            );
        }
    })
}

pub(super) fn assigned_name(left: &Expr) -> Result<Arc<str>, ProgramError> {
    match left {
        Expr::Path(path) if path.path.segments.len() == 1 => {
            Ok(path.path.segments[0].ident.to_string().into())
        }
        other => refuse(
            other,
            "only a variable can be assigned to (`total = total + n`)",
        ),
    }
}

/// `u8` → (8, unsigned) and so on; `usize` and `isize` are 64 bits, as here.
pub(super) fn integer_type(name: &str) -> Option<(u32, bool)> {
    let signed = name.starts_with('i');
    let bits = match &name[1..] {
        "8" => 8,
        "16" => 16,
        "32" => 32,
        "64" | "size" => 64,
        _ => return None,
    };
    (name.starts_with('u') || signed).then_some((bits, signed))
}

pub(super) fn refused_expr(expr: &Expr) -> &'static str {
    match expr {
        Expr::Closure(_) => {
            "closures (`|x| …`) are not supported: write an `async fn` or an `async move { … }` block"
        }
        Expr::Struct(_) => "struct literals are not supported: the playground has no structs",
        Expr::Array(_) => {
            "array literals are not supported: write a byte buffer `[0u8; N]` or byte text b\"…\""
        }
        Expr::Range(_) => "a range is only allowed in `for` and in slicing (`buf[..n]`)",
        Expr::Unsafe(_) => "`unsafe` is not supported in the playground",
        Expr::Let(_) => "`let` is only allowed as a statement or in `if let`",
        Expr::TryBlock(_) => "`try` blocks are not supported",
        Expr::Yield(_) => "`yield` is not supported",
        Expr::Const(_) => "`const` blocks are not supported",
        _ => "this expression is not supported in the playground",
    }
}
