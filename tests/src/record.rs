//! The recorder behind `cargo xtask record <api> <operationId> [--param NAME=VALUE …]`: calls
//! one operation of the live API and writes the exchange as a recording
//! (`tests/recordings/<api>/<operationId>/<case>.json`, format in `tests/recordings/README.md`).
//!
//! The request is the one the client sends: the operation is first called through the
//! generated replay dispatcher (the same code path as the replay tests) against a local
//! capturing server, with the recordings' test credentials (Contiple: the fixed keys and
//! frozen clock of `contiple/credentials.json`, so the captured `authorization` is the one the
//! replay checks). That exact request is then sent to the live API, authenticated with the
//! credentials from the environment (LiveAgent: the `apikey` parameter; Contiple: the service
//! id in the path and a fresh signature). The recording keeps the first form, without the
//! key; the response keeps its status, `content-type` and `content-disposition` and its body,
//! with the live key and organization id masked wherever they appear.
//!
//! Bad input (an unknown operation or parameter, a malformed `--param`, a missing credential,
//! a base URL without scheme, an existing case without `--force`) is a [`Usage`] error, found
//! before anything is sent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine as _;
use recording::{Api, RecordedRequest, RecordedResponse, SpecIndex};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::Call;

/// Bad input, found before anything is sent.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

/// What to record.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The API.
    pub api: &'static Api,
    /// The spec's operationId.
    pub operation: String,
    /// `NAME=VALUE` arguments: path, query and header parameters, or form fields.
    pub params: Vec<String>,
    /// A JSON body: the text, or `@FILE`.
    pub body: Option<String>,
    /// The file of a multipart upload.
    pub file: Option<PathBuf>,
    /// The case name (the file stem).
    pub case: String,
    /// Overwrite an existing case.
    pub force: bool,
    /// The recordings root (holding `<api>/`).
    pub recordings: PathBuf,
}

/// The live API's address and credentials, from the environment.
#[derive(Clone)]
pub enum Live {
    /// LiveAgent.
    Liveagent {
        /// `LIVEAGENT_BASE_URL`.
        base_url: String,
        /// `LIVEAGENT_API_KEY`.
        api_key: String,
    },
    /// Contiple.
    Contiple {
        /// `CONTIPLE_BASE_URL`.
        base_url: String,
        /// `CONTIPLE_SERVICE_ID`, `CONTIPLE_ORGANIZATION_ID`, `CONTIPLE_SECURITY_KEY`.
        credentials: contiple::Credentials,
        /// The organization id, masked in what is recorded.
        organization_id: String,
        /// The security key, masked in what is recorded.
        security_key: String,
    },
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Live(<credentials>)")
    }
}

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| usage(format!("missing credential: set {name}")))
}

fn checked_base_url(name: &str) -> anyhow::Result<String> {
    let url = env(name)?.trim().trim_end_matches('/').to_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(usage(format!(
            "{name} `{url}` has no scheme: it must start with http:// or https://"
        )));
    }
    helpdesk_client_runtime::__private::check_base_url(&url)
        .map_err(|_| usage(format!("{name} is not a plain http(s) URL")))?;
    Ok(url)
}

impl Live {
    /// Reads the environment variables of `api`.
    pub fn from_env(api: &Api) -> anyhow::Result<Self> {
        Ok(match api.name {
            "liveagent" => Self::Liveagent {
                base_url: checked_base_url("LIVEAGENT_BASE_URL")?,
                api_key: env("LIVEAGENT_API_KEY")?,
            },
            "contiple" => {
                let base_url = checked_base_url("CONTIPLE_BASE_URL")?;
                let service_id = env("CONTIPLE_SERVICE_ID")?;
                let organization_id = env("CONTIPLE_ORGANIZATION_ID")?;
                let security_key = env("CONTIPLE_SECURITY_KEY")?;
                Self::Contiple {
                    base_url,
                    credentials: contiple::Credentials::new(
                        service_id,
                        &organization_id,
                        &security_key,
                    ),
                    organization_id,
                    security_key,
                }
            }
            other => return Err(usage(format!("the recorder does not know the API {other}"))),
        })
    }

    /// What must never be written.
    fn secrets(&self) -> Vec<&str> {
        match self {
            Self::Liveagent { api_key, .. } => vec![api_key],
            Self::Contiple {
                organization_id,
                security_key,
                ..
            } => vec![security_key, organization_id],
        }
    }
}

/// Where a plan's recording goes.
pub fn target(plan: &Plan) -> PathBuf {
    plan.recordings
        .join(plan.api.name)
        .join(&plan.operation)
        .join(format!("{}.json", plan.case))
}

/// The request of a plan, as the replay dispatcher reads it; checks every input.
fn recorded_request(plan: &Plan, spec: &SpecIndex) -> anyhow::Result<RecordedRequest> {
    let (method, template) = spec.route(&plan.operation).ok_or_else(|| {
        usage(format!(
            "unknown operation `{}` of {} (see spec/{})",
            plan.operation, plan.api.name, plan.api.spec_file
        ))
    })?;
    let parameters = spec.parameters(&plan.operation);
    let media = spec.body_media_type(&plan.operation);
    let mut request = RecordedRequest {
        method,
        ..RecordedRequest::default()
    };
    let mut path = template;
    let mut form = BTreeMap::new();
    for param in &plan.params {
        let Some((name, value)) = param.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(usage(format!(
                "malformed --param `{param}`: expected NAME=VALUE"
            )));
        };
        match parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, l)| l.as_str())
        {
            Some("path") => path = path.replace(&format!("{{{name}}}"), value),
            Some("query") => {
                request.query.insert(name.to_owned(), value.to_owned());
            }
            Some("header") => {
                request
                    .headers
                    .insert(name.to_ascii_lowercase(), value.to_owned());
            }
            _ if media.as_deref() == Some("application/x-www-form-urlencoded") => {
                form.insert(name.to_owned(), value.to_owned());
            }
            _ => {
                let names: Vec<&str> = parameters.iter().map(|(n, _)| n.as_str()).collect();
                return Err(usage(format!(
                    "--param {name}: {} has no such parameter (it has: {})",
                    plan.operation,
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        }
    }
    if let Some(missing) = path.split('/').find(|s| s.contains('{')) {
        return Err(usage(format!(
            "{} needs the path parameter {missing}: pass --param NAME=VALUE",
            plan.operation
        )));
    }
    request.path = path;
    if !form.is_empty() {
        request.form = Some(form);
    }
    if let Some(body) = &plan.body {
        let text = match body.strip_prefix('@') {
            Some(file) => std::fs::read_to_string(file)
                .map_err(|err| usage(format!("--body @{file}: {err}")))?,
            None => body.clone(),
        };
        serde_json::from_str::<Value>(&text)
            .map_err(|err| usage(format!("--body is not JSON: {err}")))?;
        request.body_text = Some(text);
    }
    if let Some(file) = &plan.file {
        let bytes = std::fs::read(file)
            .map_err(|err| usage(format!("--file {}: {err}", file.display())))?;
        request.file_name = Some(
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        request.file_base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    Ok(request)
}

/// Calls the operation through the replay dispatcher against a local capturing server and
/// returns the request exactly as the client sent it.
async fn captured_request(
    plan: &Plan,
    spec: &SpecIndex,
    request: &RecordedRequest,
) -> anyhow::Result<wiremock::Request> {
    let server = MockServer::builder().start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let uri = server.uri();
    let api = plan.api;
    let operation = plan.operation.clone();
    let recorded = request.clone();
    let spec_file = api.spec_file;
    // A value that does not parse as its parameter's type makes the dispatcher panic.
    let call = tokio::spawn(async move {
        let spec = SpecIndex::load(spec_file).expect("the spec loads");
        let call = Call::new(&spec, &operation, &recorded);
        crate::dispatch::call(api, &uri, &call).await;
    });
    if let Err(err) = call.await {
        let why = match err.try_into_panic() {
            Ok(payload) => payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default(),
            Err(err) => err.to_string(),
        };
        let why = why.replace("recorded ", "");
        return Err(usage(format!("{}: {why}", plan.operation)));
    }
    let _ = spec;
    let mut received = server
        .received_requests()
        .await
        .context("the capturing server records requests")?;
    anyhow::ensure!(
        received.len() == 1,
        "the client sent {} requests",
        received.len()
    );
    Ok(received.remove(0))
}

/// Sends the captured request to the live API, authenticated there.
async fn send_live(
    live: &Live,
    captured: &wiremock::Request,
    test_service_id: Option<&str>,
) -> anyhow::Result<reqwest::Response> {
    helpdesk_client_runtime::__private::install_crypto_provider();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()?;
    let pairs: Vec<(String, String)> = captured
        .url
        .query_pairs()
        .filter(|(name, _)| !(matches!(live, Live::Liveagent { .. }) && name == "apikey"))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let (base_url, path) = match (live, test_service_id) {
        (Live::Liveagent { base_url, .. }, _) => (base_url, captured.url.path().to_owned()),
        (
            Live::Contiple {
                base_url,
                credentials,
                ..
            },
            Some(test),
        ) => {
            let rest = captured
                .url
                .path()
                .strip_prefix(&format!("/{test}"))
                .context("the captured path starts with the test service id")?;
            (base_url, format!("/{}{rest}", credentials.service_id()))
        }
        (Live::Contiple { .. }, None) => anyhow::bail!("no test service id"),
    };
    let mut url = reqwest::Url::parse(&format!("{base_url}{path}"))?;
    if !pairs.is_empty() || matches!(live, Live::Liveagent { .. }) {
        let mut query = url.query_pairs_mut();
        for (name, value) in &pairs {
            query.append_pair(name, value);
        }
        if let Live::Liveagent { api_key, .. } = live {
            query.append_pair("apikey", api_key);
        }
    }
    let method = reqwest::Method::from_bytes(captured.method.as_str().as_bytes())?;
    let mut builder = http.request(method, url);
    for (name, value) in captured.headers.iter() {
        let skip = matches!(
            name.as_str(),
            "host" | "authorization" | "x-tc-timestamp" | "content-length" | "user-agent"
        );
        if !skip {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
    }
    let mut request = builder
        .header(
            "user-agent",
            concat!("sdk-recorder/", env!("CARGO_PKG_VERSION")),
        )
        .body(captured.body.clone())
        .build()?;
    if let Live::Contiple { credentials, .. } = live {
        let signed = captured.headers.contains_key("authorization");
        let content_type = captured
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if signed && content_type.starts_with("multipart/form-data") {
            let (_, file) = recording::multipart_file(&content_type, &captured.body)?;
            credentials.sign_upload(&mut request, &file);
        } else if signed {
            credentials.sign_request(&mut request);
        }
    }
    http.execute(request).await.map_err(|err| {
        anyhow::anyhow!(
            "calling the live API: {}",
            helpdesk_client_runtime::__private::mask_query_keys(&err.without_url().to_string())
        )
    })
}

/// A recording as written: the fields in the order of the format's README; no response when
/// it is the operation's documented one.
#[derive(serde::Serialize)]
struct Written<'a> {
    operation: &'a str,
    synthetic: bool,
    source: &'a str,
    request: &'a RecordedRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<WrittenResponse<'a>>,
}

/// A recorded response as written: only the body field it has.
#[derive(serde::Serialize)]
struct WrittenResponse<'a> {
    status: u16,
    headers: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<&'a str>,
}

/// Masks every secret in a text.
fn mask(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| s.len() >= 4)
        .fold(text.to_owned(), |text, secret| {
            text.replace(secret, "<redacted>")
        })
}

/// The response as recorded: status, the content headers, the body (JSON, text or base64),
/// secrets masked.
async fn recorded_response(
    response: reqwest::Response,
    returns_file: bool,
    secrets: &[&str],
) -> anyhow::Result<RecordedResponse> {
    let status = response.status().as_u16();
    let mut headers = BTreeMap::new();
    for name in ["content-type", "content-disposition"] {
        if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
            headers.insert(name.to_owned(), mask(value, secrets));
        }
    }
    let bytes = response
        .bytes()
        .await
        .context("reading the live response")?;
    let mut recorded = RecordedResponse {
        status,
        headers,
        body: None,
        body_text: None,
        body_base64: None,
    };
    let text = std::str::from_utf8(&bytes).ok();
    match text {
        Some(text) if !returns_file => {
            let masked = mask(text, secrets);
            match serde_json::from_str::<Value>(&masked) {
                Ok(json) => recorded.body = Some(json),
                Err(_) => recorded.body_text = Some(masked),
            }
        }
        _ => {
            recorded.body_base64 = Some(base64::engine::general_purpose::STANDARD.encode(&bytes));
        }
    }
    Ok(recorded)
}

/// Checks a plan and the environment without sending anything: the recording's path, or a
/// [`Usage`] error.
pub fn check(plan: &Plan) -> anyhow::Result<PathBuf> {
    let spec = SpecIndex::load(plan.api.spec_file)?;
    recorded_request(plan, &spec)?;
    let path = target(plan);
    if path.exists() && !plan.force {
        return Err(usage(format!(
            "{} exists: pass --force to overwrite it",
            path.display()
        )));
    }
    Ok(path)
}

/// Records one exchange: checks the plan, captures the client's request, sends it to the live
/// API and writes the recording. Returns its path.
pub async fn record(plan: &Plan, live: &Live) -> anyhow::Result<PathBuf> {
    let path = check(plan)?;
    let spec = SpecIndex::load(plan.api.spec_file)?;
    let request = recorded_request(plan, &spec)?;
    let test_service_id = if plan.api.is_signed() {
        Some(recording::load_credentials(&plan.recordings.join(plan.api.name))?.service_id)
    } else {
        None
    };
    let captured = captured_request(plan, &spec, &request).await?;
    let strip = plan.api.auth_query;
    let mut keep: BTreeMap<String, String> = request.headers.clone();
    for signature in ["authorization", "x-tc-timestamp"] {
        keep.insert(signature.to_owned(), String::new());
    }
    let sent = recording::parse_sent(&captured, strip, &keep)?;
    let response = send_live(live, &captured, test_service_id.as_deref()).await?;
    let secrets = live.secrets();
    let response =
        recorded_response(response, spec.returns_file(&plan.operation), &secrets).await?;
    let ok = response.status == 200;
    let source = if ok {
        "Captured from a live server by `cargo xtask record`: the request as the client sends it, \
         re-signed with the test credentials; the key masked in the response."
            .to_owned()
    } else {
        format!(
            "Synthetic in the recordings' sense (not a documented 200 example): an HTTP {} \
             response captured from a live server by `cargo xtask record`, the key masked.",
            response.status
        )
    };
    // The documented example is not stored twice: loading takes it from the spec.
    let documented = spec.documented_response(&plan.operation).as_ref() == Some(&response);
    let recording = Written {
        operation: &plan.operation,
        synthetic: !ok,
        source: &source,
        request: &sent.request,
        response: (!documented).then_some(WrittenResponse {
            status: response.status,
            headers: &response.headers,
            body: response.body.as_ref(),
            body_text: response.body_text.as_deref(),
            body_base64: response.body_base64.as_deref(),
        }),
    };
    let text = serde_json::to_string_pretty(&recording)? + "\n";
    let text = mask(&text, &secrets);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// The recordings root of the repository (`tests/recordings`).
pub fn default_recordings() -> PathBuf {
    recording::recordings_root()
}
