//! `xtask-bench`, the bench tool of `cargo xtask bench [--quick] [--peer]` (which runs it with
//! `cargo run -p xtask-bench`): runs the benchmarks and reports every figure as a ratio
//! against a baseline measured in the same run, never as an absolute time. It reuses xtask's
//! library (`xtask::{apis, bundle, consumers, process}`).
//!
//! - criterion benches in `crates/bench-support/benches/`: decoding, the
//!   client's response path, per-request overhead on loopback, pagination memory;
//! - generation: `cargo xtask generate` timed once xtask is built, and compared byte for
//!   byte run to run ([`generation`]);
//! - with `--peer`, build cost against the openapi-generator `rust` client of the same bundle
//!   ([`peer`]).
//!
//! The table is printed as markdown and written to `target/bench/summary.json`: a list of rows
//! with the keys `measure`, `ours`, `baseline`, `ratio`, `target`, `met` (plus `unit` and
//! `comparison`). `--quick` runs short samples of one small case, for CI's smoke run.

mod cargo_benches;
mod generation;
mod peer;

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use serde::Serialize;

/// How a ratio is held against its target.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub enum Comparison {
    /// The ratio must be at most the target.
    #[serde(rename = "<=")]
    AtMost,
    /// The ratio must be below the target.
    #[serde(rename = "<")]
    Below,
}

impl Comparison {
    fn symbol(self) -> &'static str {
        match self {
            Comparison::AtMost => "≤",
            Comparison::Below => "<",
        }
    }
}

/// One line of the report: our figure, the baseline's, their ratio and the target.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// What is measured, and against what (`decode liveagent 1,000 rows: generated / floor`).
    pub measure: String,
    /// Our figure, in `unit`.
    pub ours: f64,
    /// The baseline's figure, in `unit`.
    pub baseline: f64,
    /// `ours / baseline`.
    pub ratio: f64,
    /// The target the ratio is held against.
    pub target: f64,
    /// How: at most, or below.
    pub comparison: Comparison,
    /// Whether the target is met.
    pub met: bool,
    /// The unit of `ours` and `baseline` (`µs`, `s`, `MiB`).
    pub unit: String,
}

impl Row {
    /// A row; the ratio and whether it is met are computed.
    pub fn new(
        measure: impl Into<String>,
        ours: f64,
        baseline: f64,
        unit: impl Into<String>,
        comparison: Comparison,
        target: f64,
    ) -> Self {
        let ratio = if baseline == 0.0 {
            f64::INFINITY
        } else {
            ours / baseline
        };
        let met = match comparison {
            Comparison::AtMost => ratio <= target,
            Comparison::Below => ratio < target,
        };
        Row {
            measure: measure.into(),
            ours,
            baseline,
            ratio,
            target,
            comparison,
            met,
            unit: unit.into(),
        }
    }
}

/// What `cargo xtask bench` was asked to do.
#[derive(clap::Parser)]
#[command(
    name = "cargo xtask bench",
    about = "Run the benchmarks and print every figure as a ratio against a baseline of the \
             same run (also written to `target/bench/summary.json`)."
)]
pub struct Args {
    /// Short samples of one small case: a smoke run (CI), not figures to publish.
    #[arg(long)]
    pub quick: bool,
    /// Also measure build cost against the openapi-generator `rust` client (slow: several
    /// clean builds of both).
    #[arg(long)]
    pub peer: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&xtask::workspace_root(), &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the benchmarks, prints the table and writes `target/bench/summary.json`. Fails only
/// when a benchmark cannot run: a missed target is reported, not an error.
pub fn run(root: &Path, args: &Args) -> anyhow::Result<()> {
    let mut rows = cargo_benches::run(root, args.quick)?;
    if !args.quick {
        rows.extend(generation::run(root)?);
    }
    if args.peer {
        rows.extend(peer::run(root, args.quick)?);
    }
    let table = markdown(&rows);
    println!("{table}");
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let summary = dir.join("summary.json");
    std::fs::write(&summary, serde_json::to_string_pretty(&rows)? + "\n")
        .with_context(|| format!("writing {}", summary.display()))?;
    std::fs::write(dir.join("summary.md"), &table)?;
    eprintln!("wrote {}", summary.display());
    Ok(())
}

/// The rows as a markdown table.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| measure | ours | baseline | ratio | target | met |\n|---|---:|---:|---:|---:|:---:|\n",
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} {} | {} {} | {:.3} | {} {} | {} |",
            row.measure,
            figure(row.ours),
            row.unit,
            figure(row.baseline),
            row.unit,
            row.ratio,
            row.comparison.symbol(),
            row.target,
            if row.met { "yes" } else { "**no**" },
        );
    }
    out
}

/// The median of the samples (the mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// A figure with three significant digits.
fn figure(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = (2 - value.abs().log10().floor() as i32).max(0) as usize;
    format!("{value:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::{markdown, median, Comparison, Row};

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn rows_compute_their_ratio_and_verdict() {
        let row = Row::new("x", 1.1, 1.0, "µs", Comparison::AtMost, 1.10);
        assert!(row.met, "{row:?}");
        let row = Row::new("x", 2.0, 1.0, "MiB", Comparison::Below, 2.0);
        assert!(!row.met);
        let json = serde_json::to_value(&row).unwrap();
        for key in ["measure", "ours", "baseline", "ratio", "target", "met"] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["met"], serde_json::Value::Bool(false));
        assert!(markdown(&[row]).contains("| x | 2.00 MiB | 1.00 MiB | 2.000 | < 2 | **no** |"));
    }
}
