//! `cargo xtask bench --peer`: build cost of our `liveagent` crate against the
//! openapi-generator `rust` client of the same bundle (`spec/dist/liveagent-v1.json`), as a
//! user of either would pay it.
//!
//! Method:
//!
//! - The peer is generated with the pinned `openapi-generator-cli` of `cargo xtask consumers`
//!   ([`consumers::ensure_tools`], [`consumers::generator`]) into
//!   `target/bench/peer/openapi-generator`, with the `Cargo.toml` the generator writes.
//! - Two throwaway consumer crates, `target/bench/peer/{ours,peer}`, each depend on one client
//!   only (ours: a path dependency on `crates/liveagent`; peer: on the generated crate), with
//!   default features, and build a client and one request in `main`. They share one
//!   workspace and one lock file, seeded from the workspace's `Cargo.lock` and
//!   `xtask/consumers/Cargo.lock`, so shared dependencies resolve to the same versions; the
//!   dependencies are fetched once, then every build runs `--frozen` (offline, locked).
//! - Clean debug build: `cargo build` of a consumer in its own `CARGO_TARGET_DIR`
//!   (`target/bench/peer/target-{ours,peer}`), deleted first, with `CARGO_INCREMENTAL=0`,
//!   timed by wall clock.
//! - Client crate alone: right after the clean build, the client's `src/lib.rs` gets a new
//!   modification time (its contents are not changed) and `cargo build` is timed again: only
//!   the client crate and the consumer recompile. Also with `CARGO_INCREMENTAL=0`, although
//!   Cargo's default for a workspace's own debug builds is incremental: a user gets the client
//!   from a registry, and Cargo never compiles registry crates incrementally, so whenever a
//!   user's build recompiles the client (a new version, other features or flags) it is this
//!   non-incremental compile. (With incremental on, a touch without a change measures only the
//!   validation of the incremental cache: 3.8 s for ours on a busy 2-core machine.)
//! - Runs alternate ours, peer, ours, peer… (3 each, 1 with `--quick`) so that a busy machine
//!   slows both alike; each row holds the medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::Context as _;

use super::{median, Comparison, Row};
use xtask::{apis, bundle, consumers, process};

/// The spec whose clients are compared.
const STEM: &str = "liveagent-v1";
/// The generated crate's package name.
const PEER_PACKAGE: &str = "liveagent-v1-client";

/// One side of the comparison.
struct Side {
    /// `ours` or `peer`: the consumer crate's directory and package name (`consumer-…`).
    name: &'static str,
    /// The client crate's `src/lib.rs`, whose modification time is renewed.
    client_lib: PathBuf,
    /// Its own target directory.
    target: PathBuf,
    clean: Vec<f64>,
    touch: Vec<f64>,
}

/// Measures the build-cost rows.
pub fn run(root: &Path, quick: bool) -> anyhow::Result<Vec<Row>> {
    let runs = if quick { 1 } else { 3 };
    let dir = root.join("target/bench/peer");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let generated = generate_peer(root, &dir)?;
    write_workspace(root, &dir, &generated)?;
    eprintln!("peer: fetching the consumers' dependencies");
    process::run(cargo(&dir).arg("fetch"))?;

    let mut sides =
        [("ours", root.join("crates/liveagent")), ("peer", generated)].map(|(name, client)| Side {
            name,
            client_lib: client.join("src/lib.rs"),
            target: dir.join(format!("target-{name}")),
            clean: Vec::new(),
            touch: Vec::new(),
        });
    for run in 1..=runs {
        for side in &mut sides {
            let _ = std::fs::remove_dir_all(&side.target);
            let clean = build(&dir, side)?;
            renew_mtime(&side.client_lib)?;
            let touch = build(&dir, side)?;
            eprintln!(
                "peer: run {run}/{runs} {}: clean debug build {clean:.1} s, client crate alone \
                 {touch:.1} s",
                side.name
            );
            side.clean.push(clean);
            side.touch.push(touch);
        }
    }
    for side in &sides {
        let _ = std::fs::remove_dir_all(&side.target);
    }
    let [ours, peer] = &sides;
    Ok(vec![
        Row::new(
            "build: clean debug, liveagent vs openapi-generator rust",
            median(&ours.clean),
            median(&peer.clean),
            "s",
            Comparison::AtMost,
            0.8,
        ),
        Row::new(
            "build: client crate alone (touch, debug)",
            median(&ours.touch),
            median(&peer.touch),
            "s",
            Comparison::AtMost,
            0.5,
        ),
    ])
}

/// Generates the peer crate into `dir/openapi-generator`; returns its directory.
fn generate_peer(root: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let tools = consumers::ensure_tools(root)?;
    let api = apis::discover(root)?
        .into_iter()
        .find(|api| bundle::spec_stem(api) == STEM)
        .with_context(|| format!("no API with the bundle {STEM}"))?;
    let bundle_path = bundle::existing_bundle(&api)?;
    let out = dir.join("openapi-generator");
    let _ = std::fs::remove_dir_all(&out);
    eprintln!("peer: generating the openapi-generator rust client of {STEM}");
    let outcome = consumers::generator(
        &tools,
        STEM,
        &bundle_path,
        "rust",
        &out,
        &format!("packageName={PEER_PACKAGE}"),
    )?;
    anyhow::ensure!(
        outcome.errors == 0 && out.join("Cargo.toml").exists(),
        "openapi-generator failed; log: {}",
        out.join("xtask-generator.log").display()
    );
    Ok(out)
}

/// The consumers' workspace: `Cargo.toml`, the two consumer crates, and the seeded lock file.
fn write_workspace(root: &Path, dir: &Path, generated: &Path) -> anyhow::Result<()> {
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"ours\", \"peer\", \"openapi-generator\"]\n",
    )?;
    let liveagent = root.join("crates/liveagent");
    let ours_main = r#"fn main() {
    let client = liveagent::Client::new(
        "https://example.ladesk.com/api",
        liveagent::ApiKey::new("api-key"),
    )
    .expect("client");
    let request = client.list_conversations().limit(10).send();
    std::hint::black_box(request);
}
"#;
    let peer_main = r#"fn main() {
    let mut configuration = liveagent_v1_client::apis::configuration::Configuration::new();
    configuration.base_path = "https://example.ladesk.com/api".to_owned();
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
"#;
    for (name, dependency, main) in [
        (
            "ours",
            format!("liveagent = {{ path = {:?} }}", liveagent),
            ours_main,
        ),
        (
            "peer",
            format!("{PEER_PACKAGE} = {{ path = {:?} }}", generated),
            peer_main,
        ),
    ] {
        let crate_dir = dir.join(name);
        std::fs::create_dir_all(crate_dir.join("src"))?;
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"consumer-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
                 publish = false\n\n[dependencies]\n{dependency}\n"
            ),
        )?;
        std::fs::write(crate_dir.join("src/main.rs"), main)?;
    }
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

/// Builds one side's consumer without incremental compilation; returns the wall-clock
/// seconds.
fn build(dir: &Path, side: &Side) -> anyhow::Result<f64> {
    let mut command = cargo(dir);
    command
        .args(["build", "--frozen", "-p"])
        .arg(format!("consumer-{}", side.name))
        .env("CARGO_TARGET_DIR", &side.target)
        .env("CARGO_INCREMENTAL", "0");
    let started = Instant::now();
    process::run(&mut command)?;
    Ok(started.elapsed().as_secs_f64())
}

/// Gives a file a new modification time without changing its contents.
fn renew_mtime(path: &Path) -> anyhow::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}
