//! The values a program computes with.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use reactor_engine::JoinHandle;
use reactor_engine::net::{TcpListener, TcpStream};

use crate::ast::{Block, Function};

/// One value. Buffers, sockets, futures and handles are shared: a copy of
/// the value is the same buffer (as `&mut buf` is), the same socket.
#[derive(Clone)]
pub(crate) enum Value {
    Unit,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    /// A byte buffer or byte text.
    Bytes(Rc<RefCell<Vec<u8>>>),
    Duration(Duration),
    Tuple(Rc<[Value]>),
    List(Rc<RefCell<Vec<Value>>>),
    Result(Rc<Result<Value, Value>>),
    /// A future not awaited yet; taken when awaited or spawned.
    Future(Rc<RefCell<Option<Lazy>>>),
    /// A `JoinHandle`; taken when awaited.
    Handle(Rc<RefCell<Option<JoinHandle<Value>>>>),
    Listener(Rc<RefCell<TcpListener>>),
    Stream(Rc<RefCell<TcpStream>>),
    /// An I/O error or a `JoinError`, as its text.
    Error(Rc<str>),
    /// What a variable holds once its socket, handle or future moved away.
    Moved,
}

/// What a future does once awaited (Rust futures do nothing until then).
pub(crate) enum Lazy {
    Sleep(Duration),
    Yield,
    /// `std::future::pending()`: never ready, keeps no waker.
    Pending,
    /// A `JoinHandle` handed to `join!` or `select!`.
    Join(JoinHandle<Value>),
    /// A call of the program's function, with its arguments, at this depth
    /// of calls in its task (1 for a task's own function).
    Call(Arc<Function>, Vec<Value>, u32),
    Block(Arc<Block>, super::Env),
    Bind(Rc<str>),
    Connect(Rc<str>),
    Accept(Rc<RefCell<TcpListener>>),
    Read {
        stream: Rc<RefCell<TcpStream>>,
        buffer: Rc<RefCell<Vec<u8>>>,
        exact: bool,
    },
    WriteAll(Rc<RefCell<TcpStream>>, Vec<u8>),
}

impl Value {
    pub(crate) fn future(lazy: Lazy) -> Value {
        Value::Future(Rc::new(RefCell::new(Some(lazy))))
    }

    pub(crate) fn ok(value: Value) -> Value {
        Value::Result(Rc::new(Ok(value)))
    }

    pub(crate) fn err(value: Value) -> Value {
        Value::Result(Rc::new(Err(value)))
    }

    pub(crate) fn bytes(bytes: Vec<u8>) -> Value {
        Value::Bytes(Rc::new(RefCell::new(bytes)))
    }

    /// The type's name, for errors.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Unit => "()",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Str(_) => "String",
            Value::Bytes(_) => "byte buffer",
            Value::Duration(_) => "Duration",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "Vec",
            Value::Result(_) => "Result",
            Value::Future(_) => "future",
            Value::Handle(_) => "JoinHandle",
            Value::Listener(_) => "TcpListener",
            Value::Stream(_) => "TcpStream",
            Value::Error(_) => "error",
            Value::Moved => "moved value",
        }
    }

    /// Structural equality, for `==` and `assert_eq!`; `None` when the two
    /// cannot be compared.
    pub(crate) fn equals(&self, other: &Value) -> Option<bool> {
        Some(match (self, other) {
            (Value::Unit, Value::Unit) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => *a.borrow() == *b.borrow(),
            (Value::Duration(a), Value::Duration(b)) => a == b,
            (Value::Error(a), Value::Error(b)) => a == b,
            (Value::Tuple(a), Value::Tuple(b)) if a.len() == b.len() => {
                for (a, b) in a.iter().zip(b.iter()) {
                    if !a.equals(b)? {
                        return Some(false);
                    }
                }
                true
            }
            (Value::List(a), Value::List(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                if a.len() != b.len() {
                    return Some(false);
                }
                for (a, b) in a.iter().zip(b.iter()) {
                    if !a.equals(b)? {
                        return Some(false);
                    }
                }
                true
            }
            (Value::Result(a), Value::Result(b)) => match (&**a, &**b) {
                (Ok(a), Ok(b)) | (Err(a), Err(b)) => a.equals(b)?,
                _ => false,
            },
            _ => return None,
        })
    }

    /// How deeply tuples, results and `Vec`s nest in this value (0 for a
    /// plain one), counted no further than `limit`, and whether a `Vec` is
    /// among them.
    pub(crate) fn nesting(&self, limit: u32) -> (u32, bool) {
        if limit == 0 {
            return (1, false);
        }
        let inner = |items: &mut dyn Iterator<Item = &Value>| {
            items.fold((0, false), |(depth, list), item| {
                let (d, l) = item.nesting(limit - 1);
                (depth.max(d), list || l)
            })
        };
        match self {
            Value::Tuple(items) => {
                let (depth, list) = inner(&mut items.iter());
                (depth + 1, list)
            }
            Value::Result(result) => {
                let (Ok(value) | Err(value)) = &**result;
                let (depth, list) = value.nesting(limit - 1);
                (depth + 1, list)
            }
            Value::List(items) => {
                let (depth, _) = inner(&mut items.borrow().iter());
                (depth + 1, true)
            }
            _ => (0, false),
        }
    }

    /// How many bytes the value holds, for the memory limit.
    pub(crate) fn weight(&self) -> u64 {
        match self {
            Value::Str(text) => text.len() as u64,
            Value::Bytes(bytes) => bytes.borrow().len() as u64,
            _ => 0,
        }
    }
}

/// `{}`: as Rust's `Display`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(text) => f.write_str(text),
            Value::Error(text) => f.write_str(text),
            Value::Int(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// `{:?}`: as Rust's `Debug`.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unit => f.write_str("()"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(text) => write!(f, "{:?}", &**text),
            Value::Bytes(bytes) => write!(f, "{:?}", &*bytes.borrow()),
            Value::Duration(duration) => write!(f, "{duration:?}"),
            Value::Tuple(items) => {
                let mut tuple = f.debug_tuple("");
                for item in items.iter() {
                    tuple.field(item);
                }
                tuple.finish()
            }
            Value::List(items) => f.debug_list().entries(items.borrow().iter()).finish(),
            Value::Result(result) => match &**result {
                Ok(value) => f.debug_tuple("Ok").field(value).finish(),
                Err(value) => f.debug_tuple("Err").field(value).finish(),
            },
            Value::Future(_) => f.write_str("<future>"),
            Value::Handle(_) => f.write_str("JoinHandle"),
            Value::Listener(_) => f.write_str("TcpListener"),
            Value::Stream(_) => f.write_str("TcpStream"),
            Value::Error(text) => write!(f, "{text:?}"),
            Value::Moved => f.write_str("<moved>"),
        }
    }
}
