//! `cargo xtask consumers`: proves that other languages generate working clients from every
//! portable bundle under `spec/dist/`, with the tools a new user would pick, at pinned
//! versions installed under `target/consumers/` (pip into a virtualenv, npm; Java must be on
//! the machine):
//!
//! - `@redocly/cli lint` with the checked-in `redocly.yaml`: 0 errors, 0 warnings;
//! - `openapi-generator-cli generate -g rust`, then `cargo check` of the crate: 0 errors;
//! - `openapi-generator-cli generate -g python` and `-g typescript-fetch`: no warning about
//!   the spec ([`GENERATOR_NOTICES`] lists the ones the generator prints for any input);
//! - `openapi-python-client generate`: no warning, and every module of the package imports;
//! - `openapi-typescript`, then `tsc --strict --noEmit` on `xtask/consumers/<spec>.usage.ts`,
//!   which uses three operations' types;
//! - at run time ([`runtime`]): the clients of openapi-python-client, openapi-generator
//!   `python` and openapi-typescript + openapi-fetch call every operation against
//!   `mock-server` with its recorded request (Contiple calls signed by the helpers of
//!   `xtask/consumers/helpers/`); known generator defects are listed in
//!   `xtask/consumers/known-defects.json`.
//!
//! Installs are cached (a stamp file holds the pins), so a second run only generates and
//! checks; the generated Rust crates' dependencies are pinned by `xtask/consumers/Cargo.lock`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context as _};

use crate::{apis, bundle, process};

mod calls;
pub mod runtime;

/// Python packages, installed into `target/consumers/venv`.
pub const PIP_PINS: &[&str] = &[
    "openapi-generator-cli==7.26.0",
    "openapi-python-client==0.29.1",
    // What the generated Python clients import at run time (openapi-python-client: httpx and
    // attrs; openapi-generator `python`: pydantic, python-dateutil, urllib3).
    "httpx==0.28.1",
    "attrs==26.1.0",
    "pydantic==2.14.4",
    "python-dateutil==4.0.0",
    "urllib3==2.8.0",
    "typing-extensions==4.16.0",
];

/// npm packages, installed into `target/consumers/node`.
pub const NPM_PINS: &[(&str, &str)] = &[
    ("@redocly/cli", "2.77.0"),
    // The run-time client of the TypeScript calls, and Node's types for the signing helper.
    ("@types/node", "20.19.43"),
    ("openapi-fetch", "0.17.0"),
    ("openapi-typescript", "7.13.0"),
    ("typescript", "5.9.3"),
];

/// openapi-generator messages that are not about the spec, each with the reason.
pub const GENERATOR_NOTICES: &[(&str, &str)] = &[
    (
        "OpenAPI 3.1 support is still in beta",
        "printed for every OpenAPI 3.1 document, whatever it holds",
    ),
    (
        "cannot be used as a model name. Renamed to ApplicationSlash",
        "the rust generator names each response's media type (`ApplicationJson`) and renames it, \
         for any spec, 3.0 or 3.1 (seen with a spec of one operation)",
    ),
    (
        "Failed to get the schema name: null",
        "printed for every document with an object schema, 3.0 or 3.1 (seen with a spec of one \
         object component)",
    ),
];

/// What one consumer made of one bundle.
pub struct Outcome {
    spec: String,
    consumer: &'static str,
    ok: bool,
    /// Errors counted in the consumer's output (a failed run counts one).
    pub errors: usize,
    warnings: usize,
    note: String,
    seconds: f64,
}

impl Outcome {
    /// An outcome, passed when it has neither errors nor warnings, of a run started at
    /// `started`.
    fn new(spec: &str, consumer: &'static str, started: Instant, counts: (usize, usize)) -> Self {
        let (errors, warnings) = counts;
        Outcome {
            spec: spec.to_owned(),
            consumer,
            ok: errors == 0 && warnings == 0,
            errors,
            warnings,
            note: String::new(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    fn note(self, note: String) -> Self {
        Outcome { note, ..self }
    }
}

/// The installed tools.
pub struct Tools {
    /// `target/consumers`.
    pub dir: PathBuf,
    /// The virtualenv's `bin`: `python`, `openapi-generator-cli`, `openapi-python-client`.
    venv_bin: PathBuf,
    node_bin: PathBuf,
}

impl Tools {
    /// `venv/bin/<name>`.
    fn venv(&self, name: &str) -> PathBuf {
        self.venv_bin.join(name)
    }

    /// `node_modules/.bin/<name>`.
    pub fn node(&self, name: &str) -> PathBuf {
        self.node_bin.join(name)
    }
}

/// Installs the pinned tools under `target/consumers/` unless the stamps say they are there.
pub fn ensure_tools(root: &Path) -> anyhow::Result<Tools> {
    let dir = root.join("target/consumers");
    let venv = ensure_python(&dir)?;
    let node_bin = ensure_node(root)?;
    if Command::new("java").arg("-version").output().is_err() {
        bail!("openapi-generator needs Java (a JRE 11 or later) on the PATH");
    }
    Ok(Tools {
        venv_bin: venv.join("bin"),
        node_bin,
        dir,
    })
}

/// The virtualenv `target/consumers/venv` with [`PIP_PINS`].
fn ensure_python(dir: &Path) -> anyhow::Result<PathBuf> {
    let venv = dir.join("venv");
    std::fs::create_dir_all(dir)?;
    let stamp = venv.join("xtask-pins.txt");
    let pins = PIP_PINS.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(pins.as_str()) {
        println!(
            "consumers: installing {} into {}",
            PIP_PINS.join(" "),
            venv.display()
        );
        if !venv.join("bin/python").exists() {
            process::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        process::run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PIP_PINS),
        )?;
        std::fs::write(&stamp, &pins)?;
    }
    Ok(venv)
}

/// `target/consumers/node` with [`NPM_PINS`]; returns its `node_modules/.bin`.
pub fn ensure_node(root: &Path) -> anyhow::Result<PathBuf> {
    let node = root.join("target/consumers/node");
    std::fs::create_dir_all(&node)?;
    let dependencies = NPM_PINS
        .iter()
        .map(|(name, version)| format!("    \"{name}\": \"{version}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    let package = format!(
        "{{\n  \"private\": true,\n  \"description\": \"Tools of cargo xtask consumers\",\n  \
         \"dependencies\": {{\n{dependencies}\n  }}\n}}\n"
    );
    let stamp = node.join("node_modules/.xtask-pins.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(package.as_str()) {
        let names: Vec<String> = NPM_PINS.iter().map(|(n, v)| format!("{n}@{v}")).collect();
        println!("consumers: installing {} with npm", names.join(" "));
        std::fs::write(node.join("package.json"), &package)?;
        process::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&node),
        )?;
        std::fs::write(&stamp, &package)?;
    }
    Ok(node.join("node_modules/.bin"))
}

/// `redocly <subcommand>` from the workspace root with its configuration `redocly.yaml`, no
/// telemetry and no update notice.
pub fn redocly(root: &Path, node_bin: &Path, subcommand: &[&str]) -> Command {
    let mut command = Command::new(node_bin.join("redocly"));
    command
        .args(subcommand)
        .arg("--config")
        .arg(root.join("redocly.yaml"))
        .current_dir(root)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    command
}

/// Runs every consumer on every bundle; prints a summary and returns whether all passed.
pub fn run(root: &Path) -> anyhow::Result<bool> {
    let started = Instant::now();
    let tools = ensure_tools(root)?;
    let out = tools.dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;

    let mut outcomes = Vec::new();
    let mut rust_crates = Vec::new();
    let mock_server = runtime::build_mock_server(root)?;
    for api in apis::discover(root)? {
        let bundle_path = bundle::existing_bundle(&api)?;
        let stem = bundle::spec_stem(&api);
        let snake = stem.replace('-', "_");
        outcomes.push(lint(root, &tools.node_bin, &stem, bundle_path.as_os_str())?);
        let crate_name = format!("{stem}-client");
        // openapi-generator 7.26's OpenAPI 3.1 support is beta: from a bundle's `webhooks` (the
        // endpoints a service serves, Contiple's inbound side) its Python generator writes a
        // parameter without a type (`tel_no: ,`, a syntax error in the whole package). Its
        // clients call the API, so they are generated from the bundle without `webhooks`, as
        // spec/README.md tells other teams to do; the webhooks' types come from
        // openapi-typescript below, and Redocly lints the whole bundle.
        let generator_input = without_webhooks(&bundle_path, &out.join(format!("{stem}.json")))?;
        for (language, properties) in [
            ("rust", format!("packageName={crate_name}")),
            ("python", format!("packageName={snake}_client")),
            ("typescript-fetch", format!("npmName={stem}-client")),
        ] {
            let out = out.join(language).join(&stem);
            outcomes.push(generator(
                &tools,
                &stem,
                &generator_input,
                language,
                &out,
                &properties,
            )?);
        }
        rust_crates.push((stem.clone(), crate_name));
        outcomes.push(python_client(&tools, &stem, &bundle_path, &out)?);
        outcomes.push(typescript(root, &tools, &stem, &bundle_path, &out)?);
        let generated = runtime::Generated {
            stem: &stem,
            api: api.name(),
            bundle: &bundle_path,
            out: &out,
        };
        outcomes.extend(runtime::run(root, &tools, &mock_server, &generated)?);
    }
    outcomes.extend(cargo_check(root, &tools, &out.join("rust"), &rust_crates)?);

    outcomes.sort_by_key(|o| (o.spec.clone(), o.consumer));
    println!();
    println!(
        "{:<14} {:<36} {:>6} {:>8} {:>7}  note",
        "spec", "consumer", "errors", "warnings", "seconds"
    );
    let mut all_ok = true;
    for o in &outcomes {
        all_ok &= o.ok;
        println!(
            "{:<14} {:<36} {:>6} {:>8} {:>7.1}  {}{}",
            o.spec,
            o.consumer,
            o.errors,
            o.warnings,
            o.seconds,
            if o.ok { "ok" } else { "FAILED" },
            if o.note.is_empty() {
                String::new()
            } else {
                format!(": {}", o.note)
            }
        );
    }
    println!(
        "consumers: {} in {:.0} s",
        if all_ok { "all passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    Ok(all_ok)
}

/// `cargo xtask lint`: Redocly's generic rules (the `<spec>-source` APIs of `redocly.yaml`) on
/// every YAML source `spec/*.yaml`; needs only Node. Returns whether every source is clean.
pub fn lint_sources(root: &Path) -> anyhow::Result<bool> {
    let node_bin = ensure_node(root)?;
    let mut clean = true;
    for api in apis::discover(root)? {
        let stem = bundle::spec_stem(&api);
        let outcome = lint(root, &node_bin, &stem, format!("{stem}-source").as_ref())?;
        println!(
            "{}: redocly lint: {} error(s), {} warning(s){}",
            api.spec_relative(),
            outcome.errors,
            outcome.warnings,
            if outcome.note.is_empty() {
                String::new()
            } else {
                format!(", {}", outcome.note)
            }
        );
        clean &= outcome.ok;
    }
    Ok(clean)
}

/// `redocly lint` of `target` (a bundle's path, or an API name of `redocly.yaml`).
fn lint(
    root: &Path,
    node_bin: &Path,
    stem: &str,
    target: &std::ffi::OsStr,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let output = redocly(root, node_bin, &["lint", "--format=json"])
        .arg(target)
        .output()
        .context("running redocly")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json_start = stdout.find('{').unwrap_or(0);
    let report: serde_json::Value =
        serde_json::from_str(&stdout[json_start..]).with_context(|| {
            format!(
                "redocly lint printed no JSON report: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let count = |key: &str| report["totals"][key].as_u64().unwrap_or(0) as usize;
    for problem in report["problems"].as_array().into_iter().flatten() {
        let pointer = problem["location"][0]["pointer"].as_str().unwrap_or("");
        println!(
            "{stem}: redocly {} {}: {} at {pointer}",
            problem["severity"].as_str().unwrap_or("?"),
            problem["ruleId"].as_str().unwrap_or("?"),
            problem["message"].as_str().unwrap_or("?"),
        );
    }
    let note = match count("ignored") {
        0 => String::new(),
        ignored => format!("{ignored} ignored"),
    };
    let counts = (count("errors"), count("warnings"));
    Ok(Outcome::new(stem, "redocly lint (recommended)", started, counts).note(note))
}

/// A copy of `bundle` without its `webhooks` at `copy` (the bundle itself when it has none).
fn without_webhooks(bundle: &Path, copy: &Path) -> anyhow::Result<PathBuf> {
    let text =
        std::fs::read_to_string(bundle).with_context(|| format!("reading {}", bundle.display()))?;
    let mut document: serde_json::Value = serde_json::from_str(&text)?;
    let Some(map) = document.as_object_mut() else {
        return Ok(bundle.to_path_buf());
    };
    if map.remove("webhooks").is_none() {
        return Ok(bundle.to_path_buf());
    }
    if let Some(parent) = copy.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(copy, serde_json::to_string_pretty(&document)?)?;
    Ok(copy.to_path_buf())
}

/// Runs `openapi-generator-cli generate -g <language>` on a bundle into `out`, keeping its
/// log as `out/xtask-generator.log`. For Rust, only errors fail: its warnings are Rust's own
/// renames (`type` → `r#type`), no problem of the spec, and the crate's compilation counts.
pub fn generator(
    tools: &Tools,
    stem: &str,
    bundle: &Path,
    language: &'static str,
    out: &Path,
    properties: &str,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let output = Command::new(tools.venv("openapi-generator-cli"))
        .args(["generate", "-g", language, "-i"])
        .arg(bundle)
        .arg("-o")
        .arg(out)
        .arg(format!("--additional-properties={properties}"))
        .output()
        .context("running openapi-generator-cli")?;
    let log = process::log(&output);
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("xtask-generator.log"), &log)?;
    let (mut errors, mut warnings, mut notices) = (0, 0, 0);
    for line in log.lines() {
        let is_error = line.contains(" ERROR ") || line.starts_with("Exception");
        if !is_error && !line.contains(" WARN ") {
            continue;
        }
        if GENERATOR_NOTICES
            .iter()
            .any(|(text, _)| line.contains(text))
        {
            notices += 1;
            continue;
        }
        if language != "rust" {
            println!("{stem}: openapi-generator {language}: {line}");
        }
        if is_error {
            errors += 1;
        } else {
            warnings += 1;
        }
    }
    if !output.status.success() {
        errors += 1;
        println!(
            "{stem}: openapi-generator {language} failed; log: {}",
            out.join("xtask-generator.log").display()
        );
    }
    let mut note = format!("{notices} generator notice(s) not about the spec");
    if language == "rust" && warnings > 0 {
        let _ = write!(
            note,
            "; the warnings are Rust identifier renames (`type` → `r#type`, `vec<string>` variant)"
        );
    }
    let consumer = match language {
        "rust" => "openapi-generator -g rust (generate)",
        "python" => "openapi-generator -g python",
        _ => "openapi-generator -g typescript-fetch",
    };
    let mut outcome = Outcome::new(stem, consumer, started, (errors, warnings)).note(note);
    if language == "rust" {
        outcome.ok = errors == 0;
    }
    Ok(outcome)
}

/// `cargo check` of every generated Rust crate, in a workspace of their own whose lock file
/// is `xtask/consumers/Cargo.lock`.
fn cargo_check(
    root: &Path,
    tools: &Tools,
    dir: &Path,
    crates: &[(String, String)],
) -> anyhow::Result<Vec<Outcome>> {
    let members = crates
        .iter()
        .map(|(stem, _)| format!("\"{stem}\""))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n"),
    )?;
    let lock = root.join("xtask/consumers/Cargo.lock");
    let locked = lock.exists();
    if locked {
        std::fs::copy(&lock, dir.join("Cargo.lock"))?;
    }
    let mut outcomes = Vec::new();
    for (stem, crate_name) in crates {
        let started = Instant::now();
        let mut command = process::cargo();
        command
            .args(["check", "--quiet", "--message-format", "short"])
            .args(["--no-default-features", "-p", crate_name])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", tools.dir.join("cargo-target"))
            .env_remove("RUSTFLAGS");
        if locked {
            command.arg("--locked");
        }
        let output = command.output().context("running cargo check")?;
        let text = String::from_utf8_lossy(&output.stderr);
        let errors = text.lines().filter(|l| l.contains(": error")).count();
        let warnings = text.lines().filter(|l| l.contains(": warning")).count();
        let failed = !output.status.success();
        if failed {
            print!("{text}");
        }
        let errors = if failed { errors.max(1) } else { errors };
        let consumer = "openapi-generator -g rust: cargo check";
        let mut outcome = Outcome::new(stem, consumer, started, (errors, warnings));
        outcome.ok = !failed;
        outcomes.push(outcome);
    }
    if !locked {
        std::fs::copy(dir.join("Cargo.lock"), &lock)?;
        println!("consumers: wrote {}", lock.display());
    }
    Ok(outcomes)
}

/// Imports every module of a package, printing how many.
const IMPORT_ALL: &str = r#"import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
package = importlib.import_module(sys.argv[2])
count = 1
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
    count += 1
print(f"{count} modules")
"#;

fn python_client(tools: &Tools, stem: &str, bundle: &Path, out: &Path) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let package = format!("{}_client", stem.replace('-', "_"));
    let dir = out.join("python-client");
    std::fs::create_dir_all(&dir)?;
    let config = dir.join(format!("{stem}.yaml"));
    // No post hooks: they run `ruff`, which is not one of the consumers.
    std::fs::write(&config, "post_hooks: []\n")?;
    let output = Command::new(tools.venv("openapi-python-client"))
        .args(["generate", "--meta", "none", "--overwrite", "--path"])
        .arg(bundle)
        .arg("--output-path")
        .arg(dir.join(&package))
        .arg("--config")
        .arg(&config)
        .current_dir(&dir)
        .output()
        .context("running openapi-python-client")?;
    let log = process::log(&output);
    let mut errors = usize::from(!output.status.success());
    let warnings = log.lines().filter(|l| l.contains("Warning")).count();
    if errors > 0 || warnings > 0 {
        println!("{stem}: openapi-python-client:\n{log}");
    }
    let mut note = String::new();
    if errors == 0 {
        let script = dir.join("import_all.py");
        std::fs::write(&script, IMPORT_ALL)?;
        let imported = Command::new(tools.venv("python"))
            .arg(&script)
            .arg(&dir)
            .arg(&package)
            .output()?;
        if imported.status.success() {
            note = format!(
                "every module imports ({})",
                String::from_utf8_lossy(&imported.stdout).trim()
            );
        } else {
            errors += 1;
            println!(
                "{stem}: importing {package} failed:\n{}",
                String::from_utf8_lossy(&imported.stderr)
            );
        }
    }
    let consumer = "openapi-python-client (+ import)";
    Ok(Outcome::new(stem, consumer, started, (errors, warnings)).note(note))
}

fn typescript(
    root: &Path,
    tools: &Tools,
    stem: &str,
    bundle: &Path,
    out: &Path,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let dir = out.join("typescript");
    std::fs::create_dir_all(&dir)?;
    let generated = Command::new(tools.node("openapi-typescript"))
        .arg(bundle)
        .arg("-o")
        .arg(dir.join(format!("{stem}.d.ts")))
        // Not the workspace root: openapi-typescript would read `redocly.yaml` there.
        .current_dir(&dir)
        .output()
        .context("running openapi-typescript")?;
    let log = String::from_utf8_lossy(&generated.stderr).into_owned();
    let warnings = log
        .lines()
        .filter(|l| l.contains('⚠') || l.to_lowercase().contains("warn"))
        .count();
    let mut errors = usize::from(!generated.status.success());
    if errors > 0 || warnings > 0 {
        println!("{stem}: openapi-typescript:\n{log}");
    }
    let usage = format!("{stem}.usage.ts");
    std::fs::copy(root.join("xtask/consumers").join(&usage), dir.join(&usage))
        .with_context(|| format!("copying xtask/consumers/{usage}"))?;
    let mut note = String::new();
    if errors == 0 {
        let checked = Command::new(tools.node("tsc"))
            .args([
                "--strict", "--noEmit", "--target", "es2022", "--module", "esnext",
            ])
            .args(["--moduleResolution", "bundler"])
            .arg(dir.join(&usage))
            .output()
            .context("running tsc")?;
        let text = String::from_utf8_lossy(&checked.stdout);
        let ts_errors = text.lines().filter(|l| l.contains("error TS")).count();
        if checked.status.success() {
            note = format!("tsc --strict on {usage}: 0 errors");
        } else {
            errors += ts_errors.max(1);
            println!("{stem}: tsc --strict --noEmit {usage}:\n{text}");
        }
    }
    let consumer = "openapi-typescript + tsc --strict";
    Ok(Outcome::new(stem, consumer, started, (errors, warnings)).note(note))
}
