//! Evaluating statements and expressions, one `async` step at a time.

use std::rc::Rc;

use reactor_engine::program_at;

use super::ops::{binary, int, truth, wrap};
use super::{Ctx, Env, Flow, Step, Value, calls};
use crate::ast::{BinaryOp, Block, Expr, ExprKind, Literal, Pattern, Print, Statement};

/// Run a block in its own scope.
pub(crate) fn block<'a>(ctx: &'a Rc<Ctx>, env: &'a mut Env, block: &'a Block) -> Step<'a> {
    Box::pin(async move {
        let mark = env.mark();
        let result = statements(ctx, env, block).await;
        env.truncate(mark);
        result
    })
}

async fn statements(ctx: &Rc<Ctx>, env: &mut Env, block: &Block) -> Result<Value, Flow> {
    for statement in &block.statements {
        match statement {
            Statement::Let {
                pattern,
                value,
                span,
            } => {
                program_at(*span);
                let value = expr(ctx, env, value).await?;
                if !bind(env, pattern, value) {
                    return Err(Flow::Panic(
                        "a `let` pattern did not match its value".into(),
                    ));
                }
            }
            Statement::Expr(statement) => {
                program_at(statement.span);
                expr(ctx, env, statement).await?;
            }
        }
    }
    match &block.tail {
        Some(tail) => {
            program_at(tail.span);
            expr(ctx, env, tail).await
        }
        None => Ok(Value::Unit),
    }
}

/// One pass of a loop's body, with the loop's variable bound if it has
/// one: `Ok(true)` to go on (the body ended or said `continue`), `Ok(false)`
/// after a `break`; any other early exit passes through.
async fn iteration(
    ctx: &Rc<Ctx>,
    env: &mut Env,
    variable: Option<(&Pattern, Value)>,
    body: &Block,
) -> Result<bool, Flow> {
    // A pass of an empty body is a step too: `for _ in 0..n {}` is work.
    ctx.tick()?;
    let mark = env.mark();
    if let Some((pattern, value)) = variable {
        bind(env, pattern, value);
    }
    let result = block(ctx, env, body).await;
    env.truncate(mark);
    match result {
        Ok(_) | Err(Flow::Continue) => Ok(true),
        Err(Flow::Break(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Bind `value` to `pattern`; `false` if it does not match.
pub(crate) fn bind(env: &mut Env, pattern: &Pattern, value: Value) -> bool {
    match (pattern, value) {
        (Pattern::Ignore, _) => true,
        (Pattern::Bind(name), value) => {
            env.bind(name.clone(), value);
            true
        }
        (Pattern::Tuple(patterns), Value::Tuple(values)) if patterns.len() == values.len() => {
            patterns
                .iter()
                .zip(values.iter())
                .all(|(pattern, value)| bind(env, pattern, value.clone()))
        }
        (Pattern::Ok(inner), Value::Result(result)) => match &*result {
            Ok(value) => bind(env, inner, value.clone()),
            Err(_) => false,
        },
        (Pattern::Err(inner), Value::Result(result)) => match &*result {
            Err(value) => bind(env, inner, value.clone()),
            Ok(_) => false,
        },
        (Pattern::Literal(literal), value) => literal_value(literal).equals(&value) == Some(true),
        _ => false,
    }
}

pub(crate) fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Unit => Value::Unit,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(n) => Value::Int(*n),
        Literal::Str(text) => Value::Str(Rc::from(&**text)),
        Literal::Bytes(bytes) => Value::bytes(bytes.to_vec()),
    }
}

/// Evaluate one expression.
pub(crate) fn expr<'a>(ctx: &'a Rc<Ctx>, env: &'a mut Env, expr: &'a Expr) -> Step<'a> {
    Box::pin(async move {
        ctx.tick()?;
        ctx.check_stack()?;
        let panic = |message: String| {
            Flow::Panic(format!(
                "{message} (at line {}:{})",
                expr.span.line, expr.span.column
            ))
        };
        match &expr.kind {
            ExprKind::Literal(literal) => {
                let value = literal_value(literal);
                ctx.allocate(value.weight())?;
                Ok(value)
            }
            ExprKind::Variable(name) => env
                .get(name)
                .cloned()
                .ok_or_else(|| panic(format!("cannot find the variable `{name}` in this scope"))),
            ExprKind::Reference(inner) => calls::eval(ctx, env, inner).await,
            ExprKind::Buffer(length) => {
                let length = int(&calls::eval(ctx, env, length).await?, "a buffer's length")
                    .map_err(&panic)?;
                let length = u64::try_from(length)
                    .map_err(|_| panic("a buffer's length cannot be negative".into()))?;
                ctx.allocate(length)?;
                Ok(Value::bytes(vec![
                    0;
                    usize::try_from(length)
                        .unwrap_or(usize::MAX)
                ]))
            }
            ExprKind::Tuple(items) => {
                let mut values = Vec::new();
                for item in items {
                    values.push(calls::eval(ctx, env, item).await?);
                }
                let tuple = Value::Tuple(values.into());
                ctx.check_value(&tuple, false)?;
                Ok(tuple)
            }
            ExprKind::Field(base, index) => match calls::eval(ctx, env, base).await? {
                Value::Tuple(items) => items
                    .get(*index)
                    .cloned()
                    .ok_or_else(|| panic(format!("the tuple has no field {index}"))),
                other => Err(panic(format!(
                    "`.{index}` on a {}, not a tuple",
                    other.type_name()
                ))),
            },
            ExprKind::Binary(op, left, right) => {
                let left = calls::eval(ctx, env, left).await?;
                match (op, &left) {
                    (BinaryOp::And, Value::Bool(false)) => return Ok(Value::Bool(false)),
                    (BinaryOp::Or, Value::Bool(true)) => return Ok(Value::Bool(true)),
                    _ => {}
                }
                let right = calls::eval(ctx, env, right).await?;
                let value = binary(*op, &left, &right).map_err(&panic)?;
                ctx.allocate(value.weight())?;
                Ok(value)
            }
            ExprKind::Negate(value) => match calls::eval(ctx, env, value).await? {
                Value::Int(n) => n
                    .checked_neg()
                    .map(Value::Int)
                    .ok_or_else(|| panic("attempt to negate with overflow".into())),
                other => Err(panic(format!("`-` on a {}", other.type_name()))),
            },
            ExprKind::Not(value) => match calls::eval(ctx, env, value).await? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => Err(panic(format!("`!` on a {}", other.type_name()))),
            },
            ExprKind::Cast {
                value,
                bits,
                signed,
            } => {
                let n = int(&calls::eval(ctx, env, value).await?, "`as`").map_err(&panic)?;
                Ok(Value::Int(wrap(n, *bits, *signed)))
            }
            ExprKind::Block(inner) => block(ctx, env, inner).await,
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                if truth(&calls::eval(ctx, env, condition).await?).map_err(&panic)? {
                    block(ctx, env, then).await
                } else if let Some(otherwise) = otherwise {
                    calls::eval(ctx, env, otherwise).await
                } else {
                    Ok(Value::Unit)
                }
            }
            ExprKind::Match { value, arms } => {
                let value = calls::eval(ctx, env, value).await?;
                for arm in arms {
                    let mark = env.mark();
                    if bind(env, &arm.pattern, value.clone()) {
                        let result = calls::eval(ctx, env, &arm.body).await;
                        env.truncate(mark);
                        return result;
                    }
                    env.truncate(mark);
                }
                Err(panic(format!("no `match` arm matches {value:?}")))
            }
            ExprKind::While { condition, body } => {
                while truth(&calls::eval(ctx, env, condition).await?).map_err(&panic)? {
                    if !iteration(ctx, env, None, body).await? {
                        break;
                    }
                }
                Ok(Value::Unit)
            }
            ExprKind::Loop(body) => loop {
                // Each pass is a step, as in `iteration`: `loop {}` is a busy poll.
                ctx.tick()?;
                match block(ctx, env, body).await {
                    Ok(_) | Err(Flow::Continue) => {}
                    Err(Flow::Break(value)) => return Ok(value),
                    Err(other) => return Err(other),
                }
            },
            ExprKind::For {
                pattern,
                start,
                end,
                inclusive,
                body,
            } => {
                let start =
                    int(&calls::eval(ctx, env, start).await?, "a range's start").map_err(&panic)?;
                let end =
                    int(&calls::eval(ctx, env, end).await?, "a range's end").map_err(&panic)?;
                let mut i = start;
                while if *inclusive { i <= end } else { i < end } {
                    if !iteration(ctx, env, Some((pattern, Value::Int(i))), body).await? {
                        break;
                    }
                    let Some(next) = i.checked_add(1) else { break };
                    i = next;
                }
                Ok(Value::Unit)
            }
            ExprKind::ForEach {
                pattern,
                items,
                body,
            } => {
                let items = match calls::eval(ctx, env, items).await? {
                    Value::List(items) => std::mem::take(&mut *items.borrow_mut()),
                    other => {
                        return Err(panic(format!(
                            "`for` runs over a range (`0..n`) or a Vec, not a {}",
                            other.type_name()
                        )));
                    }
                };
                for item in items {
                    if !iteration(ctx, env, Some((pattern, item)), body).await? {
                        break;
                    }
                }
                Ok(Value::Unit)
            }
            ExprKind::List(items) => {
                let mut values = Vec::new();
                for item in items {
                    let item = calls::eval(ctx, env, item).await?;
                    ctx.check_value(&item, true)?;
                    values.push(item);
                }
                let list = Value::List(Rc::new(std::cell::RefCell::new(values)));
                ctx.check_value(&list, false)?;
                Ok(list)
            }
            ExprKind::Break(value) => {
                let value = match value {
                    Some(value) => calls::eval(ctx, env, value).await?,
                    None => Value::Unit,
                };
                Err(Flow::Break(value))
            }
            ExprKind::Continue => Err(Flow::Continue),
            ExprKind::Return(value) => {
                let value = match value {
                    Some(value) => calls::eval(ctx, env, value).await?,
                    None => Value::Unit,
                };
                Err(Flow::Return(value))
            }
            ExprKind::Assign { name, op, value } => {
                let value = calls::eval(ctx, env, value).await?;
                let value = match op {
                    Some(op) => {
                        let old = env
                            .get(name)
                            .cloned()
                            .ok_or_else(|| panic(format!("cannot find the variable `{name}`")))?;
                        binary(*op, &old, &value).map_err(&panic)?
                    }
                    None => value,
                };
                ctx.allocate(value.weight())?;
                if env.set(name, value) {
                    Ok(Value::Unit)
                } else {
                    Err(panic(format!(
                        "cannot find the variable `{name}` in this scope"
                    )))
                }
            }
            ExprKind::Print { print, pieces } => {
                let mut text = String::new();
                for piece in pieces {
                    match piece {
                        crate::ast::Piece::Text(literal) => text.push_str(literal),
                        crate::ast::Piece::Arg { value, debug } => {
                            let value = calls::eval(ctx, env, value).await?;
                            if *debug {
                                text.push_str(&format!("{value:?}"));
                            } else {
                                text.push_str(&value.to_string());
                            }
                        }
                    }
                }
                ctx.allocate(text.len() as u64)?;
                match print {
                    Print::Line => {
                        reactor_engine::output(text);
                        Ok(Value::Unit)
                    }
                    Print::Format => Ok(Value::Str(text.into())),
                    Print::Panic => Err(Flow::Panic(text)),
                }
            }
            ExprKind::Assert { condition, text } => {
                if truth(&calls::eval(ctx, env, condition).await?).map_err(&panic)? {
                    Ok(Value::Unit)
                } else {
                    Err(Flow::Panic(format!("assertion failed: {text}")))
                }
            }
            ExprKind::AssertEq { left, right, equal } => {
                let left = calls::eval(ctx, env, left).await?;
                let right = calls::eval(ctx, env, right).await?;
                let same = left.equals(&right).ok_or_else(|| {
                    panic(format!(
                        "cannot compare a {} with a {}",
                        left.type_name(),
                        right.type_name()
                    ))
                })?;
                if same == *equal {
                    Ok(Value::Unit)
                } else {
                    let op = if *equal { "==" } else { "!=" };
                    Err(Flow::Panic(format!(
                        "assertion `left {op} right` failed\n  left: {left:?}\n right: {right:?}"
                    )))
                }
            }
            _ => calls::expr(ctx, env, expr).await,
        }
    })
}
