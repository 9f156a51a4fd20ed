//! The recording format (`tests/recordings/<api>/<operationId>/<case>.json`, described in
//! `tests/recordings/README.md`) and its loading.
//!
//! A recording holds one or more exchanges: the request as the client must send it and the
//! response the server gave. An exchange whose response is the spec's documented 200 example
//! stores no response: loading takes it from the spec, so an example lives in one file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{api, Api, SpecIndex};

fn is_false(value: &bool) -> bool {
    !value
}

/// The request half of an exchange, and also what the client sent, in the same shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as sent, e.g. `/conversations/a1b2c3d4`.
    pub path: String,
    /// Query parameters (LiveAgent: without the `apikey` the client adds).
    pub query: BTreeMap<String, String>,
    /// Headers the client must send, lower-case names; only these are compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The `application/x-www-form-urlencoded` body's fields, if the request has such a body.
    pub form: Option<BTreeMap<String, String>>,
    /// A JSON body, as the exact text sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// The file name of a multipart upload's `file` part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The bytes of a multipart upload's `file` part, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_base64: Option<String>,
}

/// The response half of an exchange.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A body that is not JSON, served verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// A binary body (a downloaded file), base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl RecordedResponse {
    /// The body as the server sends it.
    pub fn body_bytes(&self) -> Vec<u8> {
        if let Some(text) = &self.body_text {
            return text.clone().into_bytes();
        }
        if let Some(encoded) = &self.body_base64 {
            // Loading checked that it decodes.
            return base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
        }
        match &self.body {
            Some(json) => serde_json::to_vec(json).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The response as a wiremock template.
    pub fn template(&self) -> wiremock::ResponseTemplate {
        let mut template =
            wiremock::ResponseTemplate::new(self.status).set_body_bytes(self.body_bytes());
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template
    }
}

/// One request and its response, as stored: no response means the documented one.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredExchange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operation: Option<String>,
    request: RecordedRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<RecordedResponse>,
}

/// One request and its response.
#[derive(Clone, Debug, Serialize)]
pub struct Exchange {
    /// The operation this request calls, when it is not the recording's own (a flow of
    /// several operations, e.g. upload an attachment, then create a ticket with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The request the client must send.
    pub request: RecordedRequest,
    /// The response to serve.
    pub response: RecordedResponse,
    /// Whether the response is the spec's documented example (the recording stores none).
    #[serde(skip)]
    pub documented: bool,
}

/// One recorded case: a single exchange (`request`, and `response` unless it is the
/// documented one) or several (`exchanges`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recording {
    /// The spec's operationId.
    pub operation: String,
    /// True when the exchange was made up for a test (an error case) rather than taken from
    /// the docs or a real server.
    #[serde(default, skip_serializing_if = "is_false")]
    pub synthetic: bool,
    /// Where the response comes from.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request: Option<RecordedRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<RecordedResponse>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    exchanges: Vec<StoredExchange>,
    /// The API's name.
    #[serde(skip)]
    pub api: String,
    /// The case name: the file stem.
    #[serde(skip)]
    pub case: String,
    /// The exchanges, their documented responses filled in from the spec.
    #[serde(skip)]
    resolved: Vec<Exchange>,
}

impl Recording {
    /// The operation an exchange calls: its own, or the recording's.
    pub fn operation_of<'a>(&'a self, exchange: &'a Exchange) -> &'a str {
        exchange.operation.as_deref().unwrap_or(&self.operation)
    }

    /// The case's exchanges, in order.
    pub fn exchanges(&self) -> &[Exchange] {
        &self.resolved
    }

    /// The first exchange's request.
    pub fn first_request(&self) -> RecordedRequest {
        self.resolved[0].request.clone()
    }

    /// The last exchange's response.
    pub fn last_response(&self) -> RecordedResponse {
        self.resolved
            .last()
            .expect("loading checked that a case has an exchange")
            .response
            .clone()
    }

    /// Whether every response is the spec's documented one: the recording then holds no
    /// data but its requests.
    pub fn is_documented(&self) -> bool {
        self.resolved.iter().all(|e| e.documented)
    }

    /// The responses the recording stores itself (not the documented ones), with their
    /// operations.
    pub fn stored_responses(&self) -> impl Iterator<Item = (&str, &RecordedResponse)> {
        self.resolved
            .iter()
            .filter(|e| !e.documented)
            .map(|e| (self.operation_of(e), &e.response))
    }

    /// `<operation>__<case>`: the snapshot and test name.
    pub fn name(&self) -> String {
        format!("{}__{}", self.operation, self.case)
    }

    /// Fills in the exchanges, the documented responses taken from `spec`.
    fn resolve(&mut self, spec: &SpecIndex) -> anyhow::Result<()> {
        let stored = match &self.request {
            Some(request) => vec![StoredExchange {
                operation: None,
                request: request.clone(),
                response: self.response.clone(),
            }],
            None => self.exchanges.clone(),
        };
        anyhow::ensure!(!stored.is_empty(), "the recording has no exchange");
        self.resolved = stored
            .into_iter()
            .map(|stored| {
                let operation = stored.operation.as_deref().unwrap_or(&self.operation);
                let (response, documented) = match stored.response {
                    Some(response) => (response, false),
                    None => (
                        spec.documented_response(operation).with_context(|| {
                            format!("no response, and the spec documents none for {operation}")
                        })?,
                        true,
                    ),
                };
                if let Some(encoded) = &response.body_base64 {
                    base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .context("body_base64 is not base64")?;
                }
                Ok(Exchange {
                    operation: stored.operation,
                    request: stored.request,
                    response,
                    documented,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(())
    }
}

/// The fixed fake credentials and frozen clock a signed API's recordings are signed with
/// (`tests/recordings/<api>/credentials.json`).
#[derive(Clone, Debug, Deserialize)]
pub struct ContipleCredentials {
    /// The NHN Cloud organization id.
    pub organization_id: String,
    /// The service's security key.
    pub security_key: String,
    /// The service id (the first path segment).
    pub service_id: String,
    /// The frozen clock: every request is signed at this time.
    pub timestamp_ms: i64,
}

/// The root of the repository's recordings, `tests/recordings`.
pub fn recordings_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/recordings")
}

/// The directory holding one API's recordings.
pub fn recordings_dir(api: &str) -> PathBuf {
    recordings_root().join(api)
}

/// Loads `<dir>/credentials.json`: the test credentials of a signed API.
pub fn load_credentials(dir: &Path) -> anyhow::Result<ContipleCredentials> {
    let path = dir.join("credentials.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Loads the repository's `tests/recordings/contiple/credentials.json`.
pub fn contiple_credentials() -> ContipleCredentials {
    load_credentials(&recordings_dir("contiple")).expect("contiple/credentials.json loads")
}

/// Loads every recording of one API, sorted by operation and case.
pub fn load_all(api: &str) -> anyhow::Result<Vec<Recording>> {
    load_from(&recordings_dir(api))
}

/// Loads every recording under `dir` (`<dir>/<operationId>/<case>.json`, `dir` named after
/// its API), sorted by operation and case.
pub fn load_from(dir: &Path) -> anyhow::Result<Vec<Recording>> {
    let name = dir.file_name().and_then(|s| s.to_str()).unwrap_or_default();
    let api = api(name)
        .with_context(|| format!("{}: `{name}` is not an API of the registry", dir.display()))?;
    load_dir(api, dir)
}

/// Loads every recording of `api` under `dir` (`<dir>/<operationId>/<case>.json`), sorted by
/// operation and case.
pub fn load_dir(api: &Api, dir: &Path) -> anyhow::Result<Vec<Recording>> {
    let mut out = Vec::new();
    for op_dir in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let op_dir = op_dir?.path();
        if !op_dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&op_dir)? {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "json") {
                out.push(load_as(api, &path)?);
            }
        }
    }
    out.sort_by(|a, b| (&a.operation, &a.case).cmp(&(&b.operation, &b.case)));
    Ok(out)
}

/// Loads the recording `<api>/<operation>/<case>.json`.
pub fn load_case(api: &str, operation: &str, case: &str) -> anyhow::Result<Recording> {
    load_case_from(&recordings_root(), api, operation, case)
}

/// Loads the recording `<root>/<api>/<operation>/<case>.json`.
pub fn load_case_from(
    root: &Path,
    api: &str,
    operation: &str,
    case: &str,
) -> anyhow::Result<Recording> {
    load(&root.join(api).join(operation).join(format!("{case}.json")))
}

/// Loads one recording, `<api>/<operationId>/<case>.json`: the directory above its
/// operation's is named after an API of the registry.
pub fn load(path: &Path) -> anyhow::Result<Recording> {
    let name = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let api = api(name)
        .with_context(|| format!("{}: `{name}` is not an API of the registry", path.display()))?;
    load_as(api, path)
}

/// Loads one recording of `api`, `<operationId>/<case>.json`: its directory must be named
/// after its operation; the API's spec gives the documented responses.
pub fn load_as(api: &Api, path: &Path) -> anyhow::Result<Recording> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut recording: Recording =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    recording.api = api.name.to_owned();
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
        "{}: operation `{}` is filed under another directory",
        path.display(),
        recording.operation
    );
    anyhow::ensure!(
        recording.request.is_some() == recording.exchanges.is_empty()
            && (recording.response.is_none() || recording.request.is_some()),
        "{}: give either `request` (and `response` unless it is the documented one), or \
         `exchanges`",
        path.display()
    );
    recording
        .resolve(SpecIndex::of(api)?)
        .with_context(|| format!("{}", path.display()))?;
    Ok(recording)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LIVEAGENT;

    /// Writes `<tmp>/<operation>/<case>.json` and loads it as a LiveAgent recording.
    fn load_text(operation: &str, case: &str, text: &str) -> anyhow::Result<Recording> {
        load_text_as(&LIVEAGENT, operation, case, text)
    }

    /// Writes `<tmp>/<operation>/<case>.json` and loads it as a recording of `api`.
    fn load_text_as(
        api: &Api,
        operation: &str,
        case: &str,
        text: &str,
    ) -> anyhow::Result<Recording> {
        let root =
            std::env::temp_dir().join(format!("recording-format-{}-{case}", std::process::id()));
        let dir = root.join(operation);
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{case}.json"));
        std::fs::write(&path, text)?;
        let loaded = load_as(api, &path);
        std::fs::remove_dir_all(&root)?;
        loaded
    }

    const GET_TAG: &str = r#"{"operation": "getTag", "source": "test",
        "request": {"method": "GET", "path": "/tags/sh3j", "query": {}, "form": null}"#;

    #[test]
    fn a_case_without_response_gets_the_documented_one() {
        let rec = load_text("getTag", "documented", &format!("{GET_TAG}}}")).unwrap();
        assert!(rec.is_documented());
        assert_eq!(rec.stored_responses().count(), 0);
        let documented = SpecIndex::of(&LIVEAGENT)
            .unwrap()
            .documented_response("getTag")
            .unwrap();
        assert_eq!(rec.last_response(), documented);
        assert_eq!(documented.status, 200);
        assert!(documented.body.is_some());
    }

    #[test]
    fn a_stored_response_is_served_as_stored() {
        let text = format!(r#"{GET_TAG}, "response": {{"status": 404, "body_text": "gone"}}}}"#);
        let rec = load_text("getTag", "stored", &text).unwrap();
        assert!(!rec.is_documented());
        assert_eq!(rec.last_response().status, 404);
        assert_eq!(rec.last_response().body_bytes(), b"gone");
    }

    #[test]
    fn bad_recordings_do_not_load() {
        // Filed under another operation.
        let err = load_text("listTags", "misfiled", &format!("{GET_TAG}}}")).unwrap_err();
        assert!(format!("{err:#}").contains("another directory"), "{err:#}");
        // Neither a request nor exchanges.
        let text = r#"{"operation": "getTag", "source": "test"}"#;
        let err = load_text("getTag", "empty", text).unwrap_err();
        assert!(format!("{err:#}").contains("either"), "{err:#}");
        // A binary body that is not base64.
        let text = format!(r#"{GET_TAG}, "response": {{"status": 200, "body_base64": "@@"}}}}"#);
        let err = load_text("getTag", "bad_base64", &text).unwrap_err();
        assert!(format!("{err:#}").contains("base64"), "{err:#}");
        // No response, and the spec documents no JSON example (a file download).
        let text = r#"{"operation": "getFaqAttachment", "source": "test",
            "request": {"method": "GET", "path": "/x", "query": {}, "form": null}}"#;
        let err =
            load_text_as(&crate::CONTIPLE, "getFaqAttachment", "undocumented", text).unwrap_err();
        assert!(format!("{err:#}").contains("documents none"), "{err:#}");
    }
}
