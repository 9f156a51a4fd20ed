//! Error tunnelling: how a rejected response crosses progenitor's generated code.
//!
//! The generated `send()` methods know only progenitor's error type. A response the exec hook
//! (or the 200 decoder) rejects is handed on as a response whose body read fails with a
//! [`BodyProblem`]: the status, headers and raw body, why it was rejected, and the secrets of
//! the client that made the request. progenitor wraps that read failure in its
//! `ResponseBodyError`, and [`crate::Error`] finds the problem again ([`BodyProblem::find`])
//! and turns it into a typed, redacted error.

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use reqwest::StatusCode;

use crate::redact::Secrets;

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

    /// A response with this problem's status and headers whose body read fails with the
    /// problem, for the generated code to hand back.
    pub(crate) fn into_response(self, version: http::Version) -> reqwest::Response {
        let (status, headers, secrets) = (self.status, self.headers.clone(), self.secrets.clone());
        let body =
            reqwest::Body::wrap_stream(futures::stream::once(async move { Err::<Bytes, _>(self) }));
        rebuild(status, version, headers, body, &secrets)
    }

    /// The body read error that carries this problem, for a rejected 200 body that the
    /// generated code is already decoding (see [`crate::decode::success_response`]).
    pub(crate) async fn into_read_error(self) -> reqwest::Error {
        match self.into_response(http::Version::HTTP_11).bytes().await {
            Err(err) => err,
            Ok(_) => unreachable!("a problem body fails on its first read"),
        }
    }
}

/// A response for the generated code. Its URL is a fixed placeholder, never the request's
/// (which may hold a key), parsed once; it carries the client's secrets in its extensions.
pub(crate) fn rebuild(
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

/// The secrets of the client whose exec hook handed on `response` (none for a response that
/// did not go through [`super::execute`]).
pub(crate) fn secrets_of(response: &reqwest::Response) -> Secrets {
    response
        .extensions()
        .get::<Secrets>()
        .cloned()
        .unwrap_or_default()
}
