//! The socket futures: `bind`, `connect`, `accept`, `read`, `write_all`,
//! each the engine's own poll function, with the socket borrowed only
//! inside each poll (two tasks may hold the same stream).

use std::future::poll_fn;
use std::net::SocketAddr;
use std::rc::Rc;

use reactor_engine::net::{TcpListener, TcpStream};

use super::{Ctx, Flow, Lazy, Value};

/// Drive one socket future.
pub(super) async fn drive(ctx: &Rc<Ctx>, lazy: Lazy) -> Result<Value, Flow> {
    match lazy {
        Lazy::Bind(address) => {
            let wanted = parse(&address)?;
            opened(ctx)?;
            // Any free port: many learners' programs share one machine.
            let any_port = SocketAddr::new(wanted.ip(), 0);
            Ok(match TcpListener::bind(any_port) {
                Ok(listener) => {
                    ctx.listener.set(Some(listener.local_addr()));
                    ctx.bound
                        .borrow_mut()
                        .push((address, listener.local_addr()));
                    Value::ok(Value::Listener(Rc::new(listener.into())))
                }
                Err(error) => Value::err(Value::Error(error.to_string().into())),
            })
        }
        Lazy::Connect(address) => {
            let wanted = parse(&address)?;
            let actual = ctx
                .bound
                .borrow()
                .iter()
                .find(|(asked, _)| **asked == *address)
                .map_or(wanted, |(_, got)| *got);
            opened(ctx)?;
            Ok(match TcpStream::connect(actual).await {
                Ok(stream) => Value::ok(Value::Stream(Rc::new(stream.into()))),
                Err(error) => Value::err(Value::Error(error.to_string().into())),
            })
        }
        Lazy::Accept(listener) => {
            let accepted = poll_fn(|cx| listener.borrow_mut().poll_accept(cx)).await;
            Ok(match accepted {
                Ok((stream, peer)) => {
                    opened(ctx)?;
                    let peer = Value::Str(peer.to_string().into());
                    Value::ok(Value::Tuple(
                        vec![Value::Stream(Rc::new(stream.into())), peer].into(),
                    ))
                }
                Err(error) => Value::err(Value::Error(error.to_string().into())),
            })
        }
        Lazy::Read {
            stream,
            buffer,
            exact,
        } => {
            let wanted = buffer.borrow().len();
            let mut filled = 0;
            loop {
                let read = poll_fn(|cx| {
                    let mut buffer = buffer.borrow_mut();
                    stream.borrow_mut().poll_read(cx, &mut buffer[filled..])
                })
                .await;
                match read {
                    Ok(0) if exact && filled < wanted => {
                        return Ok(Value::err(Value::Error("early eof".into())));
                    }
                    Ok(n) if exact && filled + n < wanted => filled += n,
                    Ok(n) => return Ok(Value::ok(Value::Int((filled + n) as i64))),
                    Err(error) => return Ok(Value::err(Value::Error(error.to_string().into()))),
                }
            }
        }
        Lazy::WriteAll(stream, bytes) => {
            let mut written = 0;
            while written < bytes.len() {
                let wrote =
                    poll_fn(|cx| stream.borrow_mut().poll_write(cx, &bytes[written..])).await;
                match wrote {
                    Ok(0) => {
                        return Ok(Value::err(Value::Error(
                            "failed to write whole buffer".into(),
                        )));
                    }
                    Ok(n) => written += n,
                    Err(error) => return Ok(Value::err(Value::Error(error.to_string().into()))),
                }
            }
            Ok(Value::ok(Value::Unit))
        }
        _ => Ok(Value::Unit),
    }
}

/// A socket address from text such as "127.0.0.1:8080" (names are not looked up).
fn parse(address: &str) -> Result<SocketAddr, Flow> {
    address
        .parse::<SocketAddr>()
        .or_else(|_| match address.split_once(':') {
            Some(("localhost", port)) => format!("127.0.0.1:{port}").parse(),
            _ => address.parse(),
        })
        .map_err(|_| {
            Flow::Panic(format!(
                "`{address}` is not an address such as \"127.0.0.1:8080\""
            ))
        })
}

/// Count one more socket against the limit.
fn opened(ctx: &Ctx) -> Result<(), Flow> {
    let open = ctx.sockets.get() + 1;
    if open > ctx.limits.max_sockets {
        return Err(ctx.end(format!(
            "the program opened more than {} sockets, its limit",
            ctx.limits.max_sockets
        )));
    }
    ctx.sockets.set(open);
    Ok(())
}
