//! Whether a received request is a recorded one, as HTTP means them, and if not, every
//! difference in words a person can act on.
//!
//! - Path segments are compared percent-decoded (`customer%40example.com` is
//!   `customer@example.com`), split on the `/` as sent (`a%2Fb` is one segment, `a/b` two).
//! - Query parameters, header parameters and form fields are compared as the values the spec
//!   types them (`limit=010` is `limit=10`), in any order; one left out stands for its
//!   documented `default`, in the request as in the recording.
//! - JSON bodies are compared as JSON values (numbers by value), with the schema's defaults
//!   filled in where a member is left out.

use std::collections::{BTreeMap, BTreeSet};

use recording::{RecordedRequest, SentRequest};
use serde_json::Value;

use crate::operations::{percent_decode, value_text, Operation, Operations, Scalar};

/// The differences between what was sent and a recorded request (none: it is that request).
/// `op` is the operation the recorded request calls, `ignore_header` says which recorded
/// headers are not compared (the signature, verified apart).
pub fn differences(
    ops: &Operations,
    op: Option<&Operation>,
    sent: &SentRequest,
    recorded: &RecordedRequest,
    ignore_header: impl Fn(&str) -> bool,
) -> Vec<String> {
    let received = &sent.request;
    let mut out = Vec::new();
    if received.method != recorded.method {
        out.push(format!(
            "method: sent {}, recorded {}",
            received.method, recorded.method
        ));
    }
    if let Some(diff) = path_difference(&received.path, &recorded.path) {
        out.push(diff);
    }
    let schema_of = |name: &str| {
        op.and_then(|op| op.param("query", name))
            .map(|p| p.schema.clone())
            .unwrap_or(Value::Null)
    };
    let defaults: BTreeMap<String, String> = op
        .into_iter()
        .flat_map(|op| op.params_in("query"))
        .filter_map(|p| Some((p.name.clone(), p.default_text()?)))
        .collect();
    compare_fields(
        "query",
        &received.query,
        &recorded.query,
        &defaults,
        schema_of,
        &mut out,
    );
    for (name, value) in &recorded.headers {
        if ignore_header(name) {
            continue;
        }
        let schema = op
            .and_then(|op| op.param("header", name))
            .map(|p| p.schema.clone())
            .unwrap_or(Value::Null);
        match sent.all_headers.get(name) {
            None => out.push(format!("header `{name}`: sent absent, recorded `{value}`")),
            Some(got) if Scalar::lenient(&schema, got) != Scalar::lenient(&schema, value) => {
                out.push(format!("header `{name}`: sent `{got}`, recorded `{value}`"))
            }
            Some(_) => {}
        }
    }
    let body_schema = op
        .and_then(|op| op.body.as_ref())
        .map(|b| b.schema.clone())
        .unwrap_or(Value::Null);
    body_differences(ops, &body_schema, received, recorded, &mut out);
    out
}

/// "path segment 2: sent `a%2Fb`, recorded `a/b`", or nothing when the paths are the same
/// once each segment is percent-decoded.
pub fn path_difference(sent: &str, recorded: &str) -> Option<String> {
    let split = |p: &str| -> Vec<String> { p.split('/').map(str::to_owned).collect() };
    let (a, b) = (split(sent), split(recorded));
    let same = a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| percent_decode(x) == percent_decode(y));
    if same {
        return None;
    }
    let same_at = |x: &String, y: &String| percent_decode(x) == percent_decode(y);
    let at = a.iter().zip(&b).take_while(|(x, y)| same_at(x, y)).count();
    // The segments that differ, between the common start and the common end.
    let shortest = a.len().min(b.len());
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(shortest - at)
        .take_while(|(x, y)| same_at(x, y))
        .count();
    let middle = |v: &[String]| match &v[at..v.len() - tail] {
        [] => "nothing".to_owned(),
        part => format!("`{}`", part.join("/")),
    };
    // Segment 1 is the first after the leading `/`.
    Some(format!(
        "path segment {at}: sent {}, recorded {}",
        middle(&a),
        middle(&b)
    ))
}

/// Compares two sets of named text values as typed values, a missing one standing for its
/// default.
fn compare_fields(
    what: &str,
    sent: &BTreeMap<String, String>,
    recorded: &BTreeMap<String, String>,
    defaults: &BTreeMap<String, String>,
    schema_of: impl Fn(&str) -> Value,
    out: &mut Vec<String>,
) {
    let names: BTreeSet<&String> = sent.keys().chain(recorded.keys()).collect();
    for name in names {
        let schema = schema_of(name);
        let effective = |map: &BTreeMap<String, String>| {
            map.get(name)
                .or_else(|| defaults.get(name))
                .map(|raw| Scalar::lenient(&schema, raw))
        };
        if effective(sent) == effective(recorded) {
            continue;
        }
        let show = |map: &BTreeMap<String, String>| match map.get(name) {
            Some(raw) => Scalar::lenient(&schema, raw).to_string(),
            None => "absent".to_owned(),
        };
        out.push(format!(
            "{what} `{name}`: sent {}, recorded {}",
            show(sent),
            show(recorded)
        ));
    }
}

/// The differences of the bodies: form fields, JSON values or a multipart upload's file.
fn body_differences(
    ops: &Operations,
    schema: &Value,
    sent: &RecordedRequest,
    recorded: &RecordedRequest,
    out: &mut Vec<String>,
) {
    let kind = |r: &RecordedRequest| {
        if r.form.is_some() {
            "a form"
        } else if r.body_text.is_some() {
            "a JSON body"
        } else if r.file_base64.is_some() {
            "a multipart upload"
        } else {
            "no body"
        }
    };
    if kind(sent) != kind(recorded) {
        out.push(format!(
            "body: sent {}, recorded {}",
            kind(sent),
            kind(recorded)
        ));
        return;
    }
    if let (Some(a), Some(b)) = (&sent.form, &recorded.form) {
        let properties = |name: &str| ops.resolve(&schema["properties"][name]);
        let defaults: BTreeMap<String, String> = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(name, _)| {
                Some((name.clone(), value_text(properties(name).get("default")?)))
            })
            .collect();
        compare_fields("form field", a, b, &defaults, properties, out);
    }
    if let (Some(a), Some(b)) = (&sent.body_text, &recorded.body_text) {
        let Ok(mut b) = serde_json::from_str::<Value>(b) else {
            if a != b {
                out.push("body: differs from the recorded text (which is not JSON)".to_owned());
            }
            return;
        };
        let mut a = match serde_json::from_str::<Value>(a) {
            Ok(a) => a,
            Err(err) => {
                out.push(format!("body: sent text that is not JSON ({err})"));
                return;
            }
        };
        fill_defaults(ops, schema, &mut a);
        fill_defaults(ops, schema, &mut b);
        json_differences("", &a, &b, out);
    }
    if sent.file_name != recorded.file_name {
        out.push(format!(
            "multipart file name: sent {:?}, recorded {:?}",
            sent.file_name.as_deref().unwrap_or_default(),
            recorded.file_name.as_deref().unwrap_or_default()
        ));
    }
    if sent.file_base64 != recorded.file_base64 {
        out.push("multipart file: its bytes differ from the recorded ones".to_owned());
    }
}

/// Adds the schema's `default` of every object member left out, recursively.
fn fill_defaults(ops: &Operations, schema: &Value, value: &mut Value) {
    let schema = ops.resolve(schema);
    match value {
        Value::Object(map) => {
            for (name, member) in schema["properties"].as_object().into_iter().flatten() {
                let member = ops.resolve(member);
                match map.get_mut(name) {
                    Some(inner) => fill_defaults(ops, &member, inner),
                    None => {
                        if let Some(default) = member.get("default") {
                            map.insert(name.clone(), default.clone());
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                fill_defaults(ops, &schema["items"], item);
            }
        }
        _ => {}
    }
}

/// Every difference of two JSON values, by JSON pointer; numbers compared by value.
fn json_differences(pointer: &str, sent: &Value, recorded: &Value, out: &mut Vec<String>) {
    let at = |p: &str| {
        if p.is_empty() {
            "/".to_owned()
        } else {
            p.to_owned()
        }
    };
    match (sent, recorded) {
        (Value::Object(a), Value::Object(b)) => {
            let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for name in names {
                let inner = format!("{pointer}/{name}");
                match (a.get(name), b.get(name)) {
                    (Some(x), Some(y)) => json_differences(&inner, x, y, out),
                    (Some(x), None) => {
                        out.push(format!("body `{inner}`: sent {x}, recorded absent"))
                    }
                    (None, Some(y)) => {
                        out.push(format!("body `{inner}`: sent absent, recorded {y}"))
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                json_differences(&format!("{pointer}/{index}"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("body `{}`: sent {a}, recorded {b}", at(pointer))),
    }
}
