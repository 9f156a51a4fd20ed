//! `contiple`: the Contiple (NHN Cloud Online Contact) Open API on the command line, one
//! subcommand per operation of `spec/contiple.yaml` (`contiple get-agent --id 7`).
//!
//! The subcommands, their arguments and help text are generated from the spec by progenitor's
//! CLI generator (`generated.rs`, written by `cargo xtask generate`), except
//! `upload-ticket-attachment`: progenitor 0.15 cannot generate multipart bodies, so the client
//! writes that operation by hand and so does this file ([`upload_command`]). Credentials come
//! from `CONTIPLE_BASE_URL`, `CONTIPLE_SERVICE_ID`, `CONTIPLE_ORGANIZATION_ID`,
//! `CONTIPLE_SECURITY_KEY` or the matching flags; every `openapi/v1` call is signed by the
//! client. Output, `--all`, downloads and exit codes are `helpdesk_cli_support`'s.

use std::process::ExitCode;

use contiple::{ClientBuilder, Credentials};
use generated::{Cli, CliCommand};
use helpdesk_cli_support::{fail, Exit, Output};

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables, dead_code)]
mod generated;

const BASE_URL_ENV: &str = "CONTIPLE_BASE_URL";
const SERVICE_ID_ENV: &str = "CONTIPLE_SERVICE_ID";
const ORGANIZATION_ID_ENV: &str = "CONTIPLE_ORGANIZATION_ID";
const SECURITY_KEY_ENV: &str = "CONTIPLE_SECURITY_KEY";

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
}

/// The whole command line: the credentials, the common arguments, and one subcommand per
/// operation.
fn command() -> clap::Command {
    let mut root = clap::Command::new("contiple")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Contiple (NHN Cloud Online Contact) Open API: one subcommand per operation; the payload as JSON on stdout")
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
        .args(helpdesk_cli_support::common_args())
        .subcommand(upload_command());
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
        return fail(Exit::Usage, "no operation given (see `contiple --help`)");
    };
    let client = match client(sub) {
        Ok(client) => client,
        Err(usage) => return fail(Exit::Usage, &usage.0),
    };
    let output = Output::new(sub.get_flag("envelope"), generated::ENVELOPE_FIELD);
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
        Err(err) => helpdesk_cli_support::report::<contiple::types::ErrorEnvelope>(err).await,
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

/// The client, from the flags and the environment; nothing is sent if one is missing.
fn client(matches: &clap::ArgMatches) -> Result<contiple::Client, helpdesk_cli_support::Usage> {
    let base_url = helpdesk_cli_support::base_url(matches, BASE_URL_ENV)?;
    let service =
        helpdesk_cli_support::required(matches, "service-id", SERVICE_ID_ENV, "service id")?;
    let organization = helpdesk_cli_support::required(
        matches,
        "organization-id",
        ORGANIZATION_ID_ENV,
        "organization id",
    )?;
    let key =
        helpdesk_cli_support::required(matches, "security-key", SECURITY_KEY_ENV, "security key")?;
    let credentials = Credentials::new(service, organization, key);
    let builder =
        helpdesk_cli_support::configure(ClientBuilder::new(base_url, credentials), matches);
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
