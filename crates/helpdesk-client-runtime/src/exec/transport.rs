//! Transport: sends a request with the client's retries and rate limit, and reads the
//! response body up to the client's cap.
//!
//! Every body is buffered and inspected ([`super::inspect`]) before the generated code sees
//! it, except the success body of a file operation (`raw_body`), which is passed on as a
//! stream capped at the body limit; one whose `Content-Type` is JSON is read first and
//! checked for the API's error envelope, which becomes [`crate::Error::Api`]. Every response
//! handed on carries the client's secrets (see [`super::handover`]).

use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use tracing::Instrument;

use super::handover::{rebuild, status_sent, BodyProblem, ProblemKind};
use super::inspect::{inspected, Inspect};
use crate::api::Api;
use crate::redact::Secrets;
use crate::retry::{self, Attempt, RetryReason};
use crate::state::{Runtime, State};

/// Sends `request` with `http` and inspects the response for API `A`, with the retries, rate
/// limit and body cap of the client's `state`, in one tracing span per request (operation id,
/// method, path, status, attempt, latency; never the query, which may hold a key, and the path
/// redacted with the client's secrets).
///
/// `raw_body` marks operations whose success body is a file (not JSON): their 2xx responses
/// are passed on as a stream capped at the body limit (a JSON one is checked for the API's
/// error envelope first). Transport errors are returned without their URL.
pub async fn execute<A: Api>(
    http: &reqwest::Client,
    state: &State<A::Credentials>,
    mut request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
) -> reqwest::Result<reqwest::Response> {
    let runtime = state.runtime();
    let secrets = state.secrets();
    let span = tracing::info_span!(
        "api_request",
        api = A::SPEC.crate_name,
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
        if let Some(timeout) = runtime.timeout {
            // A per-call view's timeout, for every attempt (copies keep it).
            *request.timeout_mut() = Some(timeout);
        }
        let mut original = Some(request);
        let result = retry::run(&runtime.retry, retryable, A::SPEC.crate_name, |attempt| {
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
            let budget_left = runtime.retry.max_elapsed.saturating_sub(started.elapsed());
            one_attempt::<A>(http, runtime, secrets, request, info, raw_body, budget_left)
        })
        .await;
        let span = tracing::Span::current();
        span.record(
            "latency_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        if let Ok(response) = &result {
            span.record("status", status_sent(response).as_u16());
        }
        result
    }
    .instrument(span)
    .await
}

/// Sends one attempt: waits for the rate limiter, sends, reads the body up to the cap and
/// inspects it. `budget_left`: what is left of the call's retry budget, the longest pause a 429
/// may put on every sharer of a shared quota.
async fn one_attempt<A: Api>(
    http: &reqwest::Client,
    runtime: &Runtime,
    secrets: &Secrets,
    request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
    budget_left: Duration,
) -> Attempt<reqwest::Result<reqwest::Response>> {
    if let Some(limiter) = &runtime.limiter {
        if let Err(unavailable) = limiter.acquire().await {
            // A shared quota that fails closed: the typed error, no request sent.
            let problem = BodyProblem::new(
                crate::exec::handover::REJECTED,
                HeaderMap::new(),
                Bytes::new(),
                ProblemKind::QuotaUnavailable(unavailable.message),
                secrets.clone(),
            );
            return Attempt::Done(Ok(problem.into_response(http::Version::HTTP_11)));
        }
    }
    tracing::debug!(
        operation = info.operation_id,
        "{} request",
        A::SPEC.crate_name
    );
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
        tracing::debug!(
            status = status.as_u16(),
            "{} response (streamed)",
            A::SPEC.crate_name
        );
        let declared = http_body::Body::size_hint(&body).exact();
        if declared.is_some_and(|length| length > cap as u64) {
            let problem = BodyProblem::new(
                status,
                headers,
                Bytes::new(),
                ProblemKind::TooLarge(cap),
                secrets.clone(),
            );
            return Attempt::Done(Ok(problem.into_response(version)));
        }
        let capped = capped_stream(body, cap, status, headers.clone(), secrets.clone());
        return Attempt::Done(Ok(rebuild(
            status,
            version,
            headers,
            reqwest::Body::wrap_stream(capped),
            None,
            secrets,
        )));
    }
    let body = match read_bounded(body, cap).await {
        Ok(body) => body,
        Err(BodyRead::Transport(err)) => return transport_failure(err),
        Err(BodyRead::TooLarge(prefix)) => {
            let problem = BodyProblem::new(
                status,
                headers,
                prefix,
                ProblemKind::TooLarge(cap),
                secrets.clone(),
            );
            return Attempt::Done(Ok(problem.into_response(version)));
        }
    };
    tracing::debug!(
        status = status.as_u16(),
        bytes = body.len(),
        "{} response",
        A::SPEC.crate_name
    );
    let retry_after = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry::parse_retry_after(v, std::time::SystemTime::now()));
    // A 429's wait applies to every client sharing the key's limiter, and with a shared quota
    // to every process (capped there at a minute, and here at what is left of this call's
    // retry budget); the retry loop below waits the server's delay too.
    if status == StatusCode::TOO_MANY_REQUESTS {
        if let (Some(limiter), Some(delay)) = (&runtime.limiter, retry_after) {
            limiter.pause(delay.min(budget_left)).await;
        }
    }
    // A file operation's JSON success body is checked for the error envelope like a 200.
    let inspect_as = if raw_body && status.is_success() {
        Inspect::Always
    } else {
        Inspect::UnlessOk
    };
    let response = inspected::<A>(status, version, headers, body, secrets, inspect_as);
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
                    let problem = BodyProblem::new(
                        status,
                        headers,
                        Bytes::new(),
                        ProblemKind::TooLarge(cap),
                        secrets,
                    );
                    return Some((Err(Box::new(problem) as _), None));
                }
                return Some((Ok(chunk), Some((body, seen, headers, secrets))));
            }
        },
    )
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
