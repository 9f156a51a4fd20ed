//! The replay server: answers every operation of one API from `tests/recordings/<api>/`, so that
//! the CLI, a user's service or a test can run against recorded traffic instead of the live
//! API. The replay tests run every recording through it ([`ReplayServer::serving`]).
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
//! The APIs are the registry's (`recording::APIS`).

#![warn(missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine as _;
use recording::{Api, ContipleCredentials, Exchange, Recording, SentRequest};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The header that picks a case when several recordings match a request.
pub const CASE_HEADER: &str = "x-mock-case";
/// The header naming the recording an answer comes from (`<api>/<operation>/<case>.json`).
pub const RECORDING_HEADER: &str = "x-mock-recording";

/// The API's error envelope as a response.
fn error(api: &Api, status: u16, code: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_bytes(serde_json::to_vec(&(api.error_body)(code, message)).unwrap_or_default())
}

/// What a server replays.
#[derive(Clone, Debug)]
pub struct Options {
    /// The API.
    pub api: &'static Api,
    /// Its recordings: `<dir>/<operationId>/<case>.json` (Contiple: and `credentials.json`).
    pub recordings: PathBuf,
    /// The case answered when several match and the request names none (default `ok`).
    pub prefer_case: Option<String>,
}

impl Options {
    /// The repository's recordings of `api`, preferring the `ok` cases.
    pub fn new(api: &'static Api) -> Self {
        Self {
            api,
            recordings: recording::recordings_dir(api.name),
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
        let recordings = recording::load_dir(options.api, &options.recordings)?;
        anyhow::ensure!(
            !recordings.is_empty(),
            "no recordings under {}",
            options.recordings.display()
        );
        let credentials = if options.api.is_signed() {
            Some(recording::load_credentials(&options.recordings)?)
        } else {
            None
        };
        let replay = Replay::new(&options, &recordings, credentials);
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        Self::mount(server, replay).await
    }

    /// Starts a server on a free port of 127.0.0.1 that replays only `recordings` (signed
    /// with the repository's test credentials) and keeps every request it receives, for a
    /// test that compares them with the recorded ones ([`Self::received_requests`]).
    pub async fn serving(api: &'static Api, recordings: &[Recording]) -> anyhow::Result<Self> {
        let credentials = if api.is_signed() {
            Some(recording::load_credentials(&recording::recordings_dir(
                api.name,
            ))?)
        } else {
            None
        };
        let replay = Replay::new(&Options::new(api), recordings, credentials);
        Self::mount(MockServer::start().await, replay).await
    }

    async fn mount(server: MockServer, replay: Replay) -> anyhow::Result<Self> {
        let cases = replay.cases;
        Mock::given(wiremock::matchers::any())
            .respond_with(replay)
            .mount(&server)
            .await;
        Ok(Self { server, cases })
    }

    /// The requests received so far, in order (only a server started by [`Self::serving`]
    /// keeps them).
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
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
    api: &'static Api,
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
    fn new(
        options: &Options,
        recordings: &[Recording],
        credentials: Option<ContipleCredentials>,
    ) -> Self {
        let api = options.api;
        let exchanges = recordings
            .iter()
            .flat_map(|rec| {
                rec.exchanges().iter().map(move |exchange| Candidate {
                    file: format!("{}/{}/{}.json", api.name, rec.operation, rec.case),
                    case: rec.case.clone(),
                    synthetic: rec.synthetic,
                    exchange: exchange.clone(),
                })
            })
            .collect();
        Self {
            api,
            exchanges,
            prefer_case: options.prefer_case.clone(),
            credentials,
            cases: recordings.len(),
        }
    }

    /// Whether a received request is the recorded one.
    fn matches(&self, sent: &SentRequest, recorded: &recording::RecordedRequest) -> bool {
        let received = &sent.request;
        received.method == recorded.method
            && received.path == recorded.path
            && received.query == recorded.query
            && recorded
                .headers
                .iter()
                .filter(|(name, _)| !self.is_signature_header(name))
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
        let strip = self.api.auth_query;
        let sent = match recording::parse_sent(request, strip, &Default::default()) {
            Ok(sent) => sent,
            Err(err) => return error(self.api, 400, 400, &format!("malformed request: {err:#}")),
        };
        if let Some(name) = strip {
            if sent.apikey_count != Some(1) || sent.apikey.as_deref().is_none_or(str::is_empty) {
                let message = format!("the {name} query parameter must be sent once");
                return error(self.api, 401, 401, &message);
            }
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
            return error(self.api, 404, 404, &message);
        };
        let signed = chosen
            .exchange
            .request
            .headers
            .keys()
            .any(|h| self.is_signature_header(h));
        if signed {
            if let Err(why) = self.verify_signature(request, &sent) {
                return error(self.api, 401, 403, &format!("Access Denied: {why}"));
            }
        }
        chosen
            .exchange
            .response
            .template()
            .insert_header(RECORDING_HEADER, chosen.file.as_str())
    }
}

impl Replay {
    /// The API's signature headers: verified, not compared with the recording.
    fn is_signature_header(&self, name: &str) -> bool {
        self.api
            .signature_headers
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
    }
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
