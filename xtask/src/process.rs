//! Running the tools xtask drives: cargo, and commands whose failure is an error that shows
//! their output.

use std::process::{Command, ExitCode, Output};

use anyhow::Context as _;

/// The cargo running xtask (`$CARGO`), else `cargo`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// What a command printed: its stdout, then its stderr.
pub fn log(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a command, failing with its output when it fails.
pub fn run(command: &mut Command) -> anyhow::Result<Output> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    anyhow::ensure!(
        output.status.success(),
        "{command:?} failed:\n{}",
        log(&output)
    );
    Ok(output)
}

/// Runs a command with this process's stdin, stdout and stderr and passes on its exit code
/// (failure when it was killed by a signal or could not start: `what` names it then).
pub fn pass_on(command: &mut Command, what: &str) -> ExitCode {
    match command.status() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: running {what}: {err}");
            ExitCode::FAILURE
        }
    }
}
