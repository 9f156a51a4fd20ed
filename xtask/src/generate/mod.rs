//! `cargo xtask generate`: for every API, its spec (parsed once into the [`Spec`] model) →
//! progenitor → the client `crates/<api>/src/generated.rs`, the tests' replay dispatcher, the
//! CLI's commands and the typed mocks (the last two if the API has them); the files each API
//! writes are its [`Outputs`](crate::apis::Outputs). Then the dispatchers' `mod.rs`, for all.
//!
//! This module only orchestrates: it refuses a spec with problems (the rules of
//! [`crate::model`]), renders every file of every API, and only then writes (or with
//! `--check`, compares), so a pass that fails leaves every file as it was. The passes:
//!
//! - [`client`]: progenitor's client, with open enums ([`enums`]), the custom formats' and
//!   enums' replacement types, strict success decoding ([`strict_decoding`]), plain-value body
//!   setters ([`setters`]), pagination streams ([`pagination`]) and the per-API glue;
//! - [`dispatch`], [`cli`] and [`httpmock`], from the client's settings and syntax tree.
//!
//! Each pass counts the places it changes in progenitor's output and fails generation when
//! the count is not the one the spec implies ([`ast::expect_changes`]).

mod ast;
mod cli;
mod client;
mod dispatch;
mod enums;
mod httpmock;
mod pagination;
mod setters;
mod strict_decoding;

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::apis;
use crate::model::Spec;

/// Regenerates (or with `check`, compares) every API's generated files. Returns whether all
/// files are up to date (always true when writing).
pub fn run(root: &Path, check: bool) -> anyhow::Result<bool> {
    let mut files: Vec<(PathBuf, String, String)> = Vec::new();
    let mut dispatched = Vec::new();
    for api in apis::discover(root)? {
        dispatched.push(api.settings);
        let spec = Spec::load(api)?;
        let name = spec.api.spec_relative();
        anyhow::ensure!(
            spec.problems.is_empty(),
            "{name} breaks the rules generation relies on (see `cargo xtask validate`):\n{}",
            spec.problems
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let client = client::render(&spec).with_context(|| format!("generating from {name}"))?;
        let outputs = &spec.api.settings.outputs;
        let mut contents = vec![client.text.clone(), dispatch::render(&spec, &client.file)?];
        if outputs.cli.is_some() {
            contents.push(cli::render(&spec, &client)?);
        }
        if outputs.httpmock.is_some() {
            contents.push(httpmock::render(&spec, &client)?);
        }
        for (path, text) in spec.api.output_paths().into_iter().zip(contents) {
            files.push((path.clone(), spec.api.relative(&path), text));
        }
    }
    if !dispatched.is_empty() {
        let (index, text) = dispatch::render_index(&dispatched)?;
        files.push((root.join(&index), index, text));
    }
    let mut fresh = true;
    for (path, target, generated) in &files {
        fresh &= write_or_check(path, target, generated, check)?;
    }
    Ok(fresh)
}

/// Writes `generated` to `path`, or with `check` compares; returns whether it was fresh.
fn write_or_check(path: &Path, target: &str, generated: &str, check: bool) -> anyhow::Result<bool> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {target}")),
    };
    if current == generated {
        println!("{target}: up to date");
        Ok(true)
    } else if check {
        println!(
            "{target}: stale; run `cargo xtask generate`. Difference (checked in → generated):"
        );
        print_short_diff(&current, generated);
        Ok(false)
    } else {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, generated).with_context(|| format!("writing {target}"))?;
        println!("{target}: written");
        Ok(true)
    }
}

/// Prints the first lines of a unified diff between two texts.
fn print_short_diff(old: &str, new: &str) {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        println!("    {line}");
    }
    if lines.len() > MAX_LINES {
        println!("    … {} more diff lines", lines.len() - MAX_LINES);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::run;

    fn scratch_workspace() -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let scratch =
            std::env::temp_dir().join(format!("xtask-generate-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(scratch.join("spec")).unwrap();
        std::fs::create_dir_all(scratch.join("crates/liveagent/src")).unwrap();
        std::fs::copy(
            root.join("spec/liveagent-v1.yaml"),
            scratch.join("spec/liveagent-v1.yaml"),
        )
        .unwrap();
        scratch
    }

    #[test]
    fn check_fails_on_a_stale_file_and_generation_is_reproducible() {
        let scratch = scratch_workspace();
        let generated = scratch.join("crates/liveagent/src/generated.rs");
        std::fs::write(&generated, "// stale\n").unwrap();

        assert!(
            !run(&scratch, true).unwrap(),
            "a stale file must fail --check"
        );
        assert_eq!(std::fs::read_to_string(&generated).unwrap(), "// stale\n");

        assert!(run(&scratch, false).unwrap());
        let first = std::fs::read_to_string(&generated).unwrap();
        assert!(first.starts_with(
            "//! This file is generated by `cargo xtask generate` from spec/liveagent-v1.yaml."
        ));
        assert!(
            run(&scratch, true).unwrap(),
            "freshly generated code passes --check"
        );
        assert!(run(&scratch, false).unwrap());
        assert_eq!(std::fs::read_to_string(&generated).unwrap(), first);

        // A spec that breaks a rule of the model writes nothing.
        let spec = scratch.join("spec/liveagent-v1.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(&spec, text.replacen("style: cursor", "style: sideways", 1)).unwrap();
        std::fs::write(&generated, "// stale\n").unwrap();
        let error = run(&scratch, false).unwrap_err().to_string();
        assert!(error.contains("unknown style `sideways`"), "{error}");
        assert_eq!(std::fs::read_to_string(&generated).unwrap(), "// stale\n");

        std::fs::remove_dir_all(&scratch).unwrap();
    }
}
