//! The playground's language: a subset of async Rust written against
//! Tokio's API, run as real futures on the engine.
//!
//! ```text
//!   source ──syn──▶ syntax tree ──lower──▶ program (ast.rs) ──▶ Compiled
//!                     refusals, with line and column ◀─┘          │ load
//!   LabRun ◀── Program { main: interpreter future, peer } ◀───────┘
//!     every `.await` of the program awaits a real engine future:
//!     tokio::time::sleep → engine::sleep, stream.read → engine TcpStream::poll_read,
//!     tokio::spawn → engine::spawn_named, handle.await → engine JoinHandle
//! ```
//!
//! The interpreter (`interp/`) is itself async Rust: evaluating a program's
//! `.await` awaits the engine's own future, so every record is the engine's
//! real behaviour, not a model of it. It tells the engine where in the
//! program each task is ([`reactor_engine::program_at`]), so records carry
//! the program's line and column beside the engine's.
//!
//! The world outside the program — the client at the other end of its
//! sockets — is a small peer description ([`peer`]), since nobody types at
//! the other end. `docs/playground.md` lists the subset, the peer
//! description, the limits and how each construct maps onto the engine.

mod ast;
mod error;
pub mod examples;
mod interp;
mod limits;
mod lower;
pub mod peer;

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;

use reactor_engine::{LabRun, LabRunOptions, LoadError, Peer, Program};

pub use error::ProgramError;
pub use limits::Limits;

/// A program that parsed and passed every check: ready to run, as often
/// as wanted (each run is a fresh engine; runs are deterministic). It may
/// be compiled on one thread and run on another.
#[derive(Clone)]
pub struct Compiled {
    program: Arc<ast::Program>,
    peer: Arc<[(u64, reactor_engine::PeerAction)]>,
    limits: Limits,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("workers", &self.program.workers)
            .field("peer_actions", &self.peer.len())
            .finish_non_exhaustive()
    }
}

/// Parse and check `source` (the program) and `peer` (its peer description,
/// empty when it needs none) against `limits`.
///
/// # Errors
/// The first construct outside the subset, or the first mistake in the
/// peer description, with its line and column.
pub fn compile(source: &str, peer: &str, limits: &Limits) -> Result<Compiled, ProgramError> {
    if source.len() > limits.max_source_bytes {
        return Err(ProgramError::whole(format!(
            "the program is {} bytes; the playground takes at most {} bytes",
            source.len(),
            limits.max_source_bytes
        )));
    }
    if peer.len() > limits.max_source_bytes {
        return Err(ProgramError::whole(format!(
            "the peer description is {} bytes; the playground takes at most {} bytes",
            peer.len(),
            limits.max_source_bytes
        ))
        .in_peer());
    }
    let peer = peer::parse(peer, limits).map_err(ProgramError::in_peer)?;
    let program = lower::program(source, limits)?;
    Ok(Compiled {
        program: Arc::new(program),
        peer: peer.into(),
        limits: limits.clone(),
    })
}

impl Compiled {
    /// A fresh engine at the start of this program's run.
    ///
    /// # Errors
    /// The OS refused the runtime a resource (such as its epoll instance).
    pub fn load(&self, mut options: LabRunOptions) -> Result<LabRun, LoadError> {
        options.max_records = options.max_records.min(self.limits.max_records);
        let program = Arc::clone(&self.program);
        let limits = self.limits.clone();
        let steps = self.peer.to_vec();
        let build = move || {
            let listener: Rc<Cell<Option<SocketAddr>>> = Rc::new(Cell::new(None));
            let main = interp::main(program, limits, Rc::clone(&listener));
            let peer = (!steps.is_empty()).then(|| Peer::new(listener, steps));
            Program { main, peer }
        };
        LabRun::load_program(build, self.program.workers, options)
    }

    /// Worker threads of a multi-thread program; `None`: current-thread.
    pub fn workers(&self) -> Option<u32> {
        self.program.workers
    }
}

#[cfg(test)]
mod tests;
