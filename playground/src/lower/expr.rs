//! Statements, expressions and patterns.

use std::sync::Arc;

use syn::{Expr, Lit, Stmt, UnOp};

use super::paths::{self, Imports};
use super::pattern::{assigned_name, integer_type, literal, refused_expr};
use super::{refuse, span_of};
use crate::ast::{self, Block, ExprKind, Literal, Pattern, Statement};
use crate::{Limits, ProgramError};

/// Lowering one function: what it can see, and where it is.
pub(crate) struct Lowering<'a> {
    pub(super) limits: &'a Limits,
    pub(super) imports: &'a Imports,
    /// Every function of the program: name and parameter count.
    pub(super) functions: &'a [(String, usize)],
    /// Inside an `async` function or block: `.await` is allowed.
    in_async: bool,
    /// How deep the expression being lowered is nested.
    depth: u32,
}

impl<'a> Lowering<'a> {
    pub(super) fn new(
        limits: &'a Limits,
        imports: &'a Imports,
        functions: &'a [(String, usize)],
    ) -> Lowering<'a> {
        Lowering {
            limits,
            imports,
            functions,
            in_async: false,
            depth: 0,
        }
    }

    pub(super) fn function_body(
        &mut self,
        block: &syn::Block,
        is_async: bool,
    ) -> Result<Block, ProgramError> {
        self.in_async = is_async;
        self.block(block)
    }

    pub(super) fn block(&mut self, block: &syn::Block) -> Result<Block, ProgramError> {
        let mut lowered = Block::default();
        let count = block.stmts.len();
        for (index, statement) in block.stmts.iter().enumerate() {
            let last = index + 1 == count;
            match statement {
                Stmt::Local(local) => {
                    let Some(init) = &local.init else {
                        return refuse(
                            local,
                            "`let` without a value is not supported: write `let x = value;`",
                        );
                    };
                    if let Some((_, diverge)) = &init.diverge {
                        return refuse(diverge, "`let … else` is not supported: use `match`");
                    }
                    lowered.statements.push(Statement::Let {
                        pattern: self.pattern(&local.pat)?,
                        value: self.expr(&init.expr)?,
                        span: span_of(local),
                    });
                }
                Stmt::Item(item) => {
                    return refuse(
                        item,
                        "items inside a function are not supported: put functions and `use` lines at the top level",
                    );
                }
                Stmt::Expr(expr, semicolon) => {
                    let expr = self.expr(expr)?;
                    if last && semicolon.is_none() {
                        lowered.tail = Some(Box::new(expr));
                    } else {
                        lowered.statements.push(Statement::Expr(expr));
                    }
                }
                Stmt::Macro(mac) => {
                    let expr = self.macro_call(&mac.mac)?;
                    if last && mac.semi_token.is_none() {
                        lowered.tail = Some(Box::new(expr));
                    } else {
                        lowered.statements.push(Statement::Expr(expr));
                    }
                }
            }
        }
        Ok(lowered)
    }

    /// Lower an expression, refusing nesting past the limit.
    pub(super) fn expr(&mut self, expr: &Expr) -> Result<ast::Expr, ProgramError> {
        self.depth += 1;
        if self.depth > self.limits.max_nesting {
            return refuse(
                expr,
                format!(
                    "expressions are nested more than {} deep here",
                    self.limits.max_nesting
                ),
            );
        }
        let kind = self.expr_kind(expr);
        self.depth -= 1;
        Ok(ast::Expr {
            kind: kind?,
            span: span_of(expr),
        })
    }

    pub(super) fn boxed(&mut self, expr: &Expr) -> Result<Box<ast::Expr>, ProgramError> {
        self.expr(expr).map(Box::new)
    }

    pub(super) fn exprs<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e Expr>,
    ) -> Result<Vec<ast::Expr>, ProgramError> {
        exprs.into_iter().map(|expr| self.expr(expr)).collect()
    }

    fn expr_kind(&mut self, expr: &Expr) -> Result<ExprKind, ProgramError> {
        Ok(match expr {
            Expr::Lit(lit) => ExprKind::Literal(literal(&lit.lit)?),
            Expr::Path(path) => {
                if path.qself.is_some() || path.path.segments.len() != 1 {
                    return refuse(
                        path,
                        "a path is only allowed as a function to call (such as `tokio::spawn(…)`) or a variable name",
                    );
                }
                ExprKind::Variable(path.path.segments[0].ident.to_string().into())
            }
            Expr::Paren(inner) => return self.expr_kind(&inner.expr),
            Expr::Group(inner) => return self.expr_kind(&inner.expr),
            Expr::Reference(reference) => ExprKind::Reference(self.boxed(&reference.expr)?),
            Expr::Call(call) => self.call(call)?,
            Expr::MethodCall(call) => {
                if let Some(turbofish) = &call.turbofish {
                    return refuse(turbofish, "type arguments (`::<…>`) are not supported");
                }
                let name = call.method.to_string();
                let Some(method) = paths::method(&name) else {
                    return refuse(
                        &call.method,
                        format!(
                            "the method `{name}` is not supported; the playground has {}",
                            paths::METHODS.map(|(name, _)| name).join(", ")
                        ),
                    );
                };
                ExprKind::MethodCall {
                    receiver: self.boxed(&call.receiver)?,
                    method,
                    args: self.exprs(&call.args)?,
                }
            }
            Expr::Await(awaited) => {
                if !self.in_async {
                    return refuse(
                        &awaited.await_token,
                        "`.await` is only allowed inside `async` functions and blocks",
                    );
                }
                ExprKind::Await(self.boxed(&awaited.base)?)
            }
            Expr::Async(block) => {
                let outer = std::mem::replace(&mut self.in_async, true);
                let body = self.block(&block.block);
                self.in_async = outer;
                let body = body?;
                let takes = if block.capture.is_some() {
                    super::captures::names(&body)
                } else {
                    Vec::new()
                };
                ExprKind::Async {
                    body: Arc::new(body),
                    takes,
                }
            }
            Expr::Block(block) => {
                if let Some(label) = &block.label {
                    return refuse(label, "labels are not supported");
                }
                ExprKind::Block(self.block(&block.block)?)
            }
            Expr::If(expr_if) => self.if_expr(expr_if)?,
            Expr::Match(expr_match) => {
                let mut arms = Vec::new();
                for arm in &expr_match.arms {
                    if let Some((_, guard)) = &arm.guard {
                        return refuse(guard, "match guards (`if …` in an arm) are not supported");
                    }
                    arms.push(ast::MatchArm {
                        pattern: self.pattern(&arm.pat)?,
                        body: self.expr(&arm.body)?,
                    });
                }
                ExprKind::Match {
                    value: self.boxed(&expr_match.expr)?,
                    arms,
                }
            }
            Expr::While(expr_while) => {
                if let Some(label) = &expr_while.label {
                    return refuse(label, "labels are not supported");
                }
                if let Expr::Let(expr_let) = &*expr_while.cond {
                    return refuse(
                        expr_let,
                        "`while let` is not supported: use `loop` with `match`",
                    );
                }
                ExprKind::While {
                    condition: self.boxed(&expr_while.cond)?,
                    body: self.block(&expr_while.body)?,
                }
            }
            Expr::Loop(expr_loop) => {
                if let Some(label) = &expr_loop.label {
                    return refuse(label, "labels are not supported");
                }
                ExprKind::Loop(self.block(&expr_loop.body)?)
            }
            Expr::ForLoop(expr_for) => {
                if let Some(label) = &expr_for.label {
                    return refuse(label, "labels are not supported");
                }
                let Expr::Range(range) = &*expr_for.expr else {
                    return Ok(ExprKind::ForEach {
                        pattern: self.pattern(&expr_for.pat)?,
                        items: self.boxed(&expr_for.expr)?,
                        body: self.block(&expr_for.body)?,
                    });
                };
                let (Some(start), Some(end)) = (&range.start, &range.end) else {
                    return refuse(range, "a `for` range needs both ends, such as `0..n`");
                };
                ExprKind::For {
                    pattern: self.pattern(&expr_for.pat)?,
                    start: self.boxed(start)?,
                    end: self.boxed(end)?,
                    inclusive: matches!(range.limits, syn::RangeLimits::Closed(_)),
                    body: self.block(&expr_for.body)?,
                }
            }
            Expr::Break(expr_break) => {
                if let Some(label) = &expr_break.label {
                    return refuse(label, "labels are not supported");
                }
                ExprKind::Break(
                    expr_break
                        .expr
                        .as_deref()
                        .map(|value| self.boxed(value))
                        .transpose()?,
                )
            }
            Expr::Continue(expr_continue) => {
                if let Some(label) = &expr_continue.label {
                    return refuse(label, "labels are not supported");
                }
                ExprKind::Continue
            }
            Expr::Return(expr_return) => ExprKind::Return(
                expr_return
                    .expr
                    .as_deref()
                    .map(|value| self.boxed(value))
                    .transpose()?,
            ),
            Expr::Assign(assign) => ExprKind::Assign {
                name: assigned_name(&assign.left)?,
                op: None,
                value: self.boxed(&assign.right)?,
            },
            Expr::Binary(binary) => self.binary(binary)?,
            Expr::Unary(unary) => match unary.op {
                UnOp::Neg(_) => ExprKind::Negate(self.boxed(&unary.expr)?),
                UnOp::Not(_) => ExprKind::Not(self.boxed(&unary.expr)?),
                _ => {
                    return refuse(
                        unary,
                        "dereferencing (`*x`) is not supported: values are used directly",
                    );
                }
            },
            Expr::Cast(cast) => {
                let ty = match &*cast.ty {
                    syn::Type::Path(path) => path.path.get_ident().map(ToString::to_string),
                    _ => None,
                };
                let Some((bits, signed)) = ty.as_deref().and_then(integer_type) else {
                    return refuse(
                        &cast.ty,
                        "`as` converts to an integer type only (u8 … u64, usize, i8 … i64, isize)",
                    );
                };
                ExprKind::Cast {
                    value: self.boxed(&cast.expr)?,
                    bits,
                    signed,
                }
            }
            Expr::Try(try_expr) => ExprKind::Try(self.boxed(&try_expr.expr)?),
            Expr::Tuple(tuple) if tuple.elems.is_empty() => ExprKind::Literal(Literal::Unit),
            Expr::Tuple(tuple) => ExprKind::Tuple(self.exprs(&tuple.elems)?),
            Expr::Field(field) => match &field.member {
                syn::Member::Unnamed(index) => {
                    ExprKind::Field(self.boxed(&field.base)?, index.index as usize)
                }
                syn::Member::Named(name) => {
                    return refuse(
                        name,
                        "named fields are not supported: the playground has tuples (`pair.0`) but no structs",
                    );
                }
            },
            Expr::Index(index) => self.index(index)?,
            Expr::Repeat(repeat) => {
                let zero = matches!(&*repeat.expr, Expr::Lit(lit) if matches!(&lit.lit, Lit::Int(int) if int.base10_digits() == "0"));
                if !zero {
                    return refuse(
                        &repeat.expr,
                        "an array is a byte buffer of zeroes here: write `[0u8; 1024]`",
                    );
                }
                ExprKind::Buffer(self.boxed(&repeat.len)?)
            }
            Expr::Macro(mac) => return self.macro_call(&mac.mac).map(|expr| expr.kind),
            other => return refuse(other, refused_expr(other)),
        })
    }

    fn if_expr(&mut self, expr_if: &syn::ExprIf) -> Result<ExprKind, ProgramError> {
        let then = self.block(&expr_if.then_branch)?;
        let otherwise = match &expr_if.else_branch {
            Some((_, otherwise)) => Some(self.boxed(otherwise)?),
            None => None,
        };
        if let Expr::Let(expr_let) = &*expr_if.cond {
            // `if let p = v { a } else { b }` is `match v { p => a, _ => b }`.
            let span = span_of(expr_if);
            let block = |block| ast::Expr {
                kind: ExprKind::Block(block),
                span,
            };
            let arms = vec![
                ast::MatchArm {
                    pattern: self.pattern(&expr_let.pat)?,
                    body: block(then),
                },
                ast::MatchArm {
                    pattern: Pattern::Ignore,
                    body: otherwise.map_or_else(|| block(Block::default()), |otherwise| *otherwise),
                },
            ];
            return Ok(ExprKind::Match {
                value: self.boxed(&expr_let.expr)?,
                arms,
            });
        }
        Ok(ExprKind::If {
            condition: self.boxed(&expr_if.cond)?,
            then,
            otherwise,
        })
    }
}
