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
use crate::model::Spec;

/// The OpenAPI version of every bundle.
pub const BUNDLE_OPENAPI: &str = "3.1.0";

/// Where the bundle of a spec goes: `spec/dist/<stem>.json`.
pub fn bundle_path(api: &Api) -> PathBuf {
    dist_dir(&api.spec_path).join(format!("{}.json", spec_stem(api)))
}

fn versions_path(api: &Api) -> PathBuf {
    dist_dir(&api.spec_path).join(format!("{}.versions", spec_stem(api)))
}

fn dist_dir(spec_path: &Path) -> PathBuf {
    spec_path
        .parent()
        .map_or_else(|| PathBuf::from("dist"), |dir| dir.join("dist"))
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
    let changelog_path = root.join("spec/CHANGELOG.md");
    let changelog = std::fs::read_to_string(&changelog_path).unwrap_or_default();
    let mut fresh = true;
    for api in apis::discover(root)? {
        let spec = Spec::load(api)?;
        let (api, source) = (&spec.api, &spec.source);
        let bundle =
            portable(source).with_context(|| format!("bundling {}", api.spec_relative()))?;
        let rendered = to_json(&bundle)?;
        let version = source["info"]["version"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let stem = spec_stem(api);

        let mut problems = Vec::new();
        if !is_semver(&version) {
            problems.push(format!(
                "info.version `{version}` is not semver (MAJOR.MINOR.PATCH)"
            ));
        }
        if !changelog_has(&changelog, &stem, &version) {
            problems.push(format!(
                "spec/CHANGELOG.md has no `## {stem} {version}` section: record what a consumer \
                 notices in this version"
            ));
        }

        let path = bundle_path(api);
        let target = api.relative(&path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        let ledger_path = versions_path(api);
        let ledger_text = std::fs::read_to_string(&ledger_path).unwrap_or_default();
        let mut ledger = Ledger::parse(&ledger_text)
            .with_context(|| format!("reading {}", api.relative(&ledger_path)))?;
        let digest = sha256_hex(rendered.as_bytes());
        match ledger.digest_of(&version) {
            Some(recorded) if recorded != digest => problems.push(format!(
                "{target} changed but info.version is still {version}: bump info.version in {} \
                 (semver: patch for wording, minor for additions, major for breaking changes) \
                 and add a spec/CHANGELOG.md section",
                api.spec_relative()
            )),
            Some(_) => {}
            None => {
                if let Some(latest) = ledger.latest() {
                    if is_semver(&version) && semver_key(&version) <= semver_key(latest) {
                        problems.push(format!(
                            "info.version {version} is not greater than the last published \
                             version {latest}"
                        ));
                    }
                }
                ledger.entries.push((version.clone(), digest.clone()));
            }
        }
        if !problems.is_empty() {
            for problem in &problems {
                println!("{}: {problem}", api.spec_relative());
            }
            fresh = false;
            continue;
        }

        let ledger_rendered = ledger.render();
        for (path, current, generated) in [
            (&path, current.as_str(), rendered.as_str()),
            (&ledger_path, ledger_text.as_str(), ledger_rendered.as_str()),
        ] {
            let target = api.relative(path);
            if current == generated {
                println!("{target}: up to date");
            } else if check {
                println!("{target}: stale; run `cargo xtask bundle`");
                fresh = false;
            } else {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(path, generated).with_context(|| format!("writing {target}"))?;
                println!("{target}: written");
            }
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

    fn digest_of(&self, version: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, d)| d.as_str())
    }

    fn latest(&self) -> Option<&str> {
        self.entries
            .iter()
            .map(|(v, _)| v.as_str())
            .filter(|v| is_semver(v))
            .max_by_key(|v| semver_key(v))
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

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// `MAJOR.MINOR.PATCH` with numeric parts (no pre-release: the bundles are releases).
pub fn is_semver(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

fn semver_key(version: &str) -> Vec<u64> {
    version.split('.').map(|p| p.parse().unwrap_or(0)).collect()
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
    let mut doc = source.clone();
    ensure!(
        source["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.0.")),
        "the source must be OpenAPI 3.0.x"
    );
    set(&mut doc, "openapi", Value::from(BUNDLE_OPENAPI));

    let schemas = source["components"]["schemas"]
        .as_mapping()
        .cloned()
        .unwrap_or_default();
    let inlined: Vec<String> = schemas
        .iter()
        .filter(|(_, schema)| is_custom_scalar(schema))
        .filter_map(|(name, _)| name.as_str().map(str::to_owned))
        .collect();
    let bundler = Bundler {
        schemas: &schemas,
        inlined: &inlined,
    };

    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            bundler.path_item(item)?;
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_mapping_mut) {
        if let Some(map) = components
            .get_mut("schemas")
            .and_then(Value::as_mapping_mut)
        {
            map.retain(|name, _| {
                !name
                    .as_str()
                    .is_some_and(|n| inlined.iter().any(|i| i == n))
            });
            for (name, schema) in map.iter_mut() {
                let name = name.as_str().unwrap_or_default().to_owned();
                bundler
                    .schema(schema)
                    .with_context(|| format!("components.schemas.{name}"))?;
            }
        }
        for kind in ["parameters", "headers", "requestBodies", "responses"] {
            if let Some(map) = components.get_mut(kind).and_then(Value::as_mapping_mut) {
                for (name, item) in map.iter_mut() {
                    let name = name.as_str().unwrap_or_default().to_owned();
                    match kind {
                        "parameters" | "headers" => bundler.parameter(item),
                        "requestBodies" => bundler.body(item),
                        _ => bundler.response(item),
                    }
                    .with_context(|| format!("components.{kind}.{name}"))?;
                }
            }
        }
    }

    drop_unreferenced_schemas(&mut doc);
    rename_reserved_schemas(&mut doc)?;

    let mut refs = Vec::new();
    collect_uses(&doc, &mut refs, &mut Vec::new());
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/")
            .with_context(|| format!("`$ref: {reference}` is not local"))?;
        let mut parts = name.splitn(2, '/');
        let (kind, name) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        ensure!(
            doc["components"][kind].get(name).is_some(),
            "`$ref: {reference}` does not resolve in the bundle"
        );
    }
    Ok(doc)
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
fn is_custom_scalar(schema: &Value) -> bool {
    let scalar = matches!(
        schema["type"].as_str(),
        Some("string" | "integer" | "number" | "boolean")
    );
    let custom = schema["format"]
        .as_str()
        .is_some_and(|f| !STANDARD_FORMATS.contains(&f));
    scalar && custom && schema.get("enum").is_none()
}

struct Bundler<'a> {
    schemas: &'a Mapping,
    inlined: &'a [String],
}

impl Bundler<'_> {
    fn path_item(&self, item: &mut Value) -> anyhow::Result<()> {
        let Some(map) = item.as_mapping_mut() else {
            return Ok(());
        };
        for (key, value) in map.iter_mut() {
            let key = key.as_str().unwrap_or_default().to_owned();
            if key == "parameters" {
                self.parameters(value)?;
            } else if value.get("responses").is_some() {
                self.operation(value).with_context(|| key.clone())?;
            }
        }
        Ok(())
    }

    fn operation(&self, op: &mut Value) -> anyhow::Result<()> {
        if let Some(parameters) = op.get_mut("parameters") {
            self.parameters(parameters)?;
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.body(body)?;
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) {
            for (_, response) in responses.iter_mut() {
                self.response(response)?;
            }
        }
        Ok(())
    }

    fn parameters(&self, list: &mut Value) -> anyhow::Result<()> {
        if let Some(list) = list.as_sequence_mut() {
            for parameter in list {
                self.parameter(parameter)?;
            }
        }
        Ok(())
    }

    /// A parameter or a header: a `schema` or a `content`.
    fn parameter(&self, parameter: &mut Value) -> anyhow::Result<()> {
        let name = parameter["name"].as_str().unwrap_or("header").to_owned();
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema)
                .with_context(|| format!("parameter {name}"))?;
        }
        self.body(parameter)
    }

    /// Anything with a `content` map (request bodies, responses, parameters).
    fn body(&self, body: &mut Value) -> anyhow::Result<()> {
        if let Some(content) = body.get_mut("content").and_then(Value::as_mapping_mut) {
            for (media_type, media) in content.iter_mut() {
                let media_type = media_type.as_str().unwrap_or_default().to_owned();
                if let Some(schema) = media.get_mut("schema") {
                    if is_form(&media_type) {
                        self.inline_form_fields(schema);
                    }
                    self.schema(schema).with_context(|| media_type.clone())?;
                }
            }
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
            if !is_scalar(target) {
                continue;
            }
            let mut copy = target.clone();
            map.remove("allOf");
            map.remove("$ref");
            for (key, value) in std::mem::take(map) {
                copy.insert(key, value);
            }
            *map = copy;
        }
    }

    fn response(&self, response: &mut Value) -> anyhow::Result<()> {
        if let Some(headers) = response.get_mut("headers").and_then(Value::as_mapping_mut) {
            for (_, header) in headers.iter_mut() {
                self.parameter(header)?;
            }
        }
        self.body(response)
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
                let mut copy = self
                    .schemas
                    .get(name)
                    .and_then(Value::as_mapping)
                    .cloned()
                    .with_context(|| format!("`$ref: {reference}` does not resolve"))?;
                map.remove("$ref");
                for (key, value) in std::mem::take(map) {
                    // The use's own description, default, example and nullability win.
                    if key.as_str() == Some("nullable") && copy.get("nullable").is_some() {
                        let either = value.as_bool() == Some(true)
                            || copy["nullable"].as_bool() == Some(true);
                        copy.insert(key, Value::from(either));
                    } else {
                        copy.insert(key, value);
                    }
                }
                *map = copy;
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
    // `{type: number, multipleOf: 1}` beside an `integer` member says nothing more: in JSON
    // Schema 2020-12 a whole number such as `60.0` is an integer. Its `null` goes with it.
    let is_integer = |m: &Value| {
        m.as_mapping()
            .is_some_and(|m| type_names(m).contains(&"integer"))
    };
    let is_whole_number = |m: &Value| {
        m.as_mapping().is_some_and(|m| {
            type_names(m).contains(&"number")
                && m.get("multipleOf").and_then(Value::as_f64) == Some(1.0)
        })
    };
    let members: Vec<Value> = if members.iter().any(is_integer) {
        members
            .iter()
            .filter(|m| !is_whole_number(m))
            .cloned()
            .collect()
    } else {
        members.to_vec()
    };
    let members = members.as_slice();
    let mut seen: Vec<&str> = Vec::new();
    for member in members {
        let map = member.as_mapping()?;
        if has_any(map, &["$ref", "allOf", "anyOf", "oneOf", "enum"]) {
            return None;
        }
        for kind in type_names(map).into_iter().filter(|k| *k != "null") {
            if kind == "object" || kind == "array" || seen.contains(&kind) {
                return None;
            }
            // `integer` is a subset of `number`.
            let overlaps =
                |a: &str, b: &str| matches!((a, b), ("integer", "number") | ("number", "integer"));
            if seen.iter().any(|s| overlaps(s, kind)) {
                return None;
            }
            seen.push(kind);
        }
    }
    let mut null_taken = false;
    let mut out = Vec::new();
    for member in members {
        let mut map = member.as_mapping().cloned()?;
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
        let (mut refs, mut items) = (Vec::new(), Vec::new());
        collect_uses(doc, &mut refs, &mut items);
        let Some(schemas) = doc
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(Value::as_mapping_mut)
        else {
            return;
        };
        let before = schemas.len();
        schemas.retain(|name, _| {
            let name = name.as_str().unwrap_or_default();
            let reference = format!("#/components/schemas/{name}");
            refs.contains(&reference) || items.iter().any(|i| i == name)
        });
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
    let mut renames: Vec<(String, String)> = Vec::new();
    for (name, schema) in std::mem::take(schemas) {
        let name = name.as_str().unwrap_or_default().to_owned();
        if RESERVED_NAMES.contains(&name.as_str()) {
            let renamed = format!("Api{name}");
            renames.push((name, renamed.clone()));
            schemas.insert(Value::from(renamed), schema);
        } else {
            ensure!(
                !schemas.contains_key(name.as_str()),
                "component {name} clashes with a renamed reserved name"
            );
            schemas.insert(Value::from(name), schema);
        }
    }
    if !renames.is_empty() {
        rename_uses(doc, &renames);
    }
    Ok(())
}

fn rename_uses(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    Some("$ref") => {
                        for (from, to) in renames {
                            if child.as_str() == Some(&format!("#/components/schemas/{from}")) {
                                *child = Value::from(format!("#/components/schemas/{to}"));
                            }
                        }
                    }
                    Some("x-item") => {
                        for (from, to) in renames {
                            if child.as_str() == Some(from.as_str()) {
                                *child = Value::from(to.as_str());
                            }
                        }
                    }
                    Some("example" | "examples") => {}
                    _ => rename_uses(child, renames),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rename_uses(item, renames)),
        _ => {}
    }
}

/// Every `$ref` string and every `x-item` component name of the document outside examples.
fn collect_uses(value: &Value, refs: &mut Vec<String>, items: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                match key.as_str() {
                    Some("$ref") => refs.extend(child.as_str().map(str::to_owned)),
                    Some("x-item") => items.extend(child.as_str().map(str::to_owned)),
                    Some("example" | "examples") => {}
                    _ => collect_uses(child, refs, items),
                }
            }
        }
        Value::Sequence(list) => list.iter().for_each(|item| collect_uses(item, refs, items)),
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
        assert!(is_semver("1.0.0"));
        assert!(is_semver("10.2.33"));
        assert!(!is_semver("1"));
        assert!(!is_semver("1.0"));
        assert!(!is_semver("1.01.0"));
        assert!(!is_semver("1.0.0-beta"));
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
