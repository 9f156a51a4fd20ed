//! `cargo xtask bench --peer`: build cost of our `liveagent` and `contiple` crates against the
//! openapi-generator `rust` clients of the same bundles (`spec/dist/*.json`), as a user of
//! either would pay it.
//!
//! Method:
//!
//! - The peers are generated with the pinned `openapi-generator-cli` of `cargo xtask consumers`
//!   ([`consumers::ensure_tools`], [`consumers::generator`]) into
//!   `target/bench/peer/openapi-generator-<bundle>`, with the `Cargo.toml` the generator writes.
//! - Throwaway consumer crates, `target/bench/peer/{ours,peer}-<api>`, each depend on one client
//!   only (ours: a path dependency on `crates/<api>`; peer: on the generated crate), and build a
//!   client and one request in `main`. They share one workspace and one lock file, seeded from
//!   the workspace's `Cargo.lock` and `xtask/consumers/Cargo.lock`, so shared dependencies
//!   resolve to the same versions; the dependencies are fetched once, then every build runs
//!   `--frozen` (offline, locked).
//! - Clean debug build: `cargo build` of a consumer with the client's default features, in its
//!   own `CARGO_TARGET_DIR` (`target/bench/peer/target-<side>`), deleted first, with
//!   `CARGO_INCREMENTAL=0`, timed by wall clock. Ours defaults to rustls (with `ring`), the
//!   peer to native-tls (the system's OpenSSL, linked, not compiled).
//! - Clean debug build, both on rustls: the same with the peer's `rustls` feature (its only
//!   rustls option, reqwest's `rustls`, which builds aws-lc-rs) against our default.
//! - Client crate alone: right after the clean build, the client's `src/lib.rs` gets a new
//!   modification time (its contents are not changed) and `cargo build` is timed again: only
//!   the client crate and the consumer recompile. Also with `CARGO_INCREMENTAL=0`, although
//!   Cargo's default for a workspace's own debug builds is incremental: a user gets the client
//!   from a registry, and Cargo never compiles registry crates incrementally, so whenever a
//!   user's build recompiles the client (a new version, other features or flags) it is this
//!   non-incremental compile.
//! - rustc's peak memory compiling the client crate: the same touch build once more, through a
//!   `RUSTC_WRAPPER` (a Python script, `rustc-peak.py`) that records the peak resident set of
//!   each rustc it runs (`getrusage(RUSAGE_CHILDREN)`), untimed.
//! - A user's incremental rebuild: the consumer is built once incrementally (untimed), then one
//!   line of its `main.rs` changes (the base URL) and the incremental build is timed, as a user
//!   editing their own code pays it on every change.
//! - Runs alternate ours, peer, ours, peer… per API (3 each, 1 with `--quick`) so that a busy
//!   machine slows both alike; each row holds the medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::Context as _;

use super::{median, Comparison, Row};
use xtask::{apis, bundle, consumers, process};

/// One API's comparison: our crate, the bundle the peer is generated from, and the two
/// consumers' `main.rs` (with `{url}` where the base URL goes).
struct Api {
    /// Our crate's name (`crates/<name>`) and the suffix of the consumers' names.
    name: &'static str,
    /// The bundle's stem (`spec/dist/<stem>.json`).
    stem: &'static str,
    /// The generated crate's package name.
    peer_package: &'static str,
    ours_main: &'static str,
    peer_main: &'static str,
}

const APIS: [Api; 2] = [
    Api {
        name: "liveagent",
        stem: "liveagent-v1",
        peer_package: "liveagent-v1-client",
        ours_main: r#"fn main() {
    let client = liveagent::Client::new("{url}", liveagent::ApiKey::new("api-key"))
        .expect("client");
    let request = client.list_conversations().limit(10).send();
    std::hint::black_box(request);
}
"#,
        peer_main: r#"fn main() {
    let mut configuration = liveagent_v1_client::apis::configuration::Configuration::new();
    configuration.base_path = "{url}".to_owned();
    configuration.api_key = Some(liveagent_v1_client::apis::configuration::ApiKey {
        prefix: None,
        key: "api-key".to_owned(),
    });
    let request = liveagent_v1_client::apis::conversations_api::list_conversations(
        &configuration,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some(10),
        None,
        None,
    );
    std::hint::black_box(request);
}
"#,
    },
    Api {
        name: "contiple",
        stem: "contiple",
        peer_package: "contiple-client",
        ours_main: r#"fn main() {
    let client = contiple::Client::new("{url}", "service", "organization", "security-key")
        .expect("client");
    let request = client.list_customer_tickets().usercode("user").page_size(20).send();
    std::hint::black_box(request);
}
"#,
        peer_main: r#"fn main() {
    let mut configuration = contiple_client::apis::configuration::Configuration::new();
    configuration.base_path = "{url}".to_owned();
    let request = contiple_client::apis::inquiry_history_api::list_customer_tickets(
        &configuration,
        "user",
        None,
        None,
        None,
        None,
        None,
        None,
        Some(20),
    );
    std::hint::black_box(request);
}
"#,
    },
];

/// The base URL in a consumer's `main.rs`, and the one line a user changes.
const URLS: [&str; 2] = ["https://example.com/api", "https://example.org/api"];

/// Which samples of a [`Side`] a row reads.
type Samples = fn(&Side) -> &Vec<f64>;

/// One consumer: ours or the peer, of one API.
struct Side {
    /// `ours-<api>` or `peer-<api>`: the consumer crate's directory and package suffix.
    consumer: String,
    /// The client crate's `src/lib.rs`, whose modification time is renewed.
    client_lib: PathBuf,
    /// The client crate's name as rustc sees it (`liveagent_v1_client`).
    client_crate: String,
    /// Its own target directory.
    target: PathBuf,
    /// The consumer's `main.rs` template.
    main: &'static str,
    clean: Vec<f64>,
    /// CPU seconds (user + system, rustc and build scripts included) of the clean build.
    clean_cpu: Vec<f64>,
    clean_rustls: Vec<f64>,
    touch: Vec<f64>,
    touch_cpu: Vec<f64>,
    peak_mib: Vec<f64>,
    incremental: Vec<f64>,
}

/// Measures the build-cost rows of both APIs.
pub fn run(root: &Path, quick: bool) -> anyhow::Result<Vec<Row>> {
    let runs = if quick { 1 } else { 3 };
    let dir = root.join("target/bench/peer");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let tools = consumers::ensure_tools(root)?;
    let mut generated = Vec::new();
    for api in &APIS {
        generated.push(generate_peer(root, &dir, &tools, api)?);
    }
    write_workspace(root, &dir, &generated)?;
    let wrapper = dir.join("rustc-peak.py");
    std::fs::write(&wrapper, RUSTC_PEAK)?;
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))?;
    }
    eprintln!("peer: fetching the consumers' dependencies");
    process::run(cargo(&dir).arg("fetch"))?;

    let mut rows = Vec::new();
    for (api, peer_dir) in APIS.iter().zip(&generated) {
        let side = |ours: bool| {
            let (prefix, client, crate_name, main) = if ours {
                (
                    "ours",
                    root.join("crates").join(api.name),
                    api.name.to_owned(),
                    api.ours_main,
                )
            } else {
                (
                    "peer",
                    peer_dir.clone(),
                    api.peer_package.replace('-', "_"),
                    api.peer_main,
                )
            };
            let consumer = format!("{prefix}-{}", api.name);
            Side {
                target: dir.join(format!("target-{consumer}")),
                consumer,
                client_lib: client.join("src/lib.rs"),
                client_crate: crate_name,
                main,
                clean: Vec::new(),
                clean_cpu: Vec::new(),
                clean_rustls: Vec::new(),
                touch: Vec::new(),
                touch_cpu: Vec::new(),
                peak_mib: Vec::new(),
                incremental: Vec::new(),
            }
        };
        let mut sides = [side(true), side(false)];
        for run in 1..=runs {
            for side in &mut sides {
                measure(&dir, side)?;
                eprintln!(
                    "peer: run {run}/{runs} {}: clean debug build {:.1} s ({:.1} s CPU; rustls \
                     {:.1} s), client crate alone {:.1} s ({:.1} s CPU, {:.0} MiB peak), \
                     incremental rebuild {:.2} s",
                    side.consumer,
                    side.clean.last().unwrap_or(&f64::NAN),
                    side.clean_cpu.last().unwrap_or(&f64::NAN),
                    side.clean_rustls.last().unwrap_or(&f64::NAN),
                    side.touch.last().unwrap_or(&f64::NAN),
                    side.touch_cpu.last().unwrap_or(&f64::NAN),
                    side.peak_mib.last().unwrap_or(&f64::NAN),
                    side.incremental.last().unwrap_or(&f64::NAN),
                );
            }
        }
        for side in &sides {
            let _ = std::fs::remove_dir_all(&side.target);
        }
        let [ours, peer] = &sides;
        let name = api.name;
        // (measure, our samples, the peer's samples, unit, target): every row is "at most".
        let table: [(String, Samples, Samples, &str, f64); 7] = [
            (
                format!("build: clean debug, {name} vs openapi-generator rust (defaults)"),
                |s| &s.clean,
                |s| &s.clean,
                "s",
                1.0,
            ),
            (
                format!("build: clean debug, {name} vs the peer, CPU seconds (defaults)"),
                |s| &s.clean_cpu,
                |s| &s.clean_cpu,
                "s",
                1.0,
            ),
            (
                format!("build: clean debug, {name}, both on rustls"),
                |s| &s.clean,
                |s| &s.clean_rustls,
                "s",
                0.8,
            ),
            (
                format!("build: {name} client crate alone (touch, debug)"),
                |s| &s.touch,
                |s| &s.touch,
                "s",
                0.7,
            ),
            (
                format!("build: {name} client crate alone, CPU seconds"),
                |s| &s.touch_cpu,
                |s| &s.touch_cpu,
                "s",
                0.7,
            ),
            (
                format!("build: {name} user's incremental rebuild (one line of main.rs)"),
                |s| &s.incremental,
                |s| &s.incremental,
                "s",
                1.05,
            ),
            (
                format!("build: {name} rustc peak memory compiling the client crate"),
                |s| &s.peak_mib,
                |s| &s.peak_mib,
                "MiB",
                1.0,
            ),
        ];
        rows.extend(
            table
                .into_iter()
                .map(|(measure, ours_of, peer_of, unit, target)| {
                    Row::new(
                        measure,
                        median(ours_of(ours)),
                        median(peer_of(peer)),
                        unit,
                        Comparison::AtMost,
                        target,
                    )
                }),
        );
    }
    Ok(rows)
}

/// The `RUSTC_WRAPPER` of the peak-memory build: runs rustc, then appends
/// `<crate name> <peak resident KiB>` to `$RUSTC_PEAK_LOG`.
const RUSTC_PEAK: &str = r#"#!/usr/bin/env python3
import os, resource, subprocess, sys
args = sys.argv[1:]
code = subprocess.call(args)
if "--crate-name" in args:
    name = args[args.index("--crate-name") + 1]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["RUSTC_PEAK_LOG"], "a") as log:
        log.write(f"{name} {peak}\n")
sys.exit(code)
"#;

/// One run of every measure of one side.
fn measure(dir: &Path, side: &mut Side) -> anyhow::Result<()> {
    let main = dir.join(&side.consumer).join("src/main.rs");
    std::fs::write(&main, side.main.replace("{url}", URLS[0]))?;
    let peer = side.consumer.starts_with("peer");
    if peer {
        let _ = std::fs::remove_dir_all(&side.target);
        side.clean_rustls.push(
            build(
                dir,
                side,
                &["--no-default-features", "--features", "rustls"],
                false,
            )?
            .0,
        );
    }
    let _ = std::fs::remove_dir_all(&side.target);
    let (wall, cpu) = build(dir, side, &[], false)?;
    side.clean.push(wall);
    side.clean_cpu.push(cpu);
    renew_mtime(&side.client_lib)?;
    let (wall, cpu) = build(dir, side, &[], false)?;
    side.touch.push(wall);
    side.touch_cpu.push(cpu);
    // Peak memory: the same touch build through the wrapper (untimed).
    let log = side.target.join("rustc-peak.log");
    let _ = std::fs::remove_file(&log);
    renew_mtime(&side.client_lib)?;
    let mut command = build_command(dir, side, &[], false);
    command
        .env("RUSTC_WRAPPER", dir.join("rustc-peak.py"))
        .env("RUSTC_PEAK_LOG", &log);
    process::run(&mut command)?;
    let text =
        std::fs::read_to_string(&log).with_context(|| format!("reading {}", log.display()))?;
    let peak_kib = text
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(name, _)| *name == side.client_crate)
        .filter_map(|(_, kib)| kib.trim().parse::<f64>().ok())
        .fold(f64::NAN, f64::max);
    anyhow::ensure!(
        peak_kib.is_finite(),
        "no rustc run of {} in {}",
        side.client_crate,
        log.display()
    );
    side.peak_mib.push(peak_kib / 1024.0);
    // A user's incremental rebuild: warm the incremental cache, change one line, time it.
    build(dir, side, &[], true)?;
    std::fs::write(&main, side.main.replace("{url}", URLS[1]))?;
    side.incremental.push(build(dir, side, &[], true)?.0);
    Ok(())
}

/// Generates one API's peer crate into `dir/openapi-generator-<stem>`; returns its directory.
fn generate_peer(
    root: &Path,
    dir: &Path,
    tools: &consumers::Tools,
    api: &Api,
) -> anyhow::Result<PathBuf> {
    let stem = api.stem;
    let found = apis::discover(root)?
        .into_iter()
        .find(|found| bundle::spec_stem(found) == stem)
        .with_context(|| format!("no API with the bundle {stem}"))?;
    let bundle_path = bundle::existing_bundle(&found)?;
    let out = dir.join(format!("openapi-generator-{stem}"));
    let _ = std::fs::remove_dir_all(&out);
    eprintln!("peer: generating the openapi-generator rust client of {stem}");
    let outcome = consumers::generator(
        tools,
        stem,
        &bundle_path,
        "rust",
        &out,
        &format!("packageName={}", api.peer_package),
    )?;
    anyhow::ensure!(
        outcome.errors == 0 && out.join("Cargo.toml").exists(),
        "openapi-generator failed; log: {}",
        out.join("xtask-generator.log").display()
    );
    Ok(out)
}

/// The consumers' workspace: `Cargo.toml`, the consumer crates, and the seeded lock file.
fn write_workspace(root: &Path, dir: &Path, generated: &[PathBuf]) -> anyhow::Result<()> {
    let mut members = Vec::new();
    for (api, peer_dir) in APIS.iter().zip(generated) {
        let ours_dependency = format!(
            "{} = {{ path = {:?} }}",
            api.name,
            root.join("crates").join(api.name)
        );
        // The peer's TLS is chosen by the consumer's features: native-tls (its default) or
        // rustls.
        let peer_dependency = format!(
            "{} = {{ path = {:?}, default-features = false }}\n\n[features]\n\
             default = [\"native-tls\"]\nnative-tls = [\"{0}/native-tls\"]\n\
             rustls = [\"{0}/rustls\"]",
            api.peer_package, peer_dir
        );
        for (prefix, dependency, main) in [
            ("ours", ours_dependency, api.ours_main),
            ("peer", peer_dependency, api.peer_main),
        ] {
            let name = format!("{prefix}-{}", api.name);
            let crate_dir = dir.join(&name);
            std::fs::create_dir_all(crate_dir.join("src"))?;
            std::fs::write(
                crate_dir.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"consumer-{name}\"\nversion = \"0.0.0\"\n\
                     edition = \"2021\"\npublish = false\n\n[dependencies]\n{dependency}\n"
                ),
            )?;
            std::fs::write(
                crate_dir.join("src/main.rs"),
                main.replace("{url}", URLS[0]),
            )?;
            members.push(format!("{name:?}"));
        }
        let peer_name = peer_dir
            .file_name()
            .and_then(|name| name.to_str())
            .context("the peer's directory")?;
        members.push(format!("{peer_name:?}"));
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    let mut lock = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for seed in [
        root.join("Cargo.lock"),
        root.join("xtask/consumers/Cargo.lock"),
    ] {
        let text = std::fs::read_to_string(&seed)
            .with_context(|| format!("reading {}", seed.display()))?;
        let mut blocks = text.split("\n[[package]]\n");
        let header = blocks.next().unwrap_or_default();
        if lock.is_empty() {
            lock.push_str(header.trim_end());
            lock.push('\n');
        }
        for block in blocks {
            let identity: String = block.lines().take(3).collect::<Vec<_>>().join("\n");
            // Path packages (no `source`) are the seeds' own crates, not dependencies.
            if block.contains("\nsource = ") && seen.insert(identity) {
                lock.push_str("\n[[package]]\n");
                lock.push_str(block.trim_end());
                lock.push('\n');
            }
        }
    }
    std::fs::write(dir.join("Cargo.lock"), lock)?;
    Ok(())
}

/// `cargo` in the consumers' workspace, with neither the caller's flags nor its target dir.
fn cargo(dir: &Path) -> Command {
    let mut command = process::cargo();
    command
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR");
    command
}

/// Builds one side's consumer with `features` (cargo arguments), incrementally or not; returns
/// the wall-clock seconds and the CPU seconds (user + system of cargo and everything it ran:
/// on a machine shared with other builds, less sensitive to their load than wall-clock time).
fn build(
    dir: &Path,
    side: &Side,
    features: &[&str],
    incremental: bool,
) -> anyhow::Result<(f64, f64)> {
    let mut command = build_command(dir, side, features, incremental);
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    process::run(&mut command)?;
    let wall = started.elapsed().as_secs_f64();
    Ok((wall, children_cpu_seconds() - cpu_before))
}

/// The `cargo build` of one side's consumer with `features` (cargo arguments), in its own
/// target directory, incrementally or not.
fn build_command(dir: &Path, side: &Side, features: &[&str], incremental: bool) -> Command {
    let mut command = cargo(dir);
    command
        .args(["build", "--frozen", "-p"])
        .arg(format!("consumer-{}", side.consumer))
        .args(features)
        .env("CARGO_TARGET_DIR", &side.target)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" });
    command
}

/// User + system CPU seconds of this process's waited-for children and their descendants.
fn children_cpu_seconds() -> f64 {
    // SAFETY: `getrusage` fills the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Gives a file a new modification time without changing its contents.
fn renew_mtime(path: &Path) -> anyhow::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}
