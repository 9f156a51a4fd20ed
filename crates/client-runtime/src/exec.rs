//! The exec-hook plumbing: sends a request, buffers the response body and checks what
//! generation cannot express.
//!
//! A 200 body goes to the generated decoder as it is: [`crate::decode::success_response`]
//! decodes it and reads the API's error marker in the same pass, so a success costs one pass
//! over the body. Any other status is inspected here, in one pass: a body that is not JSON
//! (an HTML error page, a truncated body), an error status, or an API error envelope sent with
//! another success status reaches the generated code as a body read failure carrying a
//! `BodyProblem`, which [`crate::Error`] turns back into a typed error with the HTTP status,
//! headers and raw body. Each API says how its error envelope is recognised by implementing
//! [`Protocol`].
//!
//! Every response handed on carries the client's [`Secrets`] (in its extensions, and in every
//! `BodyProblem`), so that the error built from it is redacted with the secrets of the client
//! that made the request, whoever converts it.
//!
//! A success response of a file operation (`raw_body`) is passed on as a stream, capped at the
//! client's body limit like any other body; one whose `Content-Type` is JSON is read first and
//! checked for the API's error envelope, which becomes [`crate::Error::Api`].

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use tracing::Instrument;

use crate::redact::Secrets;
use crate::retry::{self, Attempt, RetryReason};
use crate::state::{Runtime, State};

/// How an API marks an error envelope: implemented by each API crate.
pub trait Protocol: Send + Sync + 'static {
    /// The API's name, for logs (`liveagent`).
    const NAME: &'static str;

    /// The JSON path, from the top-level object, of the member that tells an error envelope
    /// from a success (`["response", "status"]`, `["header", "isSuccessful"]`).
    const ERROR_MARKER: &'static [&'static str];

    /// Whether the marker's value, found in a success-status body, means an error.
    fn is_error(marker: &Marker) -> bool;
}

/// The scalar found at [`Protocol::ERROR_MARKER`].
#[derive(Clone, Debug, PartialEq)]
pub enum Marker {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// `null`.
    Null,
    /// An object or array.
    Composite,
}

/// Why a response could not be handed to the generated decoder as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// The body is not JSON (an HTML error page, a truncated body).
    NotJson(String),
    /// An error status, or a success status with the API's error marker: [`crate::Error`]
    /// decodes the envelope from the raw body.
    ErrorEnvelope,
    /// A 200 body that is JSON but not of the operation's success type (what failed, with
    /// its JSON path).
    Decode(String),
    /// The body is larger than the client's cap (the cap in bytes).
    TooLarge(usize),
}

/// A response body the exec hook rejected, with what the caller needs to see. Its `Debug`
/// and `Display` show neither the body nor the headers (only [`crate::Error`] does, redacted).
#[derive(Clone)]
pub(crate) struct BodyProblem {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) kind: ProblemKind,
    /// The secrets of the client that made the request, for the error built from this.
    pub(crate) secrets: Secrets,
}

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the kind's text, which may quote the body: only what kind of problem it is.
        let kind = match self.kind {
            ProblemKind::NotJson(_) => "not JSON",
            ProblemKind::ErrorEnvelope => "an error envelope",
            ProblemKind::Decode(_) => "not of the documented shape",
            ProblemKind::TooLarge(_) => "larger than the body limit",
        };
        write!(f, "HTTP {}: the body is {kind}", self.status)
    }
}

impl fmt::Debug for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyProblem")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl std::error::Error for BodyProblem {}

impl BodyProblem {
    /// The problem inside a body read error, if the exec hook put one there.
    pub(crate) fn find(err: &reqwest::Error) -> Option<&BodyProblem> {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(current) = source {
            if let Some(problem) = current.downcast_ref::<BodyProblem>() {
                return Some(problem);
            }
            source = current.source();
        }
        None
    }
}

/// Checks a buffered body; `None` when it can go to the decoder as it is.
///
/// One pass: the syntax of the whole body is checked while looking for the error marker,
/// without building a value.
pub(crate) fn inspect<P: Protocol>(status: StatusCode, body: &[u8]) -> Option<ProblemKind> {
    // An empty success body is for the generated code to judge: success where the spec
    // declares no body, a decode error where it declares one.
    if status.is_success() && body.is_empty() {
        return None;
    }
    let marker = match probe(body, P::ERROR_MARKER) {
        Ok(marker) => marker,
        Err(err) => return Some(ProblemKind::NotJson(err.to_string())),
    };
    if status.is_client_error() || status.is_server_error() {
        return Some(ProblemKind::ErrorEnvelope);
    }
    (status.is_success() && marker.as_ref().is_some_and(P::is_error))
        .then_some(ProblemKind::ErrorEnvelope)
}

/// Parses `body` as JSON and returns the scalar at `path` (object members from the top
/// level), if there is one. Fails only when the body is not JSON.
pub fn probe(body: &[u8], path: &[&str]) -> Result<Option<Marker>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let marker = Probe { path }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(marker)
}

/// Walks one JSON value, descending only into the member named by `path[0]`.
struct Probe<'p> {
    path: &'p [&'p str],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Option<Marker>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = Option<Marker>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v as f64)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v as f64)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then(|| Marker::Str(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.path.is_empty().then_some(Marker::Composite))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((wanted, rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Some(Marker::Composite));
        };
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(wanted))? {
            if matches && found.is_none() {
                found = map.next_value_seed(Probe { path: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Compares an object key with a name without allocating.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

/// Sends `request` with `http` and inspects the response for API `P`, with the retries, rate
/// limit and body cap of the client's `state`, in one tracing span per request (operation id,
/// method, path, status, attempt, latency; never the query, which may hold a key, and the path
/// redacted with the client's secrets).
///
/// `raw_body` marks operations whose success body is a file (not JSON): their 2xx responses
/// are passed on as a stream capped at the body limit (a JSON one is checked for the API's
/// error envelope first). Transport errors are returned without their URL.
pub async fn execute<P: Protocol, C>(
    http: &reqwest::Client,
    state: &State<C>,
    request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
) -> reqwest::Result<reqwest::Response> {
    let runtime = state.runtime();
    let secrets = state.secrets();
    let span = tracing::info_span!(
        "api_request",
        api = P::NAME,
        operation = info.operation_id,
        method = %request.method(),
        path = %secrets.redact(request.url().path()),
        status = tracing::field::Empty,
        attempt = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    async move {
        let started = tokio::time::Instant::now();
        // A streamed body (a multipart upload) cannot be sent twice.
        let retryable = runtime.retry.allows(request.method())
            && request.body().is_none_or(|body| body.as_bytes().is_some());
        let mut original = Some(request);
        let result = retry::run(&runtime.retry, retryable, P::NAME, |attempt| {
            // Each attempt sends a copy while the request may be retried; the last one (or
            // the only one) sends the original.
            let copy = retryable
                .then(|| original.as_ref().and_then(reqwest::Request::try_clone))
                .flatten();
            // Not reachable by anything a server sends: a request is retried only when it can
            // be copied (its body is in memory), so the original is taken once, at the end.
            let request = copy
                .or_else(|| original.take())
                .expect("a request that is not copied is sent once");
            tracing::Span::current().record("attempt", attempt);
            one_attempt::<P>(http, runtime, secrets, request, info, raw_body)
        })
        .await;
        let span = tracing::Span::current();
        span.record(
            "latency_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        result
    }
    .instrument(span)
    .await
}

/// The secrets of the client whose exec hook handed on `response` (none for a response that
/// did not go through [`execute`]).
pub(crate) fn secrets_of(response: &reqwest::Response) -> Secrets {
    response
        .extensions()
        .get::<Secrets>()
        .cloned()
        .unwrap_or_default()
}

/// Sends one attempt: waits for the rate limiter, sends, reads the body up to the cap and
/// inspects it.
async fn one_attempt<P: Protocol>(
    http: &reqwest::Client,
    runtime: &Runtime,
    secrets: &Secrets,
    request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
) -> Attempt<reqwest::Result<reqwest::Response>> {
    if let Some(limiter) = &runtime.limiter {
        limiter.acquire().await;
    }
    tracing::debug!(operation = info.operation_id, "{} request", P::NAME);
    let response = match http.execute(request).await {
        Ok(response) => response,
        Err(err) => return transport_failure(err),
    };
    let status = response.status();
    // The parts are moved, not copied, into the response handed on.
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let version = parts.version;
    let headers = parts.headers;
    let cap = runtime.max_body_bytes;
    if raw_body && status.is_success() && !is_json(&headers) {
        tracing::debug!(status = status.as_u16(), "{} response (streamed)", P::NAME);
        let declared = http_body::Body::size_hint(&body).exact();
        if declared.is_some_and(|length| length > cap as u64) {
            let problem = BodyProblem {
                status,
                headers,
                body: Bytes::new(),
                kind: ProblemKind::TooLarge(cap),
                secrets: secrets.clone(),
            };
            return Attempt::Done(Ok(problem.into_response(version)));
        }
        let capped = capped_stream(body, cap, status, headers.clone(), secrets.clone());
        return Attempt::Done(Ok(rebuild(
            status,
            version,
            headers,
            reqwest::Body::wrap_stream(capped),
            secrets,
        )));
    }
    let body = match read_bounded(body, cap).await {
        Ok(body) => body,
        Err(BodyRead::Transport(err)) => return transport_failure(err),
        Err(BodyRead::TooLarge(prefix)) => {
            let problem = BodyProblem {
                status,
                headers,
                body: prefix,
                kind: ProblemKind::TooLarge(cap),
                secrets: secrets.clone(),
            };
            return Attempt::Done(Ok(problem.into_response(version)));
        }
    };
    tracing::debug!(
        status = status.as_u16(),
        bytes = body.len(),
        "{} response",
        P::NAME
    );
    let retry_after = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry::parse_retry_after(v, std::time::SystemTime::now()));
    // A file operation's JSON success body is checked for the error envelope like a 200.
    let inspect_as = if raw_body && status.is_success() {
        Inspect::Always
    } else {
        Inspect::UnlessOk
    };
    let response = inspected::<P>(status, version, headers, body, secrets, inspect_as);
    if retry::is_retryable_status(status) {
        Attempt::Retry {
            last: Ok(response),
            reason: RetryReason::Status(status),
            retry_after,
        }
    } else {
        Attempt::Done(Ok(response))
    }
}

/// Whether a response says its body is JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"))
}

/// A body passed on as it arrives, failing with a `TooLarge` [`BodyProblem`] once it has
/// brought more than `cap` bytes.
fn capped_stream(
    body: reqwest::Body,
    cap: usize,
    status: StatusCode,
    headers: HeaderMap,
    secrets: Secrets,
) -> impl futures::Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send {
    use http_body_util::BodyExt as _;
    futures::stream::unfold(
        Some((body, 0usize, headers, secrets)),
        move |state| async move {
            let (mut body, seen, headers, secrets) = state?;
            loop {
                let frame = match body.frame().await? {
                    Ok(frame) => frame,
                    Err(err) => return Some((Err(err.into()), None)),
                };
                let Ok(chunk) = frame.into_data() else {
                    continue; // trailers
                };
                let seen = seen.saturating_add(chunk.len());
                if seen > cap {
                    let problem = BodyProblem {
                        status,
                        headers,
                        body: Bytes::new(),
                        kind: ProblemKind::TooLarge(cap),
                        secrets,
                    };
                    return Some((Err(Box::new(problem) as _), None));
                }
                return Some((Ok(chunk), Some((body, seen, headers, secrets))));
            }
        },
    )
}

/// Which statuses [`inspect`] looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inspect {
    /// Every status but 200, whose body the generated decoder checks as it decodes.
    UnlessOk,
    /// Every status.
    Always,
}

/// The response the generated code decodes: the buffered body, or a body whose reading fails
/// with the [`BodyProblem`] that [`inspect`] found. A 200 body is passed on as it is: the
/// generated code decodes it with [`crate::decode::success_response`], which inspects it
/// while decoding.
fn inspected<P: Protocol>(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
    secrets: &Secrets,
    inspect_as: Inspect,
) -> reqwest::Response {
    let problem = if status == StatusCode::OK && inspect_as == Inspect::UnlessOk {
        None
    } else {
        inspect::<P>(status, &body)
    };
    match problem {
        None => rebuild(status, version, headers, reqwest::Body::from(body), secrets),
        Some(kind) => BodyProblem {
            status,
            headers,
            body,
            kind,
            secrets: secrets.clone(),
        }
        .into_response(version),
    }
}

/// Decodes a buffered response body of API `P` as an operation whose success type is `T`
/// would, without a network: the same inspection and the same typed errors. For tests and
/// tools (e.g. feeding recorded or fuzzed bodies through every response type).
pub async fn decode_bytes<P, T, G>(
    status: StatusCode,
    body: Bytes,
) -> Result<T, crate::Error<G::Error>>
where
    P: Protocol,
    T: serde::de::DeserializeOwned + Send,
    G: crate::ErrorBody,
{
    let response = inspected::<P>(
        status,
        http::Version::HTTP_11,
        HeaderMap::new(),
        body,
        &Secrets::none(),
        Inspect::UnlessOk,
    );
    crate::decode_response::<P, T, G>(Ok(response)).await
}

/// The body read error that hands a rejected 200 body to [`crate::Error`], as [`inspected`]
/// does for other statuses.
pub(crate) async fn rejected_body(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
    kind: ProblemKind,
    secrets: Secrets,
) -> reqwest::Error {
    let problem = BodyProblem {
        status,
        headers,
        body,
        kind,
        secrets,
    };
    match problem.into_response(version).bytes().await {
        Err(err) => err,
        Ok(_) => unreachable!("a problem body fails on its first read"),
    }
}

/// A failed send or body read, without its URL: retried when [`retry::transport_reason`]
/// says it is worth it.
fn transport_failure(err: reqwest::Error) -> Attempt<reqwest::Result<reqwest::Response>> {
    let err = err.without_url();
    match retry::transport_reason(&err) {
        Some(reason) => Attempt::Retry {
            last: Err(err),
            reason,
            retry_after: None,
        },
        None => Attempt::Done(Err(err)),
    }
}

/// A response for the generated code. Its URL is a fixed placeholder, never the request's
/// (which may hold a key), parsed once.
fn rebuild(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: reqwest::Body,
    secrets: &Secrets,
) -> reqwest::Response {
    static NO_URL: std::sync::LazyLock<reqwest::Url> = std::sync::LazyLock::new(|| {
        reqwest::Url::parse("http://no.url.provided.local").expect("a valid URL")
    });
    let builder = http::response::Builder::new()
        .status(status)
        .version(version);
    let mut rebuilt = reqwest::ResponseBuilderExt::url(builder, NO_URL.clone())
        .body(body)
        .expect("a status and version taken from a response");
    *rebuilt.headers_mut() = headers;
    if !secrets.is_empty() {
        rebuilt.extensions_mut().insert(secrets.clone());
    }
    reqwest::Response::from(rebuilt)
}

impl BodyProblem {
    /// A response with this problem's status and headers whose body read fails with the
    /// problem, for the generated code to hand back.
    fn into_response(self, version: http::Version) -> reqwest::Response {
        let (status, headers, secrets) = (self.status, self.headers.clone(), self.secrets.clone());
        let body =
            reqwest::Body::wrap_stream(futures::stream::once(async move { Err::<Bytes, _>(self) }));
        rebuild(status, version, headers, body, &secrets)
    }
}

/// Why a body was not read whole.
enum BodyRead {
    /// The connection failed.
    Transport(reqwest::Error),
    /// It is larger than the cap: what was read, at most [`crate::MAX_ERROR_BODY`] bytes.
    TooLarge(Bytes),
}

/// Reads a body of at most `cap` bytes; stops reading as soon as it is larger. A body that
/// arrives in one chunk (the usual case for small bodies) is kept as it is, without a copy.
async fn read_bounded(mut body: reqwest::Body, cap: usize) -> Result<Bytes, BodyRead> {
    use http_body_util::BodyExt as _;
    // The error keeps the first `MAX_ERROR_BODY` bytes, cut after redaction: keep enough
    // beyond them that a key spelled across the cut is still seen whole.
    let keep = crate::MAX_ERROR_BODY + crate::redact::REDACTION_LOOKAHEAD;
    let too_large = |prefix: &[u8]| {
        BodyRead::TooLarge(Bytes::copy_from_slice(&prefix[..prefix.len().min(keep)]))
    };
    let declared = http_body::Body::size_hint(&body).exact();
    if declared.is_some_and(|length| length > cap as u64) {
        return Err(too_large(&[]));
    }
    // The first chunk is kept as it is until a second one arrives.
    let mut single: Option<Bytes> = None;
    let mut joined = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(chunk) = frame.map_err(BodyRead::Transport)?.into_data() else {
            continue; // trailers
        };
        if let Some(earlier) = single.take() {
            let capacity = declared.map_or(0, |d| usize::try_from(d).unwrap_or(cap));
            joined.reserve(capacity.max(earlier.len() + chunk.len()));
            joined.extend_from_slice(&earlier);
        }
        if joined.len() + chunk.len() > cap {
            joined.extend_from_slice(&chunk[..cap - joined.len()]);
            return Err(too_large(&joined));
        }
        if joined.is_empty() {
            single = Some(chunk);
        } else {
            joined.extend_from_slice(&chunk);
        }
    }
    Ok(single.unwrap_or_else(|| joined.freeze()))
}

#[cfg(test)]
mod tests {
    use super::{inspect, probe, Marker, ProblemKind, Protocol};
    use reqwest::StatusCode;

    struct Status;

    impl Protocol for Status {
        const NAME: &'static str = "test";
        const ERROR_MARKER: &'static [&'static str] = &["response", "status"];

        fn is_error(marker: &Marker) -> bool {
            *marker == Marker::Str("ERROR".to_owned())
        }
    }

    #[test]
    fn probes_one_member_in_one_pass() {
        let path = &["header", "isSuccessful"];
        assert_eq!(
            probe(
                br#"{"result":{"header":1},"header":{"isSuccessful":false}}"#,
                path
            )
            .unwrap(),
            Some(Marker::Bool(false))
        );
        assert_eq!(probe(br#"[{"header":{}}]"#, path).unwrap(), None);
        assert_eq!(probe(br#""text""#, path).unwrap(), None);
        assert!(probe(br#"{"header":{"isSuccessful":true}"#, path).is_err());
        assert!(probe(br#"{"a":1} trailing"#, path).is_err());
        assert!(probe(b"<html></html>", path).is_err());
    }

    #[test]
    fn inspects_bodies() {
        let ok = StatusCode::OK;
        assert_eq!(
            inspect::<Status>(ok, br#"{"response":{"status":"OK"}}"#),
            None
        );
        assert_eq!(
            inspect::<Status>(
                ok,
                br#"{"response":{"subject":"ERROR","rows":[{"status":"ERROR"}]}}"#
            ),
            None
        );
        assert_eq!(
            inspect::<Status>(ok, br#"{"response":{"status":"ERROR"}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert_eq!(
            inspect::<Status>(StatusCode::NOT_FOUND, br#"{"response":{}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert!(matches!(
            inspect::<Status>(StatusCode::BAD_GATEWAY, b"<html></html>"),
            Some(ProblemKind::NotJson(_))
        ));
        assert_eq!(inspect::<Status>(StatusCode::NO_CONTENT, b""), None);
        assert!(matches!(
            inspect::<Status>(StatusCode::INTERNAL_SERVER_ERROR, b""),
            Some(ProblemKind::NotJson(_))
        ));
    }
}
