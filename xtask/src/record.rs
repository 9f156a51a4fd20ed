//! `cargo xtask record <api> <operationId> [--param NAME=VALUE …] [--case NAME] [--force]`:
//! records one exchange with the live API into `tests/recordings/` (see
//! `tests/src/record.rs` for what is recorded and how secrets are kept out).
//!
//! The recorder calls the operation through the generated clients, which xtask must not
//! depend on (a stale or broken generated client would otherwise keep `cargo xtask generate`
//! from running), so this module only runs it: `cargo run -p api-tests --bin mock-record`
//! with the same arguments, and passes on its exit code (0 written, 1 the call failed, 2 bad
//! input and nothing sent).

use std::path::Path;
use std::process::ExitCode;

/// The recorder's arguments, as given to `cargo xtask record`.
#[derive(clap::Args)]
pub struct Args {
    /// The API: liveagent or contiple.
    pub api: String,
    /// The operation (the spec's operationId, e.g. getTag).
    pub operation: String,
    /// A path, query or header parameter, or a form field: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The JSON body: the text, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
    /// The file of an upload (Contiple's uploadTicketAttachment).
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
    /// The case name: the recording's file stem [default: recorded].
    #[arg(long)]
    pub case: Option<String>,
    /// Overwrite an existing case.
    #[arg(long)]
    pub force: bool,
}

impl Args {
    /// The recorder's command line.
    fn forwarded(&self) -> Vec<String> {
        let mut args = vec![self.api.clone(), self.operation.clone()];
        for param in &self.params {
            args.extend(["--param".to_owned(), param.clone()]);
        }
        for (flag, value) in [
            ("--body", &self.body),
            ("--file", &self.file),
            ("--case", &self.case),
        ] {
            if let Some(value) = value {
                args.extend([flag.to_owned(), value.clone()]);
            }
        }
        if self.force {
            args.push("--force".to_owned());
        }
        args
    }
}

/// Runs the recorder from the workspace root.
pub fn run(root: &Path, args: &Args) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "api-tests",
            "--bin",
            "mock-record",
            "--",
        ])
        .args(args.forwarded())
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: running the recorder: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Args;

    #[test]
    fn the_recorder_gets_the_same_arguments() {
        let args = Args {
            api: "liveagent".into(),
            operation: "getTag".into(),
            params: vec!["tagid=sh3j".into(), "x=1".into()],
            body: None,
            file: None,
            case: Some("ok".into()),
            force: true,
        };
        assert_eq!(
            args.forwarded(),
            [
                "liveagent",
                "getTag",
                "--param",
                "tagid=sh3j",
                "--param",
                "x=1",
                "--case",
                "ok",
                "--force"
            ]
        );
    }
}
