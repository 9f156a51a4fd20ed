//! `cargo xtask record` and `cargo xtask bench` run a workspace binary with the arguments given,
//! unread (the binary defines them; `--help` prints its help), and pass on its exit code:
//!
//! - the recorder, `cargo run -p api-tests --bin mock-record` (`tests/src/record.rs`), records one
//!   exchange with the live API into `tests/recordings/` (exit 0 written, 1 the call failed, 2 bad
//!   input and nothing sent). It calls the generated clients, which xtask must not depend on (a
//!   stale or broken one would keep `cargo xtask generate` from running);
//! - the bench tool, `cargo run -p xtask-bench`, is a crate of its own so that the benchmarks'
//!   code stays out of xtask's; it reuses this library ([`crate::apis`], [`crate::bundle`]…).

use std::path::Path;
use std::process::ExitCode;

/// The arguments of `cargo xtask record` or `cargo xtask bench`, passed on unread.
#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct Forwarded {
    /// The recorder's or bench tool's own arguments (`--help` prints them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Runs the recorder from the workspace root.
pub fn record(root: &Path, forwarded: &Forwarded) -> ExitCode {
    run(
        root,
        &["--quiet", "-p", "api-tests", "--bin", "mock-record"],
        forwarded,
        "the recorder",
    )
}

/// Runs the bench tool from the workspace root.
pub fn bench(root: &Path, forwarded: &Forwarded) -> ExitCode {
    run(root, &["-p", "xtask-bench"], forwarded, "the bench tool")
}

fn run(root: &Path, cargo_run: &[&str], forwarded: &Forwarded, what: &str) -> ExitCode {
    let mut command = crate::process::cargo();
    command
        .current_dir(root)
        .arg("run")
        .args(cargo_run)
        .arg("--");
    crate::process::pass_on(command.args(&forwarded.args), what)
}
