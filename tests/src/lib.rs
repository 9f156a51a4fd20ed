//! Recorded HTTP exchanges and the mock server that replays them.
//!
//! A recording (`tests/recordings/<api>/<operationId>/<case>.json`) holds one request as the
//! client must send it and the response the server gave. [`Recording::replay`] serves the
//! response from a local wiremock server and returns what the client actually sent, so a test
//! can compare the two and snapshot the decoded result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The request half of a recording, and also what the client sent, in the same shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path below the API base URL, e.g. `/conversations/a1b2c3d4`.
    pub path: String,
    /// Query parameters, without the `apikey` the client adds.
    pub query: BTreeMap<String, String>,
    /// The `application/x-www-form-urlencoded` body's fields, if the request has a body.
    pub form: Option<BTreeMap<String, String>>,
}

/// The response half of a recording.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// A body that is not JSON, served verbatim.
    #[serde(default)]
    pub body_text: Option<String>,
}

/// One recorded exchange.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recording {
    /// The spec's operationId.
    pub operation: String,
    /// True when the exchange was made up for a test (an error case) rather than taken from
    /// the docs or a real server.
    pub synthetic: bool,
    /// Where the response comes from.
    pub source: String,
    /// The request the client must send.
    pub request: RecordedRequest,
    /// The response to serve.
    pub response: RecordedResponse,
    /// The case name: the file stem.
    #[serde(skip)]
    pub case: String,
}

/// What the client sent, as seen by the mock server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentRequest {
    /// The request in the recording's shape (`apikey` removed from `query`).
    pub request: RecordedRequest,
    /// The `apikey` query parameter, if there was exactly one.
    pub apikey: Option<String>,
    /// How many `apikey` parameters the request carried.
    pub apikey_count: usize,
    /// The body's content type, if any.
    pub content_type: Option<String>,
}

/// The directory holding one API's recordings.
pub fn recordings_dir(api: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(api)
}

/// Loads every recording of one API, sorted by operation and case.
pub fn load_all(api: &str) -> anyhow::Result<Vec<Recording>> {
    let mut out = Vec::new();
    let dir = recordings_dir(api);
    for op_dir in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let op_dir = op_dir?.path();
        if !op_dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&op_dir)? {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "json") {
                out.push(load(&path)?);
            }
        }
    }
    out.sort_by(|a, b| (&a.operation, &a.case).cmp(&(&b.operation, &b.case)));
    Ok(out)
}

/// Loads the recording `<api>/<operation>/<case>.json`.
pub fn load_case(api: &str, operation: &str, case: &str) -> anyhow::Result<Recording> {
    load(
        &recordings_dir(api)
            .join(operation)
            .join(format!("{case}.json")),
    )
}

/// Loads one recording; its directory must be named after its operation.
pub fn load(path: &Path) -> anyhow::Result<Recording> {
    let text = std::fs::read_to_string(path)?;
    let mut recording: Recording =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    recording.case = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    anyhow::ensure!(
        dir == recording.operation,
        "{}: operation `{}` is filed under `{dir}`",
        path.display(),
        recording.operation
    );
    Ok(recording)
}

impl Recording {
    /// The response body as the server sends it.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.response.body, &self.response.body_text) {
            (_, Some(text)) => text.clone().into_bytes(),
            (Some(json), None) => serde_json::to_vec(json).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// Starts a mock server that answers any request with this recording's response.
    pub async fn serve(&self) -> MockServer {
        let mut template =
            ResponseTemplate::new(self.response.status).set_body_bytes(self.body_bytes());
        for (name, value) in &self.response.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        serve_any(template).await
    }
}

/// Starts a mock server that answers any request with `template`.
pub async fn serve_any(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// The one request the server received, in the recording's shape.
pub async fn sent_request(server: &MockServer) -> anyhow::Result<SentRequest> {
    let received = server
        .received_requests()
        .await
        .context("request recording is off")?;
    anyhow::ensure!(
        received.len() == 1,
        "expected exactly one request, got {}",
        received.len()
    );
    let request = &received[0];
    let mut query = BTreeMap::new();
    let mut apikeys = Vec::new();
    for (name, value) in request.url.query_pairs() {
        if name == "apikey" {
            apikeys.push(value.into_owned());
        } else {
            anyhow::ensure!(
                query
                    .insert(name.clone().into_owned(), value.into_owned())
                    .is_none(),
                "query parameter `{name}` sent twice"
            );
        }
    }
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let form = if request.body.is_empty() {
        None
    } else {
        let mut fields = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(&request.body) {
            anyhow::ensure!(
                fields
                    .insert(name.clone().into_owned(), value.into_owned())
                    .is_none(),
                "form field `{name}` sent twice"
            );
        }
        Some(fields)
    };
    Ok(SentRequest {
        request: RecordedRequest {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            query,
            form,
        },
        apikey_count: apikeys.len(),
        apikey: apikeys.pop(),
        content_type,
    })
}

/// Removes object members whose value is `null` or `[]`, recursively: the generated types
/// skip absent optional fields when serialising, so these are the forms that cannot survive
/// a round trip and carry no data.
pub fn without_empty(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// The spec's operations: operationId → the `properties` reachable from its 200 response,
/// per JSON object path, for checking that every field of a recording is in the spec.
pub struct SpecIndex {
    spec: Value,
}

impl SpecIndex {
    /// Loads a spec from `spec/` at the workspace root.
    pub fn load(file: &str) -> anyhow::Result<Self> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../spec")
            .join(file);
        let text = std::fs::read_to_string(&path)?;
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text)?;
        Ok(Self {
            spec: serde_json::to_value(yaml)?,
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

    /// The operation with this operationId, and its path template.
    fn operation(&self, id: &str) -> Option<(&str, &Value)> {
        self.operations()
            .find(|(_, op)| op["operationId"].as_str() == Some(id))
    }

    /// The path parameters of a concrete request path, matched against the operation's path
    /// template (`/tags/{tagid}` and `/tags/sh3j` give `tagid = sh3j`).
    pub fn path_params(&self, operation: &str, path: &str) -> BTreeMap<String, String> {
        let Some((template, _)) = self.operation(operation) else {
            return BTreeMap::new();
        };
        template
            .split('/')
            .zip(path.split('/'))
            .filter_map(|(name, value)| {
                let name = name.strip_prefix('{')?.strip_suffix('}')?;
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
                    let declared = &schema["properties"][key];
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
