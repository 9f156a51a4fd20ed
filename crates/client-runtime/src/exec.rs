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

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use tracing::Instrument;

use crate::retry::{self, Attempt, RetryReason};
use crate::state::Runtime;

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
    /// The body is larger than the client's cap (the cap in bytes).
    TooLarge(usize),
}

/// A response body the exec hook rejected, with what the caller needs to see.
#[derive(Debug, Clone)]
pub(crate) struct BodyProblem {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) kind: ProblemKind,
}

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {:?}", self.status, self.kind)
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
/// limit and body cap of `runtime`, in one tracing span per request (operation id, method,
/// path, status, attempt, latency; never the query, which may hold a key).
///
/// `raw_body` marks operations whose success body is a file (not JSON): their 2xx responses
/// are passed on unbuffered. Transport errors are returned without their URL.
pub async fn execute<P: Protocol>(
    http: &reqwest::Client,
    runtime: &Runtime,
    request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
) -> reqwest::Result<reqwest::Response> {
    let span = tracing::info_span!(
        "api_request",
        api = P::NAME,
        operation = info.operation_id,
        method = %request.method(),
        path = %crate::redact::redact(request.url().path()),
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
            // Each attempt sends a copy while the request may be retried.
            let copy = retryable
                .then(|| original.as_ref().and_then(reqwest::Request::try_clone))
                .flatten();
            let request = match copy {
                Some(copy) => copy,
                None => original
                    .take()
                    .expect("a request that is not retried is sent once"),
            };
            tracing::Span::current().record("attempt", attempt);
            one_attempt::<P>(http, runtime, request, info, raw_body)
        })
        .await;
        let span = tracing::Span::current();
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        result
    }
    .instrument(span)
    .await
}

/// Sends one attempt: waits for the rate limiter, sends, reads the body up to the cap and
/// inspects it.
async fn one_attempt<P: Protocol>(
    http: &reqwest::Client,
    runtime: &Runtime,
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
    if raw_body && status.is_success() {
        tracing::debug!(status = status.as_u16(), "{} response (streamed)", P::NAME);
        return Attempt::Done(Ok(response));
    }
    // The parts are moved, not copied, into the response handed on.
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let version = parts.version;
    let headers = parts.headers;
    let body = match read_bounded(body, runtime.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyRead::Transport(err)) => return transport_failure(err),
        Err(BodyRead::TooLarge(prefix)) => {
            let problem = BodyProblem {
                status,
                headers,
                body: prefix,
                kind: ProblemKind::TooLarge(runtime.max_body_bytes),
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
    let response = inspected::<P>(status, version, headers, body);
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

/// The response the generated code decodes: the buffered body, or a body whose reading fails
/// with the [`BodyProblem`] that [`inspect`] found. A 200 body is passed on as it is: the
/// generated code decodes it with [`crate::decode::success_response`], which inspects it
/// while decoding.
fn inspected<P: Protocol>(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    let problem = if status == StatusCode::OK {
        None
    } else {
        inspect::<P>(status, &body)
    };
    match problem {
        None => rebuild(status, version, headers, reqwest::Body::from(body)),
        Some(kind) => BodyProblem {
            status,
            headers,
            body,
            kind,
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
    let response = inspected::<P>(status, http::Version::HTTP_11, HeaderMap::new(), body);
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
) -> reqwest::Error {
    let problem = BodyProblem {
        status,
        headers,
        body,
        kind,
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
    reqwest::Response::from(rebuilt)
}

impl BodyProblem {
    /// A response with this problem's status and headers whose body read fails with the
    /// problem, for the generated code to hand back.
    fn into_response(self, version: http::Version) -> reqwest::Response {
        let (status, headers) = (self.status, self.headers.clone());
        let body =
            reqwest::Body::wrap_stream(futures::stream::once(async move { Err::<Bytes, _>(self) }));
        rebuild(status, version, headers, body)
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
    let too_large = |prefix: &[u8]| {
        BodyRead::TooLarge(Bytes::copy_from_slice(
            &prefix[..prefix.len().min(crate::MAX_ERROR_BODY)],
        ))
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
            let capacity = declared.map_or(0, |d| d as usize);
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
