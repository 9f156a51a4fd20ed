//! What the `liveagent` and `contiple` command lines share around their generated commands:
//! the global arguments and credentials ([`credential_arg`], [`common_args`]), each operation's
//! short and long help ([`operation_command`]), output ([`Output`], in the formats of
//! [`format`](mod@format), filtered by [`jq`]), `--all` ([`all_pages`], in [`stream`]), downloads
//! ([`download`]), one-line usage errors ([`parse`]) and the exit code of every error kind
//! ([`Exit`], [`report`]); the profiles ([`profiles`], [`settings`], [`auth`]), shell
//! completions ([`completion`]) and the man page ([`man_page`]).
//!
//! Credentials come from flags, the environment or a profile and are never printed: `--help`
//! names the variables, not their values; `auth status` masks them; errors go through the
//! runtime's redaction, which masks every key a client was built with.

#![warn(missing_docs)]

pub mod auth;
pub mod completion;
pub mod fields;
pub mod format;
pub mod jq;
pub mod man_page;
pub mod profiles;
pub mod settings;
pub mod stream;
mod table;

use std::fmt;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use futures::TryStreamExt;
use helpdesk_client_runtime::__private::Api;
use helpdesk_client_runtime::RetryPolicy;
use serde::Serialize;

pub use stream::all_pages;

/// The exit code of each outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// A local failure: writing the output or the downloaded file.
    Failure = 1,
    /// Bad input, nothing sent: a missing credential, an unknown operation or argument, a
    /// malformed value, a base URL without scheme, an unreadable `--json-body`.
    Usage = 2,
    /// The API answered with its error envelope.
    Api = 3,
    /// The response is not what the spec documents: another shape, not JSON, an undocumented
    /// status, too large.
    Response = 4,
    /// The request timed out (after the retries).
    Timeout = 5,
    /// Connecting, sending or receiving failed (after the retries).
    Transport = 6,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Bad input, found before anything is sent: exits with [`Exit::Usage`].
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// A local failure (the output could not be written): exits with [`Exit::Failure`].
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// Prints `error: <message>` on one line of stderr and returns the code. The client's errors
/// come redacted with its secrets; `apikey=` values are masked here too.
pub fn fail(exit: Exit, message: &str) -> ExitCode {
    let message = helpdesk_client_runtime::__private::mask_query_keys(message);
    let one_line: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    eprintln!("error: {}", one_line.join(" "));
    exit.into()
}

/// Where the global arguments show in a subcommand's help: after the operation's own.
const GLOBAL_ORDER: usize = 1000;

/// The arguments every API's command line has, besides its credentials: added to the root
/// command, usable before or after the operation.
pub fn common_args() -> Vec<clap::Arg> {
    vec![
        clap::Arg::new("envelope")
            .long("envelope")
            .global(true)
            .display_order(GLOBAL_ORDER)
            .action(clap::ArgAction::SetTrue)
            .help("Print the whole response body, not only its payload"),
        clap::Arg::new("timeout")
            .long("timeout")
            .global(true)
            .display_order(GLOBAL_ORDER)
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Timeout of each attempt [default: 30]"),
        clap::Arg::new("no-retries")
            .long("no-retries")
            .global(true)
            .display_order(GLOBAL_ORDER)
            .action(clap::ArgAction::SetTrue)
            .help("Send each request once: no retries on 429, 502-504, timeouts or resets"),
    ]
}

/// A credential or setting argument: `--<flag>`, else the environment variable `env`.
pub fn credential_arg(flag: &'static str, env: &'static str, help: &str) -> clap::Arg {
    clap::Arg::new(flag)
        .long(flag)
        .global(true)
        .display_order(GLOBAL_ORDER)
        .value_name("VALUE")
        .help(format!("{help} [env: {env}]"))
}

/// Reads the root command's arguments; clap's errors become one line (with clap's tip, if
/// any) and [`Exit::Usage`]; `--help` and `--version` print and exit 0.
pub fn parse(
    command: clap::Command,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<clap::ArgMatches, ExitCode> {
    match command.try_get_matches_from(args) {
        Ok(matches) => Ok(matches),
        Err(err) if err.exit_code() == 0 => {
            let _ = err.print();
            Err(ExitCode::SUCCESS)
        }
        Err(err) => {
            if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = err.print();
                return Err(Exit::Usage.into());
            }
            let text = err.render().to_string();
            let mut parts: Vec<String> = Vec::new();
            let mut lines = text.lines();
            for line in lines.by_ref() {
                if line.trim().is_empty() {
                    break;
                }
                parts.push(line.trim().to_owned());
            }
            parts.extend(
                lines
                    .map(str::trim)
                    .filter(|l| l.starts_with("tip:"))
                    .map(|l| format!("({l})")),
            );
            let message = parts.join(" ");
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            Err(fail(Exit::Usage, message))
        }
    }
}

/// The value of a setting: its flag, else its environment variable; a missing or empty one is
/// a [`Usage`] error naming both.
pub fn required(
    matches: &clap::ArgMatches,
    flag: &str,
    env: &str,
    what: &str,
) -> Result<String, Usage> {
    let value = matches
        .get_one::<String>(flag)
        .cloned()
        .or_else(|| std::env::var(env).ok())
        .filter(|v| !v.trim().is_empty());
    value.ok_or_else(|| Usage(format!("missing {what}: set {env} or pass --{flag}")))
}

/// The base URL (`--base-url`, else `env`), checked: `http(s)://host[:port][/path]`.
pub fn base_url(matches: &clap::ArgMatches, env: &str) -> Result<String, Usage> {
    let url = required(matches, "base-url", env, "base URL")?;
    check_base_url(&url, &format!("{env} or --base-url"))
}

/// A base URL checked: `http(s)://host[:port][/path]`; `origin` (where it came from) ends
/// the error message.
pub fn check_base_url(url: &str, origin: &str) -> Result<String, Usage> {
    let url = url.trim().to_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Usage(format!(
            "base URL `{}` has no scheme: it must start with http:// or https:// ({origin})",
            helpdesk_client_runtime::__private::mask_query_keys(&url)
        )));
    }
    helpdesk_client_runtime::__private::check_base_url(&url)
        .map_err(|message| Usage(format!("{message} ({origin})")))?;
    Ok(url)
}

/// The client settings the common arguments choose: timeout and retries. The rate limit
/// stays the vendor's.
pub fn configure<A: Api>(
    builder: helpdesk_client_runtime::ClientBuilder<A>,
    matches: &clap::ArgMatches,
) -> helpdesk_client_runtime::ClientBuilder<A> {
    let mut builder = builder.user_agent(concat!("sdk-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(seconds) = matches.get_one::<u64>("timeout") {
        builder = builder.timeout(Duration::from_secs(*seconds));
    }
    if matches.get_flag("no-retries") {
        builder = builder.retry(RetryPolicy::none());
    }
    builder
}

/// Output on stdout: JSON, or the format, columns and jq program of [`format::Rendering`].
pub struct Output {
    envelope: bool,
    field: &'static str,
    rendering: format::Rendering,
}

impl Output {
    /// Prints the payload (the envelope's `field`), or the whole body when `envelope`, as
    /// pretty JSON.
    pub fn new(envelope: bool, field: &'static str) -> Self {
        Self {
            envelope,
            field,
            rendering: format::Rendering::default(),
        }
    }

    /// Prints in the format, columns and jq program of `rendering`.
    pub fn with_rendering(mut self, rendering: format::Rendering) -> Self {
        self.rendering = rendering;
        self
    }

    /// The format, columns and jq program.
    pub fn rendering(&self) -> &format::Rendering {
        &self.rendering
    }

    /// Prints one response: its payload, or with `--envelope` the whole body, in the
    /// rendering's format (pretty JSON by default). A `--jq` error ends the program with
    /// [`Exit::Usage`], a write error as stdout's other writes do ([`exit_on_output_error`]).
    pub fn item<T: Serialize + ?Sized>(&self, body: &T) {
        let value = serde_json::to_value(body).expect("generated types serialise");
        let value = match value {
            serde_json::Value::Object(mut map)
                if !self.envelope && map.contains_key(self.field) =>
            {
                map.remove(self.field).unwrap_or_default()
            }
            other => other,
        };
        let mut stdout = std::io::stdout().lock();
        if let Err(err) = self.rendering.print_payload(value, &mut stdout) {
            drop(stdout);
            exit_on_output_error(&err);
        }
    }

    /// Prints one row as a JSON line.
    pub fn row<T: Serialize + ?Sized>(&self, row: &T) {
        let text = serde_json::to_string(row).expect("generated types serialise");
        print_line(&text);
    }
}

/// Ends the program after an output error: quietly for a closed pipe (`| head`), with
/// [`Exit::Usage`] for a `--jq` error, else with [`Exit::Failure`].
pub fn exit_on_output_error(err: &anyhow::Error) -> ! {
    if let Some(usage) = err.downcast_ref::<Usage>() {
        let _ = fail(Exit::Usage, &usage.0);
        std::process::exit(Exit::Usage as i32);
    }
    let broken_pipe = err
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        || err
            .downcast_ref::<csv::Error>()
            .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe));
    if broken_pipe {
        std::process::exit(0);
    }
    eprintln!("error: writing stdout: {err}");
    std::process::exit(Exit::Failure as i32);
}

/// Writes a line to stdout; a closed pipe (`| head`) ends the program quietly, another write
/// error with [`Exit::Failure`].
fn print_line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing stdout: {err}");
        std::process::exit(Exit::Failure as i32);
    }
}

/// The page size `--all` asks for: the operation's page-size argument (`arg`), if given.
pub fn page_size(matches: &clap::ArgMatches, arg: &str) -> Result<Option<u64>, Usage> {
    let Some(mut raw) = matches.get_raw(arg) else {
        return Ok(None);
    };
    let Some(value) = raw.next() else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    match text.parse::<u64>() {
        Ok(size) if size > 0 => Ok(Some(size)),
        _ => Err(Usage(format!(
            "--{arg} {text}: the page size of --all must be a positive number"
        ))),
    }
}

/// Writes a downloaded file to `--output` (`-`: stdout), chunk by chunk.
pub async fn download(
    matches: &clap::ArgMatches,
    response: progenitor_client::ResponseValue<progenitor_client::ByteStream>,
) -> anyhow::Result<()> {
    let path = matches
        .get_one::<std::path::PathBuf>("output")
        .ok_or_else(|| Usage("--output is required".to_owned()))?
        .clone();
    let to_stdout = path.as_os_str() == "-";
    let mut sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        let file = std::fs::File::create(&path)
            .map_err(|err| Failure(format!("creating {}: {err}", path.display())))?;
        Box::new(std::io::BufWriter::new(file))
    };
    let mut stream = response.into_inner().into_inner();
    let mut written = 0usize;
    // A failed read is the transport's error (or the body cap's), which `describe` turns into
    // the client's typed error.
    while let Some(chunk) = stream.try_next().await? {
        written += chunk.len();
        sink.write_all(&chunk)
            .map_err(|err| Failure(format!("writing {}: {err}", path.display())))?;
    }
    sink.flush()
        .map_err(|err| Failure(format!("writing {}: {err}", path.display())))?;
    if !to_stdout {
        eprintln!("wrote {written} bytes to {}", path.display());
    }
    Ok(())
}

/// The exit code of a client error's kind.
pub fn exit_of<A: Api>(err: &helpdesk_client_runtime::Error<A>) -> Exit {
    match err {
        helpdesk_client_runtime::Error::Api { .. } => Exit::Api,
        helpdesk_client_runtime::Error::Decode { .. }
        | helpdesk_client_runtime::Error::NotJson { .. }
        | helpdesk_client_runtime::Error::UnexpectedStatus { .. }
        | helpdesk_client_runtime::Error::BodyTooLarge { .. } => Exit::Response,
        helpdesk_client_runtime::Error::Timeout { .. } => Exit::Timeout,
        helpdesk_client_runtime::Error::Transport { .. } => Exit::Transport,
        helpdesk_client_runtime::Error::InvalidRequest(_) => Exit::Usage,
        _ => Exit::Failure,
    }
}

/// Prints an error of a command of API `A` on stderr, one line, secrets masked, and returns
/// its exit code: the generated command's error is turned into the client's typed error
/// first.
pub async fn report<A: Api>(err: anyhow::Error) -> ExitCode
where
    A::ErrorBody: fmt::Debug + Sync,
{
    let (exit, message) = describe::<A>(err).await;
    fail(exit, &message)
}

/// The exit code and message of an error of a command of API `A`, as [`report`] prints it.
pub async fn describe<A: Api>(err: anyhow::Error) -> (Exit, String)
where
    A::ErrorBody: fmt::Debug + Sync,
{
    let err = match err.downcast::<progenitor_client::Error<A::ErrorBody>>() {
        Ok(generated) => {
            let typed = helpdesk_client_runtime::Error::<A>::from_generated(generated);
            return (exit_of(&typed), typed.to_string());
        }
        Err(err) => err,
    };
    // A download's body stream failed ([`download`]).
    let err = match err.downcast::<reqwest::Error>() {
        Ok(stream) => {
            let typed = helpdesk_client_runtime::Error::<A>::from_body_stream(stream);
            return (exit_of(&typed), typed.to_string());
        }
        Err(err) => err,
    };
    if let Some(typed) = err.downcast_ref::<helpdesk_client_runtime::Error<A>>() {
        return (exit_of(typed), typed.to_string());
    }
    if let Some(usage) = err.downcast_ref::<Usage>() {
        return (Exit::Usage, usage.0.clone());
    }
    if let Some(failure) = err.downcast_ref::<Failure>() {
        return (Exit::Failure, failure.0.clone());
    }
    // The generated commands' own errors: an unreadable or malformed `--json-body`.
    (Exit::Usage, format!("{err:#}"))
}

/// The subcommand name of an operation id (`get_tag` → `get-tag`).
pub fn kebab(operation_id: &str) -> String {
    operation_id.replace('_', "-")
}

/// An operation's subcommand as the root command lists it: named `name`; `-h` and the list of
/// subcommands show the first sentence of its help text ([`first_sentence`]), `--help` the
/// whole text.
pub fn operation_command(command: clap::Command, name: String) -> clap::Command {
    let command = command.name(name);
    match command.get_about().map(ToString::to_string) {
        Some(about) if command.get_long_about().is_none() => {
            let short = first_sentence(&about);
            command.about(short).long_about(about)
        }
        _ => command,
    }
}

/// The first sentence of a text's first paragraph, on one line, without its final period:
/// an operation's summary (the first paragraph of its help text).
pub fn first_sentence(text: &str) -> String {
    let paragraph = text.trim().split("\n\n").next().unwrap_or_default();
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = line.split(". ").next().unwrap_or_default();
    sentence.trim_end_matches('.').to_owned()
}
