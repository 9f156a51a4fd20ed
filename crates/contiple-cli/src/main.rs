//! `contiple`: the Contiple (NHN Cloud Online Contact) Open API on the command line, one
//! subcommand per operation of `spec/contiple.yaml` (`contiple get-agent --id 7`).
//!
//! The subcommands, their arguments and help text are generated from the spec by progenitor's
//! CLI generator (`generated.rs`, written by `cargo xtask generate`), except
//! `upload-ticket-attachment`: progenitor 0.15 cannot generate multipart bodies, so the client
//! writes that operation by hand and so does this file ([`upload_command`]). Settings come from
//! the flags (`--base-url`, `--service-id`, `--organization-id`, `--security-key`), else
//! `CONTIPLE_BASE_URL`, `CONTIPLE_SERVICE_ID`, `CONTIPLE_ORGANIZATION_ID`,
//! `CONTIPLE_SECURITY_KEY`, else the profile of `--profile` or `CONTIPLE_PROFILE`, else the
//! default profile; every `openapi/v1` call is signed by the client. Profiles (`auth`),
//! completions, output formats, `--all`, downloads and exit codes are
//! `helpdesk_cli_support`'s.

use std::process::ExitCode;

use contiple::{ClientBuilder, Credentials};
use generated::{Cli, CliCommand};
use helpdesk_cli_support::auth::Values;
use helpdesk_cli_support::settings::{ApiSettings, Setting};
use helpdesk_cli_support::{auth, completion, fail, format, man_page, settings, Exit, Output};

mod default_fields;
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables, dead_code)]
mod generated;

const BASE_URL_ENV: &str = "CONTIPLE_BASE_URL";
const SERVICE_ID_ENV: &str = "CONTIPLE_SERVICE_ID";
const ORGANIZATION_ID_ENV: &str = "CONTIPLE_ORGANIZATION_ID";
const SECURITY_KEY_ENV: &str = "CONTIPLE_SECURITY_KEY";

/// The settings of a call, where profiles keep them, and the variable selecting a profile.
const API: ApiSettings = ApiSettings {
    program: "contiple",
    profile_env: "CONTIPLE_PROFILE",
    settings: &[
        Setting {
            flag: "base-url",
            env: BASE_URL_ENV,
            what: "base URL",
            secret: false,
        },
        Setting {
            flag: "service-id",
            env: SERVICE_ID_ENV,
            what: "service id",
            secret: false,
        },
        Setting {
            flag: "organization-id",
            env: ORGANIZATION_ID_ENV,
            what: "organization id",
            secret: false,
        },
        Setting {
            flag: "security-key",
            env: SECURITY_KEY_ENV,
            what: "security key",
            secret: true,
        },
    ],
};

/// The hand-written operation's subcommand.
const UPLOAD: &str = "upload-ticket-attachment";

/// `upload-ticket-attachment`: the multipart upload the client writes by hand.
fn upload_command() -> clap::Command {
    clap::Command::new(UPLOAD)
        .about("Upload a ticket attachment")
        .long_about(
            "Upload a ticket attachment\n\nUploads a file (under 10 MB; jpg, png, gif, bmp, jpeg, \
             tif, tiff, pdf, txt, hwp, xls, xlsx, doc, docx, ppt, pptx, mp3, wav, zip) for \
             createTicket's attachmentIds; prints the attachment.",
        )
        .arg(
            clap::Arg::new("file")
                .long("file")
                .value_name("PATH")
                .required(true)
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help("The file to upload"),
        )
        .arg(
            clap::Arg::new("file-name")
                .long("file-name")
                .value_name("NAME")
                .help("The file name sent [default: the file's own name]"),
        )
        .args(format::output_args(None))
}

/// The whole command line: the credentials, the common arguments, and one subcommand per
/// operation.
fn command() -> clap::Command {
    let mut root = clap::Command::new("contiple")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Contiple (NHN Cloud Online Contact) Open API: one subcommand per operation; the payload on stdout as JSON (or --format yaml, table, csv)")
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
            "The Online Contact URL, e.g. https://nhn-cs.oc.nhncloud.com",
        ))
        .arg(helpdesk_cli_support::credential_arg("service-id", SERVICE_ID_ENV, "The service id"))
        .arg(helpdesk_cli_support::credential_arg(
            "organization-id",
            ORGANIZATION_ID_ENV,
            "The NHN Cloud organization id",
        ))
        .arg(helpdesk_cli_support::credential_arg(
            "security-key",
            SECURITY_KEY_ENV,
            "The service's security key (prefer the environment variable: flags show in the process list)",
        ))
        .arg(settings::profile_arg(API.profile_env))
        .args(helpdesk_cli_support::common_args())
        .subcommand(auth::command(&API))
        .subcommand(completion::command(API.program))
        .subcommand(man_page::command())
        .subcommand(upload_command());
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
        return fail(Exit::Usage, "no operation given (see `contiple --help`)");
    };
    match name {
        "auth" => return auth::run(&API, sub, &|values| check(values, sub)).await,
        "completion" => return completion::run(command(), sub),
        man_page::SUBCOMMAND => return man_page::run(command()),
        _ => {}
    }
    let rows_member = generated::ROWS_MEMBER
        .iter()
        .find(|(id, _)| helpdesk_cli_support::kebab(id) == name)
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
    if name == UPLOAD {
        return upload(&client, sub, &output).await;
    }
    let Some(operation) =
        CliCommand::iter().find(|op| helpdesk_cli_support::kebab(op.operation_id()) == name)
    else {
        return fail(Exit::Usage, &format!("unknown operation `{name}`"));
    };
    let cli = Cli::new(client, output);
    match cli.execute(operation, sub).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => helpdesk_cli_support::report::<contiple::Contiple>(err).await,
    }
}

/// Runs `upload-ticket-attachment`: reads the file, then calls the client's hand-written
/// upload (which checks the size and name before sending).
async fn upload(
    client: &contiple::Client,
    matches: &clap::ArgMatches,
    output: &Output,
) -> ExitCode {
    let path = matches
        .get_one::<std::path::PathBuf>("file")
        .expect("clap requires --file");
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return fail(
                Exit::Usage,
                &format!("reading --file {}: {err}", path.display()),
            )
        }
    };
    let name = match matches.get_one::<String>("file-name") {
        Some(name) => name.clone(),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    match client.upload_ticket_attachment(&name, bytes).await {
        Ok(envelope) => {
            output.item(&envelope);
            ExitCode::SUCCESS
        }
        Err(err) => fail(helpdesk_cli_support::exit_of(&err), &err.to_string()),
    }
}

/// The client of a call's settings; `matches` gives the timeout and retries.
fn client(
    values: &Values,
    matches: &clap::ArgMatches,
) -> Result<contiple::Client, helpdesk_cli_support::Usage> {
    let base_url = helpdesk_cli_support::check_base_url(
        &values["base-url"],
        &format!("{BASE_URL_ENV}, --base-url or the profile"),
    )?;
    let credentials = Credentials::new(
        values["service-id"].clone(),
        values["organization-id"].clone(),
        values["security-key"].clone(),
    );
    let builder =
        helpdesk_cli_support::configure(ClientBuilder::new(base_url, credentials), matches);
    builder
        .build()
        .map_err(|err| helpdesk_cli_support::Usage(err.to_string()))
}

/// `auth status`'s check of a profile: `get-service`, the cheapest signed call.
fn check(
    values: Values,
    matches: &clap::ArgMatches,
) -> futures::future::BoxFuture<'static, Result<(), (Exit, String)>> {
    let client = client(&values, matches);
    Box::pin(async move {
        let client = client.map_err(|usage| (Exit::Usage, usage.0))?;
        match client.get_service().send().await {
            Ok(_) => Ok(()),
            Err(err) => Err(helpdesk_cli_support::describe::<contiple::Contiple>(
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
