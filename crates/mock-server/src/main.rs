//! `mock-server`: serves one API's recordings on 127.0.0.1 until interrupted.
//!
//! ```text
//! cargo run -p mock-server -- --api liveagent --port 8080
//! LIVEAGENT_BASE_URL=http://127.0.0.1:8080 LIVEAGENT_API_KEY=any liveagent get-tag --tagid sh3j
//! ```
//!
//! See the library's docs for how requests are matched.

use std::process::ExitCode;

use clap::Parser;
use mock_server::{Options, ReplayServer};
use recording::Api;

/// Replays the recorded exchanges of one API (tests/recordings/<api>/) on 127.0.0.1.
#[derive(Parser)]
#[command(name = "mock-server", version)]
struct Args {
    /// The API to replay: a name of the registry (`recording::APIS`), e.g. liveagent.
    #[arg(long, value_parser = recording::parse_api)]
    api: &'static Api,
    /// The port on 127.0.0.1 (0: any free port, printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The case answered when several recordings match a request and it names none with the
    /// `x-mock-case` header [default: ok].
    #[arg(long)]
    case: Option<String>,
    /// Another recordings directory (`<dir>/<operationId>/<case>.json`).
    #[arg(long, value_name = "DIR")]
    recordings: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut options = Options::new(args.api);
    if let Some(dir) = args.recordings {
        options = options.recordings(dir);
    }
    if let Some(case) = args.case {
        options = options.prefer_case(case);
    }
    let listener = match std::net::TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: binding 127.0.0.1:{}: {err}", args.port);
            return ExitCode::from(2);
        }
    };
    let server = match ReplayServer::start_on(options, listener).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    println!(
        "replaying {} {} recordings on {}",
        server.cases(),
        args.api.name,
        server.uri()
    );
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
