//! What an `async move` block takes from the scope it is written in: the
//! names its code uses. At run time the sockets, handles and futures among
//! them move into the block's future, as in Rust, so they close with the
//! task that runs it, not with the scope that made it.
//!
//! The names are every variable the block mentions, its own bindings
//! included: a block that binds a name of its own, shadowing a socket of
//! the outer scope, takes that socket too (the one case this misreads).

use std::sync::Arc;

use crate::ast::{Block, Expr, ExprKind, Piece, Statement};

/// Every variable name `block` uses, once each, in order of first use.
pub(super) fn names(block: &Block) -> Vec<Arc<str>> {
    let mut found = Vec::new();
    in_block(block, &mut found);
    found
}

fn in_block(block: &Block, found: &mut Vec<Arc<str>>) {
    for statement in &block.statements {
        match statement {
            Statement::Let { value, .. } => in_expr(value, found),
            Statement::Expr(expr) => in_expr(expr, found),
        }
    }
    if let Some(tail) = &block.tail {
        in_expr(tail, found);
    }
}

fn in_exprs<'a>(exprs: impl IntoIterator<Item = &'a Expr>, found: &mut Vec<Arc<str>>) {
    for expr in exprs {
        in_expr(expr, found);
    }
}

fn in_expr(expr: &Expr, found: &mut Vec<Arc<str>>) {
    match &expr.kind {
        ExprKind::Variable(name) | ExprKind::Assign { name, .. } => {
            if !found.contains(name) {
                found.push(Arc::clone(name));
            }
            if let ExprKind::Assign { value, .. } = &expr.kind {
                in_expr(value, found);
            }
        }
        ExprKind::Literal(_) | ExprKind::Continue => {}
        ExprKind::Reference(inner)
        | ExprKind::Buffer(inner)
        | ExprKind::Field(inner, _)
        | ExprKind::Negate(inner)
        | ExprKind::Not(inner)
        | ExprKind::Cast { value: inner, .. }
        | ExprKind::Await(inner)
        | ExprKind::Try(inner) => in_expr(inner, found),
        ExprKind::Break(inner) | ExprKind::Return(inner) => {
            in_exprs(inner.as_deref(), found);
        }
        ExprKind::Tuple(items)
        | ExprKind::List(items)
        | ExprKind::Join(items)
        | ExprKind::Call { args: items, .. }
        | ExprKind::Builtin { args: items, .. } => in_exprs(items, found),
        ExprKind::Index {
            base, start, end, ..
        } => {
            in_expr(base, found);
            in_exprs(start.as_deref().into_iter().chain(end.as_deref()), found);
        }
        ExprKind::MethodCall { receiver, args, .. } => {
            in_expr(receiver, found);
            in_exprs(args, found);
        }
        ExprKind::Binary(_, left, right) | ExprKind::AssertEq { left, right, .. } => {
            in_expr(left, found);
            in_expr(right, found);
        }
        ExprKind::Async { body, .. } => in_block(body, found),
        ExprKind::Block(block) | ExprKind::Loop(block) => in_block(block, found),
        ExprKind::If {
            condition,
            then,
            otherwise,
        } => {
            in_expr(condition, found);
            in_block(then, found);
            in_exprs(otherwise.as_deref(), found);
        }
        ExprKind::Match { value, arms } => {
            in_expr(value, found);
            in_exprs(arms.iter().map(|arm| &arm.body), found);
        }
        ExprKind::While { condition, body } => {
            in_expr(condition, found);
            in_block(body, found);
        }
        ExprKind::For {
            start, end, body, ..
        } => {
            in_expr(start, found);
            in_expr(end, found);
            in_block(body, found);
        }
        ExprKind::ForEach { items, body, .. } => {
            in_expr(items, found);
            in_block(body, found);
        }
        ExprKind::Print { pieces, .. } => {
            for piece in pieces {
                if let Piece::Arg { value, .. } = piece {
                    in_expr(value, found);
                }
            }
        }
        ExprKind::Assert { condition, .. } => in_expr(condition, found),
        ExprKind::Select(branches) => {
            for branch in branches {
                in_expr(&branch.future, found);
                in_expr(&branch.handler, found);
            }
        }
    }
}
