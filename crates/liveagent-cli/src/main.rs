//! `liveagent`: the LiveAgent v1 REST API on the command line, one subcommand per operation
//! of `spec/liveagent-v1.yaml` (`liveagent get-tag --tagid sh3j`).
//!
//! The subcommands, their arguments and help text are generated from the spec by progenitor's
//! CLI generator (`generated.rs`, written by `cargo xtask generate`); this file adds the
//! settings (`--base-url`, `--api-key`, else `LIVEAGENT_BASE_URL`, `LIVEAGENT_API_KEY`, else
//! the profile of `--profile` or `LIVEAGENT_PROFILE`, else the default profile), `auth`,
//! `completion` and the output arguments, and hands profiles, output, `--all`, downloads and
//! exit codes to `helpdesk_cli_support`.

use std::process::ExitCode;

use generated::{Cli, CliCommand};
use helpdesk_cli_support::auth::Values;
use helpdesk_cli_support::settings::{ApiSettings, Setting};
use helpdesk_cli_support::{auth, completion, fail, format, man_page, settings, Exit, Output};
use liveagent::{ApiKey, ClientBuilder};

mod default_fields;
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables, dead_code)]
mod generated;

const BASE_URL_ENV: &str = "LIVEAGENT_BASE_URL";
const API_KEY_ENV: &str = "LIVEAGENT_API_KEY";

/// The settings of a call, where profiles keep them, and the variable selecting a profile.
const API: ApiSettings = ApiSettings {
    program: "liveagent",
    profile_env: "LIVEAGENT_PROFILE",
    settings: &[
        Setting {
            flag: "base-url",
            env: BASE_URL_ENV,
            what: "base URL",
            secret: false,
        },
        Setting {
            flag: "api-key",
            env: API_KEY_ENV,
            what: "API key",
            secret: true,
        },
    ],
};

/// The whole command line: the credentials, the common arguments, and one subcommand per
/// operation.
fn command() -> clap::Command {
    let mut root = clap::Command::new("liveagent")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The LiveAgent v1 REST API: one subcommand per operation; the payload on stdout as JSON (or --format yaml, table, csv)")
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
        .arg(settings::profile_arg(API.profile_env))
        .args(helpdesk_cli_support::common_args())
        .subcommand(auth::command(&API))
        .subcommand(completion::command(API.program))
        .subcommand(man_page::command());
    for operation in CliCommand::iter() {
        let name = helpdesk_cli_support::kebab(operation.operation_id());
        let mut sub = helpdesk_cli_support::operation_command(
            Cli::<Output>::get_command(operation),
            name.clone(),
        );
        if !generated::DOWNLOADS.contains(&operation.operation_id()) {
            sub = sub.args(format::output_args(default_fields::of(&name)));
        }
        root = root.subcommand(sub);
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
    match name {
        "auth" => return auth::run(&API, sub, &|values| check(values, sub)).await,
        "completion" => return completion::run(command(), sub),
        man_page::SUBCOMMAND => return man_page::run(command()),
        _ => {}
    }
    let Some(operation) =
        CliCommand::iter().find(|op| helpdesk_cli_support::kebab(op.operation_id()) == name)
    else {
        return fail(Exit::Usage, &format!("unknown operation `{name}`"));
    };
    let rows_member = generated::ROWS_MEMBER
        .iter()
        .find(|(id, _)| *id == operation.operation_id())
        .map(|(_, member)| *member);
    let rendering =
        match format::Rendering::from_matches(sub, default_fields::of(name), rows_member) {
            Ok(rendering) => rendering,
            Err(usage) => return fail(Exit::Usage, &usage.0),
        };
    let client = match settings::resolve(&API, sub)
        .and_then(|resolved| resolved.require_all(&API))
        .and_then(|values| client(&values, sub))
    {
        Ok(client) => client,
        Err(usage) => return fail(Exit::Usage, &usage.0),
    };
    let output =
        Output::new(sub.get_flag("envelope"), generated::ENVELOPE_FIELD).with_rendering(rendering);
    let cli = Cli::new(client, output);
    match cli.execute(operation, sub).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => helpdesk_cli_support::report::<liveagent::LiveAgent>(err).await,
    }
}

/// The client of a call's settings; `matches` gives the timeout and retries.
fn client(
    values: &Values,
    matches: &clap::ArgMatches,
) -> Result<liveagent::Client, helpdesk_cli_support::Usage> {
    let base_url = helpdesk_cli_support::check_base_url(
        &values["base-url"],
        &format!("{BASE_URL_ENV}, --base-url or the profile"),
    )?;
    let key = values["api-key"].clone();
    let builder =
        helpdesk_cli_support::configure(ClientBuilder::new(base_url, ApiKey::new(key)), matches);
    builder
        .build()
        .map_err(|err| helpdesk_cli_support::Usage(err.to_string()))
}

/// `auth status`'s check of a profile: `get-application-status`, the cheapest call.
fn check(
    values: Values,
    matches: &clap::ArgMatches,
) -> futures::future::BoxFuture<'static, Result<(), (Exit, String)>> {
    let client = client(&values, matches);
    Box::pin(async move {
        let client = client.map_err(|usage| (Exit::Usage, usage.0))?;
        match client.get_application_status().send().await {
            Ok(_) => Ok(()),
            Err(err) => Err(helpdesk_cli_support::describe::<liveagent::LiveAgent>(
                anyhow::Error::new(err),
            )
            .await),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        super::command().debug_assert();
    }
}
