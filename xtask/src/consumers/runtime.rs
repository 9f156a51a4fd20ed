//! The run-time half of `cargo xtask consumers`: the clients that openapi-python-client,
//! openapi-generator `python` and openapi-typescript + openapi-fetch generated from a bundle
//! call every operation against `mock-server`, with the recorded request of its `ok` case
//! ([`calls`]), one process per generator and API. LiveAgent calls carry a key; Contiple calls
//! are signed by the helpers of `xtask/consumers/helpers/`, each first checked against
//! `signing-vectors.json`.
//!
//! An operation passes on a 200 that the client parses (Python), validates (pydantic) or
//! type-checks and parses (TypeScript). Known generator defects are listed, with the
//! generator's version and the reason, in `xtask/consumers/known-defects.json`: a listed
//! operation that fails is reported and allowed, one that passes fails the run (the list only
//! shrinks), and so does an entry whose version is not the pinned one.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{calls, Outcome, Tools};
use crate::process;

/// One generator's client, as the run names it.
#[derive(Clone, Copy)]
pub enum Generator {
    /// openapi-python-client (httpx + attrs).
    PythonClient,
    /// openapi-generator `-g python` (pydantic v2, urllib3).
    OpenapiGeneratorPython,
    /// openapi-typescript types with openapi-fetch.
    OpenapiFetch,
}

impl Generator {
    /// The name in the report and in `known-defects.json`.
    pub fn name(self) -> &'static str {
        match self {
            Generator::PythonClient => "openapi-python-client",
            Generator::OpenapiGeneratorPython => "openapi-generator python",
            Generator::OpenapiFetch => "openapi-typescript + openapi-fetch",
        }
    }

    /// The pinned version the defects are recorded against.
    fn version(self) -> &'static str {
        let pin = |name: &str| {
            super::PIP_PINS
                .iter()
                .find_map(|p| p.strip_prefix(name)?.strip_prefix("=="))
                .or_else(|| {
                    super::NPM_PINS
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| *v)
                })
                .unwrap_or("?")
        };
        match self {
            Generator::PythonClient => pin("openapi-python-client"),
            Generator::OpenapiGeneratorPython => pin("openapi-generator-cli"),
            Generator::OpenapiFetch => pin("openapi-fetch"),
        }
    }

    fn consumer(self) -> &'static str {
        match self {
            Generator::PythonClient => "run: openapi-python-client",
            Generator::OpenapiGeneratorPython => "run: openapi-generator python",
            Generator::OpenapiFetch => "run: openapi-typescript+fetch",
        }
    }
}

/// A known generator defect: an operation that the generator's client cannot call.
#[derive(Deserialize)]
struct Defect {
    generator: String,
    version: String,
    api: String,
    operation: String,
    reason: String,
}

/// `xtask/consumers/known-defects.json`.
fn known_defects(root: &Path) -> anyhow::Result<Vec<Defect>> {
    let path = root.join("xtask/consumers/known-defects.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let document: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(serde_json::from_value(document["defects"].clone())?)
}

/// A running `mock-server`; killed when dropped.
struct MockServer {
    child: Child,
    uri: String,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds `mock-server` (the workspace's target directory) and returns its binary.
pub fn build_mock_server(root: &Path) -> anyhow::Result<PathBuf> {
    process::run(
        process::cargo()
            .args([
                "build",
                "--quiet",
                "-p",
                "mock-server",
                "--bin",
                "mock-server",
            ])
            .current_dir(root),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug/mock-server"))
}

/// Starts `mock-server --api <api>` on a free port; its stderr (the rejections) goes to `log`.
fn start(binary: &Path, api: &str, log: &Path) -> anyhow::Result<MockServer> {
    let mut child = Command::new(binary)
        .args(["--api", api, "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log)?)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let stdout = child.stdout.take().context("mock-server's stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let Some(uri) = line
        .split_whitespace()
        .last()
        .filter(|u| u.starts_with("http://"))
    else {
        let _ = child.kill();
        bail!(
            "mock-server printed no address: {line:?} (log: {})",
            log.display()
        );
    };
    Ok(MockServer {
        uri: uri.to_owned(),
        child,
    })
}

/// What one generator's run printed: operation → (passed, detail).
fn results(output: &std::process::Output) -> Vec<(String, bool, String)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|v| {
            (
                v["operation"].as_str().unwrap_or_default().to_owned(),
                v["ok"].as_bool().unwrap_or(false),
                v["detail"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Where one API's generated clients are.
pub struct Generated<'a> {
    /// The bundle's stem (`liveagent-v1`).
    pub stem: &'a str,
    /// The API's name of the registry (`liveagent`): its recordings' directory.
    pub api: &'a str,
    /// The bundle.
    pub bundle: &'a Path,
    /// `target/consumers/out`.
    pub out: &'a Path,
}

/// Runs every generator's client on every operation of one API against `mock-server`.
pub fn run(
    root: &Path,
    tools: &Tools,
    mock_server: &Path,
    generated: &Generated,
) -> anyhow::Result<Vec<Outcome>> {
    let Generated {
        stem,
        api,
        bundle,
        out,
    } = *generated;
    let dir = out.join("runtime").join(stem);
    std::fs::create_dir_all(&dir)?;
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(bundle)?)?;
    let recordings = root.join("tests/recordings").join(api);
    let calls = calls::calls(&spec, &recordings)?;
    let log = dir.join("mock-server.log");
    let server = start(mock_server, api, &log)?;
    let (base_url, auth) = if recordings.join("credentials.json").exists() {
        let credentials: Value = serde_json::from_str(&std::fs::read_to_string(
            recordings.join("credentials.json"),
        )?)?;
        let service = credentials["service_id"].as_str().unwrap_or_default();
        (
            format!("{}/{service}", server.uri),
            json!({
                "organization_id": credentials["organization_id"],
                "security_key": credentials["security_key"],
                "timestamp_ms": credentials["timestamp_ms"],
            }),
        )
    } else {
        (server.uri.clone(), json!({"apikey": "consumers-test-key"}))
    };
    let calls_json = dir.join("calls.json");
    calls::write_json(&calls_json, &base_url, &auth, &calls)?;
    let snake = stem.replace('-', "_");
    let consumers = root.join("xtask/consumers");
    let vectors = consumers.join("helpers/signing-vectors.json");
    let defects = known_defects(root)?;
    let mut outcomes = Vec::new();

    // The helpers against the vectors first: a failing helper explains failing signatures.
    let started = Instant::now();
    let checked = Command::new(tools.venv("python"))
        .arg(consumers.join("helpers/contiple_signing.py"))
        .arg(&vectors)
        .output()?;
    let note = process::log(&checked).trim().to_owned();
    let failed = usize::from(!checked.status.success());
    if failed > 0 {
        println!("{stem}: helpers/contiple_signing.py against the vectors:\n{note}");
    }
    outcomes.push(
        Outcome::new(
            stem,
            "signing helper (Python) vectors",
            started,
            (failed, 0),
        )
        .note(note),
    );

    for generator in [
        Generator::PythonClient,
        Generator::OpenapiGeneratorPython,
        Generator::OpenapiFetch,
    ] {
        let started = Instant::now();
        let output = match generator {
            Generator::PythonClient => Command::new(tools.venv("python"))
                .arg(consumers.join("run_python_client.py"))
                .arg(out.join("python-client"))
                .arg(format!("{snake}_client"))
                .arg(&calls_json)
                .output()?,
            Generator::OpenapiGeneratorPython => Command::new(tools.venv("python"))
                .arg(consumers.join("run_openapi_generator_python.py"))
                .arg(out.join("python").join(stem))
                .arg(format!("{snake}_client"))
                .arg(&calls_json)
                .output()?,
            Generator::OpenapiFetch => match typescript(tools, out, stem, &calls, &consumers)? {
                Ok(program) => Command::new("node")
                    .arg(program)
                    .arg(&calls_json)
                    .arg(&vectors)
                    .output()?,
                Err(errors) => {
                    outcomes.push(
                        Outcome::new(stem, generator.consumer(), started, (errors, 0))
                            .note("tsc --strict rejected the calls".to_owned()),
                    );
                    continue;
                }
            },
        };
        let results = results(&output);
        if results.len() != calls.len() {
            println!(
                "{stem}: {} printed {} results for {} calls:\n{}",
                generator.name(),
                results.len(),
                calls.len(),
                process::log(&output)
            );
        }
        let passed = results.iter().filter(|(_, ok, _)| *ok).count();
        let mut errors = calls.len().saturating_sub(results.len());
        let mut known = Vec::new();
        for (operation, ok, detail) in &results {
            let listed = defects.iter().find(|d| {
                d.generator == generator.name() && d.api == api && &d.operation == operation
            });
            match (ok, listed) {
                (true, None) => {}
                (false, None) => {
                    errors += 1;
                    println!("{stem}: {} {operation}: FAILED: {detail}", generator.name());
                }
                (false, Some(defect)) if defect.version == generator.version() => {
                    println!(
                        "{stem}: {} {operation}: known defect still fails ({}): {detail}",
                        generator.name(),
                        defect.reason
                    );
                    known.push(operation.as_str());
                }
                (false, Some(defect)) => {
                    errors += 1;
                    println!(
                        "{stem}: {} {operation}: the known defect is listed for {} {}, the pin is {}: check it again and update known-defects.json",
                        generator.name(), generator.name(), defect.version, generator.version()
                    );
                }
                (true, Some(_)) => {
                    errors += 1;
                    println!(
                        "{stem}: {} {operation}: passes now: remove it from xtask/consumers/known-defects.json",
                        generator.name()
                    );
                }
            }
        }
        let mut note = format!("{passed}/{} operations", calls.len());
        if !known.is_empty() {
            note.push_str(&format!(
                "; known defects still failing: {}",
                known.join(", ")
            ));
        }
        if errors > 0 {
            note.push_str(&format!("; mock-server log: {}", log.display()));
        }
        outcomes.push(Outcome::new(stem, generator.consumer(), started, (errors, 0)).note(note));
    }
    drop(server);
    Ok(outcomes)
}

/// Writes the TypeScript calls and the signing helper next to the generated types, type-checks
/// them with `tsc --strict` and compiles them to JavaScript; returns the program, or the count
/// of type errors.
fn typescript(
    tools: &Tools,
    out: &Path,
    stem: &str,
    calls: &[calls::Call],
    consumers: &Path,
) -> anyhow::Result<Result<PathBuf, usize>> {
    let dir = out.join("typescript");
    let source = dir.join(format!("{stem}.calls.ts"));
    std::fs::write(&source, calls::typescript(stem, calls))?;
    std::fs::copy(
        consumers.join("helpers/contiple-signing.ts"),
        dir.join("contiple-signing.ts"),
    )?;
    std::fs::write(
        dir.join("package.json"),
        "{\"type\": \"module\", \"private\": true}\n",
    )?;
    // openapi-fetch and @types/node, for tsc and node alike.
    let modules = dir.join("node_modules");
    if !modules.exists() {
        std::os::unix::fs::symlink(tools.node_bin.parent().context("node_modules")?, &modules)?;
    }
    let js = dir.join("js").join(stem);
    let compiled = Command::new(tools.node("tsc"))
        .args([
            "--strict",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
        ])
        .args(["--types", "node", "--outDir"])
        .arg(&js)
        .arg(&source)
        .current_dir(&dir)
        .output()
        .context("running tsc")?;
    let text = String::from_utf8_lossy(&compiled.stdout);
    if !compiled.status.success() {
        println!("{stem}: tsc --strict {}:\n{text}", source.display());
        return Ok(Err(text
            .lines()
            .filter(|l| l.contains("error TS"))
            .count()
            .max(1)));
    }
    std::fs::write(
        js.join("package.json"),
        "{\"type\": \"module\", \"private\": true}\n",
    )?;
    let program = js.join(format!("{stem}.calls.js"));
    if !js.join("node_modules").exists() {
        std::os::unix::fs::symlink(
            tools.node_bin.parent().context("node_modules")?,
            js.join("node_modules"),
        )?;
    }
    Ok(Ok(program))
}
