//! `cargo xtask`: maintainer tasks for the API clients. This is only the CLI; the tasks are in
//! the library (`lib.rs`).
//!
//! - `cargo xtask generate` regenerates every `crates/<api>/src/generated.rs`, the tests'
//!   replay dispatcher `tests/src/dispatch/<api>.rs`, the CLI's commands
//!   (`crates/<api>-cli/src/generated.rs`) and the typed mocks
//!   (`crates/<api>-httpmock/src/generated.rs`) from the spec under `spec/`; `--check` only
//!   compares and fails when a checked-in file is stale.
//! - `cargo xtask validate` checks every spec for this project's own rules (see
//!   [`xtask::validate`]); `cargo xtask lint` runs Redocly's generic rules (`redocly.yaml`) on
//!   the YAML sources.
//! - `cargo xtask bundle` writes the portable OpenAPI 3.1 bundles under `spec/dist/` that
//!   other languages generate from; `--check` fails when one is stale.
//! - `cargo xtask consumers` generates clients from those bundles with Redocly,
//!   openapi-generator, openapi-python-client and openapi-typescript, and checks them.
//! - `cargo xtask docs` renders an HTML reference per API into `target/docs/`.
//! - `cargo xtask public-api [--check]` writes (or compares) the public API listing of every
//!   published library crate (see [`xtask::public_api`]).
//! - `cargo xtask man` writes the command lines' man pages, `target/man/<program>.1` (see
//!   [`xtask::man`]).
//! - `cargo xtask bench [--quick] [--peer]` runs the benchmarks and prints each figure as a
//!   ratio against a baseline measured in the same run: the bench tool is its own crate,
//!   `xtask/bench` (see [`xtask::forward`]).
//! - `cargo xtask mutants [--in-diff] [--jobs N] [--file PART]` runs cargo-mutants (pinned,
//!   installed when missing) over the runtime's security and paging code and Contiple's
//!   signing, and fails on a survivor not accepted in `xtask/mutants-accepted.txt` (see
//!   [`xtask::mutants`]).
//! - `cargo xtask record <api> <operationId> [--param NAME=VALUE …]` records an exchange with
//!   the live API (see [`xtask::forward`]).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::forward::{self, Forwarded};
use xtask::{bundle, consumers, docs, generate, man, mutants, public_api, validate};

/// Maintainer tasks for the LiveAgent and Contiple API clients.
#[derive(Parser)]
#[command(name = "xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client crates' `generated.rs` from the specs.
    Generate {
        /// Do not write anything: exit non-zero when a checked-in file differs.
        #[arg(long)]
        check: bool,
    },
    /// Validate every spec under `spec/` against this project's own rules.
    Validate,
    /// Lint the YAML sources `spec/*.yaml` with Redocly's generic rules (`redocly.yaml`); needs
    /// only Node (Redocly CLI is installed pinned under `target/consumers/`).
    Lint,
    /// Write the portable OpenAPI 3.1 bundles `spec/dist/<spec>.json` for other generators.
    Bundle {
        /// Do not write anything: exit non-zero when a checked-in bundle is stale.
        #[arg(long)]
        check: bool,
    },
    /// Generate clients from every bundle with other languages' tools and check them.
    Consumers,
    /// Render the HTML API reference of every bundle into `target/docs/`.
    Docs,
    /// Write the command lines' man pages, `target/man/<program>.1` (clap_mangen).
    Man,
    /// Run the benchmarks and print every figure as a ratio against a baseline of the same run
    /// (also written to `target/bench/summary.json`).
    Bench(Forwarded),
    /// Write the public API listing of every published library crate
    /// (`crates/<crate>/public-api.txt`), from rustdoc's JSON.
    PublicApi {
        /// Do not write anything: exit non-zero when a listing differs from the crate's API.
        #[arg(long)]
        check: bool,
    },
    /// Mutation testing (cargo-mutants, pinned) of the runtime's redaction, retries, paging,
    /// rate limit and strict decoding and of Contiple's signing; fails on a survivor not
    /// listed in `xtask/mutants-accepted.txt`. A full run writes `docs/mutants.md`.
    Mutants {
        /// Mutate only the lines changed since the merge base with `origin/main` (else
        /// `HEAD~1`); nothing to do, and nothing installed, when no mutated file changed.
        #[arg(long)]
        in_diff: bool,
        /// The base of `--in-diff` instead (a git revision).
        #[arg(long, requires = "in_diff")]
        base: Option<String>,
        /// Only the mutated files whose path contains this (repeatable).
        #[arg(long = "file")]
        only: Vec<String>,
        /// Parallel cargo-mutants jobs (each builds in its own copy of the tree).
        #[arg(long, default_value_t = 1)]
        jobs: u32,
    },
    /// Record one exchange with the live API (credentials from the environment) as
    /// `tests/recordings/<api>/<operationId>/<case>.json`.
    Record(Forwarded),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = xtask::workspace_root();
    let result = match cli.command {
        Command::Generate { check } => generate::run(&root, check),
        Command::Validate => validate::run(&root),
        Command::Lint => consumers::lint_sources(&root),
        Command::Bundle { check } => bundle::run(&root, check),
        Command::Consumers => consumers::run(&root),
        Command::Docs => docs::build(&root).map(|_| true),
        Command::PublicApi { check } => public_api::run(&root, check),
        Command::Man => man::run(&root).map(|_| true),
        Command::Mutants {
            in_diff,
            base,
            only,
            jobs,
        } => mutants::run(
            &root,
            &mutants::Options {
                in_diff,
                base,
                only,
                jobs,
            },
        ),
        Command::Record(args) => return forward::record(&root, &args),
        Command::Bench(args) => return forward::bench(&root, &args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{Cli, Command};

    fn forwarded(given: &[&str]) -> Vec<String> {
        let cli = Cli::try_parse_from(given).unwrap();
        match cli.command {
            Command::Record(args) | Command::Bench(args) => args.args,
            _ => panic!("not a command that forwards its arguments"),
        }
    }

    #[test]
    fn the_recorder_gets_the_same_arguments() {
        let given = [
            "liveagent",
            "getTag",
            "--param",
            "tagid=sh3j",
            "--param",
            "x=1",
            "--case",
            "ok",
            "--force",
        ];
        let command = ["xtask", "record"];
        assert_eq!(forwarded(&[&command[..], &given].concat()), given);
        assert_eq!(forwarded(&["xtask", "record", "--help"]), ["--help"]);
    }

    #[test]
    fn the_bench_tool_gets_the_same_arguments() {
        assert_eq!(
            forwarded(&["xtask", "bench", "--quick", "--peer"]),
            ["--quick", "--peer"]
        );
        assert_eq!(forwarded(&["xtask", "bench", "--help"]), ["--help"]);
        assert!(forwarded(&["xtask", "bench"]).is_empty());
    }
}
