//! The benches under `crates/bench-support/benches/`, run with `cargo bench`, and their rows.
//!
//! Each bench times its cases with criterion (its report is printed as it runs) and then
//! round by round (`bench_support::interleaved`: A, B, C, A, B, C, …), writing each case's
//! median and 99th percentile to `target/bench/raw/<group>.json`. The rows use those: on a
//! shared 2-core machine criterion's one-case-after-another medians drift apart when the
//! load changes, while interleaved cases share it. Peak memory is written there too.
//!
//! `--quick` runs only LiveAgent's decode bench, with short samples.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{Comparison, Row};

/// The package holding the benches.
const PACKAGE: &str = "bench-support";

/// Every bench `cargo xtask bench` runs.
const ALL: &[&str] = &[
    "liveagent_decode",
    "request",
    "paginate_memory",
    "error_render",
    "contiple_decode",
    "shared_quota",
];

/// The smoke run of `--quick`.
const QUICK: &[&str] = &["liveagent_decode"];

/// Runs the benches and turns their results into rows.
pub fn run(root: &Path, quick: bool) -> anyhow::Result<Vec<Row>> {
    let out = root.join("target/bench");
    let criterion_home = out.join("criterion");
    let raw = out.join("raw");
    for dir in [&criterion_home, &raw] {
        // Stale results of an earlier run must not be reported as this run's.
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let benches = if quick { QUICK } else { ALL };
    let mut command = xtask::process::cargo();
    command
        .current_dir(root)
        .args(["bench", "--package", PACKAGE]);
    for bench in benches {
        command.args(["--bench", bench]);
    }
    if !quick {
        // `shared_quota` (the rate limit kept in Redis) needs the feature and a redis-server.
        command.args(["--features", "redis"]);
    }
    command.arg("--");
    if quick {
        command.args([
            "--warm-up-time",
            "0.5",
            "--measurement-time",
            "1",
            "--sample-size",
            "10",
        ]);
    }
    command
        .env("CRITERION_HOME", &criterion_home)
        .env("XTASK_BENCH_OUT", &raw)
        .env("BENCH_QUICK", if quick { "1" } else { "0" });
    eprintln!("running the benches of {PACKAGE} ({})", benches.join(", "));
    let status = command.status().context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench of {PACKAGE} failed ({status})");
    }

    let results = Results { raw };
    let mut rows = vec![
        results.ratio(
            "decode: LiveAgent listConversations, 1,000 rows — generated types / hand-written floor",
            ("decode_liveagent_1000", "generated"),
            ("decode_liveagent_1000", "floor"),
            Comparison::AtMost,
            1.10,
        )?,
        results.ratio(
            "decode: LiveAgent listConversations, 1,000 rows — generated types / serde_json::Value",
            ("decode_liveagent_1000", "generated"),
            ("decode_liveagent_1000", "value"),
            Comparison::AtMost,
            0.5,
        )?,
    ];
    if !quick {
        rows.push(results.ratio(
            "decode: Contiple ticket list, 200 rows — generated types / hand-written floor",
            ("decode_contiple_200", "generated"),
            ("decode_contiple_200", "floor"),
            Comparison::AtMost,
            1.10,
        )?);
        rows.push(results.ratio(
            "decode: Contiple ticket list, 200 rows — generated types / serde_json::Value",
            ("decode_contiple_200", "generated"),
            ("decode_contiple_200", "value"),
            Comparison::AtMost,
            0.5,
        )?);
    }
    rows.push(results.ratio(
        "response path, 1,000 rows: a row with the text \"ERROR\" / without",
        ("inspect_liveagent_1000", "client_error_string"),
        ("inspect_liveagent_1000", "client"),
        Comparison::AtMost,
        1.02,
    )?);
    rows.push(results.ratio(
        "response path, 1,000 rows: the client's whole path / bare decode of the same bytes",
        ("inspect_liveagent_1000", "client"),
        ("inspect_liveagent_1000", "bare"),
        Comparison::AtMost,
        1.05,
    )?);
    if quick {
        return Ok(rows);
    }

    let latency = results.raw("request_get_tag.json")?;
    let figure = |who: &str, what: &str| -> anyhow::Result<f64> {
        latency[who][what]
            .as_f64()
            .with_context(|| format!("request_get_tag.json has no {who}.{what}"))
    };
    rows.push(Row::new(
        "per request, loopback getTag: client / raw reqwest, median",
        figure("client", "p50")?,
        figure("reqwest", "p50")?,
        "µs",
        Comparison::AtMost,
        1.05,
    ));
    rows.push(Row::new(
        "per request, loopback getTag: client / raw reqwest, p99",
        figure("client", "p99")?,
        figure("reqwest", "p99")?,
        "µs",
        Comparison::AtMost,
        1.10,
    ));

    // The shared quota: what Redis adds per request, and that against one Redis round trip.
    let quota = results.raw("request_shared_quota.json")?;
    let median = |case: &str| -> anyhow::Result<f64> {
        quota[case]["p50"]
            .as_f64()
            .with_context(|| format!("request_shared_quota.json has no median of {case}"))
    };
    // On loopback a getTag costs about one Redis round trip itself, so about 2x.
    rows.push(Row::new(
        "per request, loopback getTag: rate limit in Redis / in-process limiter, median",
        median("redis_quota")?,
        median("in_process")?,
        "µs",
        Comparison::AtMost,
        2.5,
    ));
    rows.push(Row::new(
        "per request, loopback getTag: µs the Redis quota adds / one Redis round trip (EVALSHA)",
        median("redis_quota")? - median("in_process")?,
        median("redis_round_trip")?,
        "µs",
        Comparison::AtMost,
        1.2,
    ));

    rows.push(results.ratio(
        "error render (Display + Debug, 64 KiB body): 10,000 clients / 1 client",
        ("error_render_10000", "render"),
        ("error_render_1", "render"),
        Comparison::AtMost,
        2.0,
    )?);
    rows.push(results.ratio(
        "failing call + render, loopback, 64 KiB echoed key: 10,000 clients / 1 client",
        ("error_render_10000", "call_and_render"),
        ("error_render_1", "call_and_render"),
        Comparison::AtMost,
        2.0,
    )?);

    let memory = results.raw("paginate_memory.json")?;
    let mib = |key: &str| -> anyhow::Result<f64> {
        let bytes = memory[key]
            .as_f64()
            .with_context(|| format!("paginate_memory.json has no {key}"))?;
        Ok(bytes / (1024.0 * 1024.0))
    };
    rows.push(Row::new(
        format!(
            "pagination memory: peak heap streaming {} rows / fetching one 1,000-row page",
            thousands(memory["rows"].as_u64().unwrap_or_default())
        ),
        mib("stream_peak_bytes")?,
        mib("one_page_peak_bytes")?,
        "MiB",
        Comparison::AtMost,
        1.1,
    ));
    Ok(rows)
}

/// Where the benches left their results.
struct Results {
    raw: PathBuf,
}

impl Results {
    /// The interleaved median of `group/case`, in µs.
    fn median(&self, (group, case): (&str, &str)) -> anyhow::Result<f64> {
        self.raw(&format!("{group}.json"))?[case]["p50"]
            .as_f64()
            .with_context(|| format!("{group}.json has no median of {case}"))
    }

    /// The row comparing two medians.
    fn ratio(
        &self,
        measure: &str,
        ours: (&str, &str),
        baseline: (&str, &str),
        comparison: Comparison,
        target: f64,
    ) -> anyhow::Result<Row> {
        Ok(Row::new(
            measure,
            self.median(ours)?,
            self.median(baseline)?,
            "µs",
            comparison,
            target,
        ))
    }

    /// A JSON file a bench wrote under `target/bench/raw/`.
    fn raw(&self, name: &str) -> anyhow::Result<serde_json::Value> {
        let path = self.raw.join(name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (did the bench run?)", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// `100000` as `100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
    }
}
