//! `cargo xtask bundle [--check]`: every `spec/<name>.yaml` → `spec/dist/<name>.json`, a
//! single-file OpenAPI 3.1 document shaped for generic generators (the *portable bundle*).
//!
//! The hand-written YAML stays the source of truth (and the Rust crates keep generating from
//! it); the bundle says the same thing in the forms that openapi-generator,
//! openapi-python-client, openapi-typescript and Redocly handle. The transformation, applied
//! to every schema of the document (components, parameters, headers, request and response
//! bodies, and recursively to properties, items, `additionalProperties` and composition
//! members):
//!
//! 1. **No one-element `allOf` wrappers.** `{description, allOf: [{$ref}]}` becomes
//!    `{$ref, description}` (OpenAPI 3.1 lets a `$ref` carry siblings); with `nullable: true`
//!    it becomes `{description, anyOf: [{$ref}, {type: "null"}]}`.
//! 2. **Custom-format scalars are inlined.** A component that is a plain `string` or
//!    `integer` with a `format` (`la-datetime`, `comma-list`, `oc-epoch-millis`, …) is copied
//!    into every place that references it, keeping its `format` on the plain type, and is
//!    dropped from `components`: generators turn a `$ref` to such an alias into a model type
//!    that does not exist (`models::String`).
//! 3. **Nullable in the 3.1 form.** `nullable: true` next to `type: T` becomes
//!    `type: [T, "null"]`; a value that is always `null` (no type) becomes `const: null`.
//! 4. **Integer formats stated.** `type: integer` without a `format` gets `format: int64`;
//!    an integer with a custom format (`oc-epoch-millis`) gets `format: int64` and keeps its
//!    own one as `x-format`.
//! 5. **Open enums.** An enum component (`enum` + `x-enum-varnames` +
//!    `x-enum-descriptions`) becomes a plain `type: string` listing its values in
//!    `x-extensible-enum`, and its description lists them: the servers add values over time,
//!    and a closed `enum` makes openapi-generator's Rust and Python clients and
//!    openapi-python-client reject a response holding a new value.
//! 6. **`anyOf` of disjoint scalars becomes `oneOf`.** `la-int` (`anyOf` integer | digit
//!    string) becomes a `oneOf` whose members' types do not overlap (null allowed by the first
//!    only), which means the same; openapi-generator makes an empty struct of an `anyOf`.
//! 7. **JSON text states its content.** A `json-text` string whose `x-item` names a
//!    component also gets `contentMediaType: application/json` and `contentSchema: {$ref}`.
//! 8. Schema `example` becomes `examples: [example]` (3.1 deprecates the former).
//! 9. **The other direction.** `x-webhooks` (the endpoints the client company serves to the
//!    API) becomes OpenAPI 3.1 `webhooks`, and the path items of `x-help-center-paths` (on the
//!    help-center origin, each with its own `servers`) join `paths`.
//! 10. **The SDK's own facts are left out.** The top-level `x-sdk` (this workspace's crate
//!     name, envelope members and error envelope, `crate::apis::SdkFacts`) says nothing a
//!     consumer of the bundle needs.
//!
//! The output is deterministic: the source's key order, two-space indented JSON.
//!
//! **Versioning.** `info.version` must be semver. `spec/dist/<name>.versions` records the
//! SHA-256 of the bundle of every published version; a bundle that changes while its version
//! does not is an error (bump `info.version`), and every version needs a section in
//! `spec/CHANGELOG.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context as _};
use serde_yaml::{Mapping, Value};
use sha2::{Digest, Sha256};

use crate::apis::{self, Api, STANDARD_FORMATS};
use crate::files;
use crate::model::Spec;

/// The OpenAPI version of every bundle.
pub const BUNDLE_OPENAPI: &str = "3.1.0";

/// Where the bundle of a spec goes (`spec/dist/<stem>.json`), or with `versions` its version
/// record (`spec/dist/<stem>.versions`).
fn dist_path(api: &Api, extension: &str) -> PathBuf {
    let dist = api.spec_path.with_file_name("dist");
    dist.join(format!("{}.{extension}", spec_stem(api)))
}

/// The bundle of a spec, which `cargo xtask bundle` must have written.
pub fn existing_bundle(api: &Api) -> anyhow::Result<PathBuf> {
    let path = dist_path(api, "json");
    let relative = api.relative(&path);
    ensure!(
        path.exists(),
        "{relative} is missing: run `cargo xtask bundle`"
    );
    Ok(path)
}

/// `liveagent-v1` for `spec/liveagent-v1.yaml`.
pub fn spec_stem(api: &Api) -> String {
    api.spec_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned()
}

/// Writes (or with `check`, compares) every bundle and its version record. Returns whether
/// everything was up to date (always true when writing, unless a rule failed).
pub fn run(root: &Path, check: bool) -> anyhow::Result<bool> {
    let changelog = std::fs::read_to_string(root.join("spec/CHANGELOG.md")).unwrap_or_default();
    let mut fresh = true;
    for api in apis::discover(root)? {
        let spec = Spec::load(api)?;
        let api = &spec.api;
        let bundle =
            portable(&spec.source).with_context(|| format!("bundling {}", api.spec_relative()))?;
        let rendered = to_json(&bundle)?;
        let version = spec.source["info"]["version"].as_str().unwrap_or_default();
        let stem = spec_stem(api);

        let mut problems = Vec::new();
        let release = release(version);
        if release.is_none() {
            problems.push(format!(
                "info.version `{version}` is not semver (MAJOR.MINOR.PATCH)"
            ));
        }
        if !changelog_has(&changelog, &stem, version) {
            problems.push(format!(
                "spec/CHANGELOG.md has no `## {stem} {version}` section: record what a consumer \
                 notices in this version"
            ));
        }

        let (path, ledger_path) = (dist_path(api, "json"), dist_path(api, "versions"));
        let mut ledger = Ledger::parse(&std::fs::read_to_string(&ledger_path).unwrap_or_default())
            .with_context(|| format!("reading {}", api.relative(&ledger_path)))?;
        let digest = format!("{:x}", Sha256::digest(rendered.as_bytes()));
        match ledger.entries.iter().find(|(v, _)| v == version) {
            Some((_, recorded)) if *recorded != digest => problems.push(format!(
                "{} changed but info.version is still {version}: bump info.version in {} \
                 (semver: patch for wording, minor for additions, major for breaking changes) \
                 and add a spec/CHANGELOG.md section",
                api.relative(&path),
                api.spec_relative()
            )),
            Some(_) => {}
            None => {
                if let (Some(release), Some(latest)) = (&release, ledger.latest()) {
                    if *release <= latest {
                        problems.push(format!(
                            "info.version {version} is not greater than the last published \
                             version {latest}"
                        ));
                    }
                }
                ledger.entries.push((version.to_owned(), digest));
            }
        }
        if !problems.is_empty() {
            for problem in &problems {
                println!("{}: {problem}", api.spec_relative());
            }
            fresh = false;
            continue;
        }
        for (path, text) in [(&path, rendered), (&ledger_path, ledger.render())] {
            fresh &= files::write_or_check(path, &api.relative(path), &text, check, "bundle")?;
        }
    }
    Ok(fresh)
}

/// The published versions of one bundle: `<version> <sha256>` lines, oldest first.
struct Ledger {
    entries: Vec<(String, String)>,
}

impl Ledger {
    fn parse(text: &str) -> anyhow::Result<Self> {
        let mut entries = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (version, digest) = line
                .split_once(' ')
                .with_context(|| format!("malformed line `{line}`"))?;
            entries.push((version.to_owned(), digest.trim().to_owned()));
        }
        Ok(Self { entries })
    }

    /// The greatest published version.
    fn latest(&self) -> Option<semver::Version> {
        self.entries.iter().filter_map(|(v, _)| release(v)).max()
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "# Published versions of the bundle beside this file: info.version and the SHA-256 of\n\
             # the bundle. Written by `cargo xtask bundle`; a bundle that changes needs a new version.\n",
        );
        for (version, digest) in &self.entries {
            let _ = writeln!(out, "{version} {digest}");
        }
        out
    }
}

/// A release version, `MAJOR.MINOR.PATCH` (no pre-release or build: the bundles are releases).
pub fn release(version: &str) -> Option<semver::Version> {
    semver::Version::parse(version)
        .ok()
        .filter(|v| v.pre.is_empty() && v.build.is_empty())
}

/// Whether the changelog has a `## <stem> <version>` heading (anything may follow).
fn changelog_has(changelog: &str, stem: &str, version: &str) -> bool {
    let heading = format!("## {stem} {version}");
    changelog.lines().any(|line| {
        line.strip_prefix(&heading)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The bundle as JSON text: two-space indent, the source's key order, a final newline.
pub fn to_json(bundle: &Value) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(bundle).context("writing the bundle as JSON")?;
    text.push('\n');
    Ok(text)
}

/// The portable bundle of a source spec (see the module documentation).
pub fn portable(source: &Value) -> anyhow::Result<Value> {
    ensure!(
        source["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.0.")),
        "the source must be OpenAPI 3.0.x"
    );
    let mut doc = source.clone();
    set(&mut doc, "openapi", Value::from(BUNDLE_OPENAPI));
    if let Some(map) = doc.as_mapping_mut() {
        map.shift_remove(crate::apis::SDK_EXTENSION);
    }
    other_direction(&mut doc)?;

    let schemas = source["components"]["schemas"]
        .as_mapping()
        .cloned()
        .unwrap_or_default();
    let inlined: Vec<String> = schemas
        .iter()
        .filter(|(_, schema)| schema.as_mapping().is_some_and(is_custom_scalar))
        .filter_map(|(name, _)| name.as_str().map(str::to_owned))
        .collect();
    if let Some(map) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    {
        map.retain(|name, _| !inlined.iter().any(|i| name.as_str() == Some(i.as_str())));
    }
    let bundler = Bundler {
        schemas: &schemas,
        inlined: &inlined,
    };
    bundler.walk(&mut doc, "")?;

    drop_unreferenced_schemas(&mut doc);
    rename_reserved_schemas(&mut doc)?;

    let mut refs = Vec::new();
    for_each_use(&mut doc, &mut |key, value| {
        if key == "$ref" {
            refs.extend(value.as_str().map(str::to_owned));
        }
    });
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/")
            .with_context(|| format!("`$ref: {reference}` is not local"))?;
        let (kind, name) = name.split_once('/').unwrap_or((name, ""));
        ensure!(
            doc["components"][kind].get(name).is_some(),
            "`$ref: {reference}` does not resolve in the bundle"
        );
    }
    Ok(doc)
}

/// Rule 9: `x-webhooks` → `webhooks`; `x-help-center-paths` → `paths`.
fn other_direction(doc: &mut Value) -> anyhow::Result<()> {
    let Some(map) = doc.as_mapping_mut() else {
        return Ok(());
    };
    if let Some(webhooks) = map.remove("x-webhooks") {
        map.insert(Value::from("webhooks"), webhooks);
    }
    if let Some(Value::Mapping(extra)) = map.remove("x-help-center-paths") {
        let paths = map
            .entry(Value::from("paths"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        let paths = paths.as_mapping_mut().context("`paths` is not a map")?;
        for (path, item) in extra {
            ensure!(
                !paths.contains_key(&path),
                "x-help-center-paths: {} is also in `paths`",
                path.as_str().unwrap_or_default()
            );
            paths.insert(path, item);
        }
    }
    Ok(())
}

/// A schema that is one scalar type (a string, number or boolean, with or without `enum`).
fn is_scalar(schema: &Mapping) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

fn is_form(media_type: &str) -> bool {
    media_type == "application/x-www-form-urlencoded" || media_type == "multipart/form-data"
}

/// A component that is a plain scalar with a custom (non-standard) format and no `enum`.
fn is_custom_scalar(schema: &Mapping) -> bool {
    let custom = schema
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| !STANDARD_FORMATS.contains(&f));
    is_scalar(schema) && custom && !schema.contains_key("enum")
}

struct Bundler<'a> {
    schemas: &'a Mapping,
    inlined: &'a [String],
}

impl Bundler<'_> {
    /// Rewrites every schema below `value` (whose key is `key`): the component schemas, and
    /// the `schema` of every parameter, header and media type. Examples are data: skipped.
    fn walk(&self, value: &mut Value, key: &str) -> anyhow::Result<()> {
        match value {
            Value::Mapping(map) => {
                for (child_key, child) in map.iter_mut() {
                    let child_key = child_key.as_str().unwrap_or_default();
                    match child_key {
                        "schema" => self.schema(child)?,
                        "example" | "examples" => {}
                        "schemas" if key == "components" => {
                            for (name, schema) in child.as_mapping_mut().into_iter().flatten() {
                                let name = name.as_str().unwrap_or_default();
                                self.schema(schema)
                                    .with_context(|| format!("components.schemas.{name}"))?;
                            }
                        }
                        _ => {
                            if let (true, Some(schema)) =
                                (is_form(child_key), child.get_mut("schema"))
                            {
                                self.inline_form_fields(schema);
                            }
                            self.walk(child, child_key)
                                .with_context(|| child_key.to_owned())?;
                        }
                    }
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    self.walk(item, key)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The fields of an inline form body that reference a scalar component (an open enum)
    /// get a copy of it: openapi-generator's Rust client types such a field `models::String`.
    fn inline_form_fields(&self, schema: &mut Value) {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_mapping_mut) else {
            return;
        };
        for (_, field) in properties.iter_mut() {
            let Some(map) = field.as_mapping_mut() else {
                continue;
            };
            let reference = single_ref_all_of(map)
                .or_else(|| map.get("$ref").and_then(Value::as_str).map(str::to_owned));
            let Some(reference) = reference else { continue };
            let name = reference.rsplit('/').next().unwrap_or_default();
            let Some(target) = self.schemas.get(name).and_then(Value::as_mapping) else {
                continue;
            };
            if is_scalar(target) {
                map.remove("allOf");
                map.remove("$ref");
                overlay(map, target);
            }
        }
    }

    /// Rewrites one schema (and everything below it) into its portable form.
    fn schema(&self, schema: &mut Value) -> anyhow::Result<()> {
        let Some(map) = schema.as_mapping_mut() else {
            return Ok(());
        };

        // 1. A one-element `allOf` of a `$ref` is the `$ref` itself.
        if let Some(reference) = single_ref_all_of(map) {
            map.remove("allOf");
            prepend(map, "$ref", Value::from(reference));
        }

        // 2. A `$ref` to a custom-format scalar becomes a copy of it.
        if let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            let name = reference.rsplit('/').next().unwrap_or_default();
            if self.inlined.iter().any(|i| i == name) {
                let component = self
                    .schemas
                    .get(name)
                    .and_then(Value::as_mapping)
                    .with_context(|| format!("`$ref: {reference}` does not resolve"))?;
                map.remove("$ref");
                overlay(map, component);
            } else if map.get("nullable").and_then(Value::as_bool) == Some(true) {
                // A nullable reference: the referenced schema or null.
                map.remove("nullable");
                map.remove("$ref");
                let mut any_of = Mapping::new();
                any_of.insert(
                    Value::from("anyOf"),
                    Value::Sequence(vec![
                        single("$ref", Value::from(reference)),
                        single("type", Value::from("null")),
                    ]),
                );
                for (key, value) in std::mem::take(map) {
                    any_of.insert(key, value);
                }
                *map = any_of;
            } else {
                map.remove("nullable");
            }
        }

        // Children first, so that composition members are already portable.
        if let Some(properties) = map.get_mut("properties").and_then(Value::as_mapping_mut) {
            for (name, property) in properties.iter_mut() {
                self.schema(property)
                    .with_context(|| format!("property {}", name.as_str().unwrap_or_default()))?;
            }
        }
        for key in ["items", "additionalProperties", "not", "contentSchema"] {
            if let Some(child) = map.get_mut(key) {
                self.schema(child)?;
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(members) = map.get_mut(key).and_then(Value::as_sequence_mut) {
                for member in members {
                    self.schema(member)?;
                }
            }
        }

        // 3. Nullable in the 3.1 form.
        if let Some(nullable) = map.remove("nullable") {
            if nullable.as_bool() == Some(true) {
                match map.get("type").cloned() {
                    Some(Value::String(kind)) => {
                        map.insert(
                            Value::from("type"),
                            Value::Sequence(vec![Value::from(kind), Value::from("null")]),
                        );
                    }
                    Some(_) => bail!("`nullable` next to a `type` that is not one name"),
                    None if has_any(map, &["$ref", "allOf", "anyOf", "oneOf", "properties"]) => {
                        bail!("`nullable: true` without a `type` on a composed schema")
                    }
                    None => {
                        map.insert(Value::from("const"), Value::Null);
                    }
                }
            }
        }

        // 4. Integer formats stated.
        if type_names(map).contains(&"integer") {
            match map.get("format").and_then(Value::as_str) {
                None => {
                    map.insert(Value::from("format"), Value::from("int64"));
                }
                Some(format) if !STANDARD_FORMATS.contains(&format) => {
                    let custom = Value::from(format);
                    map.insert(Value::from("format"), Value::from("int64"));
                    map.insert(Value::from("x-format"), custom);
                }
                Some(_) => {}
            }
        }

        // 5. Open enums.
        if let Some(values) = map.remove("enum") {
            let description = open_enum_description(map, &values);
            map.insert(Value::from("description"), Value::from(description));
            map.insert(Value::from("x-extensible-enum"), values);
        }

        // 6. `anyOf` of scalars with disjoint types is a `oneOf`.
        if let Some(members) = map.get("anyOf").and_then(Value::as_sequence) {
            if let Some(one_of) = disjoint_scalars(members) {
                map.remove("anyOf");
                map.insert(Value::from("oneOf"), Value::Sequence(one_of));
            }
        }

        // 7. JSON text states its content.
        if map.get("format").and_then(Value::as_str) == Some("json-text") {
            let item = map.get("x-item").and_then(Value::as_str).map(str::to_owned);
            if let Some(item) = item.filter(|i| i != "string") {
                map.insert(
                    Value::from("contentMediaType"),
                    Value::from("application/json"),
                );
                map.insert(
                    Value::from("contentSchema"),
                    single("$ref", Value::from(format!("#/components/schemas/{item}"))),
                );
            }
        }

        // 8. `example` → `examples`.
        if let Some(example) = map.remove("example") {
            map.insert(Value::from("examples"), Value::Sequence(vec![example]));
        }
        Ok(())
    }
}

/// Makes `map`, a use of `component`, a copy of the component with the use's own keys on top
/// (its description, default, example); nullable if either is.
fn overlay(map: &mut Mapping, component: &Mapping) {
    let mut copy = component.clone();
    for (key, value) in std::mem::take(map) {
        let value = match (key.as_str(), copy.get("nullable")) {
            (Some("nullable"), Some(own)) => {
                Value::from(value.as_bool() == Some(true) || own.as_bool() == Some(true))
            }
            _ => value,
        };
        copy.insert(key, value);
    }
    *map = copy;
}

/// `Some(ref)` for `allOf: [{$ref: ref}]`.
fn single_ref_all_of(map: &Mapping) -> Option<String> {
    let members = map.get("allOf")?.as_sequence()?;
    let [only] = members.as_slice() else {
        return None;
    };
    let only = only.as_mapping()?;
    (only.len() == 1)
        .then(|| only.get("$ref")?.as_str().map(str::to_owned))
        .flatten()
}

/// The description of an open enum: its own, then every known value with its meaning.
fn open_enum_description(map: &Mapping, values: &Value) -> String {
    let own = map
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end();
    let meanings = map
        .get("x-enum-descriptions")
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    let mut text = format!("{own}\n\nKnown values (others may appear):\n");
    for (index, value) in values.as_sequence().into_iter().flatten().enumerate() {
        let value = value.as_str().unwrap_or_default();
        let meaning = meanings
            .get(index)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let _ = writeln!(text, "- `{value}`: {meaning}");
    }
    text.trim_end().to_owned()
}

/// The members of an `anyOf` rewritten for a `oneOf`, if they are scalars (no `$ref`) with
/// pairwise disjoint types; `null` stays with the first member that allows it.
fn disjoint_scalars(members: &[Value]) -> Option<Vec<Value>> {
    let maps: Vec<&Mapping> = members
        .iter()
        .map(Value::as_mapping)
        .collect::<Option<_>>()?;
    // `{type: number, multipleOf: 1}` beside an `integer` member says nothing more: in JSON
    // Schema 2020-12 a whole number such as `60.0` is an integer. Its `null` goes with it.
    let has_integer = maps.iter().any(|m| type_names(m).contains(&"integer"));
    let is_whole_number = |m: &Mapping| {
        type_names(m).contains(&"number")
            && m.get("multipleOf").and_then(Value::as_f64) == Some(1.0)
    };
    let maps: Vec<&Mapping> = maps
        .into_iter()
        .filter(|m| !(has_integer && is_whole_number(m)))
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for map in &maps {
        if has_any(map, &["$ref", "allOf", "anyOf", "oneOf", "enum"]) {
            return None;
        }
        for kind in type_names(map).into_iter().filter(|k| *k != "null") {
            // `integer` is a subset of `number`: the two overlap.
            let kind = if kind == "number" { "integer" } else { kind };
            if kind == "object" || kind == "array" || seen.contains(&kind) {
                return None;
            }
            seen.push(kind);
        }
    }
    let mut null_taken = false;
    let mut out = Vec::new();
    for map in maps {
        let mut map = map.clone();
        let names = type_names(&map);
        if names.contains(&"null") {
            if null_taken {
                let rest: Vec<Value> = names
                    .iter()
                    .filter(|k| **k != "null")
                    .map(|k| Value::from(*k))
                    .collect();
                let kind = match rest.as_slice() {
                    [one] => one.clone(),
                    _ => Value::Sequence(rest),
                };
                map.insert(Value::from("type"), kind);
            }
            null_taken = true;
        }
        out.push(Value::Mapping(map));
    }
    Some(out)
}

/// The `type` names of a schema: one name or a list.
fn type_names(map: &Mapping) -> Vec<&str> {
    match map.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Sequence(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn has_any(map: &Mapping, keys: &[&str]) -> bool {
    keys.iter().any(|key| map.contains_key(*key))
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Mapping::new();
    map.insert(Value::from(key), value);
    Value::Mapping(map)
}

/// Inserts `key` first (for `$ref`, which reads best at the top).
fn prepend(map: &mut Mapping, key: &str, value: Value) {
    let rest = std::mem::take(map);
    map.insert(Value::from(key), value);
    for (k, v) in rest {
        map.insert(k, v);
    }
}

fn set(doc: &mut Value, key: &str, value: Value) {
    if let Some(map) = doc.as_mapping_mut() {
        map.insert(Value::from(key), value);
    }
}

/// Component names that are built-in types of a consumer's language, renamed with an `Api`
/// prefix: openapi-generator's `typescript-fetch` renames `Error` and `File` itself, with a
/// warning, into names that differ from every other generator's.
const RESERVED_NAMES: &[&str] = &[
    "Array", "Blob", "Boolean", "Date", "Error", "File", "Function", "Headers", "Map", "Number",
    "Object", "Promise", "Record", "RegExp", "Request", "Response", "Set", "String", "Symbol",
];

/// Schema components that become unused once the scalars are inlined are dropped. A component
/// a `$ref` anywhere in the document (`x-client-company-schemas` too) or an `x-item` names is
/// kept; the source has no unused component (`cargo xtask validate`).
fn drop_unreferenced_schemas(doc: &mut Value) {
    loop {
        let mut used = Vec::new();
        for_each_use(doc, &mut |key, value| {
            let name = value.as_str().unwrap_or_default();
            let name = match key {
                "$ref" => name.strip_prefix("#/components/schemas/"),
                _ => Some(name),
            };
            used.extend(name.map(str::to_owned));
        });
        let Some(schemas) = doc
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(Value::as_mapping_mut)
        else {
            return;
        };
        let before = schemas.len();
        schemas.retain(|name, _| used.iter().any(|u| name.as_str() == Some(u.as_str())));
        if schemas.len() == before {
            return;
        }
    }
}

/// Renames the schema components in [`RESERVED_NAMES`], and every `$ref` and `x-item` that
/// names them.
fn rename_reserved_schemas(doc: &mut Value) -> anyhow::Result<()> {
    let Some(schemas) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    else {
        return Ok(());
    };
    let mut renamed: Vec<String> = Vec::new();
    for (name, schema) in std::mem::take(schemas) {
        let name = name.as_str().unwrap_or_default().to_owned();
        if RESERVED_NAMES.contains(&name.as_str()) {
            schemas.insert(Value::from(format!("Api{name}")), schema);
            renamed.push(name);
        } else {
            ensure!(
                !schemas.contains_key(name.as_str()),
                "component {name} clashes with a renamed reserved name"
            );
            schemas.insert(Value::from(name), schema);
        }
    }
    for_each_use(doc, &mut |key, value| {
        let prefix = if key == "$ref" {
            "#/components/schemas/"
        } else {
            ""
        };
        let name = value.as_str().and_then(|v| v.strip_prefix(prefix));
        if let Some(name) = name.filter(|name| renamed.iter().any(|r| r == name)) {
            *value = Value::from(format!("{prefix}Api{name}"));
        }
    });
    Ok(())
}

/// Calls `visit` with the key and the value of every `$ref` and every `x-item` of the
/// document outside examples.
fn for_each_use(value: &mut Value, visit: &mut impl FnMut(&str, &mut Value)) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    Some(key @ ("$ref" | "x-item")) => visit(key, child),
                    Some("example" | "examples") => {}
                    _ => for_each_use(child, visit),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| for_each_use(item, visit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(yaml: &str) -> serde_json::Value {
        let source: Value = serde_yaml::from_str(yaml).unwrap();
        let text = to_json(&portable(&source).unwrap()).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - name: when
          in: query
          description: When.
          schema:
            allOf:
              - $ref: "#/components/schemas/When"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
  schemas:
    When:
      type: string
      nullable: true
      format: la-datetime
      description: A datetime.
      example: "2014-08-09 10:14:00"
    Count:
      format: la-int
      description: An integer or a digit string.
      anyOf:
        - {type: integer, minimum: 0, nullable: true}
        - {type: string, pattern: "^[0-9]+$", nullable: true}
    Status:
      type: string
      description: A status.
      enum: [A, B]
      x-enum-varnames: [Alpha, Beta]
      x-enum-descriptions: [First, Second]
    Inner:
      type: object
      description: Inner.
      properties:
        n: {type: integer, description: N.}
    Thing:
      type: object
      description: A thing.
      properties:
        status:
          description: Its status.
          allOf:
            - $ref: "#/components/schemas/Status"
        inner:
          description: Maybe inner.
          nullable: true
          allOf:
            - $ref: "#/components/schemas/Inner"
        count:
          description: A count.
          allOf:
            - $ref: "#/components/schemas/Count"
        always:
          description: Always null.
          nullable: true
        created:
          description: Created.
          allOf:
            - $ref: "#/components/schemas/When"
        name: {type: string, nullable: true, description: Name.}
"##;

    #[test]
    fn wrappers_nullable_formats_and_enums_take_their_portable_forms() {
        let b = bundle(SPEC);
        assert_eq!(b["openapi"], "3.1.0");
        let schemas = &b["components"]["schemas"];
        assert!(schemas.get("When").is_none(), "custom scalars are inlined");
        let thing = &schemas["Thing"]["properties"];
        assert_eq!(
            thing["status"],
            serde_json::json!({"$ref": "#/components/schemas/Status", "description": "Its status."})
        );
        assert_eq!(
            thing["inner"],
            serde_json::json!({
                "anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}],
                "description": "Maybe inner."
            })
        );
        assert_eq!(thing["always"]["const"], serde_json::Value::Null);
        assert!(thing["always"].get("nullable").is_none());
        assert_eq!(
            thing["created"],
            serde_json::json!({
                "type": ["string", "null"],
                "format": "la-datetime",
                "description": "Created.",
                "examples": ["2014-08-09 10:14:00"]
            })
        );
        assert_eq!(thing["name"]["type"], serde_json::json!(["string", "null"]));
        assert_eq!(schemas["Inner"]["properties"]["n"]["format"], "int64");

        let count = &schemas["Count"];
        assert!(count.get("anyOf").is_none());
        assert_eq!(
            count["oneOf"],
            serde_json::json!([
                {"type": ["integer", "null"], "minimum": 0, "format": "int64"},
                {"type": "string", "pattern": "^[0-9]+$"}
            ])
        );

        let status = &schemas["Status"];
        assert!(status.get("enum").is_none());
        assert_eq!(status["x-extensible-enum"], serde_json::json!(["A", "B"]));
        assert_eq!(
            status["description"],
            "A status.\n\nKnown values (others may appear):\n- `A`: First\n- `B`: Second"
        );

        let when = &b["paths"]["/x"]["get"]["parameters"][0]["schema"];
        assert_eq!(when["format"], "la-datetime");
        assert_eq!(when["description"], "A datetime.");
    }

    #[test]
    fn a_whole_number_member_beside_an_integer_is_dropped() {
        let spec = SPEC.replace(
            "        - {type: integer, minimum: 0, nullable: true}\n",
            "        - {type: integer, nullable: true}\n        - {type: number, multipleOf: 1, nullable: true}\n",
        );
        let b = bundle(&spec);
        assert_eq!(
            b["components"]["schemas"]["Count"]["oneOf"],
            serde_json::json!([
                {"type": ["integer", "null"], "format": "int64"},
                {"type": "string", "pattern": "^[0-9]+$"}
            ])
        );
    }

    #[test]
    fn the_bundle_is_deterministic_and_keeps_the_source_order() {
        let first = to_json(&portable(&serde_yaml::from_str(SPEC).unwrap()).unwrap()).unwrap();
        let second = to_json(&portable(&serde_yaml::from_str(SPEC).unwrap()).unwrap()).unwrap();
        assert_eq!(first, second);
        let openapi = first.find("\"openapi\"").unwrap();
        let info = first.find("\"info\"").unwrap();
        let paths = first.find("\"paths\"").unwrap();
        assert!(openapi < info && info < paths);
    }

    #[test]
    fn semver_and_changelog_headings() {
        assert!(release("1.0.0").is_some());
        assert!(release("10.2.33").is_some());
        assert!(release("1").is_none());
        assert!(release("1.0").is_none());
        assert!(release("1.01.0").is_none());
        assert!(release("1.0.0-beta").is_none());
        assert!(release("1.0.0+build").is_none());
        let log = "# Changelog\n\n## liveagent-v1 1.1.0 (2026-01-02)\n\n- x\n";
        assert!(changelog_has(log, "liveagent-v1", "1.1.0"));
        assert!(!changelog_has(log, "liveagent-v1", "1.1"));
        assert!(!changelog_has(log, "contiple", "1.1.0"));
    }

    #[test]
    fn a_changed_bundle_needs_a_new_version() {
        let root = std::env::temp_dir().join(format!("xtask-bundle-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/liveagent-v1.yaml");
        let spec = std::fs::read_to_string(real).unwrap();
        let version = serde_yaml::from_str::<Value>(&spec).unwrap()["info"]["version"]
            .as_str()
            .unwrap()
            .to_owned();
        std::fs::write(root.join("spec/liveagent-v1.yaml"), &spec).unwrap();
        std::fs::write(
            root.join("spec/CHANGELOG.md"),
            format!("## liveagent-v1 {version}\n\n## liveagent-v1 99.0.0\n"),
        )
        .unwrap();

        assert!(!run(&root, true).unwrap(), "a missing bundle fails --check");
        assert!(run(&root, false).unwrap());
        assert!(run(&root, true).unwrap(), "a fresh bundle passes --check");

        // Same version, different content: refused, and nothing is written.
        let changed = spec.replacen("summary: ", "summary: Changed ", 1);
        std::fs::write(root.join("spec/liveagent-v1.yaml"), &changed).unwrap();
        let before = std::fs::read_to_string(root.join("spec/dist/liveagent-v1.json")).unwrap();
        assert!(!run(&root, false).unwrap());
        assert_eq!(
            std::fs::read_to_string(root.join("spec/dist/liveagent-v1.json")).unwrap(),
            before
        );

        // A new version with a changelog section is accepted and recorded.
        let bumped = changed.replacen(&format!("version: '{version}'"), "version: '99.0.0'", 1);
        assert_ne!(bumped, changed, "the test must find info.version");
        std::fs::write(root.join("spec/liveagent-v1.yaml"), &bumped).unwrap();
        assert!(run(&root, false).unwrap());
        let ledger = std::fs::read_to_string(root.join("spec/dist/liveagent-v1.versions")).unwrap();
        assert!(ledger.contains(&format!("\n{version} ")) && ledger.contains("\n99.0.0 "));
        assert!(run(&root, true).unwrap());

        std::fs::remove_dir_all(&root).unwrap();
    }
}
