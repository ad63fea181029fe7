//! The library: Tokio's and std's functions and methods the playground
//! runs, and slicing. Each returns the value, or the panic message of a
//! misuse; a limit met on the way ends the run (the inner `Flow`).

use std::rc::Rc;
use std::time::Duration;

use super::ops::int;
use super::{Ctx, Flow, Lazy, Value, calls};
use crate::ast::{Builtin, Method};

pub(super) fn builtin_call(
    ctx: &Rc<Ctx>,
    builtin: Builtin,
    mut args: Vec<Value>,
) -> Result<Result<Value, Flow>, String> {
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "this call takes {n} argument(s), not {}",
                args.len()
            ))
        }
    };
    let duration = |value: &Value| match value {
        Value::Duration(duration) => Ok(*duration),
        other => Err(format!(
            "expected a Duration, found a {}",
            other.type_name()
        )),
    };
    Ok(Ok(match builtin {
        Builtin::Spawn => {
            arity(1)?;
            let lazy = calls::take_future(args.remove(0))?;
            return Ok(calls::spawn(ctx, lazy));
        }
        Builtin::Sleep => {
            arity(1)?;
            Value::future(Lazy::Sleep(duration(&args[0])?))
        }
        Builtin::YieldNow => {
            arity(0)?;
            Value::future(Lazy::Yield)
        }
        Builtin::Pending => {
            arity(0)?;
            Value::future(Lazy::Pending)
        }
        Builtin::DurationFrom { millis_per_unit } => {
            arity(1)?;
            let n = int(&args[0], "a duration")?;
            let n = u64::try_from(n).map_err(|_| "a duration cannot be negative".to_string())?;
            Value::Duration(Duration::from_millis(n.saturating_mul(millis_per_unit)))
        }
        Builtin::Bind | Builtin::Connect => {
            arity(1)?;
            let Value::Str(address) = &args[0] else {
                return Err(format!(
                    "expected an address such as \"127.0.0.1:8080\", found a {}",
                    args[0].type_name()
                ));
            };
            let address = Rc::clone(address);
            Value::future(if builtin == Builtin::Bind {
                Lazy::Bind(address)
            } else {
                Lazy::Connect(address)
            })
        }
        Builtin::VecNew => Value::List(Rc::new(std::cell::RefCell::new(Vec::new()))),
        Builtin::FromUtf8Lossy => {
            arity(1)?;
            let Value::Bytes(bytes) = &args[0] else {
                return Err(format!("expected bytes, found a {}", args[0].type_name()));
            };
            Value::Str(String::from_utf8_lossy(&bytes.borrow()).into_owned().into())
        }
        Builtin::StringFrom => match args.pop() {
            None => Value::Str("".into()),
            Some(Value::Str(text)) if args.is_empty() => Value::Str(text),
            Some(other) => {
                return Err(format!(
                    "`String::from` takes text, not a {}",
                    other.type_name()
                ));
            }
        },
        Builtin::BlockingSleep => {
            arity(1)?;
            let duration = duration(&args[0])?;
            if let Err(flow) = ctx.check_time(duration) {
                return Ok(Err(flow));
            }
            reactor_engine::block_thread_for(duration);
            Value::Unit
        }
        Builtin::Ok | Builtin::Err => {
            arity(1)?;
            let inner = args.remove(0);
            let result = if builtin == Builtin::Ok {
                Value::ok(inner)
            } else {
                Value::err(inner)
            };
            if let Err(flow) = ctx.check_value(&result, false) {
                return Ok(Err(flow));
            }
            result
        }
    }))
}

pub(super) fn method_call(
    ctx: &Rc<Ctx>,
    method: Method,
    receiver: Value,
    mut args: Vec<Value>,
) -> Result<Result<Value, Flow>, String> {
    let none = |args: &[Value]| {
        if args.is_empty() {
            Ok(())
        } else {
            Err("this method takes no arguments".to_string())
        }
    };
    Ok(Ok(match (method, receiver) {
        (Method::Unwrap | Method::Expect, Value::Result(result)) => match &*result {
            Ok(value) => value.clone(),
            Err(error) => {
                let message = match (method, args.first()) {
                    (Method::Expect, Some(text)) => format!("{text}: {error:?}"),
                    _ => format!("called `Result::unwrap()` on an `Err` value: {error:?}"),
                };
                return Err(message);
            }
        },
        (Method::IsOk, Value::Result(result)) => Value::Bool(result.is_ok()),
        (Method::IsErr, Value::Result(result)) => Value::Bool(result.is_err()),
        (Method::Read | Method::ReadExact, Value::Stream(stream)) => {
            let [Value::Bytes(buffer)] = &args[..] else {
                return Err("`read` takes a buffer: `stream.read(&mut buf)`".into());
            };
            Value::future(Lazy::Read {
                stream,
                buffer: Rc::clone(buffer),
                exact: method == Method::ReadExact,
            })
        }
        (Method::WriteAll, Value::Stream(stream)) => {
            let bytes = match args.pop() {
                Some(Value::Bytes(bytes)) => bytes.borrow().clone(),
                Some(Value::Str(text)) => text.as_bytes().to_vec(),
                _ => return Err("`write_all` takes bytes: `stream.write_all(b\"hi\")`".into()),
            };
            Value::future(Lazy::WriteAll(stream, bytes))
        }
        (Method::Accept, Value::Listener(listener)) => {
            none(&args)?;
            Value::future(Lazy::Accept(listener))
        }
        (Method::Push, Value::List(items)) => {
            let [item] =
                <[Value; 1]>::try_from(args).map_err(|_| "`push` takes one value".to_string())?;
            if let Err(flow) = ctx
                .check_value(&item, true)
                .and_then(|()| ctx.allocate(size_of::<Value>() as u64))
            {
                return Ok(Err(flow));
            }
            let mut items = items.borrow_mut();
            items.push(item);
            Value::Unit
        }
        (Method::Len, Value::List(items)) => Value::Int(items.borrow().len() as i64),
        (Method::IsEmpty, Value::List(items)) => Value::Bool(items.borrow().is_empty()),
        (Method::Len, Value::Bytes(bytes)) => Value::Int(bytes.borrow().len() as i64),
        (Method::Len, Value::Str(text)) => Value::Int(text.len() as i64),
        (Method::IsEmpty, Value::Bytes(bytes)) => Value::Bool(bytes.borrow().is_empty()),
        (Method::IsEmpty, Value::Str(text)) => Value::Bool(text.is_empty()),
        (
            Method::ToString,
            value @ (Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::Error(_)),
        ) => Value::Str(value.to_string().into()),
        (Method::Clone, Value::Bytes(bytes)) => {
            let copy = bytes.borrow().clone();
            if let Err(flow) = ctx.allocate(copy.len() as u64) {
                return Ok(Err(flow));
            }
            Value::bytes(copy)
        }
        (Method::Clone, value) => value,
        (Method::AsBytes, Value::Str(text)) => Value::bytes(text.as_bytes().to_vec()),
        (Method::AsMillis, Value::Duration(duration)) => {
            Value::Int(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
        }
        (Method::AsSecs, Value::Duration(duration)) => {
            Value::Int(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
        }
        (method, receiver) => {
            return Err(format!(
                "`{}` is not a method of a {}",
                crate::lower::method_name(method),
                receiver.type_name()
            ));
        }
    }))
}

pub(super) fn index(
    ctx: &Rc<Ctx>,
    base: &Value,
    start: Option<i64>,
    end: Option<i64>,
    range: bool,
    inclusive: bool,
) -> Result<Result<Value, Flow>, String> {
    if let (Value::List(items), false) = (base, range) {
        let items = items.borrow();
        let i = usize::try_from(start.unwrap_or(0)).map_err(|_| "a negative index".to_string())?;
        let length = items.len();
        return items.get(i).cloned().map(Ok).ok_or_else(|| {
            format!("index out of bounds: the len is {length} but the index is {i}")
        });
    }
    let Value::Bytes(bytes) = base else {
        return Err(format!(
            "indexing a {}: only byte buffers and Vecs can be indexed",
            base.type_name()
        ));
    };
    let bytes = bytes.borrow();
    let length = bytes.len();
    let position = |n: i64| usize::try_from(n).map_err(|_| format!("index {n} is negative"));
    if !range {
        let i = position(start.unwrap_or(0))?;
        return bytes
            .get(i)
            .map(|b| Ok(Value::Int(i64::from(*b))))
            .ok_or_else(|| {
                format!("index out of bounds: the len is {length} but the index is {i}")
            });
    }
    let from = start.map_or(Ok(0), position)?;
    let to = match end {
        Some(end) => position(end)? + usize::from(inclusive),
        None => length,
    };
    if from > to || to > length {
        return Err(format!(
            "range {from}..{to} out of range for a buffer of length {length}"
        ));
    }
    if let Err(flow) = ctx.allocate((to - from) as u64) {
        return Ok(Err(flow));
    }
    Ok(Ok(Value::bytes(bytes[from..to].to_vec())))
}
