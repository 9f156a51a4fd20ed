//! `cargo xtask mutants`: mutation testing of the code whose promises are about what must not
//! happen (a key shown, a row lost, a panic): the runtime's redaction, retries, paging, rate
//! limit and strict decoding, and Contiple's request and member signing.
//!
//! [cargo-mutants](https://mutants.rs) (pinned: [`VERSION`], installed under
//! `target/tools/` by the command when missing) changes the code one mutant at a time (`==` to
//! `!=`, a function body to `Default::default()`, …) and runs the tests that exercise it
//! ([`TARGETS`]: the test packages, cargo test arguments and filters of each file). A mutant
//! no test fails *survives*. Every survivor must be listed in [`ACCEPTED`] with a one-line
//! reason (usually "equivalent": no behaviour changes), or the command fails; a full run also
//! fails when more than [`MAX_SURVIVING_PERCENT`]% of a file's viable mutants survive, and
//! writes the table to [`TABLE`].
//!
//! `--in-diff` mutates only the lines changed since a base ([`diff_base`]: the merge base with
//! `origin/main`, else `HEAD~1`), which is what CI runs: when no mutated file changed it returns
//! at once, without installing anything.
//!
//! Builds share the workspace's `target/` (`CARGO_TARGET_DIR`), so the dependencies are not
//! built again for the copies of the tree cargo-mutants tests in; each mutant then costs one
//! rebuild of its crate's test binary (about 3 s for the runtime on this project's machines).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};

use crate::process;

/// The cargo-mutants version the command installs and runs.
pub const VERSION: &str = "27.1.0";

/// The accepted survivors: `<file>: <mutation>  # <reason>`, one a line, a survivor that
/// occurs twice listed twice (cargo-mutants names mutants by line; the list does not, so that
/// it survives edits elsewhere in a file).
pub const ACCEPTED: &str = "xtask/mutants-accepted.txt";

/// Where a full run writes its table.
pub const TABLE: &str = "docs/mutants.md";

/// At most this share of a file's viable mutants may survive (accepted or not) in a full run.
pub const MAX_SURVIVING_PERCENT: usize = 5;

/// A mutated file and the tests that exercise it.
pub struct Target {
    /// The file, from the workspace root.
    pub file: &'static str,
    /// The packages whose tests run for each mutant (`--test-package`).
    pub test_packages: &'static [&'static str],
    /// `cargo test` arguments: the targets, then a test-name filter after `--`.
    pub test_args: &'static [&'static str],
}

/// The runtime's unit tests: they cover each of these files and build in seconds (the API
/// crates' suites rebuild the generated clients for every mutant: minutes each).
const RUNTIME_TESTS: (&[&str], &[&str]) = (&["helpdesk-client-runtime"], &["--lib"]);

/// Contiple's unit tests of signing and member tokens (the lib's other tests left out).
const CONTIPLE_TESTS: (&[&str], &[&str]) =
    (&["contiple"], &["--lib", "--", "signing::", "member::"]);

const fn target(
    file: &'static str,
    tests: (&'static [&'static str], &'static [&'static str]),
) -> Target {
    Target {
        file,
        test_packages: tests.0,
        test_args: tests.1,
    }
}

/// Every mutated file, in the order of the table.
pub const TARGETS: &[Target] = &[
    target(
        "crates/helpdesk-client-runtime/src/redact.rs",
        RUNTIME_TESTS,
    ),
    target("crates/helpdesk-client-runtime/src/retry.rs", RUNTIME_TESTS),
    target(
        "crates/helpdesk-client-runtime/src/paginate.rs",
        RUNTIME_TESTS,
    ),
    target("crates/helpdesk-client-runtime/src/limit.rs", RUNTIME_TESTS),
    target(
        "crates/helpdesk-client-runtime/src/strict_json.rs",
        RUNTIME_TESTS,
    ),
    target("crates/contiple/src/signing.rs", CONTIPLE_TESTS),
    target("crates/contiple/src/member.rs", CONTIPLE_TESTS),
];

/// What to run.
#[derive(Debug, Default)]
pub struct Options {
    /// Only the lines changed since the base ([`diff_base`], or `base`).
    pub in_diff: bool,
    /// The base of `--in-diff` (a git revision).
    pub base: Option<String>,
    /// Only the files whose path contains one of these.
    pub only: Vec<String>,
    /// Parallel cargo-mutants jobs.
    pub jobs: u32,
}

/// How one file fared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Mutants generated.
    pub mutants: usize,
    /// Mutants that did not build.
    pub unviable: usize,
    /// Mutants a test failed on (or hung on: a timeout counts as caught).
    pub caught: usize,
    /// Mutants no test failed on: `<file>: <mutation>` each.
    pub survivors: Vec<String>,
}

impl Tally {
    /// Mutants that built.
    pub fn viable(&self) -> usize {
        self.mutants - self.unviable
    }
}

/// Runs the mutation tests; `Ok(false)` when a survivor is not accepted or a file is over the
/// bar.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<bool> {
    let started = std::time::Instant::now();
    let mut targets: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| {
            options.only.is_empty() || options.only.iter().any(|o| t.file.contains(o.as_str()))
        })
        .collect();
    anyhow::ensure!(
        !targets.is_empty(),
        "no mutated file matches {:?}",
        options.only
    );
    let out = root.join("target/mutants");
    std::fs::create_dir_all(&out)?;
    let mut diff_file = None;
    if options.in_diff {
        let base = match &options.base {
            Some(base) => Some((base.clone(), format!("the given base {base}"))),
            None => diff_base(root)?,
        };
        let Some((base, what)) = base else {
            println!("mutants --in-diff: no base to compare with (no origin/main, no HEAD~1): nothing to mutate");
            return Ok(true);
        };
        let files: Vec<&str> = targets.iter().map(|t| t.file).collect();
        let diff = git(
            root,
            &[
                &["diff", "--no-ext-diff", "--no-color", &base, "--"],
                &files[..],
            ]
            .concat(),
        )?;
        targets.retain(|t| diff.contains(&format!("+++ b/{}\n", t.file)));
        if targets.is_empty() {
            println!("mutants --in-diff: no mutated file changed since {what}: nothing to mutate");
            return Ok(true);
        }
        println!("mutants --in-diff: mutating the lines changed since {what}");
        let path = out.join("in-diff.patch");
        std::fs::write(&path, diff)?;
        diff_file = Some(path);
    }
    let tool = ensure_installed(root)?;
    let accepted_text = std::fs::read_to_string(root.join(ACCEPTED))
        .with_context(|| format!("reading {ACCEPTED}"))?;
    let accepted = parse_accepted(&accepted_text)?;

    // One cargo-mutants run per set of tests: its baseline and auto-set timeout serve them all.
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut groups: Vec<(&[&str], &[&str], Vec<&str>)> = Vec::new();
    for t in &targets {
        match groups
            .iter_mut()
            .find(|(p, a, _)| *p == t.test_packages && *a == t.test_args)
        {
            Some(group) => group.2.push(t.file),
            None => groups.push((t.test_packages, t.test_args, vec![t.file])),
        }
    }
    for (index, (packages, args, files)) in groups.iter().enumerate() {
        let output = out.join(format!("run-{index}"));
        // A run that finds nothing to mutate writes no outcomes: those of an earlier run must
        // not be read as this one's.
        match std::fs::remove_dir_all(&output) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(err).with_context(|| format!("removing {}", output.display()))
            }
            _ => {}
        }
        let mut command = Command::new(&tool);
        command
            .current_dir(root)
            .arg("mutants")
            .args([
                "--no-shuffle",
                "--jobs",
                &options.jobs.to_string(),
                "--output",
            ])
            .arg(&output)
            // Shared with the workspace: the copies do not build the dependencies again.
            .env("CARGO_TARGET_DIR", root.join("target"));
        for file in files {
            command.args(["--file", file]);
        }
        for package in *packages {
            command.args(["--test-package", package]);
        }
        for arg in *args {
            command.arg(format!("--cargo-test-arg={arg}"));
        }
        if let Some(diff) = &diff_file {
            command.arg("--in-diff").arg(diff);
        }
        println!("== {}", files.join(", "));
        let status = command
            .status()
            .with_context(|| format!("running {}", tool.display()))?;
        // 0: all caught; 2: survivors; 3: timeouts (caught here). Anything else is a failure
        // of the run itself (1: usage, 4: the tests fail unmutated).
        if !matches!(status.code(), Some(0 | 2 | 3)) {
            bail!("cargo-mutants failed ({status}) on {}", files.join(", "));
        }
        for (file, tally) in read_outcomes(&output.join("mutants.out"))? {
            let file = files
                .iter()
                .find(|f| **f == file)
                .copied()
                .unwrap_or_else(|| file.leak());
            tallies.insert(file, tally);
        }
    }

    let (table, ok) = report(&targets, &tallies, &accepted, !options.in_diff);
    print!("{table}");
    let run = run_note(started.elapsed(), options.jobs);
    println!("{run}");
    let full = !options.in_diff && options.only.is_empty();
    if full {
        let dated = format!(
            "# Mutation testing: the latest full run\n\n\
             `cargo xtask mutants` (cargo-mutants {VERSION}) writes this file after a full run; \
             CONTRIBUTING.md (\"Mutation testing\") says when to run it. The accepted survivors \
             and their reasons are in [`{ACCEPTED}`](../{ACCEPTED}).\n\n{run}\n\n{table}"
        );
        std::fs::write(root.join(TABLE), dated)?;
        println!("wrote {TABLE}");
    }
    Ok(ok)
}

/// When the run ended, how long it took, and on what ("Run 2026-12-08 04:10 UTC: 24 minutes,
/// `--jobs 1`, 2 CPUs."): a run's time depends mostly on the CPUs it had.
fn run_note(elapsed: std::time::Duration, jobs: u32) -> String {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    format!(
        "Run {}: {}, `--jobs {jobs}`, {cpus} CPUs.",
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
            .format("%Y-%m-%d %H:%M UTC"),
        match elapsed.as_secs().div_ceil(60) {
            1 => "1 minute".to_owned(),
            minutes => format!("{minutes} minutes"),
        }
    )
}

/// The base of `--in-diff` and how to name it: the merge base of `HEAD` with `origin/main`
/// (a branch's own changes; on `main` itself, nothing), else `HEAD~1` (a clone without the
/// remote: the last commit), else none (a single commit).
pub fn diff_base(root: &Path) -> anyhow::Result<Option<(String, String)>> {
    if let Ok(base) = git(root, &["merge-base", "HEAD", "origin/main"]) {
        let base = base.trim().to_owned();
        let what = format!(
            "the merge base with origin/main ({})",
            &base[..base.len().min(12)]
        );
        return Ok(Some((base, what)));
    }
    if git(root, &["rev-parse", "--verify", "--quiet", "HEAD~1"]).is_ok() {
        return Ok(Some((
            "HEAD~1".to_owned(),
            "HEAD~1 (no origin/main)".to_owned(),
        )));
    }
    Ok(None)
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = process::run(Command::new("git").current_dir(root).args(args))?;
    Ok(String::from_utf8(output.stdout)?)
}

/// The pinned cargo-mutants, installed under `target/tools/` when missing.
fn ensure_installed(root: &Path) -> anyhow::Result<PathBuf> {
    let dir = root.join(format!("target/tools/cargo-mutants-{VERSION}"));
    let tool = dir.join("bin/cargo-mutants");
    let installed = Command::new(&tool)
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(VERSION));
    if !installed {
        println!("installing cargo-mutants {VERSION} into {}", dir.display());
        let status = process::cargo()
            .args([
                "install",
                "cargo-mutants",
                "--locked",
                "--version",
                VERSION,
                "--root",
            ])
            .arg(&dir)
            .status()?;
        anyhow::ensure!(
            status.success(),
            "cargo install cargo-mutants {VERSION} failed"
        );
    }
    Ok(tool)
}

/// The tallies per file of a cargo-mutants output directory (`mutants.out`).
fn read_outcomes(dir: &Path) -> anyhow::Result<BTreeMap<String, Tally>> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (list, kind) in [
        ("caught.txt", 0),
        ("timeout.txt", 0),
        ("unviable.txt", 1),
        ("missed.txt", 2),
    ] {
        let text = match std::fs::read_to_string(dir.join(list)) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", dir.join(list).display()))
            }
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (file, mutation) =
                survivor_key(line).with_context(|| format!("a mutant in {list}: {line}"))?;
            let tally = tallies.entry(file.to_owned()).or_default();
            tally.mutants += 1;
            match kind {
                0 => tally.caught += 1,
                1 => tally.unviable += 1,
                _ => tally.survivors.push(format!("{file}: {mutation}")),
            }
        }
    }
    Ok(tallies)
}

/// `(file, mutation)` of a cargo-mutants mutant name, `<file>:<line>:<column>: <mutation>`.
pub fn survivor_key(name: &str) -> Option<(&str, &str)> {
    let (place, mutation) = name.split_once(": ")?;
    let mut parts = place.rsplitn(3, ':');
    let (_column, _line, file) = (parts.next()?, parts.next()?, parts.next()?);
    Some((file, mutation.trim()))
}

/// The accepted survivors file: `<file>: <mutation>  # <reason>` lines (blank lines and lines
/// starting with `#` are comments), as `(survivor, reason)`.
pub fn parse_accepted(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut accepted = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((survivor, reason)) = line.split_once("  # ") else {
            bail!(
                "{ACCEPTED}:{}: no reason (`<file>: <mutation>  # <reason>`)",
                number + 1
            );
        };
        anyhow::ensure!(
            !reason.trim().is_empty(),
            "{ACCEPTED}:{}: empty reason",
            number + 1
        );
        accepted.push((survivor.trim().to_owned(), reason.trim().to_owned()));
    }
    Ok(accepted)
}

/// The table (markdown) and whether the run passes: every survivor accepted (each entry
/// accepts one), and, for a full run, every file within [`MAX_SURVIVING_PERCENT`].
pub fn report(
    targets: &[&Target],
    tallies: &BTreeMap<&str, Tally>,
    accepted: &[(String, String)],
    full: bool,
) -> (String, bool) {
    let mut ok = true;
    let mut unused: Vec<Option<&(String, String)>> = accepted.iter().map(Some).collect();
    let mut table = String::from(
        "| file | mutants | unviable | caught | survived | explained |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut notes = String::new();
    for target in targets {
        let Some(tally) = tallies.get(target.file) else {
            continue;
        };
        let mut explained = 0;
        for survivor in &tally.survivors {
            let entry = unused
                .iter_mut()
                .find(|e| e.is_some_and(|(s, _)| s == survivor));
            match entry.and_then(Option::take) {
                Some((_, reason)) => {
                    explained += 1;
                    let _ = writeln!(notes, "- `{survivor}`: {reason}");
                }
                None => {
                    ok = false;
                    let _ = writeln!(notes, "- **`{survivor}`: not accepted** (a test should catch it, or add it to `{ACCEPTED}` with a reason)");
                }
            }
        }
        let over = full && tally.survivors.len() * 100 > tally.viable() * MAX_SURVIVING_PERCENT;
        if over {
            ok = false;
            let _ = writeln!(
                notes,
                "- **{}: more than {MAX_SURVIVING_PERCENT}% of viable mutants survive**",
                target.file
            );
        }
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} | {} | {} |",
            target.file,
            tally.mutants,
            tally.unviable,
            tally.caught,
            tally.survivors.len(),
            explained
        );
    }
    if full {
        for (survivor, _) in unused.into_iter().flatten() {
            let _ = writeln!(
                notes,
                "- `{survivor}`: accepted but no longer survives (remove it from `{ACCEPTED}`)"
            );
        }
    }
    if !notes.is_empty() {
        table.push_str("\nSurvivors:\n\n");
        table.push_str(&notes);
    }
    (table, ok)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{parse_accepted, report, survivor_key, Tally, TARGETS};

    #[test]
    fn a_mutant_name_loses_its_line_and_column() {
        assert_eq!(
            survivor_key("crates/a/src/redact.rs:228:61: replace || with && in may_start"),
            Some(("crates/a/src/redact.rs", "replace || with && in may_start"))
        );
        assert_eq!(survivor_key("no place"), None);
    }

    #[test]
    fn every_survivor_needs_an_entry_with_a_reason() {
        assert!(parse_accepted("a.rs: replace x  # ").is_err());
        assert!(parse_accepted("a.rs: replace x").is_err());
        let accepted = parse_accepted("# comment\n\na.rs: replace x  # equivalent: y\n").unwrap();
        assert_eq!(
            accepted,
            [("a.rs: replace x".to_owned(), "equivalent: y".to_owned())]
        );
    }

    /// Synthetic tallies of the first listed file: one entry accepts one survivor, and the bar
    /// counts every survivor.
    #[test]
    fn one_entry_accepts_one_survivor_and_the_bar_counts_them_all() {
        let file = TARGETS[0].file;
        let survivor = format!("{file}: replace == with != in f");
        let tally = |survivors: usize, viable: usize| Tally {
            mutants: viable + 1,
            unviable: 1,
            caught: viable - survivors,
            survivors: vec![survivor.clone(); survivors],
        };
        let accepted = [(survivor.clone(), "equivalent".to_owned())];
        let targets = [&TARGETS[0]];
        let run =
            |t: Tally, full: bool| report(&targets, &BTreeMap::from([(file, t)]), &accepted, full);
        let (table, ok) = run(tally(1, 20), true);
        assert!(ok, "{table}");
        assert!(
            table.contains(&format!("| `{file}` | 21 | 1 | 19 | 1 | 1 |")),
            "{table}"
        );
        // The same survivor twice: the second is not accepted.
        assert!(!run(tally(2, 100), false).1);
        // One survivor in 10 viable mutants: over 5% in a full run, not checked in a diff run.
        let over = Tally {
            survivors: vec![survivor.clone()],
            ..tally(0, 10)
        };
        assert!(!run(over.clone(), true).1);
        assert!(run(over, false).1);
    }
}
