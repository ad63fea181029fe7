//! Running a program: an interpreter written as async Rust on the engine.
//!
//! ```text
//!   main()  ──▶ engine block_on future: eval(main's body)
//!   eval(expr).await            statements and expressions, one at a time
//!     `.await` on a future ──▶ drive(lazy).await ──▶ the engine's own future
//!                                 (sleep, yield_now, accept, read, a JoinHandle)
//!   tokio::spawn(future) ──▶ engine spawn_named(name, Budgeted(drive(lazy)))
//! ```
//!
//! Control flow that leaves an expression early (`break`, `return`, `?`, a
//! panic, a limit) travels as a [`Flow`] in the `Err` side of each step's
//! result. A panic becomes a real panic of the task (without the panic
//! hook's print), so the engine records it as it would a Tokio task's; a
//! limit ends the whole run with [`reactor_engine::end_run`].

mod calls;
mod eval;
mod io;
mod library;
mod ops;
mod value;

use std::cell::Cell;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

pub(crate) use value::{Lazy, Value};

use crate::{Limits, ast};

/// A boxed future of the interpreter.
pub(crate) type Step<'a> = Pin<Box<dyn Future<Output = Result<Value, Flow>> + 'a>>;

/// Why evaluation left an expression early.
pub(crate) enum Flow {
    Break(Value),
    Continue,
    Return(Value),
    /// The task panics with this message.
    Panic(String),
    /// A limit ended the run (already recorded).
    Ended,
}

/// Variables in scope: a stack of names, searched from the top; and how
/// deep in calls of its task the code that sees them runs.
#[derive(Clone, Default)]
pub(crate) struct Env {
    vars: Vec<(Arc<str>, Value)>,
    depth: u32,
}

impl Env {
    /// The scope of a function called at `depth`.
    pub(crate) fn in_call(depth: u32) -> Env {
        Env {
            vars: Vec::new(),
            depth,
        }
    }

    /// How deep in calls this scope's code runs.
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(known, _)| &**known == name)
            .map(|(_, value)| value)
    }

    pub(crate) fn set(&mut self, name: &str, value: Value) -> bool {
        match self
            .vars
            .iter_mut()
            .rev()
            .find(|(known, _)| &**known == name)
        {
            Some((_, slot)) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    pub(crate) fn bind(&mut self, name: Arc<str>, value: Value) {
        self.vars.push((name, value));
    }

    /// How many variables exist: a scope ends by truncating back to it.
    pub(crate) fn mark(&self) -> usize {
        self.vars.len()
    }

    pub(crate) fn truncate(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }
}

/// One run's interpreter: the program, its limits and what it has used.
pub(crate) struct Ctx {
    pub(crate) program: Arc<ast::Program>,
    pub(crate) limits: Limits,
    /// The address the program's listener got, for its peer.
    pub(crate) listener: Rc<Cell<Option<SocketAddr>>>,
    /// Addresses the program asked to bind, and the ones it got (port 0).
    pub(crate) bound: std::cell::RefCell<Vec<(Rc<str>, SocketAddr)>>,
    /// Steps left in this poll of the running task.
    fuel: Cell<u64>,
    /// Steps taken by the whole run.
    steps: Cell<u64>,
    pub(crate) tasks: Cell<u32>,
    pub(crate) sockets: Cell<u32>,
    pub(crate) memory: Cell<u64>,
    /// Where the stack stood when the running task's poll began.
    stack_base: Cell<usize>,
}

impl Ctx {
    /// One interpreter step; past the poll's budget, the run ends as a busy poll.
    pub(crate) fn tick(&self) -> Result<(), Flow> {
        let left = self.fuel.get();
        if left == 0 {
            return Err(self.end(format!(
                "busy poll: this task ran {} steps in one poll without reaching an `.await` that waits. \
                 In Tokio it would hold its thread forever and nothing else would run; add an `.await` \
                 (such as `tokio::task::yield_now().await`) inside the loop",
                self.limits.steps_per_poll
            )));
        }
        self.fuel.set(left - 1);
        let steps = self.steps.get() + 1;
        if steps > self.limits.max_total_steps {
            return Err(self.end(format!(
                "the program took more than {} interpreter steps in all, its limit",
                self.limits.max_total_steps
            )));
        }
        self.steps.set(steps);
        Ok(())
    }

    /// Check the stack the running poll has used, as the distance from the
    /// poll's start to a local of the caller (stacks grow down here).
    pub(crate) fn check_stack(&self) -> Result<(), Flow> {
        let marker = 0u8;
        let here = (&raw const marker).addr();
        let used = self.stack_base.get().saturating_sub(here);
        if used > self.limits.max_stack_bytes {
            return Err(self.end(format!(
                "the program nests too deeply: its calls and expressions used more than {} KiB of stack in one poll \
                 (in Rust, deep recursion overflows the stack and aborts the program)",
                self.limits.max_stack_bytes / 1024
            )));
        }
        Ok(())
    }

    /// A tuple, result or `Vec` just made (or an item about to go into a
    /// `Vec`, `into_list`): nested no deeper than the limit, and no `Vec`
    /// inside a `Vec`, so no value can ever contain itself.
    pub(crate) fn check_value(&self, value: &Value, into_list: bool) -> Result<(), Flow> {
        let limit = self.limits.max_value_nesting;
        let (depth, has_list) = value.nesting(limit + 1);
        if depth > limit {
            return Err(self.end(format!(
                "values nested more than {limit} deep (tuples, results and Vecs inside one another), the limit"
            )));
        }
        if into_list && has_list {
            return Err(Flow::Panic(
                "a Vec inside a Vec is not supported in the playground".into(),
            ));
        }
        Ok(())
    }

    /// A sleep (or a blocking call) of `duration` from now must end within
    /// the run's virtual time.
    pub(crate) fn check_time(&self, duration: std::time::Duration) -> Result<(), Flow> {
        let now = reactor_engine::now_ms().unwrap_or(0);
        let limit = u64::try_from(self.limits.max_virtual_time.as_millis()).unwrap_or(u64::MAX);
        let end = now.saturating_add(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX));
        if end > limit {
            return Err(self.end(format!(
                "this sleep would end at {end} ms, past the run's limit of {limit} ms of virtual time"
            )));
        }
        Ok(())
    }

    /// Count `bytes` more of strings and buffers against the memory limit.
    pub(crate) fn allocate(&self, bytes: u64) -> Result<(), Flow> {
        let used = self.memory.get().saturating_add(bytes);
        if used > self.limits.max_memory_bytes {
            return Err(self.end(format!(
                "the program made more than {} bytes of strings and buffers, its limit",
                self.limits.max_memory_bytes
            )));
        }
        self.memory.set(used);
        Ok(())
    }

    /// End the whole run with an `error` record saying which limit was hit.
    pub(crate) fn end(&self, message: String) -> Flow {
        reactor_engine::end_run(message);
        Flow::Ended
    }
}

/// The run's `main` future.
pub(crate) fn main(
    program: Arc<ast::Program>,
    limits: Limits,
    listener: Rc<Cell<Option<SocketAddr>>>,
) -> Pin<Box<dyn Future<Output = Result<(), String>>>> {
    let ctx = Rc::new(Ctx {
        program: Arc::clone(&program),
        fuel: Cell::new(limits.steps_per_poll),
        steps: Cell::new(0),
        limits,
        listener,
        bound: std::cell::RefCell::new(Vec::new()),
        tasks: Cell::new(0),
        sockets: Cell::new(0),
        memory: Cell::new(0),
        stack_base: Cell::new(0),
    });
    let Some(function) = program.function("main").cloned() else {
        return Box::pin(async { Err("the program has no `main`".to_string()) });
    };
    let run = Budgeted {
        ctx: Rc::clone(&ctx),
        inner: calls::drive(ctx, Lazy::Call(function, Vec::new(), 1)),
    };
    Box::pin(async move {
        match run.await {
            Ok(Value::Result(result)) => match &*result {
                Ok(_) => Ok(()),
                Err(error) => Err(format!("Error: {error:?}")),
            },
            Ok(_) => Ok(()),
            Err(Flow::Panic(message)) => std::panic::resume_unwind(Box::new(message)),
            Err(Flow::Ended) => std::future::pending().await,
            Err(Flow::Break(_) | Flow::Continue | Flow::Return(_)) => Ok(()),
        }
    })
}

/// A task's future with a fresh step budget at each poll.
pub(crate) struct Budgeted<F> {
    ctx: Rc<Ctx>,
    inner: F,
}

impl<F: Future + Unpin> Future for Budgeted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.ctx.fuel.set(self.ctx.limits.steps_per_poll);
        let marker = 0u8;
        self.ctx.stack_base.set((&raw const marker).addr());
        Pin::new(&mut self.inner).poll(cx)
    }
}
