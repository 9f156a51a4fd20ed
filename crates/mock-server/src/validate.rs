//! Request validation against the spec, as Prism does it: before any recording is looked at,
//! a request must send only the operation's parameters, every required one, each of its
//! type, and a body of the operation's media type whose fields are declared, present when
//! required and of their types. A violation is one message naming the field; the server
//! answers it with 400 in the API's own error envelope.

use std::collections::BTreeMap;

use recording::SentRequest;
use serde_json::Value;

use crate::operations::{types_of, Operation, Operations, Scalar};

/// Checks a request against its operation. `auth_query` is the API's key parameter (not an
/// operation parameter, checked apart).
pub fn validate(
    ops: &Operations,
    op: &Operation,
    sent: &SentRequest,
    auth_query: Option<&str>,
) -> Result<(), String> {
    let request = &sent.request;
    for (name, value) in op.path_values(&request.path) {
        if let Some(param) = op.param("path", &name) {
            param
                .parse(&value)
                .map_err(|why| format!("path parameter `{name}`: {why}"))?;
        }
    }
    for (name, value) in &request.query {
        if Some(name.as_str()) == auth_query {
            continue;
        }
        let Some(param) = op.param("query", name) else {
            let known: Vec<&str> = op.params_in("query").map(|p| p.name.as_str()).collect();
            return Err(format!(
                "query parameter `{name}` is not a parameter of {} ({})",
                op.id,
                expected(&known)
            ));
        };
        param
            .parse(value)
            .map_err(|why| format!("query parameter `{name}`: {why}"))?;
    }
    for param in op.params_in("query") {
        if param.required && !request.query.contains_key(&param.name) {
            return Err(format!("query parameter `{}` is required", param.name));
        }
    }
    for param in op.params_in("header") {
        match sent.all_headers.get(&param.name.to_ascii_lowercase()) {
            None if param.required => {
                return Err(format!("header `{}` is required", param.name));
            }
            None => {}
            Some(value) => {
                param
                    .parse(value)
                    .map_err(|why| format!("header `{}`: {why}", param.name))?;
            }
        }
    }
    validate_body(ops, op, sent)
}

fn expected(names: &[&str]) -> String {
    match names {
        [] => "it takes none".to_owned(),
        names => format!("expected one of: {}", names.join(", ")),
    }
}

/// The body: its media type, then its fields.
fn validate_body(ops: &Operations, op: &Operation, sent: &SentRequest) -> Result<(), String> {
    let request = &sent.request;
    let sent_kind = if request.form.is_some() {
        Some("application/x-www-form-urlencoded")
    } else if request.file_base64.is_some() {
        Some("multipart/form-data")
    } else if request.body_text.is_some() {
        Some("application/json")
    } else {
        None
    };
    let Some(body) = &op.body else {
        return match sent_kind {
            Some(kind) => Err(format!("{} takes no body, but {kind} was sent", op.id)),
            None => Ok(()),
        };
    };
    let Some(kind) = sent_kind else {
        return match body.required {
            true => Err(format!("the request body ({}) is required", body.media)),
            false => Ok(()),
        };
    };
    if !body.media.starts_with(kind) {
        let what = sent.content_type.as_deref().unwrap_or(kind);
        return Err(format!("body: sent {what}, {} takes {}", op.id, body.media));
    }
    if let Some(form) = &request.form {
        return validate_form(ops, &body.schema, form);
    }
    if let Some(text) = &request.body_text {
        let value: Value =
            serde_json::from_str(text).map_err(|err| format!("body: not JSON ({err})"))?;
        return validate_json(ops, &body.schema, &value, "");
    }
    Ok(())
}

fn validate_form(
    ops: &Operations,
    schema: &Value,
    form: &BTreeMap<String, String>,
) -> Result<(), String> {
    let properties = schema["properties"].as_object();
    // A form's fields are the operation's parameters: an undeclared one is rejected unless
    // the schema opens the object.
    let open = properties.is_none()
        || matches!(
            schema["additionalProperties"],
            Value::Bool(true) | Value::Object(_)
        );
    for (name, value) in form {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => {
                Scalar::parse(&ops.resolve(property), value)
                    .map_err(|why| format!("form field `{name}`: {why}"))?;
            }
            None if open => {}
            None => {
                let known: Vec<&str> = properties
                    .into_iter()
                    .flatten()
                    .map(|(n, _)| n.as_str())
                    .collect();
                return Err(format!(
                    "form field `{name}` is not a field of this body ({})",
                    expected(&known)
                ));
            }
        }
    }
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        if !form.contains_key(name) {
            return Err(format!("form field `{name}` is required"));
        }
    }
    Ok(())
}

/// A JSON value against a schema: types, required members, declared members of a closed
/// object, items, closed `enum`s; `oneOf`/`anyOf` pass when one branch does.
fn validate_json(ops: &Operations, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = ops.resolve(schema);
    let here = || {
        if at.is_empty() {
            "/".to_owned()
        } else {
            at.to_owned()
        }
    };
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[key].as_array() {
            let mut first = None;
            for branch in branches {
                match validate_json(ops, branch, value, at) {
                    Ok(()) => return Ok(()),
                    Err(why) => {
                        first.get_or_insert(why);
                    }
                }
            }
            if let Some(why) = first {
                return Err(why);
            }
        }
    }
    for branch in schema["allOf"].as_array().into_iter().flatten() {
        validate_json(ops, branch, value, at)?;
    }
    let types = types_of(&schema);
    let actual = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.is_empty()
        || types
            .iter()
            .any(|t| t == actual || (t == "number" && actual == "integer"));
    if !fits {
        return Err(format!(
            "body `{}`: sent {actual} {value}, expected {}",
            here(),
            types.join(" or ")
        ));
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            return Err(format!(
                "body `{}`: {value} is not one of {}",
                here(),
                Value::from(allowed.clone())
            ));
        }
    }
    match value {
        Value::Object(map) => {
            let properties = schema["properties"].as_object();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                if !map.contains_key(name) {
                    return Err(format!("body `{at}/{name}` is required"));
                }
            }
            for (name, member) in map {
                let inner = format!("{at}/{name}");
                match properties.and_then(|p| p.get(name)) {
                    Some(property) => validate_json(ops, property, member, &inner)?,
                    None if schema["additionalProperties"] == Value::Bool(false) => {
                        return Err(format!("body `{inner}` is not a member of this object"));
                    }
                    None if schema["additionalProperties"].is_object() => {
                        validate_json(ops, &schema["additionalProperties"], member, &inner)?
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) if !schema["items"].is_null() => {
            for (index, item) in items.iter().enumerate() {
                validate_json(ops, &schema["items"], item, &format!("{at}/{index}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}
