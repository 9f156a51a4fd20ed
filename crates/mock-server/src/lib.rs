//! The replay server: answers every operation of one API from `tests/recordings/<api>/`, so that
//! the CLI, a user's service or a test can run against recorded traffic instead of the live
//! API; and the recorder ([`record`], behind `cargo xtask record`) that writes new ones.
//!
//! A request is answered with the response of the recorded exchange whose request it matches:
//! method, path, query parameters (LiveAgent's `apikey` aside, which must be there once), the
//! header parameters recorded, and the body (form fields, JSON text compared as JSON, or a
//! multipart upload's file). Contiple requests whose recording is signed must carry a valid
//! signature: it is recomputed from the request as received, with the key and organization id
//! of `contiple/credentials.json` and the request's own `X-TC-Timestamp`. When several cases
//! match, the `x-mock-case` request header picks one, else the server's preferred case, else
//! `ok`, else a documented (non-synthetic) one. Anything else gets the API's own error
//! envelope: 404 for a route or parameters no recording has, 401 for a missing key or a bad
//! signature. Every answer names its recording in `x-mock-recording`.
//!
//! The server listens on 127.0.0.1 only; it is built on wiremock's server with one responder.

#![warn(missing_docs)]

pub mod record;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use api_tests::{ContipleCredentials, Exchange, Recording, SentRequest};
use base64::Engine as _;
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The header that picks a case when several recordings match a request.
pub const CASE_HEADER: &str = "x-mock-case";
/// The header naming the recording an answer comes from (`<api>/<operation>/<case>.json`).
pub const RECORDING_HEADER: &str = "x-mock-recording";

/// The API a server replays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    /// LiveAgent v1: authenticated by the `apikey` query parameter.
    Liveagent,
    /// Contiple: signed `openapi/v1` calls.
    Contiple,
}

impl Api {
    /// The directory under `tests/recordings/` and the client crate's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Liveagent => "liveagent",
            Self::Contiple => "contiple",
        }
    }

    /// The API of a name (`liveagent`, `contiple`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "liveagent" => Some(Self::Liveagent),
            "contiple" => Some(Self::Contiple),
            _ => None,
        }
    }

    /// The spec file under `spec/`.
    pub fn spec_file(self) -> &'static str {
        match self {
            Self::Liveagent => "liveagent-v1.yaml",
            Self::Contiple => "contiple.yaml",
        }
    }

    /// The API's error envelope with a status code and message.
    pub fn error_body(self, code: u16, message: &str) -> Value {
        match self {
            Self::Liveagent => json!({"response": {
                "status": "ERROR",
                "statuscode": code,
                "errormessage": message,
                "debugmessage": "",
            }}),
            Self::Contiple => json!({
                "header": {"resultCode": code, "resultMessage": message, "isSuccessful": false},
                "result": null,
            }),
        }
    }

    fn error(self, status: u16, code: u16, message: &str) -> ResponseTemplate {
        ResponseTemplate::new(status)
            .insert_header("content-type", "application/json")
            .set_body_bytes(serde_json::to_vec(&self.error_body(code, message)).unwrap_or_default())
    }
}

/// What a server replays.
#[derive(Clone, Debug)]
pub struct Options {
    /// The API.
    pub api: Api,
    /// Its recordings: `<dir>/<operationId>/<case>.json` (Contiple: and `credentials.json`).
    pub recordings: PathBuf,
    /// The case answered when several match and the request names none (default `ok`).
    pub prefer_case: Option<String>,
}

impl Options {
    /// The repository's recordings of `api`, preferring the `ok` cases.
    pub fn new(api: Api) -> Self {
        Self {
            api,
            recordings: api_tests::recordings_dir(api.name()),
            prefer_case: None,
        }
    }

    /// Answers `case` when several recordings match.
    pub fn prefer_case(mut self, case: impl Into<String>) -> Self {
        self.prefer_case = Some(case.into());
        self
    }

    /// Replays the recordings under `dir` instead.
    pub fn recordings(mut self, dir: impl Into<PathBuf>) -> Self {
        self.recordings = dir.into();
        self
    }
}

/// A running replay server; it stops when dropped.
pub struct ReplayServer {
    server: MockServer,
    cases: usize,
}

impl ReplayServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start(options: Options) -> anyhow::Result<Self> {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).context("binding 127.0.0.1")?;
        Self::start_on(options, listener).await
    }

    /// Starts a server on `listener`.
    pub async fn start_on(
        options: Options,
        listener: std::net::TcpListener,
    ) -> anyhow::Result<Self> {
        let replay = Replay::load(&options)?;
        let cases = replay.cases;
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        Mock::given(wiremock::matchers::any())
            .respond_with(replay)
            .mount(&server)
            .await;
        Ok(Self { server, cases })
    }

    /// `http://127.0.0.1:<port>`: the base URL to give a client.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        *self.server.address()
    }

    /// How many recordings it replays.
    pub fn cases(&self) -> usize {
        self.cases
    }
}

/// The responder: every recorded exchange of one API.
struct Replay {
    api: Api,
    exchanges: Vec<Candidate>,
    prefer_case: Option<String>,
    credentials: Option<ContipleCredentials>,
    cases: usize,
}

/// One recorded exchange and where it comes from.
struct Candidate {
    file: String,
    case: String,
    synthetic: bool,
    exchange: Exchange,
}

impl Replay {
    fn load(options: &Options) -> anyhow::Result<Self> {
        let recordings = api_tests::load_from(&options.recordings)?;
        anyhow::ensure!(
            !recordings.is_empty(),
            "no recordings under {}",
            options.recordings.display()
        );
        let credentials = match options.api {
            Api::Contiple => Some(load_credentials(&options.recordings)?),
            Api::Liveagent => None,
        };
        let cases = recordings.len();
        let exchanges = recordings
            .iter()
            .flat_map(|rec: &Recording| {
                rec.exchanges().into_iter().map(move |exchange| Candidate {
                    file: format!("{}/{}/{}.json", options.api.name(), rec.operation, rec.case),
                    case: rec.case.clone(),
                    synthetic: rec.synthetic,
                    exchange,
                })
            })
            .collect();
        Ok(Self {
            api: options.api,
            exchanges,
            prefer_case: options.prefer_case.clone(),
            credentials,
            cases,
        })
    }

    /// Whether a received request is the recorded one.
    fn matches(&self, sent: &SentRequest, recorded: &api_tests::RecordedRequest) -> bool {
        let received = &sent.request;
        received.method == recorded.method
            && received.path == recorded.path
            && received.query == recorded.query
            && recorded
                .headers
                .iter()
                .filter(|(name, _)| !is_signature_header(name))
                .all(|(name, value)| sent.all_headers.get(name) == Some(value))
            && received.form == recorded.form
            && same_json_text(received.body_text.as_deref(), recorded.body_text.as_deref())
            && received.file_name == recorded.file_name
            && received.file_base64 == recorded.file_base64
    }

    /// The preferred of several matching exchanges.
    fn choose<'a>(
        &self,
        matching: Vec<&'a Candidate>,
        asked: Option<&str>,
    ) -> Option<&'a Candidate> {
        let wanted = asked.or(self.prefer_case.as_deref());
        if let Some(case) = wanted {
            if let Some(found) = matching.iter().find(|c| c.case == case) {
                return Some(found);
            }
            if asked.is_some() {
                return None;
            }
        }
        matching
            .iter()
            .find(|c| c.case == "ok")
            .or_else(|| matching.iter().find(|c| !c.synthetic))
            .or_else(|| matching.first())
            .copied()
    }

    /// Checks a Contiple signature against the request as received.
    fn verify_signature(
        &self,
        request: &wiremock::Request,
        sent: &SentRequest,
    ) -> Result<(), String> {
        let Some(credentials) = &self.credentials else {
            return Ok(());
        };
        let authorization = sent
            .all_headers
            .get("authorization")
            .ok_or("the request is not signed (no Authorization header)")?;
        let timestamp: i64 = sent
            .all_headers
            .get("x-tc-timestamp")
            .ok_or("the request has no X-TC-Timestamp header")?
            .parse()
            .map_err(|_| "X-TC-Timestamp is not epoch milliseconds")?;
        let path = request.url.path();
        let message = match &sent.request.file_base64 {
            Some(file) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(file)
                    .unwrap_or_default();
                contiple::signing::upload_signing_message(
                    &credentials.organization_id,
                    path,
                    &bytes,
                    timestamp,
                )
            }
            None => {
                let query: Vec<(String, String)> = request
                    .url
                    .query_pairs()
                    .map(|(n, v)| (n.into_owned(), v.into_owned()))
                    .collect();
                let body =
                    (!request.body.is_empty()).then(|| String::from_utf8_lossy(&request.body));
                contiple::signing::signing_message(
                    &credentials.organization_id,
                    path,
                    query.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                    body.as_deref(),
                    timestamp,
                )
            }
        };
        let expected = contiple::signing::signature(&credentials.security_key, &message);
        if &expected == authorization {
            Ok(())
        } else {
            Err("the signature does not match (signed with other credentials, or the request changed after signing)".to_owned())
        }
    }
}

impl wiremock::Respond for Replay {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let strip = (self.api == Api::Liveagent).then_some("apikey");
        let sent = match api_tests::parse_sent(request, strip, &Default::default()) {
            Ok(sent) => sent,
            Err(err) => {
                return self
                    .api
                    .error(400, 400, &format!("malformed request: {err:#}"))
            }
        };
        if self.api == Api::Liveagent
            && (sent.apikey_count != Some(1) || sent.apikey.as_deref().is_none_or(str::is_empty))
        {
            return self
                .api
                .error(401, 401, "the apikey query parameter must be sent once");
        }
        let matching: Vec<&Candidate> = self
            .exchanges
            .iter()
            .filter(|c| self.matches(&sent, &c.exchange.request))
            .collect();
        let asked = sent.all_headers.get(CASE_HEADER).map(String::as_str);
        let Some(chosen) = self.choose(matching, asked) else {
            let route = self.exchanges.iter().any(|c| {
                c.exchange.request.method == sent.request.method
                    && c.exchange.request.path == sent.request.path
            });
            let what = format!("{} {}", sent.request.method, sent.request.path);
            let message = match (asked, route) {
                (Some(case), _) => format!("no case `{case}` of {what} matches this request"),
                (None, true) => format!("no recording of {what} has these parameters"),
                (None, false) => format!("no recording of {what}"),
            };
            return self.api.error(404, 404, &message);
        };
        let signed = chosen
            .exchange
            .request
            .headers
            .keys()
            .any(|h| is_signature_header(h));
        if signed {
            if let Err(why) = self.verify_signature(request, &sent) {
                return self.api.error(401, 403, &format!("Access Denied: {why}"));
            }
        }
        chosen
            .exchange
            .response
            .template()
            .insert_header(RECORDING_HEADER, chosen.file.as_str())
    }
}

/// Contiple's signature headers: verified, not compared with the recording.
fn is_signature_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("x-tc-timestamp")
}

/// JSON bodies are the same when they are the same JSON (or the same text).
fn same_json_text(received: Option<&str>, recorded: Option<&str>) -> bool {
    match (received, recorded) {
        (Some(a), Some(b)) => {
            a == b
                || matches!(
                    (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)),
                    (Ok(x), Ok(y)) if x == y
                )
        }
        (a, b) => a == b,
    }
}

/// The fixed fake credentials the Contiple recordings are signed with.
pub fn load_credentials(recordings: &Path) -> anyhow::Result<ContipleCredentials> {
    let path = recordings.join("credentials.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}
