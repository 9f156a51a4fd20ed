//! `liveagent`: the LiveAgent v1 REST API on the command line, one subcommand per operation
//! of `spec/liveagent-v1.yaml` (`liveagent get-tag --tagid sh3j`).
//!
//! The subcommands, their arguments and help text are generated from the spec by progenitor's
//! CLI generator (`generated.rs`, written by `cargo xtask generate`); this file adds the
//! credentials (`LIVEAGENT_BASE_URL`, `LIVEAGENT_API_KEY` or `--base-url`, `--api-key`) and
//! hands output, `--all`, downloads and exit codes to `helpdesk_cli_support`.

use std::process::ExitCode;

use generated::{Cli, CliCommand};
use helpdesk_cli_support::{fail, Exit, Output};
use liveagent::{ApiKey, ClientBuilder};

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables, dead_code)]
mod generated;

const BASE_URL_ENV: &str = "LIVEAGENT_BASE_URL";
const API_KEY_ENV: &str = "LIVEAGENT_API_KEY";

/// The whole command line: the credentials, the common arguments, and one subcommand per
/// operation.
fn command() -> clap::Command {
    let mut root = clap::Command::new("liveagent")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The LiveAgent v1 REST API: one subcommand per operation; the payload as JSON on stdout")
        // `-h` fits on a screen: one line per operation (width 0, no wrapping: clap never
        // moves the help text under long names), and the exit codes only in `--help`.
        .term_width(0)
        .after_long_help(
            "Exit codes: 0 ok, 1 local failure, 2 bad input (nothing sent), 3 API error, \
             4 response not as documented, 5 timeout, 6 connection failure.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(helpdesk_cli_support::credential_arg(
            "base-url",
            BASE_URL_ENV,
            "The account's API URL, e.g. https://example.ladesk.com/api",
        ))
        .arg(helpdesk_cli_support::credential_arg(
            "api-key",
            API_KEY_ENV,
            "The API key (prefer the environment variable: flags show in the process list)",
        ))
        .args(helpdesk_cli_support::common_args());
    for operation in CliCommand::iter() {
        root = root.subcommand(helpdesk_cli_support::operation_command(
            Cli::<Output>::get_command(operation),
            helpdesk_cli_support::kebab(operation.operation_id()),
        ));
    }
    root
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = match helpdesk_cli_support::parse(command(), std::env::args_os()) {
        Ok(matches) => matches,
        Err(code) => return code,
    };
    let Some((name, sub)) = matches.subcommand() else {
        return fail(Exit::Usage, "no operation given (see `liveagent --help`)");
    };
    let Some(operation) =
        CliCommand::iter().find(|op| helpdesk_cli_support::kebab(op.operation_id()) == name)
    else {
        return fail(Exit::Usage, &format!("unknown operation `{name}`"));
    };
    let client = match client(sub) {
        Ok(client) => client,
        Err(usage) => return fail(Exit::Usage, &usage.0),
    };
    let cli = Cli::new(
        client,
        Output::new(sub.get_flag("envelope"), generated::ENVELOPE_FIELD),
    );
    match cli.execute(operation, sub).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => helpdesk_cli_support::report::<liveagent::types::ErrorEnvelope>(err).await,
    }
}

/// The client, from the flags and the environment; nothing is sent if one is missing.
fn client(matches: &clap::ArgMatches) -> Result<liveagent::Client, helpdesk_cli_support::Usage> {
    let base_url = helpdesk_cli_support::base_url(matches, BASE_URL_ENV)?;
    let key = helpdesk_cli_support::required(matches, "api-key", API_KEY_ENV, "API key")?;
    let builder =
        helpdesk_cli_support::configure(ClientBuilder::new(base_url, ApiKey::new(key)), matches);
    builder
        .build()
        .map_err(|err| helpdesk_cli_support::Usage(err.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        super::command().debug_assert();
    }
}
