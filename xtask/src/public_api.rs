//! `cargo xtask public-api`: the public API of every published library crate, as a checked-in
//! listing (`crates/<crate>/public-api.txt`) that `--check` compares, so that an unintended
//! change to what users can name fails CI.
//!
//! The listing comes from rustdoc's JSON output (`--output-format json`, unstable, enabled on
//! the stable toolchain with `RUSTC_BOOTSTRAP=1` for this one rustdoc run): one line per public
//! item reachable from the crate root without `#[doc(hidden)]` (rustdoc leaves hidden items out
//! of its JSON), with its path and its signature: functions and methods with their inputs and
//! output, struct fields, enum variants, trait items, re-exports of other crates' items, and
//! the trait impls of each type (auto-trait and blanket impls left out). The `__private` module
//! is hidden, so it is not listed: it is not covered by semver.
//!
//! Each crate is documented with its default features plus those that add items of its own
//! (`redis`: `RedisQuota`, `SharedRateLimit`, `RateLimit::shared`, …), so those are under the
//! gate too; `json-schema` only adds `JsonSchema` impls and is left out.
//!
//! An intended change: run `cargo xtask public-api` and commit the listing with the change (and
//! a CHANGELOG entry). The JSON format belongs to the toolchain: a new rustdoc that changes it
//! makes the listing differ in form; regenerate it then, in a commit of its own.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::Value;

use crate::files::write_or_check;
use crate::process;

/// The published library crates whose public API is listed: (package, its directory, the
/// features that add public items).
const CRATES: &[(&str, &str, &str)] = &[
    ("liveagent", "crates/liveagent", "redis"),
    ("contiple", "crates/contiple", "redis"),
    (
        "helpdesk-client-runtime",
        "crates/helpdesk-client-runtime",
        "redis",
    ),
    ("liveagent-httpmock", "crates/liveagent-httpmock", ""),
    ("contiple-httpmock", "crates/contiple-httpmock", ""),
    ("helpdesk-cli-support", "crates/helpdesk-cli-support", ""),
];

/// Writes (or with `check`, compares) every crate's listing. Returns whether all are current.
pub fn run(root: &Path, check: bool) -> anyhow::Result<bool> {
    let mut fresh = true;
    for (package, dir, features) in CRATES {
        let json = rustdoc_json(root, package, features)?;
        let listing = listing(&json).with_context(|| format!("listing {package}"))?;
        let path = root.join(dir).join("public-api.txt");
        let relative = format!("{dir}/public-api.txt");
        fresh &= write_or_check(&path, &relative, &listing, check, "public-api")?;
    }
    Ok(fresh)
}

/// Runs rustdoc with JSON output on `package`'s library with `features` (comma-separated, may
/// be empty); returns the parsed document.
fn rustdoc_json(root: &Path, package: &str, features: &str) -> anyhow::Result<Value> {
    // A target directory of its own: `RUSTC_BOOTSTRAP` is part of what cargo fingerprints, so
    // in the workspace's target directory this run would make every later build start over.
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("public-api");
    let mut command = process::cargo();
    command
        .current_dir(root)
        .args(["rustdoc", "--quiet", "--lib", "-p", package])
        .args(["--features", features])
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            "RUSTDOCFLAGS",
            "-Z unstable-options --output-format json --cap-lints allow",
        );
    process::run(&mut command)?;
    let path = target
        .join("doc")
        .join(format!("{}.json", package.replace('-', "_")));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading rustdoc's JSON {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The listing of one crate's rustdoc JSON: sorted lines, one per public item.
pub fn listing(doc: &Value) -> anyhow::Result<String> {
    let index = doc.get("index").context("no index")?;
    let root_id = doc.get("root").context("no root")?;
    let root = item(index, root_id).context("no root item")?;
    let name = root["name"].as_str().unwrap_or_default().to_owned();
    let mut walker = Walker {
        index,
        paths: &doc["paths"],
        lines: BTreeSet::new(),
        visited: BTreeSet::new(),
    };
    walker.module(root, &name);
    let mut out = format!(
        "# The public API of `{name}` (`cargo xtask public-api` writes this file; CI checks it).\n"
    );
    for line in &walker.lines {
        let _ = writeln!(out, "{line}");
    }
    Ok(out)
}

/// The item with `id` (a number or a string) in rustdoc's index.
fn item<'a>(index: &'a Value, id: &Value) -> Option<&'a Value> {
    let key = match id {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    index.get(key)
}

struct Walker<'a> {
    index: &'a Value,
    paths: &'a Value,
    lines: BTreeSet<String>,
    /// Items already listed under a path (an item re-exported twice is listed twice, each
    /// under its own path; a cycle of re-exports stops here).
    visited: BTreeSet<(String, String)>,
}

impl Walker<'_> {
    fn module(&mut self, module: &Value, path: &str) {
        for id in module["inner"]["module"]["items"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(child) = item(self.index, id) {
                self.item(child, path, None);
            }
        }
    }

    /// Lists `item` under `parent` (as `rename` when a `use` renamed it).
    fn item(&mut self, it: &Value, parent: &str, rename: Option<&str>) {
        if it["visibility"] != "public" {
            return;
        }
        let inner = &it["inner"];
        let name = rename.or(it["name"].as_str()).unwrap_or("_");
        let path = format!("{parent}::{name}");
        let key = (path.clone(), it["id"].to_string());
        if !self.visited.insert(key) {
            return;
        }
        let Some((kind, body)) = inner.as_object().and_then(|o| o.iter().next()) else {
            return;
        };
        match kind.as_str() {
            "module" => {
                self.lines.insert(format!("pub mod {path}"));
                self.module(it, &path);
            }
            "use" => self.reexport(body, parent),
            "struct" => {
                self.lines
                    .insert(format!("pub struct {path}{}", generics(&body["generics"])));
                let kind = &body["kind"];
                for id in kind["plain"]["fields"].as_array().into_iter().flatten() {
                    if let Some(field) = item(self.index, id) {
                        if field["visibility"] == "public" {
                            self.lines.insert(format!(
                                "pub {path}::{}: {}",
                                field["name"].as_str().unwrap_or("_"),
                                ty(&field["inner"]["struct_field"])
                            ));
                        }
                    }
                }
                if kind["plain"]["has_stripped_fields"] == true {
                    self.lines.insert(format!("{path} has private fields"));
                }
                self.impls(&body["impls"], &path);
            }
            "enum" => {
                self.lines
                    .insert(format!("pub enum {path}{}", generics(&body["generics"])));
                for id in body["variants"].as_array().into_iter().flatten() {
                    if let Some(variant) = item(self.index, id) {
                        self.lines.insert(format!(
                            "{path}::{}{}",
                            variant["name"].as_str().unwrap_or("_"),
                            self.variant_fields(&variant["inner"]["variant"]["kind"])
                        ));
                    }
                }
                self.impls(&body["impls"], &path);
            }
            "trait" => {
                self.lines
                    .insert(format!("pub trait {path}{}", generics(&body["generics"])));
                for id in body["items"].as_array().into_iter().flatten() {
                    if let Some(member) = item(self.index, id) {
                        self.member(member, &path);
                    }
                }
            }
            "function" => {
                self.lines
                    .insert(format!("pub fn {path}{}", function_sig(body)));
            }
            "type_alias" => {
                self.lines.insert(format!(
                    "pub type {path}{} = {}",
                    generics(&body["generics"]),
                    ty(&body["type"])
                ));
            }
            "constant" => {
                self.lines
                    .insert(format!("pub const {path}: {}", ty(&body["type"])));
            }
            "static" => {
                self.lines
                    .insert(format!("pub static {path}: {}", ty(&body["type"])));
            }
            "macro" => {
                self.lines.insert(format!("pub macro {path}!"));
            }
            other => {
                self.lines.insert(format!("pub {other} {path}"));
            }
        }
    }

    /// A `pub use`: the item itself when it is this crate's (or inlined), else its path.
    fn reexport(&mut self, body: &Value, parent: &str) {
        let name = body["name"].as_str().unwrap_or("_");
        let source = body["source"].as_str().unwrap_or("_");
        let target = body.get("id").and_then(|id| item(self.index, id));
        match (target, body["is_glob"] == true) {
            (Some(target), true) => self.module(target, parent),
            (Some(target), false) => self.item(target, parent, Some(name)),
            (None, glob) => {
                let origin = body
                    .get("id")
                    .and_then(|id| item(self.paths, id))
                    .and_then(|summary| summary["path"].as_array())
                    .map(|segments| {
                        segments
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("::")
                    })
                    .unwrap_or_else(|| source.to_owned());
                let star = if glob { "::*" } else { "" };
                self.lines
                    .insert(format!("pub use {parent}::{name}{star} = {origin}{star}"));
            }
        }
    }

    fn variant_fields(&self, kind: &Value) -> String {
        if let Some(fields) = kind.get("tuple").and_then(Value::as_array) {
            let types: Vec<String> = fields
                .iter()
                .map(|id| {
                    item(self.index, id)
                        .map_or_else(|| "_".to_owned(), |f| ty(&f["inner"]["struct_field"]))
                })
                .collect();
            return format!("({})", types.join(", "));
        }
        if let Some(fields) = kind["struct"]["fields"].as_array() {
            let named: Vec<String> = fields
                .iter()
                .filter_map(|id| item(self.index, id))
                .map(|f| {
                    format!(
                        "{}: {}",
                        f["name"].as_str().unwrap_or("_"),
                        ty(&f["inner"]["struct_field"])
                    )
                })
                .collect();
            return format!(" {{ {} }}", named.join(", "));
        }
        String::new()
    }

    /// A trait's or an impl's member (method, associated type or constant).
    fn member(&mut self, member: &Value, owner: &str) {
        let name = member["name"].as_str().unwrap_or("_");
        let inner = &member["inner"];
        let line = if let Some(function) = inner.get("function") {
            format!("fn {owner}::{name}{}", function_sig(function))
        } else if let Some(assoc) = inner.get("assoc_type") {
            format!("type {owner}::{name}{}", bounds(&assoc["bounds"]))
        } else if let Some(assoc) = inner.get("assoc_const") {
            format!("const {owner}::{name}: {}", ty(&assoc["type"]))
        } else {
            format!("{owner}::{name}")
        };
        self.lines.insert(line);
    }

    /// A type's impls: inherent methods (public ones), and the traits it implements.
    fn impls(&mut self, impls: &Value, path: &str) {
        for id in impls.as_array().into_iter().flatten() {
            let Some(imp) = item(self.index, id) else {
                continue;
            };
            let body = &imp["inner"]["impl"];
            if body["is_synthetic"] == true || !body["blanket_impl"].is_null() {
                continue;
            }
            match body["trait"].as_object() {
                None => {
                    for member_id in body["items"].as_array().into_iter().flatten() {
                        if let Some(member) = item(self.index, member_id) {
                            if member["visibility"] == "public" {
                                self.member(member, path);
                            }
                        }
                    }
                }
                Some(_) => {
                    self.lines.insert(format!(
                        "impl{} {} for {}",
                        generics(&body["generics"]),
                        path_type(&body["trait"]),
                        ty(&body["for"])
                    ));
                }
            }
        }
    }
}

/// A function's signature, `<generics>(inputs) -> output [async]`.
fn function_sig(function: &Value) -> String {
    let header = &function["header"];
    let prefix = [
        ("is_const", "const "),
        ("is_async", "async "),
        ("is_unsafe", "unsafe "),
    ]
    .iter()
    .filter(|(key, _)| header[*key] == true)
    .map(|(_, word)| *word)
    .collect::<String>();
    let sig = &function["sig"];
    let inputs: Vec<String> = sig["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let name = pair[0].as_str().unwrap_or("_");
            format!("{name}: {}", ty(&pair[1]))
        })
        .collect();
    let output = match &sig["output"] {
        Value::Null => String::new(),
        output => format!(" -> {}", ty(output)),
    };
    let generics = generics(&function["generics"]);
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!(" [{}]", prefix.trim_end())
    };
    format!("{generics}({}){output}{prefix}", inputs.join(", "))
}

/// `<T: Bound, …> where …`, or nothing.
fn generics(generics: &Value) -> String {
    let params: Vec<String> = generics["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|param| param["kind"]["type"]["is_synthetic"] != true)
        .map(|param| {
            let name = param["name"].as_str().unwrap_or("_").to_owned();
            let kind = &param["kind"];
            if let Some(t) = kind.get("type") {
                format!("{name}{}", bounds(&t["bounds"]))
            } else if let Some(c) = kind.get("const") {
                format!("const {name}: {}", ty(&c["type"]))
            } else {
                name
            }
        })
        .collect();
    let predicates: Vec<String> = generics["where_predicates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|predicate| {
            let bound = predicate.get("bound_predicate")?;
            Some(format!(
                "{}{}",
                ty(&bound["type"]),
                bounds(&bound["bounds"])
            ))
        })
        .collect();
    let mut out = String::new();
    if !params.is_empty() {
        out = format!("<{}>", params.join(", "));
    }
    if !predicates.is_empty() {
        out += &format!(" where {}", predicates.join(", "));
    }
    out
}

/// `: A + B`, or nothing.
fn bounds(bounds: &Value) -> String {
    let list: Vec<String> = bounds
        .as_array()
        .into_iter()
        .flatten()
        .map(|bound| {
            if let Some(t) = bound.get("trait_bound") {
                let modifier = if t["modifier"] == "maybe" { "?" } else { "" };
                format!("{modifier}{}", path_type(&t["trait"]))
            } else if let Some(outlives) = bound.get("outlives") {
                outlives.as_str().unwrap_or("'_").to_owned()
            } else {
                "_".to_owned()
            }
        })
        .collect();
    if list.is_empty() {
        String::new()
    } else {
        format!(": {}", list.join(" + "))
    }
}

/// A path with its generic arguments (`Result<T, E>`).
fn path_type(path: &Value) -> String {
    let name = path["path"].as_str().unwrap_or("_");
    format!("{name}{}", args(&path["args"]))
}

fn args(args: &Value) -> String {
    if let Some(angle) = args.get("angle_bracketed") {
        let mut list: Vec<String> = angle["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|arg| {
                if let Some(t) = arg.get("type") {
                    ty(t)
                } else if let Some(l) = arg.get("lifetime") {
                    l.as_str().unwrap_or("'_").to_owned()
                } else if let Some(c) = arg.get("const") {
                    c["expr"].as_str().unwrap_or("_").to_owned()
                } else {
                    "_".to_owned()
                }
            })
            .collect();
        for constraint in angle["constraints"].as_array().into_iter().flatten() {
            let name = constraint["name"].as_str().unwrap_or("_");
            let binding = &constraint["binding"];
            if let Some(equality) = binding.get("equality") {
                list.push(format!("{name} = {}", ty(&equality["type"])));
            } else if let Some(b) = binding.get("constraint") {
                list.push(format!("{name}{}", bounds(b)));
            }
        }
        if list.is_empty() {
            String::new()
        } else {
            format!("<{}>", list.join(", "))
        }
    } else if let Some(parenthesized) = args.get("parenthesized") {
        let inputs: Vec<String> = parenthesized["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(ty)
            .collect();
        let output = match &parenthesized["output"] {
            Value::Null => String::new(),
            output => format!(" -> {}", ty(output)),
        };
        format!("({}){output}", inputs.join(", "))
    } else {
        String::new()
    }
}

/// A type as Rust writes it (closely enough to tell two signatures apart).
fn ty(t: &Value) -> String {
    let Some((kind, body)) = t.as_object().and_then(|o| o.iter().next()) else {
        return "_".to_owned();
    };
    match kind.as_str() {
        "resolved_path" => path_type(body),
        "generic" | "primitive" => body.as_str().unwrap_or("_").to_owned(),
        "borrowed_ref" => {
            let lifetime = body["lifetime"]
                .as_str()
                .map_or(String::new(), |l| format!("{l} "));
            let mutable = if body["is_mutable"] == true {
                "mut "
            } else {
                ""
            };
            format!("&{lifetime}{mutable}{}", ty(&body["type"]))
        }
        "tuple" => {
            let parts: Vec<String> = body.as_array().into_iter().flatten().map(ty).collect();
            format!("({})", parts.join(", "))
        }
        "slice" => format!("[{}]", ty(body)),
        "array" => format!(
            "[{}; {}]",
            ty(&body["type"]),
            body["len"].as_str().unwrap_or("_")
        ),
        "impl_trait" => format!("impl{}", bounds(body).trim_start_matches(':')),
        "dyn_trait" => {
            let traits: Vec<String> = body["traits"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| path_type(&p["trait"]))
                .collect();
            format!("dyn {}", traits.join(" + "))
        }
        "qualified_path" => format!(
            "<{} as {}>::{}",
            ty(&body["self_type"]),
            body["trait"]
                .as_object()
                .map_or_else(|| "_".to_owned(), |_| path_type(&body["trait"])),
            body["name"].as_str().unwrap_or("_")
        ),
        "raw_pointer" => format!(
            "*{} {}",
            if body["is_mutable"] == true {
                "mut"
            } else {
                "const"
            },
            ty(&body["type"])
        ),
        "function_pointer" => "fn(…)".to_owned(),
        "infer" => "_".to_owned(),
        other => other.to_owned(),
    }
}
