//! Calls, methods, `.await`, `?`, `spawn`, `join!` and `select!`: where the
//! program meets the engine.

use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;

use super::eval::{self, bind};
use super::library;
use super::ops::int;
use super::{Budgeted, Ctx, Env, Flow, Lazy, Step, Value, io};
use crate::ast::{Expr, ExprKind};

/// Evaluate an expression (the one entry point, shared with `eval.rs`).
pub(crate) fn eval<'a>(ctx: &'a Rc<Ctx>, env: &'a mut Env, expr: &'a Expr) -> Step<'a> {
    eval::expr(ctx, env, expr)
}

/// The expressions that call out: functions, methods, futures.
pub(crate) async fn expr(ctx: &Rc<Ctx>, env: &mut Env, expr: &Expr) -> Result<Value, Flow> {
    let at = expr.span;
    let panic =
        |message: String| Flow::Panic(format!("{message} (at line {}:{})", at.line, at.column));
    match &expr.kind {
        ExprKind::Call { function, args } => {
            let values = arguments(ctx, env, args).await?;
            let Some(function) = ctx.program.function(function).cloned() else {
                return Err(panic(format!("no function `{function}`")));
            };
            let call = Lazy::Call(function, values, env.depth() + 1);
            if call_is_async(&call) {
                Ok(Value::future(call))
            } else {
                drive(Rc::clone(ctx), call).await
            }
        }
        ExprKind::Builtin { builtin, args } => {
            let values = arguments(ctx, env, args).await?;
            library::builtin_call(ctx, *builtin, values).map_err(panic)?
        }
        ExprKind::MethodCall {
            receiver,
            method,
            args,
        } => {
            let receiver = eval(ctx, env, receiver).await?;
            let values = arguments(ctx, env, args).await?;
            library::method_call(ctx, *method, receiver, values).map_err(panic)?
        }
        ExprKind::Await(awaited) => {
            let value = eval(ctx, env, awaited).await?;
            reactor_engine::program_at(at);
            let lazy = take_future(value).map_err(&panic)?;
            let result = drive(Rc::clone(ctx), lazy).await;
            reactor_engine::program_at(at);
            result
        }
        ExprKind::Try(value) => match eval(ctx, env, value).await? {
            Value::Result(result) => match &*result {
                Ok(value) => Ok(value.clone()),
                Err(_) => Err(Flow::Return(Value::Result(result))),
            },
            other => Err(panic(format!(
                "`?` on a {}, not a Result",
                other.type_name()
            ))),
        },
        ExprKind::Async { body, takes } => {
            let future = Lazy::Block(std::sync::Arc::clone(body), env.clone());
            for name in takes {
                take_resource(env, name);
            }
            Ok(Value::future(future))
        }
        ExprKind::Index {
            base,
            start,
            end,
            range,
            inclusive,
        } => {
            let base = eval(ctx, env, base).await?;
            let start = match start {
                Some(start) => {
                    Some(int(&eval(ctx, env, start).await?, "an index").map_err(&panic)?)
                }
                None => None,
            };
            let end = match end {
                Some(end) => Some(int(&eval(ctx, env, end).await?, "an index").map_err(&panic)?),
                None => None,
            };
            library::index(ctx, &base, start, end, *range, *inclusive).map_err(panic)?
        }
        ExprKind::Join(futures) => {
            let mut lazies = Vec::new();
            for future in futures {
                lazies.push(take_future(eval(ctx, env, future).await?).map_err(&panic)?);
            }
            let mut running: Vec<(Step<'static>, Option<Value>)> = lazies
                .into_iter()
                .map(|lazy| (drive(Rc::clone(ctx), lazy), None))
                .collect();
            let flow = poll_fn(|cx| {
                let mut pending = false;
                for (future, output) in &mut running {
                    if output.is_none() {
                        match future.as_mut().poll(cx) {
                            Poll::Ready(Ok(value)) => *output = Some(value),
                            Poll::Ready(Err(flow)) => return Poll::Ready(Err(flow)),
                            Poll::Pending => pending = true,
                        }
                    }
                }
                if pending {
                    Poll::Pending
                } else {
                    Poll::Ready(Ok(()))
                }
            })
            .await;
            flow?;
            Ok(Value::Tuple(
                running
                    .into_iter()
                    .map(|(_, output)| output.unwrap_or(Value::Unit))
                    .collect(),
            ))
        }
        ExprKind::Select(branches) => {
            let mut running = Vec::new();
            for branch in branches {
                let lazy = take_future(eval(ctx, env, &branch.future).await?).map_err(&panic)?;
                running.push(drive(Rc::clone(ctx), lazy));
            }
            // Branches are polled in the order written, as `biased;` does:
            // Tokio's default random start would make runs differ.
            let (chosen, value) = poll_fn(|cx| {
                for (index, future) in running.iter_mut().enumerate() {
                    if let Poll::Ready(result) = future.as_mut().poll(cx) {
                        return Poll::Ready((index, result));
                    }
                }
                Poll::Pending
            })
            .await;
            drop(running);
            let value = value?;
            let branch = &branches[chosen];
            let mark = env.mark();
            if !bind(env, &branch.pattern, value) {
                env.truncate(mark);
                return Err(panic(
                    "the chosen `select!` branch's pattern did not match".into(),
                ));
            }
            let result = eval(ctx, env, &branch.handler).await;
            env.truncate(mark);
            result
        }
        other => Err(panic(format!("cannot evaluate {other:?}"))),
    }
}

/// Evaluate a call's arguments. A socket, handle or future passed by
/// value (not `&`) moves into the call, as in Rust: the caller's variable
/// no longer holds it, so it closes when the callee is done with it.
async fn arguments(ctx: &Rc<Ctx>, env: &mut Env, args: &[Expr]) -> Result<Vec<Value>, Flow> {
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        let value = eval(ctx, env, arg).await?;
        if let ExprKind::Variable(name) = &arg.kind {
            take_resource(env, name);
        }
        values.push(value);
    }
    Ok(values)
}

/// Move the socket, handle or future `name` holds out of `env`, if it
/// holds one: its variable holds nothing from here on.
fn take_resource(env: &mut Env, name: &str) {
    let resource = matches!(
        env.get(name),
        Some(Value::Stream(_) | Value::Listener(_) | Value::Handle(_) | Value::Future(_))
    );
    if resource {
        env.set(name, Value::Moved);
    }
}

fn call_is_async(call: &Lazy) -> bool {
    matches!(call, Lazy::Call(function, _, _) if function.is_async)
}

pub(super) fn take_future(value: Value) -> Result<Lazy, String> {
    match value {
        Value::Future(lazy) => lazy
            .borrow_mut()
            .take()
            .ok_or_else(|| "this future was already awaited or spawned".to_string()),
        Value::Handle(handle) => {
            let handle = handle
                .borrow_mut()
                .take()
                .ok_or("this JoinHandle was already awaited")?;
            Ok(Lazy::Join(handle))
        }
        other => Err(format!(
            "expected a future or a JoinHandle, found a {}: only those can be awaited, spawned, joined or selected",
            other.type_name()
        )),
    }
}

/// Run a future to its end: the one place a program's futures become the engine's.
pub(crate) fn drive(ctx: Rc<Ctx>, lazy: Lazy) -> Step<'static> {
    Box::pin(async move {
        match lazy {
            Lazy::Sleep(duration) => {
                ctx.check_time(duration)?;
                reactor_engine::sleep(duration).await;
                Ok(Value::Unit)
            }
            Lazy::Yield => {
                reactor_engine::yield_now().await;
                Ok(Value::Unit)
            }
            Lazy::Pending => std::future::pending().await,
            Lazy::Join(handle) => Ok(match handle.await {
                Ok(value) => Value::ok(value),
                Err(error) => Value::err(Value::Error(error.to_string().into())),
            }),
            Lazy::Call(function, args, depth) => {
                if depth > ctx.limits.max_call_depth {
                    return Err(ctx.end(format!(
                        "calls nested more than {} deep (the call depth limit)",
                        ctx.limits.max_call_depth
                    )));
                }
                let mut env = Env::in_call(depth);
                for (name, value) in function.params.iter().zip(args) {
                    env.bind(name.clone(), value);
                }
                let result = eval::block(&ctx, &mut env, &function.body).await;
                match result {
                    Ok(value) | Err(Flow::Return(value)) => Ok(value),
                    Err(other) => Err(other),
                }
            }
            Lazy::Block(body, mut env) => match eval::block(&ctx, &mut env, &body).await {
                Ok(value) | Err(Flow::Return(value)) => Ok(value),
                Err(other) => Err(other),
            },
            io_future => io::drive(&ctx, io_future).await,
        }
    })
}

/// Spawn `lazy` as an engine task named `name`.
pub(super) fn spawn(ctx: &Rc<Ctx>, lazy: Lazy) -> Result<Value, Flow> {
    let spawned = ctx.tasks.get() + 1;
    if spawned > ctx.limits.max_tasks {
        return Err(ctx.end(format!(
            "the program spawned more than {} tasks, its limit",
            ctx.limits.max_tasks
        )));
    }
    ctx.tasks.set(spawned);
    // A task starts a stack of its own: its function is at depth 1.
    let (name, lazy) = match lazy {
        Lazy::Call(function, args, _) => (function.name.to_string(), Lazy::Call(function, args, 1)),
        other => ("task".to_string(), other),
    };
    let task = Budgeted {
        ctx: Rc::clone(ctx),
        inner: drive(Rc::clone(ctx), lazy),
    };
    let handle = reactor_engine::spawn_named(&name, async move {
        match task.await {
            Ok(value) => value,
            Err(Flow::Panic(message)) => std::panic::resume_unwind(Box::new(message)),
            Err(Flow::Ended) => std::future::pending().await,
            Err(Flow::Break(_) | Flow::Continue | Flow::Return(_)) => Value::Unit,
        }
    });
    Ok(Value::Handle(Rc::new(std::cell::RefCell::new(Some(
        handle,
    )))))
}
