//! The spec as the replay server reads it: each operation's route, its parameters (location,
//! whether required, type and documented `default`) and its request body's media type and
//! schema. Requests are found to operations by route here, and their raw text is read as the
//! typed values the spec describes ([`Scalar`]).

use std::fmt;

use serde_json::Value;

/// One operation of the spec.
#[derive(Debug)]
pub struct Operation {
    /// The operationId.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The path template's segments (`/tags/{tagid}` → `tags`, `{tagid}`).
    template: Vec<String>,
    /// Its parameters, path-level ones included.
    pub params: Vec<Param>,
    /// Its request body, if it has one.
    pub body: Option<Body>,
}

/// One parameter.
#[derive(Debug)]
pub struct Param {
    /// The name, as sent.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Whether it must be sent.
    pub required: bool,
    /// The schema, `$ref`s resolved.
    pub schema: Value,
}

/// An operation's request body.
#[derive(Debug)]
pub struct Body {
    /// Its media type (`application/json`, `application/x-www-form-urlencoded`,
    /// `multipart/form-data`).
    pub media: String,
    /// Whether it must be sent.
    pub required: bool,
    /// The schema, the top-level `$ref` resolved.
    pub schema: Value,
}

impl Param {
    /// The documented default, as the text a client sends.
    pub fn default_text(&self) -> Option<String> {
        self.schema.get("default").map(value_text)
    }

    /// The value as the spec types it.
    pub fn parse(&self, raw: &str) -> Result<Scalar, String> {
        Scalar::parse(&self.schema, raw)
    }
}

/// A value sent as text (a query, path or header parameter, a form field), read as its type.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// An integer.
    Integer(i64),
    /// A number that is not an integer.
    Number(f64),
    /// A boolean.
    Boolean(bool),
    /// Anything else, as sent.
    Text(String),
}

impl Scalar {
    /// Reads `raw` as `schema` types it: an error names the expected type.
    pub fn parse(schema: &Value, raw: &str) -> Result<Scalar, String> {
        let types = types_of(schema);
        let allows = |t: &str| types.iter().any(|x| x == t);
        if types.is_empty() || allows("string") {
            return Ok(Scalar::Text(raw.to_owned()));
        }
        if allows("integer") {
            if let Ok(n) = raw.trim().parse::<i64>() {
                return Ok(Scalar::Integer(n));
            }
        }
        if allows("number") {
            if let Ok(n) = raw.trim().parse::<f64>() {
                return Ok(match n.fract() == 0.0 && n.abs() < 9.0e15 {
                    true => Scalar::Integer(n as i64),
                    false => Scalar::Number(n),
                });
            }
        }
        if allows("boolean") {
            match raw {
                "true" | "True" | "1" => return Ok(Scalar::Boolean(true)),
                "false" | "False" | "0" => return Ok(Scalar::Boolean(false)),
                _ => {}
            }
        }
        Err(format!("`{raw}` is not {}", article(&types)))
    }

    /// Reads `raw` as `schema` types it, or as text when it is not of that type.
    pub fn lenient(schema: &Value, raw: &str) -> Scalar {
        Scalar::parse(schema, raw).unwrap_or_else(|_| Scalar::Text(raw.to_owned()))
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Integer(n) => write!(f, "{n}"),
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Boolean(b) => write!(f, "{b}"),
            Scalar::Text(s) => write!(f, "`{s}`"),
        }
    }
}

/// The JSON types a schema allows (`type`, a string or a list).
pub fn types_of(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(list) => list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// "an integer", "a boolean or null".
fn article(types: &[String]) -> String {
    let named: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "integer" | "object" | "array" => format!("an {t}"),
            "null" => "null".to_owned(),
            _ => format!("a {t}"),
        })
        .collect();
    named.join(" or ")
}

/// A JSON value as the text a client sends for it in a query or a form.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Decodes `%XX` escapes (the rest as is; invalid UTF-8 replaced).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every operation of a spec.
#[derive(Debug)]
pub struct Operations {
    operations: Vec<Operation>,
    schemas: Value,
}

impl Operations {
    /// Reads the operations of an OpenAPI document.
    pub fn from_spec(spec: &Value) -> Self {
        let schemas = spec["components"]["schemas"].clone();
        let mut operations = Vec::new();
        for (template, item) in spec["paths"].as_object().into_iter().flatten() {
            let shared = item["parameters"].as_array().cloned().unwrap_or_default();
            for (method, op) in item.as_object().into_iter().flatten() {
                let Some(id) = op["operationId"].as_str() else {
                    continue;
                };
                let mut params: Vec<Param> = Vec::new();
                let own = op["parameters"].as_array().cloned().unwrap_or_default();
                for p in own.iter().chain(&shared) {
                    let (Some(name), Some(location)) = (p["name"].as_str(), p["in"].as_str())
                    else {
                        continue;
                    };
                    if params
                        .iter()
                        .any(|q| q.name == name && q.location == location)
                    {
                        continue;
                    }
                    params.push(Param {
                        name: name.to_owned(),
                        location: location.to_owned(),
                        required: p["required"].as_bool().unwrap_or(location == "path"),
                        schema: resolve(&schemas, &p["schema"]),
                    });
                }
                let body = op["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.iter().next())
                    .map(|(media, content)| Body {
                        media: media.clone(),
                        required: op["requestBody"]["required"].as_bool().unwrap_or(false),
                        schema: resolve(&schemas, &content["schema"]),
                    });
                operations.push(Operation {
                    id: id.to_owned(),
                    method: method.to_ascii_uppercase(),
                    template: template
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    params,
                    body,
                });
            }
        }
        Self {
            operations,
            schemas,
        }
    }

    /// The operation with this id.
    pub fn get(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The operation a request calls: its method, and a path whose last segments match the
    /// template (a base path in front, Contiple's `/{serviceId}`, does not matter). Literal
    /// segments beat parameters (`/tags/status` before `/tags/{tagid}`).
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        self.operations
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| Some((op.literal_matches(&segments)?, op)))
            .max_by_key(|(score, op)| (*score, op.template.len()))
            .map(|(_, op)| op)
    }

    /// Resolves `$ref`s of a schema against the spec's components.
    pub fn resolve(&self, schema: &Value) -> Value {
        resolve(&self.schemas, schema)
    }
}

impl Operation {
    /// How many literal segments of the template match the end of `segments`, if all do and
    /// every parameter segment has a value.
    fn literal_matches(&self, segments: &[String]) -> Option<usize> {
        if segments.len() < self.template.len() {
            return None;
        }
        let tail = &segments[segments.len() - self.template.len()..];
        let mut literal = 0;
        for (pattern, value) in self.template.iter().zip(tail) {
            match pattern.split_once('{') {
                None if pattern == value => literal += 1,
                None => return None,
                Some((prefix, rest)) => {
                    let suffix = rest.split_once('}').map(|(_, s)| s).unwrap_or_default();
                    let inner = value.strip_prefix(prefix)?.strip_suffix(suffix)?;
                    if inner.is_empty() {
                        return None;
                    }
                }
            }
        }
        Some(literal)
    }

    /// The path parameters' values in a concrete path (decoded), by name.
    pub fn path_values(&self, path: &str) -> Vec<(String, String)> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let skip = segments.len().saturating_sub(self.template.len());
        self.template
            .iter()
            .zip(&segments[skip..])
            .filter_map(|(pattern, value)| {
                let (prefix, rest) = pattern.split_once('{')?;
                let (name, suffix) = rest.split_once('}')?;
                let inner = value.strip_prefix(prefix)?.strip_suffix(suffix)?;
                Some((name.to_owned(), inner.to_owned()))
            })
            .collect()
    }

    /// The parameters in one location.
    pub fn params_in<'a>(&'a self, location: &'a str) -> impl Iterator<Item = &'a Param> + 'a {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// The parameter of a location and name (header names compared without case).
    pub fn param(&self, location: &str, name: &str) -> Option<&Param> {
        self.params
            .iter()
            .filter(|p| p.location == location)
            .find(|p| match location {
                "header" => p.name.eq_ignore_ascii_case(name),
                _ => p.name == name,
            })
    }
}

/// Follows `$ref`s (to `#/components/schemas/…`) at the top of a schema and merges a single
/// `allOf` (keeping the outer `default` and `description`).
fn resolve(schemas: &Value, schema: &Value) -> Value {
    let mut current = schema.clone();
    for _ in 0..32 {
        if let Some(reference) = current["$ref"].as_str() {
            let name = reference.rsplit('/').next().unwrap_or_default();
            let mut target = schemas[name].clone();
            if let (Some(target), Some(outer)) = (target.as_object_mut(), current.as_object()) {
                for (key, value) in outer {
                    if key != "$ref" {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            current = target;
        } else if let Some([inner]) = current["allOf"].as_array().map(Vec::as_slice) {
            let mut merged = inner.clone();
            if let (Some(target), Some(outer)) = (merged.as_object_mut(), current.as_object()) {
                for (key, value) in outer {
                    if key != "allOf" {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            current = merged;
        } else {
            break;
        }
    }
    current
}
