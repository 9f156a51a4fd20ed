//! `cargo xtask validate`: the rules of this project that no generic linter knows, checked
//! on the hand-written OpenAPI specs under `spec/`. The generic ones (operationId present and
//! unique, a summary, parameter descriptions, `$ref`s that resolve, examples that match their
//! schemas, structure) are Redocly's `recommended` rules plus those `redocly.yaml` turns on,
//! run by `cargo xtask consumers` on the portable bundles; every example is also validated
//! against its schema by a test (`xtask/src/examples.rs`).
//!
//! [`check_spec`] parses one spec and returns every [`Problem`] it finds, not
//! just the first, so a maintainer can fix a spec in one pass. The rules:
//!
//! 1. `openapi` is a 3.0.x version (progenitor rejects 3.1; the bundles are 3.1).
//! 2. Every operation has exactly one tag (the crates' and the docs' grouping).
//! 3. Path items are written inline (not `$ref`s).
//! 4. Every property of every schema, wherever it appears (components, request
//!    bodies, responses, parameters, nested objects, array items,
//!    `allOf`/`oneOf`/`anyOf` members), has a description: it becomes the generated
//!    field's doc comment. A property that is a bare `$ref` cannot carry one (OpenAPI 3.0
//!    ignores `$ref` siblings), so it must be wrapped as `allOf: [{$ref: ...}]` next to a
//!    `description` (the bundle unwraps it). Every component schema has a description too.
//! 5. JSON content has a `schema` (the generator types the body with it).
//! 6. Every component (schemas, parameters, responses, requestBodies, examples,
//!    headers) is reachable from an operation, directly or through other components, where
//!    our extensions count as uses: `x-item` names a component, and the top-level
//!    `x-client-company-schemas` lists schemas that other parties serve.
//! 7. Every 2xx response has an `example` (or `examples`) for each JSON media type: the
//!    replay tests decode them.
//! 8. Enums live in `components.schemas` only (generation gives them an
//!    `Unknown` variant there, the bundle makes them open), are `type: string`, and carry
//!    `x-enum-varnames` (unique UpperCamelCase Rust identifiers, not
//!    `Unknown`) and `x-enum-descriptions`, one entry per value.
//! 9. An operation has no `default` response next to other responses, and all
//!    its 2xx responses share one body schema (likewise all its 4xx/5xx
//!    responses): progenitor panics otherwise.
//! 10. No `x-` extension other than ours ([`KNOWN_EXTENSIONS`], documented in the README).
//! 11. A component's `format` is a standard one or one of the API's custom formats
//!     (`xtask/src/apis.rs`); `comma-list` and `json-text` name their item in `x-item`
//!     (`string` or a component schema), and `x-item` appears nowhere else.
//! 12. An `x-envelope: true` component's payload member (`response`, `result`) is a
//!     required reference to a component, or always null.
//! 13. `x-docs-role` is `served-by-client-company`; every entry of
//!     `x-client-company-schemas` is a `$ref` to a schema carrying it; `x-docs-type` is a
//!     string.
//!
//! Rule 6 walks the raw YAML tree, so a `$ref` in a place the typed walk does not visit
//! (callbacks, links, encodings) still counts as a use.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

use anyhow::{anyhow, Context as _};
use openapiv3::{
    AdditionalProperties, Content, Header, OpenAPI, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, Type,
};
use serde_yaml::Value;

use crate::apis::{Settings, SHARED_FORMATS};
use crate::bundle::STANDARD_FORMATS;

/// One problem found in a spec, printed as `<spec file>: <location>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the spec, e.g. `GET /tags parameter limit` or
    /// `components.schemas.Conversation.properties.status`.
    pub location: String,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Parses `yaml` (the spec's text) and returns every problem found (empty = valid).
///
/// Returns `Err` only if the text does not parse as an OpenAPI 3.0 document
/// with `openapiv3`.
pub fn check_spec(yaml: &str, settings: &Settings) -> anyhow::Result<Vec<Problem>> {
    let raw: Value = serde_yaml::from_str(yaml).context("spec is not valid YAML")?;
    let spec = parse_openapi(yaml, &raw)?;

    let mut checker = Checker {
        spec: &spec,
        raw: &raw,
        problems: Vec::new(),
    };
    checker.check_version();
    checker.check_paths();
    checker.check_components();
    checker.check_raw_refs();
    checker.problems.extend(project_rules(&raw, settings));

    // Keep the first of any exact duplicates, in walk order.
    let mut seen = HashSet::new();
    let mut problems = checker.problems;
    problems.retain(|p| seen.insert((p.location.clone(), p.message.clone())));
    Ok(problems)
}

/// Parses the spec the way the generator does (`serde_yaml` into `openapiv3`).
///
/// openapiv3's `ReferenceOr` deserializer has an `expect` that some malformed
/// documents trip; that panic is caught (the default hook still prints it)
/// and the document is parsed again from a JSON copy to get a real error.
fn parse_openapi(yaml: &str, raw: &Value) -> anyhow::Result<OpenAPI> {
    const NOT_OPENAPI: &str = "spec does not parse as an OpenAPI 3.0 document";
    match std::panic::catch_unwind(|| serde_yaml::from_str::<OpenAPI>(yaml)) {
        Ok(parsed) => parsed.context(NOT_OPENAPI),
        Err(_) => {
            let json = yaml_to_json(raw);
            match std::panic::catch_unwind(|| serde_json::from_value::<OpenAPI>(json)) {
                Ok(Ok(spec)) => Ok(spec),
                Ok(Err(error)) => Err(anyhow!(error).context(NOT_OPENAPI)),
                Err(_) => Err(anyhow!("{NOT_OPENAPI} (openapiv3 panicked on it)")),
            }
        }
    }
}

/// A JSON copy of a YAML tree: keys become strings, YAML tags are dropped.
fn yaml_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        Value::String(s) => Json::String(s.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(yaml_to_json).collect()),
        Value::Mapping(map) => Json::Object(
            map.iter()
                .filter_map(|(k, v)| Some((key_string(k)?, yaml_to_json(v))))
                .collect(),
        ),
        Value::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}

/// The component kinds whose members must be used (rule 6).
const USED_KINDS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "examples",
    "headers",
];

/// Every kind of `components` entry a `$ref` may point at.
const ALL_KINDS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "examples",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct Checker<'a> {
    spec: &'a OpenAPI,
    raw: &'a Value,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    // ----- rule 1 -----------------------------------------------------------

    fn check_version(&mut self) {
        let version = &self.spec.openapi;
        if !version.starts_with("3.0.") {
            let message = format!(
                "version `{version}` is not 3.0.x: progenitor only accepts OpenAPI 3.0 \
                 (use `openapi: 3.0.3`)"
            );
            self.problem("openapi", message);
        }
    }

    // ----- operations (rules 2, 3, 7, 9) ------------------------------------

    fn check_paths(&mut self) {
        let spec = self.spec;
        for (path, item) in spec.paths.iter() {
            let item = match item {
                ReferenceOr::Reference { reference } => {
                    let message = format!(
                        "path item is a `$ref` (`{reference}`): write the operations inline"
                    );
                    self.problem(format!("paths.{path}"), message);
                    continue;
                }
                ReferenceOr::Item(item) => item,
            };
            for parameter in &item.parameters {
                self.check_parameter_use(&format!("paths.{path}"), parameter);
            }
            for (method, operation) in item.iter() {
                let loc = format!("{} {path}", method.to_uppercase());

                if operation.tags.len() != 1 {
                    let message =
                        format!("must have exactly one tag, has {}", operation.tags.len());
                    self.problem(&loc, message);
                }
                for parameter in &operation.parameters {
                    self.check_parameter_use(&loc, parameter);
                }
                if let Some(body) = &operation.request_body {
                    let body_loc = format!("{loc} request body");
                    match body {
                        ReferenceOr::Reference { .. } => {}
                        ReferenceOr::Item(body) => self.check_request_body(&body_loc, body),
                    }
                }
                self.check_operation_responses(&loc, operation);
            }
        }
    }

    fn check_parameter_use(&mut self, loc: &str, parameter: &ReferenceOr<Parameter>) {
        match parameter {
            // The component itself is checked once, under components.parameters.
            ReferenceOr::Reference { .. } => {}
            ReferenceOr::Item(parameter) => {
                let name = &parameter.parameter_data_ref().name;
                self.check_parameter(&format!("{loc} parameter {name}"), parameter);
            }
        }
    }

    fn check_parameter(&mut self, loc: &str, parameter: &Parameter) {
        let data = parameter.parameter_data_ref();
        self.check_value_description(loc, &data.format);
    }

    /// The schema (or content) that parameters and headers share.
    fn check_value_description(&mut self, loc: &str, format: &ParameterSchemaOrContent) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.walk_schema_ref(loc, schema),
            ParameterSchemaOrContent::Content(content) => self.check_content(loc, content),
        }
    }

    fn check_request_body(&mut self, loc: &str, body: &RequestBody) {
        self.check_content(loc, &body.content);
    }

    fn check_response(&mut self, loc: &str, response: &Response) {
        for (name, header) in &response.headers {
            let header_loc = format!("{loc} header {name}");
            match header {
                ReferenceOr::Reference { .. } => {}
                ReferenceOr::Item(header) => self.check_header(&header_loc, header),
            }
        }
        self.check_content(loc, &response.content);
    }

    fn check_header(&mut self, loc: &str, header: &Header) {
        self.check_value_description(loc, &header.format);
    }

    fn check_content(&mut self, loc: &str, content: &Content) {
        for (media_type, media) in content {
            let media_loc = format!("{loc} ({media_type})");
            match &media.schema {
                Some(schema) => self.walk_schema_ref(&media_loc, schema),
                None if is_json(media_type) => self.problem(
                    &media_loc,
                    "JSON content has no `schema` (the generator needs one to type the body)",
                ),
                None => {}
            }
        }
    }

    fn check_operation_responses(&mut self, loc: &str, operation: &openapiv3::Operation) {
        let responses = &operation.responses;
        if responses.default.is_some() && !responses.responses.is_empty() {
            self.problem(
                loc,
                "has a `default` response next to other responses (the generator panics on \
                 that): list the status codes instead",
            );
        }
        if responses.default.is_none() && responses.responses.is_empty() {
            self.problem(loc, "has no responses");
        }

        let mut success: Vec<(String, ResponseBody)> = Vec::new();
        let mut errors: Vec<(String, ResponseBody)> = Vec::new();
        let all = responses
            .default
            .iter()
            .map(|r| ("default".to_owned(), None, r))
            .chain(
                responses
                    .responses
                    .iter()
                    .map(|(code, r)| (code.to_string(), Some(code), r)),
            );
        for (code, status, response) in all {
            let response_loc = format!("{loc} response {code}");
            let via = match response {
                ReferenceOr::Reference { reference } => {
                    format!(" (via `{reference}`)")
                }
                ReferenceOr::Item(response) => {
                    self.check_response(&response_loc, response);
                    String::new()
                }
            };
            let Some(resolved) = resolve_response(self.spec, response) else {
                // A ref that is itself broken was reported by `check_ref`; one
                // that exists but leads nowhere (a loop) is reported here.
                if let ReferenceOr::Reference { reference } = response {
                    if let Ok(("responses", name)) = parse_ref(reference) {
                        if self.component_exists("responses", &name) {
                            let message = format!(
                                "`$ref: {reference}` never reaches a response: check the chain \
                                 of refs under components.responses"
                            );
                            self.problem(&response_loc, message);
                        }
                    }
                }
                continue;
            };
            let is_success = matches!(
                status,
                Some(StatusCode::Code(200..=299) | StatusCode::Range(2))
            );
            let is_error = matches!(
                status,
                Some(StatusCode::Code(400..=599) | StatusCode::Range(4..=5))
            );
            if is_success {
                for (media_type, media) in &resolved.content {
                    // A file download (`application/octet-stream`) has no example to give.
                    if is_json(media_type) && media.example.is_none() && media.examples.is_empty() {
                        let message = format!(
                            "{media_type} has no `example` (or `examples`){via}: every 2xx \
                             JSON body needs one"
                        );
                        self.problem(&response_loc, message);
                    }
                }
                success.push((code, ResponseBody::of(resolved)));
            } else if is_error {
                errors.push((code, ResponseBody::of(resolved)));
            }
        }
        self.check_same_body(loc, "2xx", &success);
        self.check_same_body(loc, "4xx/5xx", &errors);
    }

    fn check_same_body(&mut self, loc: &str, class: &str, bodies: &[(String, ResponseBody)]) {
        let distinct: BTreeSet<&str> = bodies.iter().map(|(_, b)| b.key.as_str()).collect();
        if distinct.len() > 1 {
            let found = bodies
                .iter()
                .map(|(code, body)| format!("{code}: {}", body.label))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!(
                "all {class} responses must have the same body schema (the generator panics \
                 otherwise); found {found}"
            );
            self.problem(loc, message);
        }
    }

    // ----- components (rules 3, 4, 8) ----------------------------------------

    fn check_components(&mut self) {
        let Some(components) = self.spec.components.as_ref() else {
            return;
        };
        for (name, schema) in &components.schemas {
            let loc = format!("components.schemas.{name}");
            match schema {
                ReferenceOr::Reference { reference } => {
                    let message = format!(
                        "component schema is a bare `$ref`, which cannot carry a description \
                         (OpenAPI 3.0 ignores `$ref` siblings): wrap it as \
                         `allOf: [{{$ref: '{reference}'}}]` and add a `description`"
                    );
                    self.problem(&loc, message);
                }
                ReferenceOr::Item(schema) => {
                    if is_blank(schema.schema_data.description.as_deref()) {
                        self.problem(&loc, "component schema has no description");
                    }
                    self.walk_schema(&loc, schema, true);
                }
            }
        }
        self.each_component("parameters", &components.parameters, Self::check_parameter);
        self.each_component("responses", &components.responses, Self::check_response);
        self.each_component(
            "requestBodies",
            &components.request_bodies,
            Self::check_request_body,
        );
        self.each_component("headers", &components.headers, Self::check_header);
    }

    /// Checks the components of one kind (`components.<kind>`): a `$ref` must resolve to a
    /// component of the same kind; an item goes to `check`.
    fn each_component<'c, T: 'c>(
        &mut self,
        kind: &str,
        components: impl IntoIterator<Item = (&'c String, &'c ReferenceOr<T>)>,
        check: fn(&mut Self, &str, &T),
    ) {
        for (name, component) in components {
            let loc = format!("components.{kind}.{name}");
            match component {
                ReferenceOr::Reference { .. } => {}
                ReferenceOr::Item(item) => check(self, &loc, item),
            }
        }
    }

    // ----- schemas (rules 4, 8) ---------------------------------------------

    /// A schema in a position that is not a property (a body, a parameter,
    /// array items, an `allOf` member...): a bare `$ref` is fine here.
    fn walk_schema_ref(&mut self, loc: &str, schema: &ReferenceOr<Schema>) {
        match schema {
            ReferenceOr::Reference { .. } => {}
            ReferenceOr::Item(schema) => self.walk_schema(loc, schema, false),
        }
    }

    fn walk_boxed_schema_ref(&mut self, loc: &str, schema: &ReferenceOr<Box<Schema>>) {
        match schema {
            ReferenceOr::Reference { .. } => {}
            ReferenceOr::Item(schema) => self.walk_schema(loc, schema, false),
        }
    }

    fn walk_properties<'p>(
        &mut self,
        loc: &str,
        properties: impl IntoIterator<Item = (&'p String, &'p ReferenceOr<Box<Schema>>)>,
    ) {
        for (name, property) in properties {
            let property_loc = format!("{loc}.properties.{name}");
            match property {
                ReferenceOr::Reference { reference } => {
                    let message = format!(
                        "property is a bare `$ref`, which cannot carry a description \
                         (OpenAPI 3.0 ignores `$ref` siblings): wrap it as \
                         `allOf: [{{$ref: '{reference}'}}]` and add a `description`"
                    );
                    self.problem(&property_loc, message);
                }
                ReferenceOr::Item(schema) => {
                    if is_blank(schema.schema_data.description.as_deref()) {
                        self.problem(&property_loc, "property has no description");
                    }
                    self.walk_schema(&property_loc, schema, false);
                }
            }
        }
    }

    fn walk_additional_properties(&mut self, loc: &str, additional: Option<&AdditionalProperties>) {
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.walk_schema_ref(&format!("{loc}.additionalProperties"), schema);
        }
    }

    fn walk_members(&mut self, loc: &str, keyword: &str, members: &[ReferenceOr<Schema>]) {
        for (index, member) in members.iter().enumerate() {
            self.walk_schema_ref(&format!("{loc}.{keyword}[{index}]"), member);
        }
    }

    fn walk_schema(&mut self, loc: &str, schema: &Schema, component_root: bool) {
        if enum_len(schema).is_some() {
            if component_root {
                self.check_enum_component(loc, schema);
            } else {
                self.problem(
                    loc,
                    "inline `enum`: move the enum to components.schemas so generation can \
                     give it an Unknown variant",
                );
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.walk_properties(loc, &object.properties);
                self.walk_additional_properties(loc, object.additional_properties.as_ref());
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    self.walk_boxed_schema_ref(&format!("{loc}.items"), items);
                }
            }
            SchemaKind::Type(_) => {}
            SchemaKind::OneOf { one_of } => self.walk_members(loc, "oneOf", one_of),
            SchemaKind::AllOf { all_of } => self.walk_members(loc, "allOf", all_of),
            SchemaKind::AnyOf { any_of } => self.walk_members(loc, "anyOf", any_of),
            SchemaKind::Not { not } => self.walk_schema_ref(&format!("{loc}.not"), not),
            SchemaKind::Any(any) => {
                self.walk_properties(loc, &any.properties);
                self.walk_additional_properties(loc, any.additional_properties.as_ref());
                if let Some(items) = &any.items {
                    self.walk_boxed_schema_ref(&format!("{loc}.items"), items);
                }
                self.walk_members(loc, "oneOf", &any.one_of);
                self.walk_members(loc, "allOf", &any.all_of);
                self.walk_members(loc, "anyOf", &any.any_of);
                if let Some(not) = &any.not {
                    self.walk_schema_ref(&format!("{loc}.not"), not);
                }
            }
        }
    }

    fn check_enum_component(&mut self, loc: &str, schema: &Schema) {
        let count = enum_len(schema).unwrap_or(0);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => {}
            SchemaKind::Any(any) if any.typ.as_deref() == Some("string") => self.problem(
                loc,
                "every enum value must be a string (quote values YAML would read as \
                 numbers, booleans or null)",
            ),
            _ => self.problem(loc, "enum component must have `type: string`"),
        }

        let extensions = &schema.schema_data.extensions;
        let varnames = self.string_list_extension(
            loc,
            extensions.get("x-enum-varnames"),
            "x-enum-varnames",
            count,
        );
        self.string_list_extension(
            loc,
            extensions.get("x-enum-descriptions"),
            "x-enum-descriptions",
            count,
        );

        let mut seen = HashSet::new();
        for name in varnames {
            if !is_upper_camel_ident(&name) {
                let message = format!(
                    "`x-enum-varnames` entry `{name}` is not an UpperCamelCase Rust identifier \
                     (^[A-Z][A-Za-z0-9]*$)"
                );
                self.problem(loc, message);
            } else if name == "Unknown" {
                self.problem(
                    loc,
                    "`x-enum-varnames` must not contain `Unknown`: generation adds that variant \
                     itself",
                );
            } else if name == "Self" {
                self.problem(loc, "`x-enum-varnames` entry `Self` is a Rust keyword");
            }
            if !seen.insert(name.clone()) {
                let message = format!("`x-enum-varnames` entry `{name}` appears more than once");
                self.problem(loc, message);
            }
        }
    }

    /// Checks that an `x-enum-*` extension is an array of `count` strings and
    /// returns its strings (whatever their number).
    fn string_list_extension(
        &mut self,
        loc: &str,
        value: Option<&serde_json::Value>,
        key: &str,
        count: usize,
    ) -> Vec<String> {
        let Some(value) = value else {
            let message = format!("enum component has no `{key}` (one entry per enum value)");
            self.problem(loc, message);
            return Vec::new();
        };
        let strings: Option<Vec<String>> = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect()
        });
        let Some(strings) = strings else {
            self.problem(loc, format!("`{key}` must be an array of strings"));
            return Vec::new();
        };
        if strings.len() != count {
            let message = format!(
                "`{key}` has {} entries but `enum` has {count}: they must match one to one",
                strings.len()
            );
            self.problem(loc, message);
        }
        strings
    }

    // ----- refs (rules 5, 6) ------------------------------------------------

    /// The names of the raw `components.<kind>` map.
    fn component_names(&self, kind: &str) -> Vec<String> {
        match self.raw.get("components").and_then(|c| c.get(kind)) {
            Some(Value::Mapping(map)) => map.keys().filter_map(key_string).collect(),
            _ => Vec::new(),
        }
    }

    fn component_exists(&self, kind: &str, name: &str) -> bool {
        self.component_names(kind).iter().any(|n| n == name)
    }

    /// Walks the raw YAML for every `$ref`: checks the ones the typed walk did
    /// not see (rule 5) and finds the unused components (rule 6).
    fn check_raw_refs(&mut self) {
        let mut refs = Vec::new();
        collect_raw_refs(self.raw, &mut Vec::new(), false, &mut refs);

        let mut roots: Vec<(String, String)> = Vec::new();
        let mut edges: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
        for raw_ref in &refs {
            let Some(reference) = &raw_ref.target else {
                self.problem(pointer_location(&raw_ref.path), "`$ref` must be a string");
                continue;
            };
            let target = parse_ref(reference);
            let Ok((kind, name)) = target else { continue };
            let target = (kind.to_owned(), name);
            match raw_ref.path.as_slice() {
                [first, kind, name, ..] if first == "components" => edges
                    .entry((kind.clone(), name.clone()))
                    .or_default()
                    .push(target),
                [first, ..] if first == "paths" || first == SCHEMA_ROOTS => roots.push(target),
                _ => {}
            }
        }

        let mut reachable: HashSet<(String, String)> = HashSet::new();
        let mut queue: VecDeque<(String, String)> = roots.into();
        while let Some(node) = queue.pop_front() {
            if !reachable.insert(node.clone()) {
                continue;
            }
            if let Some(next) = edges.get(&node) {
                queue.extend(next.iter().cloned());
            }
        }

        for kind in USED_KINDS {
            for name in self.component_names(kind) {
                if !reachable.contains(&((*kind).to_owned(), name.clone())) {
                    self.problem(
                        format!("components.{kind}.{name}"),
                        "unused: no operation references it, directly or through other \
                         components; delete it or reference it",
                    );
                }
            }
        }
    }
}

/// Follows `$ref`s into `components.responses` (a few levels deep).
fn resolve_response<'s>(
    spec: &'s OpenAPI,
    mut response: &'s ReferenceOr<Response>,
) -> Option<&'s Response> {
    for _ in 0..16 {
        match response {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => {
                let (kind, name) = parse_ref(reference).ok()?;
                if kind != "responses" {
                    return None;
                }
                response = spec.components.as_ref()?.responses.get(&name)?;
            }
        }
    }
    None
}

/// What a response's body is, as far as the generator's choice of response
/// type goes: the `application/json` schema, else raw bytes, else nothing.
struct ResponseBody {
    /// Equal keys mean the same generated type.
    key: String,
    /// For messages.
    label: String,
}

impl ResponseBody {
    fn of(response: &Response) -> Self {
        let json = response
            .content
            .iter()
            .find(|(media_type, _)| is_json(media_type));
        match json {
            Some((_, media)) => match &media.schema {
                Some(ReferenceOr::Reference { reference }) => ResponseBody {
                    key: format!("ref {reference}"),
                    label: format!("`{reference}`"),
                },
                Some(ReferenceOr::Item(schema)) => ResponseBody {
                    key: format!(
                        "inline {}",
                        serde_json::to_string(schema).unwrap_or_default()
                    ),
                    label: "an inline schema".to_owned(),
                },
                None => ResponseBody {
                    key: "json without schema".to_owned(),
                    label: "JSON without a schema".to_owned(),
                },
            },
            None if !response.content.is_empty() => ResponseBody {
                key: "raw".to_owned(),
                label: "a non-JSON body".to_owned(),
            },
            None => ResponseBody {
                key: "none".to_owned(),
                label: "no body".to_owned(),
            },
        }
    }
}

/// One `$ref` found in the raw tree.
struct RawRef {
    /// Keys (and sequence indices) from the document root to the object that
    /// holds the `$ref`.
    path: Vec<String>,
    /// `None` if the `$ref` value is not a string.
    target: Option<String>,
}

/// Keys whose values are maps from names (not keywords) to objects, so the
/// keys below them are free-form (a property may be called `example`).
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "examples",
    "headers",
    "content",
    "responses",
    "encoding",
    "links",
    "callbacks",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "variables",
];

/// Keywords whose values are literal data, where a `$ref` key means nothing.
const DATA_KEYWORDS: &[&str] = &["example", "value", "default", "enum"];

/// A top-level extension listing `$ref`s to schemas that are not bodies of this API's
/// operations but are documented with it (Contiple: what a client company's own server
/// serves); they count as used.
const SCHEMA_ROOTS: &str = "x-client-company-schemas";

fn collect_raw_refs(
    value: &Value,
    path: &mut Vec<String>,
    keys_are_names: bool,
    out: &mut Vec<RawRef>,
) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key_string(key) else { continue };
                if !keys_are_names {
                    if key == "$ref" {
                        out.push(RawRef {
                            path: path.clone(),
                            target: child.as_str().map(str::to_owned),
                        });
                        continue;
                    }
                    // `x-item` names the item component of a custom format (see
                    // `generate.rs`); it is a use of that component like a `$ref`.
                    if key == "x-item" {
                        if let Some(name) = child.as_str().filter(|n| *n != "string") {
                            out.push(RawRef {
                                path: path.clone(),
                                target: Some(format!("#/components/schemas/{name}")),
                            });
                        }
                        continue;
                    }
                    // The top-level list of schemas that other parties serve (see
                    // `SCHEMA_ROOTS`) holds `$ref`s that count as uses.
                    let is_schema_roots = path.is_empty() && key == SCHEMA_ROOTS;
                    if !is_schema_roots
                        && (key.starts_with("x-") || DATA_KEYWORDS.contains(&key.as_str()))
                    {
                        continue;
                    }
                }
                let child_names = !keys_are_names && NAME_MAPS.contains(&key.as_str());
                path.push(key);
                collect_raw_refs(child, path, child_names, out);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                collect_raw_refs(item, path, false, out);
                path.pop();
            }
        }
        Value::Tagged(tagged) => collect_raw_refs(&tagged.value, path, keys_are_names, out),
        _ => {}
    }
}

/// A readable location for a raw path: `GET /tags.responses.200...` for
/// operations, dotted keys elsewhere.
fn pointer_location(path: &[String]) -> String {
    match path {
        [first, route, method, rest @ ..]
            if first == "paths" && HTTP_METHODS.contains(&method.as_str()) =>
        {
            let mut loc = format!("{} {route}", method.to_uppercase());
            for part in rest {
                loc.push('.');
                loc.push_str(part);
            }
            loc
        }
        [] => "(document root)".to_owned(),
        _ => path.join("."),
    }
}

/// Splits `#/components/<kind>/<name>` into its kind and (unescaped) name.
fn parse_ref(reference: &str) -> Result<(&str, String), String> {
    let Some(rest) = reference.strip_prefix("#/components/") else {
        return Err(
            "only local `#/components/...` refs are allowed (no other files, URLs or paths)"
                .to_owned(),
        );
    };
    let Some((kind, name)) = rest.split_once('/') else {
        return Err("malformed ref: expected `#/components/<kind>/<name>`".to_owned());
    };
    if !ALL_KINDS.contains(&kind) {
        return Err(format!("`{kind}` is not a kind of component"));
    }
    if name.is_empty() {
        return Err("malformed ref: the component name is empty".to_owned());
    }
    if name.contains('/') {
        return Err("must point at a whole component, not inside one".to_owned());
    }
    Ok((kind, name.replace("~1", "/").replace("~0", "~")))
}

fn key_string(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

/// The number of `enum` values, if the schema has a non-empty `enum`.
fn enum_len(schema: &Schema) -> Option<usize> {
    let len = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.len(),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.len(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.len(),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.len(),
        SchemaKind::Any(any) => any.enumeration.len(),
        _ => 0,
    };
    (len > 0).then_some(len)
}

/// `^[A-Z][A-Za-z0-9]*$`
fn is_upper_camel_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Our extensions (documented in the README): any other `x-` key is a problem.
pub const KNOWN_EXTENSIONS: &[&str] = &[
    "x-envelope",
    "x-pagination",
    "x-item",
    "x-enum-varnames",
    "x-enum-descriptions",
    "x-docs-type",
    "x-docs-role",
    "x-client-company-schemas",
];

/// The rules on our extensions and custom formats (rules 10 to 13 of the module docs).
fn project_rules(raw: &Value, settings: &Settings) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |location: String, message: String| problems.push(Problem { location, message });
    let schemas = raw
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let has_schema = |name: &str| schemas.contains_key(name);

    // 10. Only our extensions.
    let mut unknown = Vec::new();
    collect_extensions(raw, &mut Vec::new(), &mut unknown);
    for (path, key) in unknown {
        push(
            pointer_location(&path),
            format!(
                "unknown extension `{key}`: use one of ours ({}) or document a new one in the \
                 README and in validate.rs",
                KNOWN_EXTENSIONS.join(", ")
            ),
        );
    }

    for (name, schema) in &schemas {
        let name = key_string(name).unwrap_or_default();
        let loc = format!("components.schemas.{name}");
        // 11. Custom formats: known, with the item they need.
        let format = schema.get("format").and_then(Value::as_str);
        let custom = settings
            .formats
            .iter()
            .chain(SHARED_FORMATS)
            .any(|(known, _)| Some(*known) == format);
        if let Some(format) = format {
            if !custom && !STANDARD_FORMATS.contains(&format) {
                push(
                    loc.clone(),
                    format!(
                        "unknown format `{format}`: the API's custom formats are {} (see \
                         xtask/src/apis.rs)",
                        settings
                            .formats
                            .iter()
                            .chain(SHARED_FORMATS)
                            .map(|(f, _)| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        let needs_item = matches!(format, Some("comma-list" | "json-text"));
        match (needs_item, schema.get("x-item")) {
            (true, None) => push(
                loc.clone(),
                format!(
                    "format `{}` needs `x-item` (`string` or a component)",
                    format.unwrap_or_default()
                ),
            ),
            (true, Some(item)) => {
                let item = item.as_str().unwrap_or_default();
                if item != "string" && !has_schema(item) {
                    push(
                        loc.clone(),
                        format!("`x-item: {item}` is neither `string` nor a component schema"),
                    );
                }
            }
            (false, Some(_)) => push(
                loc.clone(),
                "`x-item` belongs to `format: comma-list` or `json-text` only".to_owned(),
            ),
            (false, None) => {}
        }

        // 12. Envelopes: the payload member is required and a component, or always null.
        if let Some(flag) = schema.get("x-envelope") {
            if flag.as_bool() != Some(true) {
                push(loc.clone(), "`x-envelope` must be `true`".to_owned());
                continue;
            }
            let field = settings.envelope_field;
            let member = schema.get("properties").and_then(|p| p.get(field));
            let reference = member.and_then(|m| {
                m.get("$ref").or_else(|| {
                    m.get("allOf")
                        .and_then(|a| a.get(0))
                        .and_then(|r| r.get("$ref"))
                })
            });
            let always_null = member.is_some_and(|m| {
                m.get("nullable").and_then(Value::as_bool) == Some(true) && m.get("type").is_none()
            });
            let required = schema
                .get("required")
                .and_then(Value::as_sequence)
                .is_some_and(|r| r.iter().any(|f| f.as_str() == Some(field)));
            if reference.is_none() && !always_null {
                push(
                    loc.clone(),
                    format!("envelope: `{field}` must reference a component or be always null"),
                );
            } else if reference.is_some() && !required {
                push(
                    loc.clone(),
                    format!("envelope: `{field}` must be required (the payload is not optional)"),
                );
            }
        }

        // 13. Documentation extensions.
        if let Some(role) = schema.get("x-docs-role") {
            if role.as_str() != Some("served-by-client-company") {
                push(
                    loc.clone(),
                    "`x-docs-role` must be `served-by-client-company`".to_owned(),
                );
            }
        }
    }
    for (index, entry) in raw
        .get(SCHEMA_ROOTS)
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let loc = format!("{SCHEMA_ROOTS}[{index}]");
        let name = entry
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"));
        match name.and_then(|n| schemas.get(n)) {
            None => push(loc, "must be a `$ref` to a component schema".to_owned()),
            Some(schema) if schema.get("x-docs-role").is_none() => push(
                loc,
                "the schema it lists needs `x-docs-role: served-by-client-company`".to_owned(),
            ),
            Some(_) => {}
        }
    }
    walk_docs_types(raw, &mut Vec::new(), &mut problems);
    problems
}

/// Every `x-` key outside our extensions and outside example data.
fn collect_extensions(value: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key_string(key) else { continue };
                if DATA_KEYWORDS.contains(&key.as_str()) || key == "examples" {
                    continue;
                }
                if key.starts_with("x-") {
                    if !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                        out.push((path.clone(), key));
                    }
                    continue;
                }
                path.push(key);
                collect_extensions(child, path, out);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                collect_extensions(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `x-docs-type` is the docs' stated type: a string.
fn walk_docs_types(value: &Value, path: &mut Vec<String>, out: &mut Vec<Problem>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key_string(key) else { continue };
                if key == "x-docs-type" && child.as_str().is_none() {
                    out.push(Problem {
                        location: pointer_location(path),
                        message: "`x-docs-type` must be a string (the docs' stated type)"
                            .to_owned(),
                    });
                }
                if DATA_KEYWORDS.contains(&key.as_str()) || key == "examples" {
                    continue;
                }
                path.push(key);
                walk_docs_types(child, path, out);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                walk_docs_types(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small spec that follows every rule and uses every kind of component.
    const VALID: &str = r##"
openapi: 3.0.3
info:
  title: Test
  version: "1"
paths:
  /tags:
    get:
      operationId: listTags
      tags: [tags]
      summary: List tags
      parameters:
        - $ref: "#/components/parameters/Limit"
        - name: status
          in: query
          description: Only tags with this status.
          schema:
            $ref: "#/components/schemas/TagStatus"
      responses:
        "200":
          description: The tags.
          headers:
            X-Total:
              $ref: "#/components/headers/Total"
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/TagList"
              example:
                items: [{id: 1, status: active}]
        "404":
          $ref: "#/components/responses/NotFound"
    post:
      operationId: createTag
      tags: [tags]
      summary: Create a tag
      requestBody:
        $ref: "#/components/requestBodies/NewTag"
      responses:
        "201":
          $ref: "#/components/responses/TagCreated"
        "404":
          $ref: "#/components/responses/NotFound"
  /tags/{tagid}:
    get:
      operationId: getTag
      tags: [tags]
      summary: Get one tag
      parameters:
        - name: tagid
          in: path
          required: true
          description: Which tag.
          schema:
            type: integer
      responses:
        "200":
          description: The tag.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Tag"
              examples:
                one:
                  $ref: "#/components/examples/OneTag"
components:
  parameters:
    Limit:
      name: limit
      in: query
      description: Maximum number of tags.
      schema:
        type: integer
  headers:
    Total:
      description: Total number of tags.
      schema:
        type: integer
  examples:
    OneTag:
      value: {id: 1, status: active}
  requestBodies:
    NewTag:
      content:
        application/json:
          schema:
            type: object
            properties:
              name:
                type: string
                description: The new tag's name.
  responses:
    TagCreated:
      description: The created tag.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Tag"
          example: {id: 2, status: archived}
    NotFound:
      description: No such tag.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
  schemas:
    TagList:
      type: object
      description: A page of tags.
      properties:
        items:
          type: array
          description: The tags.
          items:
            $ref: "#/components/schemas/Tag"
    Tag:
      type: object
      description: A tag.
      properties:
        id:
          type: integer
          description: The tag's id.
        status:
          description: Whether the tag is in use.
          allOf:
            - $ref: "#/components/schemas/TagStatus"
    TagStatus:
      type: string
      description: Whether a tag is in use.
      enum: [active, archived]
      x-enum-varnames: [Active, Archived]
      x-enum-descriptions: [In use., No longer in use.]
    Error:
      type: object
      description: An error.
      properties:
        message:
          type: string
          description: What went wrong.
"##;

    /// LiveAgent's settings: custom formats `la-*`, envelope member `response`.
    fn settings() -> &'static Settings {
        &crate::apis::APIS[0]
    }

    fn problems(yaml: &str) -> Vec<String> {
        check_spec(yaml, settings())
            .expect("spec parses")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// `VALID` with `from` replaced by `to` (which must occur exactly once).
    fn variant(from: &str, to: &str) -> String {
        assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
        VALID.replace(from, to)
    }

    #[track_caller]
    fn assert_problem(yaml: &str, location: &str, message_part: &str) {
        let found = check_spec(yaml, settings()).expect("spec parses");
        assert!(
            found
                .iter()
                .any(|p| p.location == location && p.message.contains(message_part)),
            "expected `{location}: ...{message_part}...` among {:#?}",
            found.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
    }

    #[test]
    fn valid_spec_has_no_problems() {
        assert_eq!(problems(VALID), Vec::<String>::new());
    }

    #[test]
    fn display_is_location_colon_message() {
        let problem = Problem {
            location: "GET /tags".to_owned(),
            message: "missing `summary`".to_owned(),
        };
        assert_eq!(problem.to_string(), "GET /tags: missing `summary`");
    }

    #[test]
    fn unparsable_spec_is_an_error() {
        assert!(check_spec("not: [valid", settings()).is_err());
        assert!(check_spec("openapi: 3.0.3\n", settings()).is_err());
        assert!(check_spec("", settings()).is_err());
    }

    #[test]
    fn openapi_3_1_is_rejected() {
        let yaml = variant("openapi: 3.0.3", "openapi: 3.1.0");
        assert_problem(&yaml, "openapi", "not 3.0.x");
    }

    #[test]
    fn properties_need_descriptions_everywhere() {
        let yaml = variant(
            "          description: The tag's id.\n        status:",
            "        status:",
        );
        assert_problem(
            &yaml,
            "components.schemas.Tag.properties.id",
            "no description",
        );

        let yaml = variant("                description: The new tag's name.\n", "");
        assert_problem(
            &yaml,
            "components.requestBodies.NewTag (application/json).properties.name",
            "no description",
        );

        let yaml = variant("      description: A page of tags.\n", "");
        assert_problem(
            &yaml,
            "components.schemas.TagList",
            "component schema has no description",
        );

        // Nested inside array items, inline in a response.
        let yaml = variant(
            "              schema:\n                $ref: \"#/components/schemas/Tag\"\n              examples:",
            "              schema:\n                type: array\n                items:\n                  type: object\n                  properties:\n                    n:\n                      type: integer\n              examples:",
        );
        assert_problem(
            &yaml,
            "GET /tags/{tagid} response 200 (application/json).items.properties.n",
            "no description",
        );
    }

    #[test]
    fn operation_needs_exactly_one_tag() {
        let yaml = variant(
            "      tags: [tags]\n      summary: Get one tag\n",
            "      tags: [tags, more]\n      summary: Get one tag\n",
        );
        assert_problem(&yaml, "GET /tags/{tagid}", "exactly one tag, has 2");

        let yaml = variant(
            "      tags: [tags]\n      summary: Get one tag\n",
            "      summary: Get one tag\n",
        );
        assert_problem(&yaml, "GET /tags/{tagid}", "has 0");
    }

    #[test]
    fn generic_rules_are_left_to_redocly() {
        // A missing operationId, summary or parameter description and a dangling `$ref` are
        // Redocly's to report (on the bundle), not ours.
        let yaml = variant(
            "      operationId: getTag\n      tags: [tags]\n      summary: Get one tag\n",
            "      tags: [tags]\n",
        )
        .replace("          description: Which tag.\n", "");
        assert_eq!(problems(&yaml), Vec::<String>::new());
    }

    #[test]
    fn only_our_extensions() {
        let yaml = variant(
            "      x-enum-varnames: [Active, Archived]\n",
            "      x-enum-varnames: [Active, Archived]\n      x-nullable-enum: true\n",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "unknown extension `x-nullable-enum`",
        );
        // Inside example data an `x-` key is data.
        let yaml = variant(
            "          example: {id: 2, status: archived}\n",
            "          example: {id: 2, status: archived, x-any: 1}\n",
        );
        assert_eq!(problems(&yaml), Vec::<String>::new());
    }

    #[test]
    fn custom_formats_and_items() {
        let scalar = |body: &str| {
            variant(
                "    Error:\n",
                &format!("    When:\n      type: string\n      description: A value.\n{body}    Error:\n"),
            )
            .replace(
                "                description: The new tag's name.\n",
                "                description: The new tag's name.\n              when:\n                description: When.\n                allOf:\n                  - $ref: \"#/components/schemas/When\"\n",
            )
        };
        assert_eq!(
            problems(&scalar("      format: la-datetime\n")),
            Vec::<String>::new()
        );
        assert_problem(
            &scalar("      format: la-date\n"),
            "components.schemas.When",
            "unknown format `la-date`",
        );
        assert_problem(
            &scalar("      format: oc-epoch-millis\n"),
            "components.schemas.When",
            "unknown format `oc-epoch-millis`",
        );
        assert_problem(
            &scalar("      format: comma-list\n"),
            "components.schemas.When",
            "needs `x-item`",
        );
        assert_eq!(
            problems(&scalar(
                "      format: comma-list\n      x-item: TagStatus\n"
            )),
            Vec::<String>::new()
        );
        assert_problem(
            &scalar("      format: comma-list\n      x-item: Nothing\n"),
            "components.schemas.When",
            "`x-item: Nothing` is neither",
        );
        assert_problem(
            &scalar("      x-item: string\n"),
            "components.schemas.When",
            "`x-item` belongs to",
        );
    }

    #[test]
    fn envelopes_hold_a_required_payload() {
        let envelope = |body: &str| {
            variant(
                "    Error:\n",
                &format!("    TagEnvelope:\n      type: object\n      description: Envelope.\n      x-envelope: true\n{body}    Error:\n"),
            )
            .replace(
                "                $ref: \"#/components/schemas/Tag\"\n              examples:",
                "                $ref: \"#/components/schemas/TagEnvelope\"\n              examples:",
            )
        };
        let good = "      required: [response]\n      properties:\n        response:\n          description: The tag.\n          allOf:\n            - $ref: \"#/components/schemas/Tag\"\n";
        assert_eq!(problems(&envelope(good)), Vec::<String>::new());
        assert_problem(
            &envelope(&good.replace("      required: [response]\n", "")),
            "components.schemas.TagEnvelope",
            "`response` must be required",
        );
        assert_problem(
            &envelope("      properties:\n        response:\n          type: string\n          description: Text.\n"),
            "components.schemas.TagEnvelope",
            "must reference a component or be always null",
        );
        assert_eq!(
            problems(&envelope("      properties:\n        response:\n          nullable: true\n          description: Always null.\n")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn client_company_schemas_carry_their_role() {
        let yaml = format!(
            "{VALID}x-client-company-schemas:\n  - $ref: \"#/components/schemas/Served\"\n"
        )
        .replace(
            "    Error:\n",
            "    Served:\n      type: object\n      description: Served by the client company.\n      x-docs-role: served-by-client-company\n    Error:\n",
        );
        assert_eq!(problems(&yaml), Vec::<String>::new());
        assert_problem(
            &yaml.replace(
                "x-docs-role: served-by-client-company",
                "x-docs-role: elsewhere",
            ),
            "components.schemas.Served",
            "`x-docs-role` must be",
        );
        assert_problem(
            &yaml.replace("      x-docs-role: served-by-client-company\n", ""),
            "x-client-company-schemas[0]",
            "needs `x-docs-role",
        );
    }

    #[test]
    fn bare_ref_property_must_be_wrapped() {
        let yaml = variant(
            "          description: Whether the tag is in use.\n          allOf:\n            - $ref: \"#/components/schemas/TagStatus\"\n",
            "          $ref: \"#/components/schemas/TagStatus\"\n",
        );
        assert_problem(
            &yaml,
            "components.schemas.Tag.properties.status",
            "allOf: [{$ref:",
        );
    }

    #[test]
    fn unused_components_are_reported() {
        let yaml = variant(
            "    Error:\n",
            "    Orphan:\n      type: object\n      description: Nobody uses me.\n      properties:\n        error:\n          description: Only used by an orphan.\n          allOf:\n            - $ref: \"#/components/schemas/OrphanChild\"\n    OrphanChild:\n      type: string\n      description: Used only by Orphan.\n    Error:\n",
        );
        assert_problem(&yaml, "components.schemas.Orphan", "unused");
        assert_problem(&yaml, "components.schemas.OrphanChild", "unused");
        let all = problems(&yaml);
        assert_eq!(all.len(), 2, "{all:#?}");

        let yaml = variant(
            "            X-Total:\n              $ref: \"#/components/headers/Total\"\n",
            "            X-Total:\n              description: Total.\n              schema: {type: integer}\n",
        );
        assert_problem(&yaml, "components.headers.Total", "unused");
    }

    #[test]
    fn success_responses_need_examples() {
        let yaml = variant(
            "              example:\n                items: [{id: 1, status: active}]\n",
            "",
        );
        assert_problem(
            &yaml,
            "GET /tags response 200",
            "application/json has no `example`",
        );

        let yaml = variant("          example: {id: 2, status: archived}\n", "");
        assert_problem(
            &yaml,
            "POST /tags response 201",
            "application/json has no `example` (or `examples`) (via `#/components/responses/TagCreated`)",
        );
    }

    #[test]
    fn inline_enums_are_rejected() {
        let yaml = variant(
            "          schema:\n            $ref: \"#/components/schemas/TagStatus\"\n",
            "          schema:\n            type: string\n            enum: [active, archived]\n",
        );
        assert_problem(
            &yaml,
            "GET /tags parameter status",
            "move the enum to components.schemas",
        );

        let yaml = variant(
            "          description: The tag's id.\n        status:",
            "          description: The tag's id.\n          enum: [1, 2]\n        status:",
        );
        assert_problem(
            &yaml,
            "components.schemas.Tag.properties.id",
            "inline `enum`",
        );
    }

    #[test]
    fn enum_components_need_string_type_and_extensions() {
        let yaml = variant("      x-enum-varnames: [Active, Archived]\n", "");
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "no `x-enum-varnames`",
        );

        let yaml = variant(
            "      x-enum-descriptions: [In use., No longer in use.]\n",
            "",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "no `x-enum-descriptions`",
        );

        let yaml = variant(
            "x-enum-varnames: [Active, Archived]",
            "x-enum-varnames: [Active]",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "`x-enum-varnames` has 1 entries but `enum` has 2",
        );

        let yaml = variant(
            "x-enum-descriptions: [In use., No longer in use.]",
            "x-enum-descriptions: [1, 2]",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "`x-enum-descriptions` must be an array of strings",
        );

        let yaml = variant(
            "x-enum-varnames: [Active, Archived]",
            "x-enum-varnames: [active, Unknown]",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "`active` is not an UpperCamelCase",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "must not contain `Unknown`",
        );

        let yaml = variant(
            "x-enum-varnames: [Active, Archived]",
            "x-enum-varnames: [Active, Active]",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "appears more than once",
        );

        let yaml = variant(
            "      type: string\n      description: Whether a tag is in use.\n      enum: [active, archived]",
            "      type: integer\n      description: Whether a tag is in use.\n      enum: [1, 2]",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "must have `type: string`",
        );

        let yaml = variant("enum: [active, archived]", "enum: [active, true]");
        assert_problem(
            &yaml,
            "components.schemas.TagStatus",
            "every enum value must be a string",
        );
    }

    #[test]
    fn default_response_next_to_others_is_rejected() {
        let yaml = variant(
            "        \"201\":\n          $ref: \"#/components/responses/TagCreated\"\n",
            "        \"201\":\n          $ref: \"#/components/responses/TagCreated\"\n        default:\n          $ref: \"#/components/responses/NotFound\"\n",
        );
        assert_problem(
            &yaml,
            "POST /tags",
            "`default` response next to other responses",
        );
    }

    #[test]
    fn success_responses_must_share_a_schema() {
        let yaml = variant(
            "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n    post:",
            "        \"206\":\n          $ref: \"#/components/responses/TagCreated\"\n        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n    post:",
        );
        assert_problem(
            &yaml,
            "GET /tags",
            "all 2xx responses must have the same body schema (the generator panics otherwise); \
             found 200: `#/components/schemas/TagList`, 206: `#/components/schemas/Tag`",
        );

        let yaml = variant(
            "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n    post:",
            "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n        \"500\":\n          description: Broken.\n    post:",
        );
        assert_problem(
            &yaml,
            "GET /tags",
            "all 4xx/5xx responses must have the same body schema",
        );
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let yaml = VALID
            .replace("openapi: 3.0.3", "openapi: 3.1.0")
            .replace(
                "      tags: [tags]\n      summary: Get one tag\n",
                "      summary: Get one tag\n",
            )
            .replace("      description: A page of tags.\n", "");
        let all = problems(&yaml);
        assert_eq!(all.len(), 3, "{all:#?}");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    $ref: '#/paths/~1y'\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/A'}\n    B: {$ref: '#/components/schemas/'}\n    C: {$ref: '#/components'}\n    D: {$ref: '#/components/schemas/A/properties/x'}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/L'}\ncomponents:\n  responses:\n    L: {$ref: '#/components/responses/L'}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-thing: {$ref: 12}\ncomponents:\n  schemas:\n    E: {type: string, description: e, enum: [a], x-enum-varnames: 7, x-enum-descriptions: [a, 1]}\n",
        ];
        for input in inputs {
            let _ = check_spec(input, settings());
        }
    }
}
