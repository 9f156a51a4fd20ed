//! The typed spec model: one spec, parsed once per run, as every generation pass and
//! `validate`, `bundle` and `examples` read it.
//!
//! [`Spec::load`] parses the YAML text once into the source tree (key order kept, for the
//! bundle), its JSON copy (for lookups), progenitor's `openapiv3` document, and the parts our
//! extensions give meaning to: [`Operation`]s (the one walk over `paths`), [`Envelope`]s,
//! [`EnumComponent`]s and [`FormatComponent`]s. The project's rules on those parts are defined
//! here, once: what breaks one becomes a [`Problem`] in [`Spec::problems`] instead of a part of
//! the model, so `cargo xtask validate` reports them all together and `cargo xtask generate`
//! refuses to generate from a spec that has any.

use std::collections::HashSet;
use std::fmt;

use anyhow::{anyhow, Context as _};
use heck::ToSnakeCase;
use serde_json::Value;

use crate::apis::{Api, MarkerValue, SDK_EXTENSION, STANDARD_FORMATS, TEXT_PARSABLE_FORMATS};

/// One problem found in a spec, printed as `<spec file>: <location>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the spec, e.g. `GET /tags` or `components.schemas.Conversation`.
    pub location: String,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// HTTP methods, the keys of a path item that hold operations.
pub const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One spec, parsed once.
pub struct Spec {
    /// The API the spec belongs to.
    pub api: Api,
    /// The YAML tree as written (the bundle keeps its key order).
    pub source: serde_yaml::Value,
    /// The same tree as JSON.
    pub raw: Value,
    /// The document as progenitor reads it.
    pub openapi: openapiv3::OpenAPI,
    /// Every operation with an `operationId`, sorted by it.
    pub operations: Vec<Operation>,
    /// The `x-envelope` components.
    pub envelopes: Vec<Envelope>,
    /// The enum components.
    pub enums: Vec<EnumComponent>,
    /// The components with one of the API's custom formats.
    pub formats: Vec<FormatComponent>,
    /// Every broken project rule on the parts above.
    pub problems: Vec<Problem>,
}

/// An operation of `paths`.
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// Its name in progenitor's `OperationInfo::operation_id` and the client's method.
    pub snake_id: String,
    /// `get`, `post`, …
    pub method: String,
    /// The path template.
    pub path: String,
    /// Its operation object.
    pub raw: Value,
    /// Its own `security`, or the spec's, names a scheme.
    pub secured: bool,
    /// The 200 body is not JSON (a file).
    pub raw_body: bool,
    /// The request body is a form (`application/x-www-form-urlencoded`).
    pub form_body: bool,
    /// The component the JSON 200 body references.
    pub success: Option<String>,
    /// The operation's own inline parameters.
    pub parameters: Vec<Parameter>,
    /// Its `x-pagination`.
    pub pagination: Option<Pagination>,
    /// The API's settings name it as written by hand.
    pub hand_written: Option<&'static crate::apis::HandWritten>,
}

/// A parameter of an operation.
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Its schema.
    pub schema: Value,
}

/// How a paginated operation pages (`x-pagination`, see `generate/pagination.rs`).
pub struct Pagination {
    /// The position parameter and how it advances.
    pub style: PageStyle,
    /// The payload member holding the rows.
    pub items: String,
    /// The rows' component.
    pub row: String,
    /// The page-size parameter.
    pub limit: String,
    /// The page-size parameter's `maximum`.
    pub maximum: Option<u64>,
    /// The page size when the caller sets none: the maximum, else the default, else 100.
    pub default_size: u64,
    /// The payload member holding the number of pages (page style only).
    pub pages: Option<String>,
    /// The payload member holding the number of rows.
    pub total: Option<String>,
}

/// The paging styles, each with its position parameter.
pub enum PageStyle {
    /// A cursor parameter, also the row member holding each row's cursor.
    Cursor(String),
    /// The first-row parameter.
    Offset(String),
    /// The 1-based page parameter.
    Page(String),
}

impl PageStyle {
    /// `cursor`, `offset` or `page`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Cursor(_) => "cursor",
            Self::Offset(_) => "offset",
            Self::Page(_) => "page",
        }
    }

    /// The position parameter.
    pub fn parameter(&self) -> &str {
        match self {
            Self::Cursor(p) | Self::Offset(p) | Self::Page(p) => p,
        }
    }
}

/// An `x-envelope: true` component.
pub struct Envelope {
    /// The component.
    pub name: String,
    /// The payload component, `None` when the payload is always null.
    pub payload: Option<String>,
}

/// An enum component: the values, and their Rust names and meanings.
pub struct EnumComponent {
    /// The component's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The values, as sent.
    pub values: Vec<String>,
    /// `x-enum-varnames`.
    pub varnames: Vec<String>,
    /// `x-enum-descriptions`.
    pub descriptions: Vec<String>,
}

/// A component with a custom format, replaced by a hand-written Rust type.
pub struct FormatComponent {
    /// The component's name.
    pub name: String,
    /// The Rust type replacing it.
    pub rust_type: String,
    /// The Rust type parses from text (a CLI flag).
    pub parses_text: bool,
}

/// The component a schema references: its `$ref`, or the `$ref` of its one `allOf` member.
pub fn ref_name(schema: &Value) -> Option<&str> {
    let reference = schema
        .get("$ref")
        .or_else(|| schema["allOf"].get(0).and_then(|s| s.get("$ref")))?
        .as_str()?;
    reference.rsplit('/').next()
}

/// The strings of an array, `None` unless it is an array of strings.
fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

impl Spec {
    /// Reads and parses the spec of `api`.
    pub fn load(api: Api) -> anyhow::Result<Self> {
        let name = api.spec_relative();
        let text =
            std::fs::read_to_string(&api.spec_path).with_context(|| format!("reading {name}"))?;
        Self::parse(api, &text).with_context(|| format!("parsing {name}"))
    }

    /// Parses a spec's text; `Err` only when it is not YAML or not an OpenAPI 3.0 document.
    pub fn parse(api: Api, text: &str) -> anyhow::Result<Self> {
        let source: serde_yaml::Value = serde_yaml::from_str(text).context("not YAML")?;
        let raw: Value = serde_yaml::from_value(source.clone()).context("not JSON-like YAML")?;
        let openapi = parse_openapi(&source, &raw)?;
        let mut spec = Spec {
            api,
            source,
            raw,
            openapi,
            operations: Vec::new(),
            envelopes: Vec::new(),
            enums: Vec::new(),
            formats: Vec::new(),
            problems: Vec::new(),
        };
        spec.read_components();
        spec.read_operations();
        Ok(spec)
    }

    fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    /// A component schema (`Value::Null` when there is none).
    pub fn schema(&self, name: &str) -> &Value {
        &self.raw["components"]["schemas"][name]
    }

    fn read_components(&mut self) {
        let schemas = self.raw["components"]["schemas"].as_object().cloned();
        for (name, schema) in schemas.into_iter().flatten() {
            let loc = format!("components.schemas.{name}");
            if schema.get("enum").is_some() {
                self.read_enum(&loc, &name, &schema);
            } else {
                self.read_format(&loc, &name, &schema);
            }
            if let Some(flag) = schema.get("x-envelope") {
                self.read_envelope(&loc, &name, &schema, flag);
            }
        }
        self.read_error_envelope();
    }

    /// The error envelope of `x-sdk`: its component, whose payload member references the
    /// payload's component, which has the marker, code and message members; the marker's type
    /// is that of the value meaning an error.
    fn read_error_envelope(&mut self) {
        let facts = self.api.sdk.error_envelope.clone();
        let loc = format!("{SDK_EXTENSION}.error-envelope");
        let envelope = self.schema(&facts.component);
        if envelope.is_null() {
            let message = format!("the component {} is missing", facts.component);
            return self.problem(loc, message);
        }
        let Some(payload) = ref_name(&envelope["properties"][&facts.payload_member]) else {
            let message = format!(
                "{}.{} must reference the payload's component",
                facts.component, facts.payload_member
            );
            return self.problem(loc, message);
        };
        let payload = payload.to_owned();
        let members = self.schema(&payload)["properties"].clone();
        for member in [&facts.marker, &facts.code, &facts.message] {
            if members[member].is_null() {
                self.problem(
                    &loc,
                    format!("the payload {payload} has no `{member}` member"),
                );
            }
        }
        let marker_type = match facts.error_when {
            MarkerValue::Bool(_) => "boolean",
            MarkerValue::Str(_) => "string",
        };
        let marker = &members[&facts.marker];
        if !marker.is_null() && marker["type"] != marker_type {
            let message = format!(
                "{payload}.{} must have `type: {marker_type}`, the type of `error-when`",
                facts.marker
            );
            self.problem(loc, message);
        }
    }

    /// Enums: `type: string`, string values, and one UpperCamelCase Rust name (not `Unknown`,
    /// which generation adds) and one description per value.
    fn read_enum(&mut self, loc: &str, name: &str, schema: &Value) {
        let before = self.problems.len();
        let values = strings(&schema["enum"]);
        if schema["type"] != "string" {
            self.problem(loc, "enum component must have `type: string`");
        } else if values.is_none() {
            self.problem(
                loc,
                "every enum value must be a string (quote values YAML would read as numbers, \
                 booleans or null)",
            );
        }
        let count = schema["enum"].as_array().map_or(0, Vec::len);
        let mut list = |key: &str| -> Vec<String> {
            let Some(value) = schema.get(key) else {
                self.problem(
                    loc,
                    format!("enum component has no `{key}` (one entry per enum value)"),
                );
                return Vec::new();
            };
            let Some(list) = strings(value) else {
                self.problem(loc, format!("`{key}` must be an array of strings"));
                return Vec::new();
            };
            if list.len() != count {
                let message = format!(
                    "`{key}` has {} entries but `enum` has {count}: they must match one to one",
                    list.len()
                );
                self.problem(loc, message);
            }
            list
        };
        let varnames = list("x-enum-varnames");
        let descriptions = list("x-enum-descriptions");
        let mut seen = HashSet::new();
        for varname in &varnames {
            let mut chars = varname.chars();
            let camel = chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_alphanumeric());
            let message = if !camel {
                format!("`x-enum-varnames` entry `{varname}` is not an UpperCamelCase Rust identifier (^[A-Z][A-Za-z0-9]*$)")
            } else if varname == "Unknown" || varname == "Self" {
                format!("`x-enum-varnames` must not contain `{varname}`: generation adds `Unknown`, and `Self` is a keyword")
            } else if !seen.insert(varname) {
                format!("`x-enum-varnames` entry `{varname}` appears more than once")
            } else {
                continue;
            };
            self.problem(loc, message);
        }
        if self.problems.len() == before {
            self.enums.push(EnumComponent {
                name: name.to_owned(),
                description: schema["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                values: values.unwrap_or_default(),
                varnames,
                descriptions,
            });
        }
    }

    /// Formats: a standard one or one of the API's custom ones; `comma-list` and `json-text`
    /// name their item in `x-item` (`string` or a component schema), nothing else has one.
    fn read_format(&mut self, loc: &str, name: &str, schema: &Value) {
        let format = schema["format"].as_str();
        let custom = self.api.custom_formats().find(|(f, _)| Some(*f) == format);
        let item = schema
            .get("x-item")
            .map(|item| item.as_str().unwrap_or_default());
        let needs_item = custom
            .as_ref()
            .is_some_and(|(_, rust)| rust.contains("{item}"));
        match (needs_item, item) {
            (true, None) => {
                let format = format.unwrap_or_default();
                self.problem(
                    loc,
                    format!("format `{format}` needs `x-item` (`string` or a component)"),
                );
            }
            (true, Some(item)) if item != "string" && self.schema(item).is_null() => {
                self.problem(
                    loc,
                    format!("`x-item: {item}` is neither `string` nor a component schema"),
                );
            }
            (false, Some(_)) => {
                self.problem(
                    loc,
                    "`x-item` belongs to `format: comma-list` or `json-text` only",
                );
            }
            _ => {}
        }
        match (format, custom) {
            (Some(format), Some((_, rust))) => {
                let item = match item {
                    Some("string") => "::std::string::String".to_owned(),
                    Some(item) => format!("::{}::types::{item}", self.api.name()),
                    None => String::new(),
                };
                self.formats.push(FormatComponent {
                    name: name.to_owned(),
                    rust_type: rust.replace("{item}", &item),
                    parses_text: TEXT_PARSABLE_FORMATS.contains(&format),
                });
            }
            (Some(format), None) if !STANDARD_FORMATS.contains(&format) => {
                let known: Vec<String> = self
                    .api
                    .custom_formats()
                    .map(|(f, _)| format!("`{f}`"))
                    .collect();
                let message = format!(
                    "unknown format `{format}`: the API's custom formats are {} (see \
                     xtask/src/apis.rs)",
                    known.join(", ")
                );
                self.problem(loc, message);
            }
            _ => {}
        }
    }

    /// Envelopes: the payload member is a required reference to a component (so the
    /// payload is not an `Option`), or always null.
    fn read_envelope(&mut self, loc: &str, name: &str, schema: &Value, flag: &Value) {
        if flag != &Value::Bool(true) {
            return self.problem(loc, "`x-envelope` must be `true`");
        }
        let field = self.api.sdk.payload_member.clone();
        let field = field.as_str();
        let member = &schema["properties"][field];
        let always_null = member["nullable"] == true && member.get("type").is_none();
        let required = schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|f| f == field));
        let payload = match ref_name(member) {
            Some(_) if !required => {
                let message =
                    format!("envelope: `{field}` must be required (the payload is not optional)");
                return self.problem(loc, message);
            }
            Some(payload) => Some(payload.to_owned()),
            None if always_null => None,
            None => {
                let message =
                    format!("envelope: `{field}` must reference a component or be always null");
                return self.problem(loc, message);
            }
        };
        self.envelopes.push(Envelope {
            name: name.to_owned(),
            payload,
        });
    }

    /// The one walk over `paths`. Path items are written inline.
    fn read_operations(&mut self) {
        let paths = self.raw["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in &paths {
            if let Some(reference) = item.get("$ref") {
                let message =
                    format!("path item is a `$ref` ({reference}): write the operations inline");
                self.problem(format!("paths.{path}"), message);
                continue;
            }
            for (method, op) in item.as_object().into_iter().flatten() {
                if !HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(id) = op["operationId"].as_str() else {
                    continue;
                };
                let operation = self.read_operation(id, method, path, op);
                self.operations.push(operation);
            }
        }
        self.operations.sort_by(|a, b| a.id.cmp(&b.id));
        for hand in self.api.settings.hand_written {
            if !self.operations.iter().any(|op| op.id == hand.operation_id) {
                let message = format!(
                    "the hand-written operation {} is not in the spec (see xtask/src/apis.rs)",
                    hand.operation_id
                );
                self.problem("paths", message);
            }
        }
    }

    fn read_operation(&mut self, id: &str, method: &str, path: &str, op: &Value) -> Operation {
        let names_a_scheme = |security: &Value| {
            security.as_array().is_some_and(|list| {
                list.iter()
                    .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            })
        };
        let success = &op["responses"]["200"]["content"];
        let parameters = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some(Parameter {
                    name: p["name"].as_str()?.to_owned(),
                    location: p["in"].as_str()?.to_owned(),
                    schema: p["schema"].clone(),
                })
            })
            .collect();
        let mut operation = Operation {
            id: id.to_owned(),
            snake_id: id.to_snake_case(),
            method: method.to_owned(),
            path: path.to_owned(),
            raw: op.clone(),
            secured: names_a_scheme(op.get("security").unwrap_or(&self.raw["security"])),
            raw_body: success
                .as_object()
                .is_some_and(|c| !c.is_empty() && !c.keys().any(|m| m.contains("json"))),
            form_body: op["requestBody"]["content"]
                .get("application/x-www-form-urlencoded")
                .is_some(),
            success: ref_name(&success["application/json"]["schema"]).map(str::to_owned),
            parameters,
            pagination: None,
            hand_written: self
                .api
                .settings
                .hand_written
                .iter()
                .find(|h| h.operation_id == id),
        };
        if let Some(paging) = op.get("x-pagination") {
            match self.read_pagination(&operation, paging) {
                Ok(pagination) => operation.pagination = Some(pagination),
                Err(message) => {
                    let loc = format!("{} {path}", method.to_uppercase());
                    self.problem(loc, format!("x-pagination: {message}"));
                }
            }
        }
        operation
    }

    /// `x-pagination`: a known style; the parameters it names exist on the operation; the
    /// rows are an array of a component in the payload of the 200 envelope; the figures it
    /// names are payload members; the page size has a positive maximum (if any) that its
    /// default does not exceed.
    fn read_pagination(&self, op: &Operation, paging: &Value) -> Result<Pagination, String> {
        const KEYS: &[&str] = &[
            "style", "items", "limit", "cursor", "offset", "page", "pages", "total",
        ];
        if let Some(key) = paging
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .find(|k| !KEYS.contains(&k.as_str()))
        {
            return Err(format!("unknown key `{key}` (known: {})", KEYS.join(", ")));
        }
        let field = |name: &str| -> Result<String, String> {
            paging[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`{name}` is required"))
        };
        let parameter = |name: &str| -> Result<&Parameter, String> {
            op.parameters
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| format!("names the parameter `{name}`, which the operation lacks"))
        };
        let limit = field("limit")?;
        let limit_schema = &parameter(&limit)?.schema;
        let maximum = limit_schema["maximum"].as_u64();
        let default = limit_schema["default"].as_u64();
        match (maximum, default) {
            (Some(0), _) => return Err(format!("the maximum of `{limit}` must be at least 1")),
            (Some(max), Some(default)) if default > max => {
                return Err(format!("the default of `{limit}` exceeds its maximum"))
            }
            _ => {}
        }
        let envelope = op
            .success
            .as_deref()
            .ok_or("the 200 response must reference an envelope component")?;
        let field_name = self.api.sdk.payload_member.as_str();
        let payload = ref_name(&self.schema(envelope)["properties"][field_name])
            .ok_or_else(|| format!("{envelope}.{field_name} must reference a component"))?;
        let items = field("items")?;
        let members = &self.schema(payload)["properties"];
        let rows = &members[&items];
        if rows["type"] != "array" {
            return Err(format!("{payload}.{items} must be an array"));
        }
        let row = ref_name(&rows["items"])
            .ok_or_else(|| format!("{payload}.{items} items must reference a component"))?;
        let figure = |key: &str| -> Result<Option<String>, String> {
            let Some(member) = paging[key].as_str() else {
                return Ok(None);
            };
            if members[member].is_null() {
                return Err(format!("{payload} has no `{member}` member"));
            }
            Ok(Some(member.to_owned()))
        };
        let style = match field("style")?.as_str() {
            "cursor" => {
                let cursor = field("cursor")?;
                if self.schema(row)["properties"][&cursor].is_null() {
                    return Err(format!("the row component {row} has no `{cursor}` member"));
                }
                PageStyle::Cursor(cursor)
            }
            "offset" => PageStyle::Offset(field("offset")?),
            "page" => PageStyle::Page(field("page")?),
            other => return Err(format!("unknown style `{other}` (cursor, offset or page)")),
        };
        parameter(style.parameter())?;
        let pages = figure("pages")?;
        if pages.is_some() && !matches!(style, PageStyle::Page(_)) {
            return Err("`pages` is for the page style".to_owned());
        }
        Ok(Pagination {
            items,
            row: row.to_owned(),
            maximum,
            default_size: maximum.or(default).unwrap_or(100),
            limit,
            pages,
            total: figure("total")?,
            style,
        })
    }
}

/// The document as progenitor reads it (`openapiv3`), from the YAML tree (whose key order it
/// keeps).
///
/// openapiv3's `ReferenceOr` deserializer has an `expect` that some malformed documents trip;
/// that panic is caught (the default hook still prints it) and the document is read again
/// from its JSON copy to get a real error.
fn parse_openapi(source: &serde_yaml::Value, raw: &Value) -> anyhow::Result<openapiv3::OpenAPI> {
    const NOT_OPENAPI: &str = "spec does not parse as an OpenAPI 3.0 document";
    match std::panic::catch_unwind(|| serde_yaml::from_value(source.clone())) {
        Ok(parsed) => parsed.context(NOT_OPENAPI),
        Err(_) => match std::panic::catch_unwind(|| serde_json::from_value(raw.clone())) {
            Ok(Ok(spec)) => Ok(spec),
            Ok(Err(error)) => Err(anyhow!(error).context(NOT_OPENAPI)),
            Err(_) => Err(anyhow!("{NOT_OPENAPI} (openapiv3 panicked on it)")),
        },
    }
}
