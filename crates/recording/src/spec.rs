//! [`SpecIndex`]: a spec read as plain JSON, for what the recordings' tools ask of it:
//! operation ids, path parameters, documented examples (the responses recordings leave out),
//! and whether a recorded body's fields are all declared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::{Api, RecordedResponse};

/// The directory of the specs, `spec/` at the workspace root.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}

/// The spec's operations: operationId → the `properties` reachable from its 200 response,
/// per JSON object path, for checking that every field of a recording is in the spec.
pub struct SpecIndex {
    spec: Value,
}

impl SpecIndex {
    /// Loads a spec from `spec/` at the workspace root.
    pub fn load(file: &str) -> anyhow::Result<Self> {
        let path = spec_dir().join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|err| anyhow::anyhow!("reading {}: {err}", path.display()))?;
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text)?;
        Ok(Self {
            spec: serde_json::to_value(yaml)?,
        })
    }

    /// The spec of an API, loaded once per process.
    pub fn of(api: &Api) -> anyhow::Result<&'static Self> {
        Self::loaded(api.spec_file)
    }

    /// The spec of a file under `spec/`, loaded once per process (also for the registry of
    /// APIs, which reads every spec).
    pub(crate) fn loaded(file: &str) -> anyhow::Result<&'static Self> {
        static LOADED: OnceLock<Mutex<BTreeMap<&'static str, &'static SpecIndex>>> =
            OnceLock::new();
        let mut loaded = LOADED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(spec) = loaded.get(file) {
            return Ok(spec);
        }
        let spec: &'static Self = Box::leak(Box::new(Self::load(file)?));
        loaded.insert(String::leak(file.to_owned()), spec);
        Ok(spec)
    }

    /// The whole document, as JSON (the replay server reads parameters and body schemas from
    /// it).
    pub fn document(&self) -> &Value {
        &self.spec
    }

    /// The response a recording that stores none stands for: the 200 response's JSON
    /// `example`, served as its media type.
    pub fn documented_response(&self, id: &str) -> Option<RecordedResponse> {
        let (_, op) = self.operation(id)?;
        let (media, example) = op["responses"]["200"]["content"]
            .as_object()?
            .iter()
            .filter(|(media, _)| media.contains("json"))
            .find_map(|(media, content)| Some((media, content.get("example")?)))?;
        Some(RecordedResponse {
            status: 200,
            headers: [("content-type".to_owned(), media.clone())].into(),
            body: Some(example.clone()),
            body_text: None,
            body_base64: None,
        })
    }

    /// Every operation of the spec with its path template.
    fn operations(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(template, item)| Some((template, item.as_object()?)))
            .flat_map(|(template, ops)| ops.values().map(move |op| (template.as_str(), op)))
    }

    /// Every operationId in the spec.
    pub fn operation_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .operations()
            .filter_map(|(_, op)| op["operationId"].as_str().map(str::to_owned))
            .collect();
        ids.sort();
        ids
    }

    /// The 200 response's `example` of an operation, if it has one.
    pub fn success_example(&self, id: &str) -> Option<&Value> {
        let (_, op) = self.operation(id)?;
        op["responses"]["200"]["content"]
            .as_object()?
            .values()
            .find_map(|media| media.get("example"))
    }

    /// Whether an operation needs authentication: its own `security`, or the spec's top-level
    /// one, names a scheme.
    pub fn is_secured(&self, id: &str) -> bool {
        self.operation(id).is_some_and(|(_, op)| {
            op.get("security")
                .unwrap_or(&self.spec["security"])
                .as_array()
                .is_some_and(|list| {
                    list.iter()
                        .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
                })
        })
    }

    /// Whether an operation's 200 response is a file rather than JSON.
    pub fn returns_file(&self, id: &str) -> bool {
        self.operation(id).is_some_and(|(_, op)| {
            op["responses"]["200"]["content"]
                .as_object()
                .is_some_and(|c| !c.is_empty() && !c.keys().any(|m| m.contains("json")))
        })
    }

    /// The HTTP method (upper case) and path template of an operation.
    pub fn route(&self, id: &str) -> Option<(String, String)> {
        self.spec["paths"]
            .as_object()?
            .iter()
            .find_map(|(template, item)| {
                item.as_object()?.iter().find_map(|(method, op)| {
                    (op["operationId"].as_str() == Some(id))
                        .then(|| (method.to_ascii_uppercase(), template.clone()))
                })
            })
    }

    /// The media type of an operation's request body, if it has one.
    pub fn body_media_type(&self, id: &str) -> Option<String> {
        let (_, op) = self.operation(id)?;
        op["requestBody"]["content"]
            .as_object()?
            .keys()
            .next()
            .cloned()
    }

    /// The parameters of an operation: (name, location) in the spec's order.
    pub fn parameters(&self, id: &str) -> Vec<(String, String)> {
        self.operation(id)
            .and_then(|(_, op)| op["parameters"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p["in"].as_str()?.to_owned())))
            .collect()
    }

    /// The operation with this operationId, and its path template.
    fn operation(&self, id: &str) -> Option<(&str, &Value)> {
        self.operations()
            .find(|(_, op)| op["operationId"].as_str() == Some(id))
    }

    /// The path parameters of a concrete request path, matched against the operation's path
    /// template from the end, so that a base path in front (Contiple's `/{serviceId}`) does not
    /// matter: `/tags/{tagid}` and `/tags/sh3j` give `tagid = sh3j`; `/detail/{id}.json` and
    /// `/APISimple/detail/7.json` give `id = 7`.
    pub fn path_params(&self, operation: &str, path: &str) -> BTreeMap<String, String> {
        let Some((template, _)) = self.operation(operation) else {
            return BTreeMap::new();
        };
        template
            .split('/')
            .rev()
            .zip(path.split('/').rev())
            .filter_map(|(segment, value)| {
                let (prefix, rest) = segment.split_once('{')?;
                let (name, suffix) = rest.split_once('}')?;
                let value = value.strip_prefix(prefix)?.strip_suffix(suffix)?;
                Some((name.to_owned(), value.to_owned()))
            })
            .collect()
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        loop {
            if let Some(reference) = schema["$ref"].as_str() {
                let name = reference.rsplit('/').next().unwrap_or_default();
                schema = &self.spec["components"]["schemas"][name];
            } else if let Some(inner) = schema["allOf"].get(0) {
                schema = inner;
            } else {
                return schema;
            }
        }
    }

    /// Lists every member of `body` (by JSON path) that the operation's 200 schema does not
    /// declare.
    pub fn undeclared_fields(&self, operation: &str, body: &Value) -> Vec<String> {
        let mut missing = Vec::new();
        let Some((_, op)) = self.operation(operation) else {
            return vec![format!("operation {operation} is not in the spec")];
        };
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        self.walk(schema, body, "$", &mut missing);
        missing
    }

    fn walk(&self, schema: &Value, value: &Value, path: &str, missing: &mut Vec<String>) {
        let schema = self.resolve(schema);
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    let mut declared = &schema["properties"][key];
                    // A map (`additionalProperties: {schema}`) declares every key.
                    if declared.is_null() && schema["additionalProperties"].is_object() {
                        declared = &schema["additionalProperties"];
                    }
                    if declared.is_null() {
                        missing.push(format!("{path}.{key}"));
                    } else {
                        self.walk(declared, member, &format!("{path}.{key}"), missing);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.walk(&schema["items"], item, &format!("{path}[{index}]"), missing);
                }
            }
            _ => {}
        }
    }
}
