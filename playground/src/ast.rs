//! The program as the interpreter runs it: the subset of Rust's syntax the
//! playground accepts, each node with its line and column. `lower/` builds
//! it from syn's tree and refuses everything else; `interp/` runs it.

use std::sync::Arc;

use reactor_protocol::Span;

/// A whole program.
#[derive(Debug)]
pub(crate) struct Program {
    /// Its functions, `main` among them, in the order written.
    pub(crate) functions: Vec<Arc<Function>>,
    /// Worker threads of `#[tokio::main(flavor = "multi_thread")]`; `None`: one thread.
    pub(crate) workers: Option<u32>,
}

impl Program {
    /// The function called `name`.
    pub(crate) fn function(&self, name: &str) -> Option<&Arc<Function>> {
        self.functions
            .iter()
            .find(|function| &*function.name == name)
    }
}

/// An `async fn` or a plain `fn`.
#[derive(Debug)]
pub(crate) struct Function {
    pub(crate) name: Arc<str>,
    pub(crate) is_async: bool,
    pub(crate) params: Vec<Arc<str>>,
    pub(crate) body: Arc<Block>,
}

/// `{ statements; tail }`: a block's value is its tail, or `()`.
#[derive(Debug, Default)]
pub(crate) struct Block {
    pub(crate) statements: Vec<Statement>,
    pub(crate) tail: Option<Box<Expr>>,
}

/// One statement.
#[derive(Debug)]
pub(crate) enum Statement {
    /// `let pattern = value;` (`let x;` is refused: every binding starts with a value).
    Let {
        pattern: Pattern,
        value: Expr,
        span: Span,
    },
    /// An expression, its value dropped.
    Expr(Expr),
}

/// What a `let`, a `for`, a `match` arm or a `select!` branch binds.
#[derive(Clone, Debug)]
pub(crate) enum Pattern {
    /// `_`
    Ignore,
    /// `name` or `mut name`
    Bind(Arc<str>),
    /// `(a, b)`
    Tuple(Vec<Pattern>),
    /// `Ok(p)`
    Ok(Box<Pattern>),
    /// `Err(p)`
    Err(Box<Pattern>),
    /// An integer, `true`/`false` or a text literal.
    Literal(Literal),
}

/// A literal value written in the program.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Literal {
    Unit,
    Bool(bool),
    Int(i64),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
}

/// An expression and where it is.
#[derive(Debug)]
pub(crate) struct Expr {
    pub(crate) kind: ExprKind,
    pub(crate) span: Span,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// The library calls the playground knows, by what they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    /// `tokio::spawn(future)`
    Spawn,
    /// `tokio::time::sleep(duration)`
    Sleep,
    /// `tokio::task::yield_now()`
    YieldNow,
    /// `Duration::from_secs(n)`, `from_millis(n)`: the unit in milliseconds per 1.
    DurationFrom { millis_per_unit: u64 },
    /// `TcpListener::bind(address)`
    Bind,
    /// `TcpStream::connect(address)`
    Connect,
    /// `Vec::new()`, `Vec::with_capacity(n)`
    VecNew,
    /// `String::from_utf8_lossy(bytes)`
    FromUtf8Lossy,
    /// `String::from(text)`, `String::new()` with no argument
    StringFrom,
    /// `std::thread::sleep(duration)`: blocks the whole thread (a lab's hang).
    BlockingSleep,
    /// `std::future::pending()`: a future that never completes and keeps no waker.
    Pending,
    /// `Ok(value)`
    Ok,
    /// `Err(value)`
    Err,
}

/// The methods the playground knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Unwrap,
    Push,
    Expect,
    IsOk,
    IsErr,
    Read,
    ReadExact,
    WriteAll,
    Accept,
    Len,
    IsEmpty,
    ToString,
    Clone,
    AsBytes,
    AsMillis,
    AsSecs,
}

/// A `print!`-family line: literal text and arguments, in order.
#[derive(Debug)]
pub(crate) enum Piece {
    Text(Arc<str>),
    /// An argument shown with `{}` (`debug: false`) or `{:?}`.
    Arg {
        value: Expr,
        debug: bool,
    },
}

/// Where `println!` and friends write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Print {
    /// `println!` / `eprintln!`: a line on the console.
    Line,
    /// `format!`: a `String` value.
    Format,
    /// `panic!`: the task panics with this text.
    Panic,
}

/// One `tokio::select!` branch: `pattern = future => handler`.
#[derive(Debug)]
pub(crate) struct SelectBranch {
    pub(crate) pattern: Pattern,
    pub(crate) future: Expr,
    pub(crate) handler: Expr,
}

/// One `match` arm.
#[derive(Debug)]
pub(crate) struct MatchArm {
    pub(crate) pattern: Pattern,
    pub(crate) body: Expr,
}

/// What an expression is.
#[derive(Debug)]
pub(crate) enum ExprKind {
    Literal(Literal),
    Variable(Arc<str>),
    /// `&value` or `&mut value`: used in place, never moved.
    Reference(Box<Expr>),
    /// `[0u8; N]` or `vec![0u8; N]`: a byte buffer of `N` zeroes.
    Buffer(Box<Expr>),
    Tuple(Vec<Expr>),
    /// `tuple.0`
    Field(Box<Expr>, usize),
    /// `bytes[a..b]`, `bytes[..n]`, `bytes[i]`: `end` is `None` for one index.
    Index {
        base: Box<Expr>,
        start: Option<Box<Expr>>,
        end: Option<Box<Expr>>,
        range: bool,
        inclusive: bool,
    },
    /// A call of a function of the program.
    Call {
        function: Arc<str>,
        args: Vec<Expr>,
    },
    Builtin {
        builtin: Builtin,
        args: Vec<Expr>,
    },
    MethodCall {
        receiver: Box<Expr>,
        method: Method,
        args: Vec<Expr>,
    },
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    Not(Box<Expr>),
    /// `value as u8` and the other integer types: the value wrapped to the type.
    Cast {
        value: Box<Expr>,
        bits: u32,
        signed: bool,
    },
    Await(Box<Expr>),
    /// `result?`
    Try(Box<Expr>),
    /// `async move { … }` (or `async { … }`): a future that runs the block.
    /// A `move` block takes the names its code uses (`takes`; empty for a
    /// block without `move`).
    Async {
        body: Arc<Block>,
        takes: Vec<Arc<str>>,
    },
    Block(Block),
    If {
        condition: Box<Expr>,
        then: Block,
        otherwise: Option<Box<Expr>>,
    },
    Match {
        value: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    While {
        condition: Box<Expr>,
        body: Block,
    },
    Loop(Block),
    /// `for pattern in start..end` (`..=` when `inclusive`).
    For {
        pattern: Pattern,
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
        body: Block,
    },
    /// `for pattern in items`, over a `Vec` (taken: the loop owns it).
    ForEach {
        pattern: Pattern,
        items: Box<Expr>,
        body: Block,
    },
    /// `vec![a, b, c]`
    List(Vec<Expr>),
    Break(Option<Box<Expr>>),
    Continue,
    Return(Option<Box<Expr>>),
    /// `name = value`, or `name op= value` with the operator.
    Assign {
        name: Arc<str>,
        op: Option<BinaryOp>,
        value: Box<Expr>,
    },
    Print {
        print: Print,
        pieces: Vec<Piece>,
    },
    /// `assert!(condition)`, with its text for the message.
    Assert {
        condition: Box<Expr>,
        text: Arc<str>,
    },
    /// `assert_eq!(left, right)` (`equal`) or `assert_ne!`.
    AssertEq {
        left: Box<Expr>,
        right: Box<Expr>,
        equal: bool,
    },
    /// `tokio::join!(a, b, …)`
    Join(Vec<Expr>),
    /// `tokio::select! { … }`
    Select(Vec<SelectBranch>),
}
