//! Calls, operators and indexing.

use syn::{BinOp, Expr};

use super::expr::Lowering;
use super::paths::{self, KNOWN_CALLS};
use super::pattern::assigned_name;
use super::refuse;
use crate::ProgramError;
use crate::ast::{BinaryOp, ExprKind};

impl Lowering<'_> {
    pub(super) fn call(&mut self, call: &syn::ExprCall) -> Result<ExprKind, ProgramError> {
        let Expr::Path(path) = &*call.func else {
            return refuse(&call.func, "only named functions can be called");
        };
        // Type arguments (`pending::<()>()`) are read past, as every type is.
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let args = self.exprs(&call.args)?;
        if let [name] = segments.as_slice()
            && let Some((_, params)) = self.functions.iter().find(|(known, _)| known == name)
        {
            if *params != args.len() {
                return refuse(
                    call,
                    format!("`{name}` takes {params} argument(s), not {}", args.len()),
                );
            }
            return Ok(ExprKind::Call {
                function: name.as_str().into(),
                args,
            });
        }
        let full = self.imports.resolve(&segments);
        match paths::builtin(&full) {
            Some(builtin) => Ok(ExprKind::Builtin { builtin, args }),
            None => refuse(
                path,
                format!(
                    "`{}` is not in the playground's subset; it runs {KNOWN_CALLS}",
                    segments.join("::")
                ),
            ),
        }
    }

    pub(super) fn binary(&mut self, binary: &syn::ExprBinary) -> Result<ExprKind, ProgramError> {
        let (op, assign) = match binary.op {
            BinOp::Add(_) => (BinaryOp::Add, false),
            BinOp::Sub(_) => (BinaryOp::Sub, false),
            BinOp::Mul(_) => (BinaryOp::Mul, false),
            BinOp::Div(_) => (BinaryOp::Div, false),
            BinOp::Rem(_) => (BinaryOp::Rem, false),
            BinOp::Eq(_) => (BinaryOp::Eq, false),
            BinOp::Ne(_) => (BinaryOp::Ne, false),
            BinOp::Lt(_) => (BinaryOp::Lt, false),
            BinOp::Le(_) => (BinaryOp::Le, false),
            BinOp::Gt(_) => (BinaryOp::Gt, false),
            BinOp::Ge(_) => (BinaryOp::Ge, false),
            BinOp::And(_) => (BinaryOp::And, false),
            BinOp::Or(_) => (BinaryOp::Or, false),
            BinOp::AddAssign(_) => (BinaryOp::Add, true),
            BinOp::SubAssign(_) => (BinaryOp::Sub, true),
            BinOp::MulAssign(_) => (BinaryOp::Mul, true),
            BinOp::DivAssign(_) => (BinaryOp::Div, true),
            BinOp::RemAssign(_) => (BinaryOp::Rem, true),
            _ => {
                return refuse(
                    &binary.op,
                    "bit operators (`&`, `|`, `^`, `<<`, `>>`) are not supported: the playground has + - * / %, comparisons, && and ||",
                );
            }
        };
        if assign {
            return Ok(ExprKind::Assign {
                name: assigned_name(&binary.left)?,
                op: Some(op),
                value: self.boxed(&binary.right)?,
            });
        }
        Ok(ExprKind::Binary(
            op,
            self.boxed(&binary.left)?,
            self.boxed(&binary.right)?,
        ))
    }

    pub(super) fn index(&mut self, index: &syn::ExprIndex) -> Result<ExprKind, ProgramError> {
        let base = self.boxed(&index.expr)?;
        if let Expr::Range(range) = &*index.index {
            let start = range.start.as_deref().map(|e| self.boxed(e)).transpose()?;
            let end = range.end.as_deref().map(|e| self.boxed(e)).transpose()?;
            return Ok(ExprKind::Index {
                base,
                start,
                end,
                range: true,
                inclusive: matches!(range.limits, syn::RangeLimits::Closed(_)),
            });
        }
        Ok(ExprKind::Index {
            base,
            start: Some(self.boxed(&index.index)?),
            end: None,
            range: false,
            inclusive: false,
        })
    }
}
