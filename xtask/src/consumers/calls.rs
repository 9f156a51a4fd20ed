//! The run-time calls of `cargo xtask consumers`: one per operation of a bundle, the recorded
//! request of its `ok` case (`tests/recordings/<api>/<operationId>/ok.json`) read as the
//! values the bundle types, written as `calls.json` for the Python drivers
//! (`xtask/consumers/run_*.py`) and as a TypeScript program of typed openapi-fetch calls, which
//! `tsc --strict` checks before node runs it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use serde_json::{json, Map, Value};

/// One operation's recorded request, typed.
pub struct Call {
    /// The operationId.
    pub operation: String,
    method: String,
    template: String,
    path: Map<String, Value>,
    query: Map<String, Value>,
    header: Map<String, Value>,
    form: Option<Map<String, Value>>,
    json: Option<Value>,
    file: Option<(String, String)>,
    binary: bool,
}

impl Call {
    fn to_json(&self) -> Value {
        json!({
            "operation": self.operation,
            "method": self.method,
            "template": self.template,
            "path": self.path,
            "query": self.query,
            "header": self.header,
            "form": self.form,
            "has_json": self.json.is_some(),
            "json": self.json,
            "file": self.file.as_ref().map(|(name, base64)| json!({"name": name, "base64": base64})),
            "binary": self.binary,
        })
    }
}

/// Follows a `$ref` to `#/components/schemas/…`.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                schema = &spec["components"]["schemas"][name];
            }
            None => break,
        }
    }
    schema
}

/// A recorded text value as its schema types it (an integer as a number, ...).
fn typed(spec: &Value, schema: &Value, raw: &str) -> Value {
    let schema = resolve(spec, schema);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"string") || types.is_empty() {
        return Value::from(raw);
    }
    if types.contains(&"integer") {
        if let Ok(n) = raw.parse::<i64>() {
            return Value::from(n);
        }
    }
    if types.contains(&"number") {
        if let Ok(n) = raw.parse::<f64>() {
            return Value::from(n);
        }
    }
    if types.contains(&"boolean") {
        if let Ok(b) = raw.parse::<bool>() {
            return Value::from(b);
        }
    }
    Value::from(raw)
}

/// Every operation's call, from the bundle and the `ok` recordings under `recordings`.
pub fn calls(spec: &Value, recordings: &Path) -> anyhow::Result<Vec<Call>> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().into_iter().flatten() {
        // A path item with its own `servers` (Contiple's remote login, on the help-center
        // origin) is not under the API's base URL that mock-server replays: no recording.
        if item.get("servers").is_some() {
            continue;
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let file = recordings.join(id).join("ok.json");
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let recording: Value = serde_json::from_str(&text)?;
            let request = match recording.get("request") {
                Some(request) => request,
                None => &recording["exchanges"][0]["request"],
            };
            out.push(call(spec, template, method, op, request)?);
        }
    }
    out.sort_by(|a, b| a.operation.cmp(&b.operation));
    Ok(out)
}

fn call(
    spec: &Value,
    template: &str,
    method: &str,
    op: &Value,
    request: &Value,
) -> anyhow::Result<Call> {
    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
    let param = |location: &str, name: &str| {
        params.iter().copied().find(|p| {
            p["in"] == location
                && p["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    let recorded_path = request["path"].as_str().unwrap_or_default();
    let mut path = Map::new();
    let segments: Vec<&str> = template.split('/').collect();
    let values: Vec<&str> = recorded_path.split('/').collect();
    anyhow::ensure!(
        values.len() >= segments.len(),
        "{id}: the recorded path {recorded_path} is shorter than {template}"
    );
    for (pattern, value) in segments
        .iter()
        .zip(&values[values.len() - segments.len()..])
    {
        if let Some((prefix, rest)) = pattern.split_once('{') {
            let (name, suffix) = rest.split_once('}').unwrap_or((rest, ""));
            let inner = value
                .strip_prefix(prefix)
                .and_then(|v| v.strip_suffix(suffix))
                .with_context(|| format!("{id}: {recorded_path} does not fit {template}"))?;
            let schema = param("path", name)
                .map(|p| &p["schema"])
                .unwrap_or(&Value::Null);
            path.insert(name.to_owned(), typed(spec, schema, inner));
        }
    }
    let mut query = Map::new();
    for (name, raw) in request["query"].as_object().into_iter().flatten() {
        let schema = param("query", name)
            .map(|p| &p["schema"])
            .unwrap_or(&Value::Null);
        query.insert(
            name.clone(),
            typed(spec, schema, raw.as_str().unwrap_or_default()),
        );
    }
    let mut header = Map::new();
    for (name, raw) in request["headers"].as_object().into_iter().flatten() {
        if let Some(p) = param("header", name) {
            let spec_name = p["name"].as_str().unwrap_or(name).to_owned();
            header.insert(spec_name, raw.clone());
        }
    }
    let body_schema = op["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.values().next())
        .map(|c| resolve(spec, &c["schema"]))
        .unwrap_or(&Value::Null);
    let form = request["form"].as_object().map(|fields| {
        fields
            .iter()
            .map(|(name, raw)| {
                let schema = &body_schema["properties"][name];
                (
                    name.clone(),
                    typed(spec, schema, raw.as_str().unwrap_or_default()),
                )
            })
            .collect()
    });
    let json = match request["body_text"].as_str() {
        Some(text) => Some(
            serde_json::from_str(text).with_context(|| format!("{id}: body_text is not JSON"))?,
        ),
        None => None,
    };
    let file = request["file_base64"].as_str().map(|b64| {
        (
            request["file_name"].as_str().unwrap_or_default().to_owned(),
            b64.to_owned(),
        )
    });
    let binary = op["responses"]["200"]["content"]
        .as_object()
        .is_some_and(|c| !c.keys().any(|m| m.contains("json")));
    Ok(Call {
        operation: id,
        method: method.to_ascii_uppercase(),
        template: template.to_owned(),
        path,
        query,
        header,
        form,
        json,
        file,
        binary,
    })
}

/// `calls.json`: the base URL, how to authenticate, and the calls.
pub fn write_json(out: &Path, base_url: &str, auth: &Value, calls: &[Call]) -> anyhow::Result<()> {
    let document = json!({
        "base_url": base_url,
        "auth": auth,
        "calls": calls.iter().map(Call::to_json).collect::<Vec<_>>(),
    });
    std::fs::write(out, serde_json::to_string_pretty(&document)?)?;
    Ok(())
}

/// The TypeScript program: one typed openapi-fetch call per operation, each printing a JSON
/// line (`operation`, `ok`, `detail`). It reads `calls.json` (argv[2]) only for the base URL
/// and the credentials: the requests are literals that `tsc --strict` checks against `paths`.
pub fn typescript(stem: &str, calls: &[Call]) -> String {
    let mut ts = format!(
        "// Generated by `cargo xtask consumers` from the `ok` recordings: one typed call per operation of\n\
         // spec/dist/{stem}.json through openapi-fetch, against mock-server.\n\
         import createClient from \"openapi-fetch\";\n\
         import type {{ paths }} from \"./{stem}\";\n\
         import {{ checkVectors, signingMiddleware, type SigningVectors }} from \"./contiple-signing.js\";\n\
         import {{ readFileSync }} from \"node:fs\";\n\n\
         interface Setup {{ base_url: string; auth: {{ apikey?: string; organization_id?: string; security_key?: string; timestamp_ms?: number }} }}\n\
         const setup = JSON.parse(readFileSync(process.argv[2], \"utf8\")) as Setup;\n\
         const vectors = JSON.parse(readFileSync(process.argv[3], \"utf8\")) as SigningVectors;\n\
         console.error(`${{checkVectors(vectors)}} signing vectors pass`);\n\
         const client = createClient<paths>({{ baseUrl: setup.base_url }});\n\
         const {{ apikey, organization_id, security_key, timestamp_ms }} = setup.auth;\n\
         if (apikey !== undefined) {{\n  \
           // LiveAgent's key is a query parameter of the security scheme: added to every request.\n  \
           client.use({{ onRequest({{ request }}) {{ const url = new URL(request.url); url.searchParams.set(\"apikey\", apikey); return new Request(url, request); }} }});\n\
         }}\n\
         if (organization_id !== undefined && security_key !== undefined) {{\n  \
           client.use(signingMiddleware({{ organizationId: organization_id, securityKey: security_key, clock: () => timestamp_ms ?? Date.now() }}));\n\
         }}\n\
         const form = (body: unknown) => new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();\n\
         const FORM = {{ \"Content-Type\": \"application/x-www-form-urlencoded\" }};\n\
         function multipart(name: string) {{\n  \
           return (body: {{ file: string }}) => {{ const data = new FormData(); data.append(\"file\", new Blob([Buffer.from(body.file, \"base64\")]), name); return data; }};\n\
         }}\n\
         async function check(operation: string, run: () => Promise<{{ data?: unknown; error?: unknown; response: Response }}>) {{\n  \
           let ok = false;\n  let detail = \"\";\n  \
           try {{\n    \
             const {{ data, error, response }} = await run();\n    \
             ok = response.status === 200 && data !== undefined && error === undefined;\n    \
             detail = ok ? \"\" : `HTTP ${{response.status}}: ${{JSON.stringify(error ?? null).slice(0, 300)}}`;\n  \
           }} catch (err) {{\n    detail = String(err);\n  }}\n  \
           console.log(JSON.stringify({{ operation, ok, detail }}));\n\
         }}\n\n"
    );
    for call in calls {
        let mut params = Vec::new();
        for (location, values) in [
            ("path", &call.path),
            ("query", &call.query),
            ("header", &call.header),
        ] {
            if !values.is_empty() {
                params.push(format!("{location}: {}", Value::Object(values.clone())));
            }
        }
        let mut init = Vec::new();
        if !params.is_empty() {
            init.push(format!("params: {{ {} }}", params.join(", ")));
        }
        if let Some(form) = &call.form {
            init.push(format!(
                "body: {}, bodySerializer: form, headers: FORM",
                Value::Object(form.clone())
            ));
        } else if let Some(json) = &call.json {
            init.push(format!("body: {json}"));
        } else if let Some((name, base64)) = &call.file {
            init.push(format!(
                "body: {{ file: {} }}, bodySerializer: multipart({})",
                Value::from(base64.as_str()),
                Value::from(name.as_str())
            ));
        }
        if call.binary {
            init.push("parseAs: \"arrayBuffer\"".to_owned());
        }
        let init = match init.is_empty() {
            true => String::new(),
            false => format!(", {{ {} }}", init.join(", ")),
        };
        let _ = writeln!(
            ts,
            "await check({}, () => client.{}({}{init}));",
            Value::from(call.operation.as_str()),
            call.method,
            Value::from(call.template.as_str()),
        );
    }
    ts
}
