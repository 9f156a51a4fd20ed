//! Every example of every spec, validated against its own schema with the `jsonschema` crate.
//!
//! The examples are read from the portable bundle, computed afresh from each spec's model (see
//! [`crate::model`] and [`crate::bundle`]): its schemas are OpenAPI 3.1's JSON Schema 2020-12,
//! and its examples are the source's, unchanged. Checked: the `example` and `examples` of
//! every parameter, header and media type of a request body or response (inline or in
//! `components`), and the `examples` of every component schema. Formats are asserted, our
//! custom ones included ([`custom_formats`]).

use serde_json::{json, Value};

use crate::model::Spec;
use crate::{apis, bundle};

/// One example and where it is.
struct Example {
    location: String,
    schema: Value,
    value: Value,
}

/// Where the examples of an object with a `schema` are: `example` and every `examples.*.value`.
fn examples_of(location: &str, holder: &Value, schema: &Value, out: &mut Vec<Example>) {
    if let Some(value) = holder.get("example") {
        out.push(Example {
            location: format!("{location} example"),
            schema: schema.clone(),
            value: value.clone(),
        });
    }
    for (name, example) in holder["examples"].as_object().into_iter().flatten() {
        if let Some(value) = example.get("value") {
            out.push(Example {
                location: format!("{location} examples.{name}"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
    }
}

/// The examples of a bundle: those of everything below `value` (at `location`) that has a
/// `schema` (parameters, headers, media types), without entering schemas or example data.
fn collect(value: &Value, location: &str, out: &mut Vec<Example>) {
    match value {
        Value::Object(map) => {
            if let Some(schema) = map.get("schema") {
                examples_of(location, value, schema, out);
            }
            for (key, child) in map {
                if !matches!(key.as_str(), "schema" | "schemas" | "example" | "examples") {
                    collect(child, &format!("{location}.{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect(item, &format!("{location}[{index}]"), out);
            }
        }
        _ => {}
    }
}

/// The examples of a bundle's component schemas.
fn component_examples(spec: &Value, out: &mut Vec<Example>) {
    for (name, schema) in spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        for (index, value) in schema["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.push(Example {
                location: format!("components.schemas.{name} examples[{index}]"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
    }
}

/// Checks for our custom string formats; `int64` and `oc-epoch-millis` are integers, which
/// `type` and `format: int64` already constrain.
/// A format's name and its check.
type FormatCheck = (&'static str, fn(&str) -> bool);

fn custom_formats() -> Vec<FormatCheck> {
    fn digits(s: &str, n: usize) -> bool {
        s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
    }
    /// `YYYY-MM-DD HH:MM:SS`, a bare date `YYYY-MM-DD`, or the literal `now` of the docs'
    /// report rows (all three documented on `LaDateTime`).
    fn la_datetime(s: &str) -> bool {
        if s == "now" {
            return true;
        }
        let (date, time) = s.split_once(' ').unwrap_or((s, ""));
        let date: Vec<&str> = date.split('-').collect();
        let date_ok =
            matches!(date.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2));
        let time_ok = time.is_empty() || {
            let parts: Vec<&str> = time.split(':').collect();
            matches!(parts.as_slice(), [h, m, s] if digits(h, 2) && digits(m, 2) && digits(s, 2))
        };
        date_ok && time_ok
    }
    /// `<op>:<datetime>` or `btw:<datetime>,<datetime>`.
    fn la_opdatetime(s: &str) -> bool {
        match s.split_once(':') {
            Some(("btw", range)) => range
                .split_once(',')
                .is_some_and(|(a, b)| la_datetime(a) && la_datetime(b)),
            Some((op, value)) => {
                ["gt", "gte", "lt", "lte", "eq"].contains(&op) && la_datetime(value)
            }
            None => false,
        }
    }
    /// Items separated by commas, none empty, no spaces around them.
    fn comma_list(s: &str) -> bool {
        s.split(',')
            .all(|item| !item.is_empty() && item.trim() == item)
    }
    fn json_text(s: &str) -> bool {
        serde_json::from_str::<Value>(s).is_ok()
    }
    vec![
        ("la-datetime", la_datetime),
        ("la-opdatetime", la_opdatetime),
        ("comma-list", comma_list),
        ("json-text", json_text),
    ]
}

/// Every example of one bundle that does not match its schema, as messages.
fn invalid_examples(spec: &Value) -> (usize, Vec<String>) {
    let mut examples = Vec::new();
    for (key, value) in spec.as_object().into_iter().flatten() {
        collect(value, key, &mut examples);
    }
    component_examples(spec, &mut examples);
    let mut problems = Vec::new();
    for example in &examples {
        // The schema with the bundle's components beside it, so that its `$ref`s resolve.
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [example.schema],
            "components": spec["components"],
        });
        let mut options = jsonschema::options().should_validate_formats(true);
        for (name, check) in custom_formats() {
            options = options.with_format(name, check);
        }
        let validator = match options.build(&schema) {
            Ok(validator) => validator,
            Err(error) => {
                problems.push(format!(
                    "{}: schema does not compile: {error}",
                    example.location
                ));
                continue;
            }
        };
        for error in validator.iter_errors(&example.value) {
            problems.push(format!(
                "{}: at `{}`: {error}",
                example.location,
                error.instance_path()
            ));
        }
    }
    (examples.len(), problems)
}

#[test]
fn every_example_matches_its_schema() {
    let root = crate::workspace_root();
    let mut problems = Vec::new();
    for api in apis::discover(&root).unwrap() {
        let model = Spec::load(api).unwrap();
        let (api, portable) = (&model.api, bundle::portable(&model.source).unwrap());
        let spec: Value = serde_json::from_str(&bundle::to_json(&portable).unwrap()).unwrap();
        let (count, invalid) = invalid_examples(&spec);
        assert!(
            count > 20,
            "{}: only {count} examples found",
            api.spec_relative()
        );
        println!("{}: {count} examples checked", api.spec_relative());
        problems.extend(
            invalid
                .into_iter()
                .map(|p| format!("{}: {p}", api.spec_relative())),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_wrong_example_is_reported() {
    let spec = json!({
        "paths": {"/x": {"get": {
            "parameters": [{"name": "when", "in": "query",
                "schema": {"type": "string", "format": "la-datetime"}, "example": "yesterday"}],
            "responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"},
                "example": {"id": "seven", "status": "A"}
            }}}}
        }}},
        "components": {"schemas": {"Thing": {
            "type": "object",
            "properties": {"id": {"type": "integer", "format": "int64"}, "status": {"type": "string"}},
            "examples": [{"id": 7}]
        }}}
    });
    let (count, problems) = invalid_examples(&spec);
    assert_eq!(count, 3);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("paths./x.get.parameters[0] example"),
        "{problems:#?}"
    );
    assert!(
        problems[1]
            .starts_with("paths./x.get.responses.200.content.application/json example: at `/id`"),
        "{problems:#?}"
    );
}

#[test]
fn custom_formats_accept_the_documented_shapes() {
    let formats = custom_formats();
    let check =
        |name: &str, value: &str| (formats.iter().find(|(n, _)| *n == name).unwrap().1)(value);
    assert!(check("la-datetime", "2014-08-09 10:14:00"));
    assert!(check("la-datetime", "2014-01-24"));
    assert!(check("la-datetime", "now"));
    assert!(!check("la-datetime", "2014-1-24"));
    assert!(!check("la-datetime", "yesterday"));
    assert!(check("la-opdatetime", "gte:2009-11-12 05:02:01"));
    assert!(check("la-opdatetime", "btw:2014-01-01,2014-02-01 00:00:00"));
    assert!(!check("la-opdatetime", "2009-11-12"));
    assert!(check("comma-list", "R,T,C"));
    assert!(!check("comma-list", "R, T"));
    assert!(check("json-text", "[{\"code\":\"a\"}]"));
    assert!(!check("json-text", "[{"));
}
