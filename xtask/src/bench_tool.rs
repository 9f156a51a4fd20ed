//! `cargo xtask bench [--quick] [--peer]`: runs the bench tool, the workspace crate
//! `xtask/bench` (package `xtask-bench`), with `cargo run -p xtask-bench` in the same (dev)
//! profile and the same arguments, unread (the bench tool defines them; `cargo xtask bench
//! --help` prints its help), and passes on its exit code.
//!
//! The bench tool is a crate of its own so that the benchmarks' code stays out of xtask's; it
//! reuses xtask's [`crate::apis`], [`crate::bundle`], [`crate::consumers`] and
//! [`crate::process`] through this library.

use std::path::Path;
use std::process::ExitCode;

/// The bench tool's arguments, as given to `cargo xtask bench`.
#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// `[--quick] [--peer]`: the bench tool's arguments (`--help` prints them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub forwarded: Vec<String>,
}

/// Runs the bench tool from the workspace root.
pub fn run(root: &Path, args: &Args) -> ExitCode {
    crate::process::pass_on(
        crate::process::cargo()
            .current_dir(root)
            .args(["run", "-p", "xtask-bench", "--"])
            .args(&args.forwarded),
        "the bench tool",
    )
}
