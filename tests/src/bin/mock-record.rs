//! `mock-record`: the recorder, run by `cargo xtask record` (see `api_tests::record`).
//!
//! ```text
//! mock-record <liveagent|contiple> <operationId> [--param NAME=VALUE]... [--body JSON|@FILE]
//!             [--file PATH] [--case NAME] [--force] [--recordings DIR]
//! ```
//!
//! Credentials come from the environment (`LIVEAGENT_BASE_URL`, `LIVEAGENT_API_KEY`;
//! `CONTIPLE_BASE_URL`, `CONTIPLE_SERVICE_ID`, `CONTIPLE_ORGANIZATION_ID`,
//! `CONTIPLE_SECURITY_KEY`). Exit codes: 0 written, 1 the call failed, 2 bad input (nothing
//! sent).

use std::process::ExitCode;

use api_tests::record::{self, Live, Plan, Usage};
use clap::Parser;
use recording::Api;

/// Calls one operation of the live API and writes the exchange as a recording.
#[derive(Parser)]
#[command(name = "mock-record", version)]
struct Args {
    /// The API: a name of the registry (`recording::APIS`), e.g. liveagent.
    #[arg(value_parser = recording::parse_api)]
    api: &'static Api,
    /// The operation (the spec's operationId, e.g. getTag).
    operation: String,
    /// A path, query or header parameter, or a form field: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The JSON body: the text, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    body: Option<String>,
    /// The file of an upload (Contiple's uploadTicketAttachment).
    #[arg(long, value_name = "PATH")]
    file: Option<std::path::PathBuf>,
    /// The case name: the recording's file stem.
    #[arg(long, default_value = "recorded")]
    case: String,
    /// Overwrite an existing case.
    #[arg(long)]
    force: bool,
    /// The recordings root holding <api>/ [default: tests/recordings].
    #[arg(long, value_name = "DIR")]
    recordings: Option<std::path::PathBuf>,
}

fn fail(code: u8, message: &str) -> ExitCode {
    let message = helpdesk_client_runtime::__private::mask_query_keys(message);
    let line: Vec<&str> = message.lines().map(str::trim).collect();
    eprintln!("error: {}", line.join(" "));
    ExitCode::from(code)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) if err.exit_code() == 0 => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            return fail(2, first.strip_prefix("error: ").unwrap_or(first));
        }
    };
    // A parameter value the client cannot parse panics in the dispatcher: reported as one line.
    std::panic::set_hook(Box::new(|_| {}));
    let plan = Plan {
        api: args.api,
        operation: args.operation,
        params: args.params,
        body: args.body,
        file: args.file,
        case: args.case,
        force: args.force,
        recordings: args.recordings.unwrap_or_else(record::default_recordings),
    };
    let result = async {
        record::check(&plan)?;
        let live = Live::from_env(plan.api)?;
        record::record(&plan, &live).await
    }
    .await;
    match result {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(err) if err.downcast_ref::<Usage>().is_some() => fail(2, &err.to_string()),
        Err(err) => fail(1, &format!("{err:#}")),
    }
}
