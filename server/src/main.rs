//! `reactor-lab`: serve the app. See the crate docs of `reactor_lab`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Folder holding the built web app (made by `cargo xtask build-web`).
    #[arg(long, default_value = "target/site")]
    site: PathBuf,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = reactor_lab::Config {
        addr: SocketAddr::new(args.bind, args.port),
        site: args.site,
    };
    let server = match reactor_lab::start(config).await {
        Ok(server) => server,
        Err(message) => {
            eprintln!("reactor-lab: {message}");
            std::process::exit(1);
        }
    };
    println!("Reactor Lab is running at http://{}/", server.addr());
    if let Err(error) = server.wait().await {
        eprintln!("reactor-lab: {error}");
        std::process::exit(1);
    }
}
