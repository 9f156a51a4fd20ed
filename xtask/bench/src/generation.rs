//! Generation: `cargo xtask generate` for the whole workspace once xtask is built, timed as a
//! user runs it (the xtask binary next to this bench tool's, as built by the `cargo xtask`
//! alias in the same profile), against a 2 s budget; and its output compared byte for byte
//! from run to run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use super::{median, Comparison, Row};
use xtask::{apis, process};

/// Timed runs (after one untimed run that brings the files up to date).
const RUNS: usize = 5;

/// The budget, in seconds.
const BUDGET: f64 = 2.0;

/// Runs the generator [`RUNS`] times and returns the time and determinism rows.
pub fn run(root: &Path) -> anyhow::Result<Vec<Row>> {
    let xtask = xtask_binary()?;
    let generate = || -> anyhow::Result<f64> {
        let started = Instant::now();
        process::run(Command::new(&xtask).arg("generate").current_dir(root))?;
        Ok(started.elapsed().as_secs_f64())
    };
    eprintln!("timing `cargo xtask generate` ({RUNS} runs)");
    generate()?;
    let first = digest(&outputs(root)?)?;
    let mut times = Vec::with_capacity(RUNS);
    let mut differing = 0;
    for _ in 0..RUNS {
        times.push(generate()?);
        if digest(&outputs(root)?)? != first {
            differing += 1;
        }
    }
    Ok(vec![
        Row::new(
            "generate: whole workspace, xtask built — time / 2 s budget",
            median(&times),
            BUDGET,
            "s",
            Comparison::Below,
            1.0,
        ),
        Row::new(
            format!("generate: runs whose output differs from the first / {RUNS} runs"),
            differing as f64,
            RUNS as f64,
            "runs",
            Comparison::AtMost,
            0.0,
        ),
    ])
}

/// The xtask binary: `cargo xtask bench` runs this tool after building xtask in the same
/// profile, so it is in the same directory.
fn xtask_binary() -> anyhow::Result<PathBuf> {
    let bench_tool = std::env::current_exe().context("locating the bench tool's binary")?;
    let xtask = bench_tool.with_file_name(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        xtask.is_file(),
        "{} not found: run the benches with `cargo xtask bench`",
        xtask.display()
    );
    Ok(xtask)
}

/// Every file `cargo xtask generate` writes.
fn outputs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(apis::discover(root)?
        .iter()
        .flat_map(apis::Api::output_paths)
        .collect())
}

/// One digest of the files' contents, in order.
fn digest(files: &[PathBuf]) -> anyhow::Result<Vec<u8>> {
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hasher.finalize().to_vec())
}
