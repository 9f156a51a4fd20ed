//! The replay server: answers every operation of one API from `tests/recordings/<api>/`, so that
//! the CLI, a user's service, a test or a client generated in another language can run against
//! recorded traffic instead of the live API. The replay tests run every recording through it
//! ([`ReplayServer::serving`]); `cargo xtask consumers` runs the Python and TypeScript clients
//! generated from `spec/dist/` against it.
//!
//! A request is answered in this order:
//!
//! 1. LiveAgent's `apikey` query parameter must be there once (else 401).
//! 2. The request is found to an operation of the spec by method and path (else 404).
//! 3. A Contiple operation the spec secures must be signed: the signature is recomputed from
//!    the request as received, with the key and organization id of `contiple/credentials.json`
//!    and the request's own `X-TC-Timestamp` (else 401).
//! 4. The request is validated against the spec, as Prism does ([`validate`]): only the
//!    operation's parameters, every required one, each of its type, and a body of its media type
//!    with declared, typed fields (else 400 naming the field).
//! 5. It is compared with the recorded requests as HTTP means them ([`compare`]): path
//!    segments percent-decoded, query parameters, header parameters and form fields as typed
//!    values in any order with a parameter left out standing for its documented `default`, JSON
//!    bodies as JSON values. When several cases match, the `x-mock-case` request header picks
//!    one, else the server's preferred case, else `ok`, else a documented (non-synthetic) one.
//!    When none matches, the 404 names the closest recording and every difference ("query
//!    `limit`: sent 20, recorded absent").
//!
//! Every rejection is in the API's own error envelope and is also logged to stderr; every
//! answer names its recording in `x-mock-recording`.
//!
//! The server listens on 127.0.0.1 only; it is built on wiremock's server with one responder.
//! The APIs are the registry's (`recording::APIS`).

#![warn(missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine as _;
use recording::{Api, ContipleCredentials, Exchange, Recording, SentRequest, SpecIndex};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub mod compare;
pub mod operations;
pub mod validate;

use operations::{Operation, Operations};

/// The header that picks a case when several recordings match a request.
pub const CASE_HEADER: &str = "x-mock-case";
/// The header naming the recording an answer comes from (`<api>/<operation>/<case>.json`).
pub const RECORDING_HEADER: &str = "x-mock-recording";

/// The API's error envelope as a response.
fn error(api: &Api, status: u16, code: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_bytes(serde_json::to_vec(&api.error_body(code, message)).unwrap_or_default())
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
        let replay = Replay::new(&options, &recordings, credentials)?;
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
        let replay = Replay::new(&Options::new(api), recordings, credentials)?;
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
    operations: Operations,
    exchanges: Vec<Candidate>,
    prefer_case: Option<String>,
    credentials: Option<ContipleCredentials>,
    cases: usize,
}

/// One recorded exchange and where it comes from.
struct Candidate {
    file: String,
    operation: String,
    case: String,
    synthetic: bool,
    exchange: Exchange,
}

impl Replay {
    fn new(
        options: &Options,
        recordings: &[Recording],
        credentials: Option<ContipleCredentials>,
    ) -> anyhow::Result<Self> {
        let api = options.api;
        let operations = Operations::from_spec(SpecIndex::of(api)?.document());
        let exchanges = recordings
            .iter()
            .flat_map(|rec| {
                rec.exchanges().iter().map(move |exchange| Candidate {
                    file: format!("{}/{}/{}.json", api.name, rec.operation, rec.case),
                    operation: rec.operation_of(exchange).to_owned(),
                    case: rec.case.clone(),
                    synthetic: rec.synthetic,
                    exchange: exchange.clone(),
                })
            })
            .collect();
        Ok(Self {
            api,
            operations,
            exchanges,
            prefer_case: options.prefer_case.clone(),
            credentials,
            cases: recordings.len(),
        })
    }

    /// How a received request differs from a recorded exchange (nothing: it is that request).
    fn differences(&self, sent: &SentRequest, candidate: &Candidate) -> Vec<String> {
        let op = self.operations.get(&candidate.operation);
        compare::differences(
            &self.operations,
            op,
            sent,
            &candidate.exchange.request,
            |name| self.is_signature_header(name),
        )
    }

    /// The 404 for a request no recording matches: the closest recording of its operation
    /// (else of its route) and every difference.
    fn no_match(
        &self,
        sent: &SentRequest,
        op: Option<&Operation>,
        asked: Option<&str>,
    ) -> (u16, String) {
        let what = format!("{} {}", sent.request.method, sent.request.path);
        let closest = self
            .exchanges
            .iter()
            .filter(|c| op.is_none_or(|op| op.id == c.operation))
            .filter(|c| asked.is_none_or(|case| c.case == case))
            .map(|c| (self.differences(sent, c), c))
            .min_by_key(|(diffs, c)| (diffs.len(), c.case != "ok"));
        let message = match (closest, op) {
            (Some((diffs, candidate)), _) => format!(
                "no recording {}of {what} matches this request; the closest, {}: {}",
                asked.map(|c| format!("(case `{c}`) ")).unwrap_or_default(),
                candidate.file,
                diffs.join("; ")
            ),
            (None, Some(op)) => match asked {
                Some(case) => format!("no case `{case}` of {} ({what}) is recorded", op.id),
                None => format!("no recording of {} ({what})", op.id),
            },
            (None, None) => {
                format!("no recording of {what}: no operation of the spec has this route")
            }
        };
        (404, message)
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
        match self.answer(request) {
            Ok(template) => template,
            Err((status, code, message)) => {
                eprintln!(
                    "mock-server: {status} {} {}: {message}",
                    request.method,
                    request.url.path()
                );
                error(self.api, status, code, &message)
            }
        }
    }
}

impl Replay {
    /// The recorded response to a request, or the status, envelope code and message of its
    /// rejection.
    fn answer(&self, request: &wiremock::Request) -> Result<ResponseTemplate, (u16, u16, String)> {
        let strip = self.api.auth_query;
        let sent = recording::parse_sent(request, strip, &Default::default())
            .map_err(|err| (400, 400, format!("malformed request: {err:#}")))?;
        if let Some(name) = strip {
            if sent.apikey_count != Some(1) || sent.apikey.as_deref().is_none_or(str::is_empty) {
                let message = match sent.apikey_count {
                    Some(0) | None => format!("the {name} query parameter is missing"),
                    Some(1) => format!("the {name} query parameter is empty"),
                    Some(n) => {
                        format!("the {name} query parameter must be sent once, not {n} times")
                    }
                };
                return Err((401, 401, message));
            }
        }
        let op = self
            .operations
            .find(&sent.request.method, &sent.request.path);
        let mut verified = false;
        if let Some(op) = op {
            if self.credentials.is_some() && self.spec_secures(&op.id) {
                self.verify_signature(request, &sent)
                    .map_err(|why| (401, 403, format!("Access Denied: {why}")))?;
                verified = true;
            }
            validate::validate(&self.operations, op, &sent, strip)
                .map_err(|why| (400, 400, format!("invalid request to {}: {why}", op.id)))?;
        }
        let matching: Vec<&Candidate> = self
            .exchanges
            .iter()
            .filter(|c| self.differences(&sent, c).is_empty())
            .collect();
        let asked = sent.all_headers.get(CASE_HEADER).map(String::as_str);
        let Some(chosen) = self.choose(matching, asked) else {
            let (status, message) = self.no_match(&sent, op, asked);
            return Err((status, status, message));
        };
        let signed = chosen
            .exchange
            .request
            .headers
            .keys()
            .any(|h| self.is_signature_header(h));
        if signed && !verified {
            self.verify_signature(request, &sent)
                .map_err(|why| (401, 403, format!("Access Denied: {why}")))?;
        }
        Ok(chosen
            .exchange
            .response
            .template()
            .insert_header(RECORDING_HEADER, chosen.file.as_str()))
    }

    /// Whether the spec secures an operation (its own `security`, or the document's).
    fn spec_secures(&self, id: &str) -> bool {
        SpecIndex::of(self.api).is_ok_and(|spec| spec.is_secured(id))
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
