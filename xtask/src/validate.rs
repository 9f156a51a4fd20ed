//! `cargo xtask validate`: this project's own rules on the hand-written specs under `spec/`,
//! the ones no generic linter knows. Every problem of a spec is reported, not just the first.
//!
//! The rules on what our extensions mean are the model's ([`crate::model`]), defined once and
//! shared with generation: enum components (`type: string`, `x-enum-varnames` and
//! `x-enum-descriptions`), custom formats and `x-item`, `x-envelope` payloads, `x-pagination`
//! (its parameters, rows and figures exist), inline path items, the hand-written operations
//! and the error envelope of the API's settings. This module adds the rest:
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
    "x-client-company-schemas",
];

/// The top-level extension listing schemas that a client company's own server serves.
const SCHEMA_ROOTS: &str = "x-client-company-schemas";

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

/// Walks the raw tree outside example data for rules 2, 3, 4, 6 and 7; `names` says the keys
/// of `value` are names (of properties, paths, media types…), not keywords.
fn walk(value: &Value, path: &mut Vec<String>, names: bool, push: &mut impl FnMut(String, String)) {
    let loc = location(path);
    let loc = || loc.clone();
    match value {
        Value::Object(map) if !names => {
            let in_properties = path.len() >= 2 && path[path.len() - 2] == "properties";
            let is_component = path.len() == 3 && path[1] == "schemas" && path[0] == "components";
            if let (true, Some(reference)) = (in_properties || is_component, map.get("$ref")) {
                push(
                    loc(),
                    format!(
                        "is a bare `$ref`, which cannot carry a description (OpenAPI 3.0 ignores \
                     `$ref` siblings): wrap it as `allOf: [{{$ref: {reference}}}]` and add a \
                     `description`"
                    ),
                );
            }
            if map.contains_key("enum") && !is_component {
                push(loc(), "inline `enum`: move the enum to components.schemas so generation can give it an Unknown variant".to_owned());
            }
            if path.len() >= 2
                && path[path.len() - 2] == "content"
                && is_json(&path[path.len() - 1])
                && !map.contains_key("schema")
            {
                push(
                    loc(),
                    "JSON content has no `schema` (the generator needs one to type the body)"
                        .to_owned(),
                );
            }
            for (key, child) in map {
                if key.starts_with("x-") {
                    if !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                        push(
                            loc(),
                            format!(
                            "unknown extension `{key}`: use one of ours ({}) or document a new \
                             one in the README and in validate.rs",
                            KNOWN_EXTENSIONS.join(", ")
                        ),
                        );
                    } else if key == "x-docs-type" && !child.is_string() {
                        push(
                            loc(),
                            "`x-docs-type` must be a string (the docs' stated type)".to_owned(),
                        );
                    } else if key == "x-docs-role" && child != "served-by-client-company" {
                        push(
                            loc(),
                            "`x-docs-role` must be `served-by-client-company`".to_owned(),
                        );
                    }
                    continue;
                }
                if DATA_KEYWORDS.contains(&key.as_str()) {
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
    use crate::apis::{Api, APIS};

    /// A small spec that follows every rule, with each of our extensions.
    const VALID: &str = r##"
openapi: 3.0.3
info: {title: Test, version: "1"}
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
        - name: status
          in: query
          description: Only tags with this status.
          schema:
            $ref: "#/components/schemas/TagStatus"
      responses:
        "200":
          description: The tags.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/TagsEnvelope"
              example: {response: {tags: [{id: 1, status: active, x-any: 1}]}}
        "404":
          $ref: "#/components/responses/NotFound"
components:
  responses:
    NotFound:
      description: No such tag.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ErrorEnvelope"
  schemas:
    TagsEnvelope:
      type: object
      description: The envelope.
      x-envelope: true
      required: [response]
      properties:
        response:
          description: The payload.
          allOf:
            - $ref: "#/components/schemas/TagList"
    TagList:
      type: object
      description: A page of tags.
      properties:
        tags:
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
        when:
          description: When it was made.
          allOf:
            - $ref: "#/components/schemas/When"
    When:
      type: string
      description: A LiveAgent date.
      format: la-datetime
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
        response:
          description: The error.
          allOf:
            - $ref: "#/components/schemas/Error"
    Error:
      type: object
      description: An error.
      properties:
        message:
          type: string
          description: What went wrong.
"##;

    fn check_text(yaml: &str) -> anyhow::Result<Vec<Problem>> {
        Ok(check(&Spec::parse(Api::in_memory(&APIS[0]), yaml)?))
    }

    fn problems(yaml: &str) -> Vec<String> {
        let found = check_text(yaml).expect("spec parses");
        found.iter().map(ToString::to_string).collect()
    }

    /// `VALID` with `from` replaced by `to` (which must occur exactly once).
    fn variant(from: &str, to: &str) -> String {
        assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
        VALID.replace(from, to)
    }

    /// Asserts a problem containing `expected`, and if `expected` has a location (`…: `),
    /// containing the rest too.
    #[track_caller]
    fn assert_problem(yaml: &str, expected: &str) {
        let found = problems(yaml);
        let (location, message) = expected.split_once(": ").unwrap_or(("", expected));
        assert!(
            found
                .iter()
                .any(|p| p.contains(expected) || (p.starts_with(location) && p.contains(message))),
            "expected `{expected}` among {found:#?}"
        );
    }

    #[test]
    fn valid_spec_has_no_problems() {
        assert_eq!(problems(VALID), Vec::<String>::new());
    }

    #[test]
    fn unparsable_spec_is_an_error() {
        assert!(check_text("not: [valid").is_err());
        assert!(check_text("openapi: 3.0.3\n").is_err());
    }

    #[test]
    fn generic_rules_are_left_to_redocly() {
        // A summary, tags, descriptions and examples are Redocly's to require (`cargo xtask lint`).
        let yaml = variant("      tags: [tags]\n      summary: List tags\n", "")
            .replace("          description: The tag's id.\n", "")
            .replace(
                "              example: {response: {tags: [{id: 1, status: active, x-any: 1}]}}\n",
                "",
            );
        assert_eq!(problems(&yaml), Vec::<String>::new());
    }

    #[test]
    fn openapi_3_1_is_rejected_and_only_our_extensions() {
        assert_problem(
            &variant("openapi: 3.0.3", "openapi: 3.1.0"),
            "openapi: version `3.1.0` is not 3.0.x",
        );
        let yaml = variant(
            "      x-enum-varnames: [Active, Archived]\n",
            "      x-enum-varnames: [Active, Archived]\n      x-nullable: true\n",
        );
        assert_problem(
            &yaml,
            "components.schemas.TagStatus: unknown extension `x-nullable`",
        );
    }

    #[test]
    fn custom_formats_and_items() {
        let format = |text: &str| variant("      format: la-datetime\n", text);
        assert_problem(
            &format("      format: la-date\n"),
            "components.schemas.When: unknown format `la-date`",
        );
        assert_problem(
            &format("      format: oc-epoch-millis\n"),
            "unknown format `oc-epoch-millis`",
        );
        assert_problem(
            &format("      format: comma-list\n"),
            "format `comma-list` needs `x-item`",
        );
        assert_eq!(
            problems(&format(
                "      format: comma-list\n      x-item: TagStatus\n"
            )),
            Vec::<String>::new()
        );
        assert_problem(
            &format("      format: comma-list\n      x-item: Nothing\n"),
            "`x-item: Nothing` is neither",
        );
        assert_problem(&format("      x-item: string\n"), "`x-item` belongs to");
    }

    #[test]
    fn envelopes_hold_a_required_payload() {
        let yaml = variant("      x-envelope: true\n      required: [response]\n      properties:\n        response:\n          description: The payload.", "      x-envelope: true\n      properties:\n        response:\n          description: The payload.");
        assert_problem(
            &yaml,
            "components.schemas.TagsEnvelope: envelope: `response` must be required",
        );
        let yaml = variant("          description: The payload.\n          allOf:\n            - $ref: \"#/components/schemas/TagList\"\n", "          description: The payload.\n          type: string\n");
        assert_problem(&yaml, "must reference a component or be always null");
        let yaml = variant("          description: The payload.\n          allOf:\n            - $ref: \"#/components/schemas/TagList\"\n", "          description: Always null.\n          nullable: true\n")
            .replace("      x-pagination: {style: offset, items: tags, limit: limit, offset: offset}\n", "");
        assert_eq!(problems(&yaml), Vec::<String>::new());
    }

    #[test]
    fn enum_components_need_string_type_and_extensions() {
        let cases = [
            (
                "      x-enum-varnames: [Active, Archived]\n",
                "",
                "enum component has no `x-enum-varnames`",
            ),
            (
                "x-enum-varnames: [Active, Archived]",
                "x-enum-varnames: [Active]",
                "`x-enum-varnames` has 1 entries but `enum` has 2",
            ),
            (
                "x-enum-descriptions: [In use., No longer in use.]",
                "x-enum-descriptions: [1, 2]",
                "`x-enum-descriptions` must be an array of strings",
            ),
            (
                "x-enum-varnames: [Active, Archived]",
                "x-enum-varnames: [active, Unknown]",
                "`active` is not an UpperCamelCase",
            ),
            (
                "x-enum-varnames: [Active, Archived]",
                "x-enum-varnames: [Active, Unknown]",
                "must not contain `Unknown`",
            ),
            (
                "x-enum-varnames: [Active, Archived]",
                "x-enum-varnames: [Active, Active]",
                "appears more than once",
            ),
            (
                "      type: string\n      description: Whether a tag is in use.",
                "      type: integer\n      description: Whether a tag is in use.",
                "must have `type: string`",
            ),
            (
                "enum: [active, archived]",
                "enum: [active, true]",
                "every enum value must be a string",
            ),
        ];
        for (from, to, expected) in cases {
            assert_problem(
                &variant(from, to),
                &format!("components.schemas.TagStatus: {expected}"),
            );
        }
    }

    #[test]
    fn pagination_names_what_exists() {
        let paging = |text: &str| {
            variant(
                "{style: offset, items: tags, limit: limit, offset: offset}",
                text,
            )
        };
        let cases = [
            (
                "{style: sideways, items: tags, limit: limit}",
                "unknown style `sideways`",
            ),
            (
                "{style: offset, items: tags, limit: size, offset: offset}",
                "names the parameter `size`, which the operation lacks",
            ),
            (
                "{style: offset, items: tags, limit: limit, offset: start}",
                "names the parameter `start`",
            ),
            (
                "{style: offset, items: rows, limit: limit, offset: offset}",
                "TagList.rows must be an array",
            ),
            (
                "{style: offset, items: tags, limit: limit, offset: offset, pages: tags}",
                "`pages` is for the page style",
            ),
            (
                "{style: offset, items: tags, limit: limit, offset: offset, total: count}",
                "TagList has no `count` member",
            ),
            (
                "{style: cursor, items: tags, limit: limit, cursor: offset}",
                "the row component Tag has no `offset` member",
            ),
            (
                "{style: offset, items: tags, limit: limit, offset: offset, size: 3}",
                "unknown key `size`",
            ),
            (
                "{style: offset, items: tags, limit: limit}",
                "`offset` is required",
            ),
        ];
        for (text, expected) in cases {
            assert_problem(
                &paging(text),
                &format!("GET /tags: x-pagination: {expected}"),
            );
        }
        let yaml = variant(
            "schema: {type: integer, maximum: 50}",
            "schema: {type: integer, maximum: 50, default: 60}",
        );
        assert_problem(&yaml, "the default of `limit` exceeds its maximum");
    }

    #[test]
    fn inline_enums_and_bare_ref_properties_are_rejected() {
        let yaml = variant(
            "          schema:\n            $ref: \"#/components/schemas/TagStatus\"\n",
            "          schema: {type: string, enum: [a, b]}\n",
        );
        assert_problem(&yaml, "GET /tags.parameters.2.schema: inline `enum`");
        let yaml = variant("          description: Whether the tag is in use.\n          allOf:\n            - $ref: \"#/components/schemas/TagStatus\"\n", "          $ref: \"#/components/schemas/TagStatus\"\n");
        assert_problem(
            &yaml,
            "components.schemas.Tag.properties.status: is a bare `$ref`",
        );
    }

    #[test]
    fn responses_share_their_body_and_have_no_default_beside_others() {
        let yaml = variant(
            "        \"404\":\n",
            "        default:\n          description: Anything.\n        \"404\":\n",
        );
        assert_problem(
            &yaml,
            "GET /tags: has a `default` response next to other responses",
        );
        let yaml = variant(
            "        \"404\":\n",
            "        \"500\":\n          description: Broken.\n        \"404\":\n",
        );
        assert_problem(&yaml, "all 4xx/5xx responses must have the same body schema (the generator panics otherwise); found 404: `#/components/schemas/ErrorEnvelope`, 500: no body");
        let yaml = variant("            application/json:\n              schema:\n                $ref: \"#/components/schemas/TagsEnvelope\"\n", "            application/json:\n");
        assert_problem(
            &yaml,
            "GET /tags.responses.200.content.application/json: JSON content has no `schema`",
        );
    }

    #[test]
    fn client_company_schemas_carry_their_role() {
        let yaml =
            format!("{VALID}x-client-company-schemas:\n  - $ref: \"#/components/schemas/Error\"\n");
        assert_problem(
            &yaml,
            "x-client-company-schemas[0]: the schema it lists needs `x-docs-role",
        );
        let yaml = yaml.replace(
            "      description: An error.\n",
            "      description: An error.\n      x-docs-role: served-by-client-company\n",
        );
        assert_eq!(problems(&yaml), Vec::<String>::new());
        assert_problem(
            &yaml.replace("by-client-company", "elsewhere"),
            "`x-docs-role` must be `served-by-client-company`",
        );
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
        let inputs = [
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    $ref: '#/paths/~1y'\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/L'}\ncomponents:\n  responses:\n    L: {$ref: '#/components/responses/L'}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-thing: {$ref: 12}\ncomponents:\n  schemas:\n    E: {type: string, description: e, enum: [a], x-enum-varnames: 7, x-enum-descriptions: [a, 1]}\n",
        ];
        for input in inputs {
            let _ = check_text(input);
        }
    }
}
