//! `cargo xtask record <api> <operationId> [--param NAME=VALUE …] [--case NAME] [--force]`:
//! records one exchange with the live API into `tests/recordings/` (see
//! `tests/src/record.rs` for what is recorded and how secrets are kept out).
//!
//! The recorder calls the operation through the generated clients, which xtask must not
//! depend on (a stale or broken generated client would otherwise keep `cargo xtask generate`
//! from running), so this module only runs it: `cargo run -p api-tests --bin mock-record`
//! with the same arguments, unread (the recorder defines them; `cargo xtask record --help`
//! prints its help), and passes on its exit code (0 written, 1 the call failed, 2 bad input
//! and nothing sent).

use std::path::Path;
use std::process::ExitCode;

/// The recorder's arguments, as given to `cargo xtask record`.
#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// `<api> <operationId> [--param NAME=VALUE …] [--body JSON|@FILE] [--file PATH] [--case
    /// NAME] [--force]`: the recorder's arguments (`--help` prints them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub forwarded: Vec<String>,
}

/// Runs the recorder from the workspace root.
pub fn run(root: &Path, args: &Args) -> ExitCode {
    crate::process::pass_on(
        crate::process::cargo()
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
            .args(&args.forwarded),
        "the recorder",
    )
}
