//! `cargo xtask validate`: this project's own rules on the hand-written specs under `spec/`,
//! the ones no generic linter knows. Every problem of a spec is reported, not just the first.
//!
//! The rules on what our extensions mean are the model's ([`crate::model`]), defined once and
//! shared with generation: enum components (`type: string`, `x-enum-varnames` and
//! `x-enum-descriptions`), custom formats and `x-item`, `x-envelope` payloads, `x-pagination`
//! (its parameters, rows and figures exist), inline path items, the hand-written operations
//! and the error envelope of `x-sdk` (its component, payload, marker, code and message exist).
//! This module adds the rest:
//!
//! 1. `openapi` is a 3.0.x version (progenitor rejects 3.1; the bundles are 3.1).
//! 2. Enums live in `components.schemas` only (generation gives them an `Unknown` variant).
//! 3. A property is never a bare `$ref`, which cannot carry the description that becomes the
//!    field's doc comment (OpenAPI 3.0 ignores `$ref` siblings): it is written
//!    `allOf: [{$ref: …}]` next to a `description` (the bundle unwraps it).
//! 4. JSON content has a `schema` (the generator types the body with it).
//! 5. An operation has no `default` response next to others, and its 2xx responses share one
//!    body schema, as do its 4xx/5xx ones: progenitor panics otherwise.
//! 6. No `x-` extension other than ours ([`KNOWN_EXTENSIONS`], documented in the README).
//! 7. `x-docs-role` is `served-by-client-company`; every entry of `x-client-company-schemas`
//!    is a `$ref` to a schema carrying it; `x-docs-type` is a string.
//! 8. Descriptions, summaries and `x-enum-descriptions` speak to users: notes on how the
//!    vendor's docs were read ([`DOCS_NOTE_PHRASES`]) go to `x-docs-notes`, a string beside
//!    the `description` or `summary` it annotates (kept in the bundles, not in generated code).
//! 9. `x-webhooks` (the endpoints the client company serves, which the bundle moves into
//!    OpenAPI 3.1 `webhooks`) and `x-help-center-paths` (paths on the help-center origin
//!    itself, outside the API's `/{serviceId}` server URL, which the bundle adds to `paths`)
//!    are maps of path items whose operations have an `operationId`, checked by the same rules
//!    as `paths`; every `x-help-center-paths` item has its own `servers`.
//!
//! Generic lint is Redocly's, run on the same YAML sources by `cargo xtask lint` with the
//! rules of `redocly.yaml`: operationId present and unique, one tag, summaries, descriptions,
//! examples of success bodies, `$ref`s that resolve, unused components.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::apis;
use crate::model::{Problem, Spec, HTTP_METHODS};

/// Our extensions (documented in the README): any other `x-` key is a problem.
pub const KNOWN_EXTENSIONS: &[&str] = &[
    "x-envelope",
    "x-pagination",
    "x-item",
    "x-enum-varnames",
    "x-enum-descriptions",
    "x-docs-type",
    "x-docs-role",
    "x-docs-notes",
    "x-client-company-schemas",
    "x-webhooks",
    "x-help-center-paths",
    crate::apis::SDK_EXTENSION,
];

/// Telltales of a note on the vendor's docs (lowercase, `|`-separated): it goes to `x-docs-notes`.
pub const DOCS_NOTE_PHRASES: &str = "the docs|docs'|(docs:|docs quirk|verbatim|(sic|sic:|english guide|japanese guide|korean guide|documented url|method get|method post|method put|method delete|result data:|data (failure|\"no need\"|direct use without|\
    english edition|japanese edition|japanese page|interface table|result table|parameter table|details table|page's table|table marks";

/// The top-level extension listing schemas that a client company's own server serves.
const SCHEMA_ROOTS: &str = "x-client-company-schemas";

/// The top-level extension of the endpoints a client company serves (the bundle's `webhooks`).
pub const WEBHOOKS: &str = "x-webhooks";

/// The top-level extension of paths on the help-center origin, each with its own `servers`
/// (added to the bundle's `paths`).
pub const HELP_CENTER_PATHS: &str = "x-help-center-paths";

/// Keys whose values are maps from names (not keywords) to objects.
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
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

/// Keywords whose values are literal data.
const DATA_KEYWORDS: &[&str] = &["example", "examples", "value", "default", "enum"];

/// Validates every spec; prints each problem and returns whether all specs are clean.
pub fn run(root: &Path) -> anyhow::Result<bool> {
    let mut clean = true;
    for api in apis::discover(root)? {
        let spec = Spec::load(api)?;
        let problems = check(&spec);
        let name = spec.api.spec_relative();
        if problems.is_empty() {
            println!("{name}: ok");
        } else {
            clean = false;
            for problem in &problems {
                println!("{name}: {problem}");
            }
            println!("{name}: {} problem(s)", problems.len());
        }
    }
    Ok(clean)
}

/// Every problem of a spec: the model's and this module's (empty = valid).
pub fn check(spec: &Spec) -> Vec<Problem> {
    let mut problems = spec.problems.clone();
    let mut push = |location: String, message: String| problems.push(Problem { location, message });
    let version = spec.raw["openapi"].as_str().unwrap_or_default();
    if !version.starts_with("3.0.") {
        let message = format!(
            "version `{version}` is not 3.0.x: progenitor only accepts OpenAPI 3.0 (use \
             `openapi: 3.0.3`)"
        );
        push("openapi".to_owned(), message);
    }
    walk(&spec.raw, &mut Vec::new(), false, &mut push);
    for op in &spec.operations {
        let loc = format!("{} {}", op.method.to_uppercase(), op.path);
        for message in response_problems(spec, &op.raw["responses"]) {
            push(loc.clone(), message);
        }
    }
    let schemas = &spec.raw["components"]["schemas"];
    for (index, entry) in spec.raw[SCHEMA_ROOTS]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = entry["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"));
        let message = match name.map(|name| &schemas[name]) {
            None | Some(Value::Null) => "must be a `$ref` to a component schema",
            Some(schema) if schema.get("x-docs-role").is_none() => {
                "the schema it lists needs `x-docs-role: served-by-client-company`"
            }
            Some(_) => continue,
        };
        push(format!("{SCHEMA_ROOTS}[{index}]"), message.to_owned());
    }
    for root in [WEBHOOKS, HELP_CENTER_PATHS] {
        let value = &spec.raw[root];
        let Some(items) = value.as_object() else {
            if !value.is_null() {
                push(root.to_owned(), "must be a map of path items".to_owned());
            }
            continue;
        };
        walk(value, &mut vec![root.to_owned()], true, &mut push);
        for (name, item) in items {
            let loc = format!("{root}.{name}");
            if root == HELP_CENTER_PATHS && !item["servers"].is_array() {
                push(
                    loc.clone(),
                    "needs its own `servers`: it is not under the API's server URL".to_owned(),
                );
            }
            for method in HTTP_METHODS {
                if let Some(op) = item.get(*method) {
                    if !op["operationId"].is_string() {
                        push(format!("{loc}.{method}"), "has no `operationId`".to_owned());
                    }
                }
            }
        }
    }
    problems
}

/// The rules on responses (rule 5).
fn response_problems(spec: &Spec, responses: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let responses = responses.as_object().cloned().unwrap_or_default();
    if responses.contains_key("default") && responses.len() > 1 {
        problems.push(
            "has a `default` response next to other responses (the generator panics on that): \
             list the status codes instead"
                .to_owned(),
        );
    }
    let (mut success, mut errors) = (Vec::new(), Vec::new());
    for (code, response) in &responses {
        let mut response = response;
        for _ in 0..16 {
            let Some(name) = response["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/responses/"))
            else {
                break;
            };
            response = &spec.raw["components"]["responses"][name];
        }
        let content = response["content"].as_object();
        let json = content.and_then(|c| c.iter().find(|(media, _)| is_json(media)));
        // Equal keys mean the same generated type; the label is for the message.
        let body = match (json, content) {
            (Some((_, media)), _) => match media["schema"]["$ref"].as_str() {
                Some(reference) => (reference.to_owned(), format!("`{reference}`")),
                None => (media["schema"].to_string(), "an inline schema".to_owned()),
            },
            (None, Some(content)) if !content.is_empty() => {
                ("raw".to_owned(), "a non-JSON body".to_owned())
            }
            _ => ("none".to_owned(), "no body".to_owned()),
        };
        match code.as_bytes().first() {
            Some(b'2') => success.push((code, body)),
            Some(b'4' | b'5') => errors.push((code, body)),
            _ => {}
        }
    }
    for (class, bodies) in [("2xx", success), ("4xx/5xx", errors)] {
        let distinct: BTreeSet<&String> = bodies.iter().map(|(_, (key, _))| key).collect();
        if distinct.len() > 1 {
            let found: Vec<String> = bodies
                .iter()
                .map(|(code, (_, label))| format!("{code}: {label}"))
                .collect();
            problems.push(format!(
                "all {class} responses must have the same body schema (the generator panics \
                 otherwise); found {}",
                found.join(", ")
            ));
        }
    }
    problems
}

/// Walks the raw tree outside example data for rules 2, 3, 4, 6, 7 and 8; `names` says the keys
/// of `value` are names (of properties, paths, media types…), not keywords.
fn walk(value: &Value, path: &mut Vec<String>, names: bool, push: &mut impl FnMut(String, String)) {
    match value {
        Value::Object(map) if !names => {
            let in_properties = path.len() >= 2 && path[path.len() - 2] == "properties";
            let is_component = path.len() == 3 && path[1] == "schemas" && path[0] == "components";
            let mut messages = Vec::new();
            let has_text = map.contains_key("description") || map.contains_key("summary");
            if let (true, Some(reference)) = (in_properties || is_component, map.get("$ref")) {
                messages.push(format!(
                    "is a bare `$ref`, which cannot carry a description (OpenAPI 3.0 ignores \
                     `$ref` siblings): wrap it as `allOf: [{{$ref: {reference}}}]` and add a \
                     `description`"
                ));
            }
            if map.contains_key("enum") && !is_component {
                messages.push("inline `enum`: move the enum to components.schemas so generation can give it an Unknown variant".to_owned());
            }
            if path.len() >= 2
                && path[path.len() - 2] == "content"
                && is_json(&path[path.len() - 1])
                && !map.contains_key("schema")
            {
                messages.push(
                    "JSON content has no `schema` (the generator needs one to type the body)"
                        .to_owned(),
                );
            }
            for (key, child) in map.iter().filter(|(key, _)| key.starts_with("x-")) {
                if !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                    messages.push(format!(
                        "unknown extension `{key}`: use one of ours ({}) or document a new one \
                         in the README and in validate.rs",
                        KNOWN_EXTENSIONS.join(", ")
                    ));
                } else if key == "x-docs-type" && !child.is_string() {
                    messages
                        .push("`x-docs-type` must be a string (the docs' stated type)".to_owned());
                } else if key == "x-docs-role" && child != "served-by-client-company" {
                    messages.push("`x-docs-role` must be `served-by-client-company`".to_owned());
                } else if key == "x-docs-notes" && !(child.is_string() && has_text) {
                    messages.push(
                        "`x-docs-notes` must be a string beside a `description` or `summary`"
                            .to_owned(),
                    );
                }
            }
            let enum_texts = map.get("x-enum-descriptions").and_then(Value::as_array);
            let texts = ["description", "summary"]
                .iter()
                .filter_map(|k| map.get(*k));
            for text in texts
                .chain(enum_texts.into_iter().flatten())
                .filter_map(Value::as_str)
            {
                let lower = text.to_lowercase();
                if let Some(phrase) = DOCS_NOTE_PHRASES.split('|').find(|p| lower.contains(p)) {
                    messages.push(format!("a description holds a note on the vendor's docs (`{phrase}`): move it to `x-docs-notes`"));
                }
            }
            for message in messages {
                push(location(path), message);
            }
            for (key, child) in map {
                if key.starts_with("x-") || DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                path.push(key.clone());
                walk(child, path, NAME_MAPS.contains(&key.as_str()), push);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                walk(child, path, false, push);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                walk(item, path, false, push);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A readable location: `GET /tags.responses.200…` inside operations, dotted keys elsewhere.
fn location(path: &[String]) -> String {
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

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::Api;

    /// A small spec that follows every rule, with each of our extensions.
    const VALID: &str = r##"
openapi: 3.0.3
info: {title: Test, version: "1", description: A test API., x-docs-notes: The docs' example, verbatim.}
x-sdk:
  crate: liveagent
  payload-member: response
  error-envelope: {component: ErrorEnvelope, payload-member: response, marker: status, error-when: ERROR, code: code, message: message}
paths:
  /tags:
    get:
      operationId: listTags
      tags: [tags]
      summary: List tags
      x-pagination: {style: offset, items: tags, limit: limit, offset: offset}
      parameters:
        - {name: limit, in: query, description: Page size., schema: {type: integer, maximum: 50}}
        - {name: offset, in: query, description: First row., schema: {type: integer}}
        - {name: status, in: query, description: Status., schema: {$ref: "#/components/schemas/TagStatus"}}
      responses:
        "200":
          description: The tags.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TagsEnvelope"}
              example: {response: {tags: [{id: 1, status: active, x-any: 1}]}}
        "404": {$ref: "#/components/responses/NotFound"}
components:
  responses:
    NotFound:
      description: No such tag.
      content: {application/json: {schema: {$ref: "#/components/schemas/ErrorEnvelope"}}}
  schemas:
    TagsEnvelope:
      type: object
      description: The envelope.
      x-envelope: true
      required: [response]
      properties:
        response: {description: The payload., allOf: [{$ref: "#/components/schemas/TagList"}]}
    TagList:
      type: object
      description: A page of tags.
      properties:
        tags: {type: array, description: The tags., items: {$ref: "#/components/schemas/Tag"}}
    Tag:
      type: object
      description: A tag.
      properties:
        id: {type: integer, description: The tag's id.}
        status: {description: Whether it is in use., allOf: [{$ref: "#/components/schemas/TagStatus"}]}
        when: {description: When it was made., allOf: [{$ref: "#/components/schemas/When"}]}
    When: {type: string, description: A LiveAgent date., format: la-datetime}
    TagStatus:
      type: string
      description: Whether a tag is in use.
      enum: [active, archived]
      x-enum-varnames: [Active, Archived]
      x-enum-descriptions: [In use., No longer in use.]
    ErrorEnvelope:
      type: object
      description: An error envelope.
      x-envelope: true
      required: [response]
      properties:
        response: {description: The error., allOf: [{$ref: "#/components/schemas/Error"}]}
    Error:
      type: object
      description: An error.
      properties:
        status: {type: string, description: "`ERROR`."}
        code: {type: integer, description: The error's code.}
        message: {type: string, description: What went wrong.}
"##;

    /// One case a line: a text of `VALID` (occurring once), what replaces it (`\n` for a line
    /// break), and the problem expected: its location, then a part of its message.
    const CASES: &str = r##"
openapi: 3.0.3 | openapi: 3.1.0 | openapi | version `3.1.0` is not 3.0.x
x-enum-varnames: [Active, Archived] | x-nullable: true | components.schemas.TagStatus | unknown extension `x-nullable`
description: The tag's id. | description: The tag's id (typed String in the docs). | components.schemas.Tag.properties.id | note on the vendor's docs (`the docs`): move it to `x-docs-notes`
summary: List tags | summary: List tags. Method GET. | GET /tags | note on the vendor's docs (`method get`)
[In use., No longer in use.] | [In use., Not in the result table.] | components.schemas.TagStatus | note on the vendor's docs (`result table`)
description: The tag's id. | description: The tag's id., x-docs-notes: [The docs say so.] | components.schemas.Tag.properties.id | `x-docs-notes` must be a string beside
type: integer, description: The tag's id. | type: integer, x-docs-notes: Typed String in the docs. | components.schemas.Tag.properties.id | `x-docs-notes` must be a string beside
format: la-datetime | format: la-date | components.schemas.When | unknown format `la-date`: the API's custom formats are `la-int`
format: la-datetime | format: oc-epoch-millis | components.schemas.When | unknown format `oc-epoch-millis`
format: la-datetime | format: comma-list | components.schemas.When | format `comma-list` needs `x-item`
format: la-datetime | format: comma-list, x-item: Nothing | components.schemas.When | `x-item: Nothing` is neither
format: la-datetime | x-item: string | components.schemas.When | `x-item` belongs to
required: [response]\n      properties:\n        response: {description: The payload. | properties:\n        response: {description: The payload. | components.schemas.TagsEnvelope | envelope: `response` must be required
allOf: [{$ref: "#/components/schemas/TagList"}] | type: string | components.schemas.TagsEnvelope | must reference a component or be always null
      x-enum-varnames: [Active, Archived]\n |  | components.schemas.TagStatus | enum component has no `x-enum-varnames`
x-enum-varnames: [Active, Archived] | x-enum-varnames: [Active] | components.schemas.TagStatus | `x-enum-varnames` has 1 entries but `enum` has 2
x-enum-descriptions: [In use., No longer in use.] | x-enum-descriptions: [1, 2] | components.schemas.TagStatus | `x-enum-descriptions` must be an array of strings
x-enum-varnames: [Active, Archived] | x-enum-varnames: [active, Archived] | components.schemas.TagStatus | `active` is not an UpperCamelCase Rust identifier
x-enum-varnames: [Active, Archived] | x-enum-varnames: [Active, Unknown] | components.schemas.TagStatus | must not contain `Unknown`
x-enum-varnames: [Active, Archived] | x-enum-varnames: [Active, Active] | components.schemas.TagStatus | `Active` appears more than once
type: string\n      description: Whether | type: integer\n      description: Whether | components.schemas.TagStatus | must have `type: string`
enum: [active, archived] | enum: [active, true] | components.schemas.TagStatus | every enum value must be a string
style: offset, items: tags | style: sideways, items: tags | GET /tags | x-pagination: unknown style `sideways`
limit: limit, offset: offset} | limit: size, offset: offset} | GET /tags | x-pagination: names the parameter `size`, which the operation lacks
limit: limit, offset: offset} | limit: limit, offset: start} | GET /tags | x-pagination: names the parameter `start`
items: tags, limit | items: rows, limit | GET /tags | x-pagination: TagList.rows must be an array
offset: offset} | offset: offset, pages: tags} | GET /tags | x-pagination: `pages` is for the page style
offset: offset} | offset: offset, total: count} | GET /tags | x-pagination: TagList has no `count` member
style: offset, items: tags, limit: limit, offset: offset | style: cursor, items: tags, limit: limit, cursor: offset | GET /tags | x-pagination: the row component Tag has no `offset` member
offset: offset} | offset: offset, size: 3} | GET /tags | x-pagination: unknown key `size`
limit: limit, offset: offset} | limit: limit} | GET /tags | x-pagination: `offset` is required
maximum: 50} | maximum: 50, default: 60} | GET /tags | x-pagination: the default of `limit` exceeds its maximum
schema: {$ref: "#/components/schemas/TagStatus"}} | schema: {type: string, enum: [a, b]}} | GET /tags.parameters.2.schema | inline `enum`
status: {description: Whether it is in use., allOf: [{$ref: "#/components/schemas/TagStatus"}]} | status: {$ref: "#/components/schemas/TagStatus"} | components.schemas.Tag.properties.status | is a bare `$ref`
"404": | default: {description: Anything.}\n        "404": | GET /tags | has a `default` response next to other responses
"404": | "500": {description: Broken.}\n        "404": | GET /tags | all 4xx/5xx responses must have the same body schema (the generator panics otherwise); found 404: `#/components/schemas/ErrorEnvelope`, 500: no body
schema: {$ref: "#/components/schemas/TagsEnvelope"} | examples: {} | GET /tags.responses.200.content.application/json | JSON content has no `schema`
marker: status | marker: state | x-sdk.error-envelope | the payload Error has no `state` member
error-when: ERROR | error-when: false | x-sdk.error-envelope | Error.status must have `type: boolean`
component: ErrorEnvelope | component: Failure | x-sdk.error-envelope | the component Failure is missing
"##;

    fn check_text(yaml: &str) -> anyhow::Result<Vec<Problem>> {
        Ok(check(&Spec::parse(Api::in_memory(yaml)?, yaml)?))
    }

    fn problems(yaml: &str) -> Vec<String> {
        let found = check_text(yaml).expect("spec parses");
        found.iter().map(ToString::to_string).collect()
    }

    /// `VALID` with `from` replaced by `to` (`from` must occur exactly once).
    fn variant(from: &str, to: &str) -> String {
        assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
        VALID.replace(from, to)
    }

    #[test]
    fn valid_spec_has_no_problems_and_unparsable_ones_are_errors() {
        assert_eq!(problems(VALID), Vec::<String>::new());
        assert!(check_text("not: [valid").is_err());
        assert!(check_text("openapi: 3.0.3\n").is_err());
    }

    #[test]
    fn every_rule_reports_its_problem() {
        for case in CASES.trim().lines() {
            let parts: Vec<String> = case.split(" | ").map(|p| p.replace("\\n", "\n")).collect();
            let [from, to, location, message] = parts.as_slice() else {
                panic!("a case is `from | to | location | message`: {case}");
            };
            let found = problems(&variant(from, to));
            let expected = format!("{location}: ");
            assert!(
                found
                    .iter()
                    .any(|p| p.starts_with(&expected) && p.contains(message.as_str())),
                "{case}: expected `{location}: …{message}…` among {found:#?}"
            );
        }
    }

    #[test]
    fn webhooks_and_help_center_paths_follow_the_rules_of_paths() {
        let hook = "x-webhooks:\n  status:\n    get:\n      operationId: status\n      \
                    description: As the docs say.\n      responses: {\"200\": {description: Ok.}}\n";
        let elsewhere = "x-help-center-paths:\n  /remote.json:\n    post:\n      \
                         description: Logs in.\n      responses: {\"200\": {description: Ok.}}\n";
        let found = problems(&format!("{VALID}{hook}{elsewhere}"));
        let expect = [
            "x-webhooks.status.get: a description holds a note on the vendor's docs",
            "x-help-center-paths./remote.json: needs its own `servers`",
            "x-help-center-paths./remote.json.post: has no `operationId`",
        ];
        for expected in expect {
            assert!(
                found.iter().any(|p| p.starts_with(expected)),
                "`{expected}` among {found:#?}"
            );
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        let clean = "x-webhooks:\n  status:\n    get:\n      operationId: status\n      \
                     description: The login status.\n      responses: {\"200\": {description: Ok.}}\n";
        assert_eq!(problems(&format!("{VALID}{clean}")), Vec::<String>::new());
    }

    #[test]
    fn generic_rules_are_left_to_redocly_and_example_data_is_data() {
        // A summary, tags, descriptions and examples are Redocly's to require (`cargo xtask
        // lint`); the `x-any` key inside the example is data, not an extension.
        let yaml = variant("      tags: [tags]\n      summary: List tags\n", "")
            .replace(", description: The tag's id.", "")
            .replace(
                "              example: {response: {tags: [{id: 1, status: active, x-any: 1}]}}\n",
                "",
            );
        assert_eq!(problems(&yaml), Vec::<String>::new());
        let comma_list = variant(
            "format: la-datetime",
            "format: comma-list, x-item: TagStatus",
        );
        assert_eq!(problems(&comma_list), Vec::<String>::new());
        let always_null = variant(
            "response: {description: The payload., allOf: [{$ref: \"#/components/schemas/TagList\"}]}",
            "response: {description: Always null., nullable: true}",
        );
        let always_null = always_null.replace(
            "      x-pagination: {style: offset, items: tags, limit: limit, offset: offset}\n",
            "",
        );
        assert_eq!(problems(&always_null), Vec::<String>::new());
    }

    #[test]
    fn client_company_schemas_carry_their_role() {
        let yaml =
            format!("{VALID}x-client-company-schemas:\n  - $ref: \"#/components/schemas/Error\"\n");
        let missing = "x-client-company-schemas[0]: the schema it lists needs `x-docs-role";
        assert!(
            problems(&yaml).iter().any(|p| p.starts_with(missing)),
            "{:#?}",
            problems(&yaml)
        );
        let role = "      x-docs-role: served-by-client-company\n";
        let yaml = yaml.replace(
            "      description: An error.\n",
            &format!("      description: An error.\n{role}"),
        );
        assert_eq!(problems(&yaml), Vec::<String>::new());
        let wrong = problems(&yaml.replace("by-client-company", "elsewhere"));
        assert!(wrong
            .iter()
            .any(|p| p.contains("`x-docs-role` must be `served-by-client-company`")));
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let yaml = VALID
            .replace("openapi: 3.0.3", "openapi: 3.1.0")
            .replace(
                "x-enum-varnames: [Active, Archived]",
                "x-enum-varnames: [Active]",
            )
            .replace("style: offset", "style: sideways");
        assert_eq!(problems(&yaml).len(), 3, "{:#?}", problems(&yaml));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
        let inputs = [
            "paths: {}\n",
            "paths:\n  /x:\n    $ref: '#/paths/~1y'\n",
            "paths:\n  /x:\n    get:\n      responses: {}\n",
            "paths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/L'}\ncomponents:\n  responses:\n    L: {$ref: '#/components/responses/L'}\n",
            "paths: {}\nx-thing: {$ref: 12}\ncomponents:\n  schemas:\n    E: {type: string, description: e, enum: [a], x-enum-varnames: 7, x-enum-descriptions: [a, 1]}\n",
        ];
        for input in inputs {
            let _ = check_text(&format!("{head}{input}"));
        }
    }
}
