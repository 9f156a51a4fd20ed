//! Handing a response across progenitor's generated code, and finding out afterwards what the
//! exec hook saw.
//!
//! progenitor 0.15's exec hook returns a `reqwest::Response`, and the generated `send()` picks
//! its arm by status: `200` decodes the success type, `4XX`/`5XX` the error type, anything else
//! is `UnexpectedResponse(response)`, handed back untouched. So:
//!
//! - a response the exec hook (or the 200 decoder) rejects (not JSON, the API's error
//!   envelope, too large, not of the documented shape) is handed on with the status
//!   [`REJECTED`] (999, which no spec documents: every operation documents `200`, `4XX` and
//!   `5XX`), an empty body, and the [`BodyProblem`] (the real status, headers, raw body, why,
//!   and the secrets of the client that made the request) in its extensions: the generated
//!   code returns it as `UnexpectedResponse`, and [`crate::Error`] reads the problem back
//!   synchronously ([`BodyProblem::of`]);
//! - every response handed on carries the client's secrets, and a buffered one its body
//!   ([`Buffered`]), in its extensions: an undocumented status (`204`, a redirect) becomes
//!   [`crate::Error::UnexpectedStatus`] with its body without another read.
//!
//! Only a streamed body (a file download) can fail while it is read, once the generated code
//! has handed it on: its cap travels as the stream's error ([`BodyProblem::find`]).

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
    /// No request was sent: the shared quota fails closed and its Redis failed (why).
    /// Becomes [`crate::Error::Timeout`] without a source.
    QuotaUnavailable(String),
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
            ProblemKind::QuotaUnavailable(_) => "not there: the shared rate limit failed closed",
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
    /// A problem: the response's status, headers and (raw, unredacted) body, why it was
    /// rejected, and the secrets of the client that made the request.
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        kind: ProblemKind,
        secrets: Secrets,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            kind,
            secrets,
        }
    }

    /// The problem a rejected response carries ([`BodyProblem::into_response`]).
    pub(crate) fn of(response: &reqwest::Response) -> Option<&BodyProblem> {
        response.extensions().get::<BodyProblem>()
    }

    /// The problem inside a streamed body's read error: a download's body cap.
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

    /// The rejected response for the generated code to hand back: status [`REJECTED`], no
    /// body, this problem in its extensions.
    pub(crate) fn into_response(self, version: http::Version) -> reqwest::Response {
        let secrets = self.secrets.clone();
        let mut response = rebuild(
            REJECTED,
            version,
            HeaderMap::new(),
            reqwest::Body::from(Bytes::new()),
            None,
            &secrets,
        );
        response.extensions_mut().insert(self);
        response
    }
}

/// The status of a rejected response: one no spec documents, so the generated code hands the
/// response back as `UnexpectedResponse` without reading it.
pub(crate) const REJECTED: StatusCode = match StatusCode::from_u16(999) {
    Ok(status) => status,
    Err(_) => panic!("999 is a valid status code"),
};

/// The body of a response the exec hook buffered, in its extensions.
#[derive(Clone, Debug)]
pub(crate) struct Buffered(pub(crate) Bytes);

/// A response for the generated code. Its URL is a fixed placeholder, never the request's
/// (which may hold a key), parsed once; it carries the client's secrets, and its body when
/// `buffered`, in its extensions.
pub(crate) fn rebuild(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: reqwest::Body,
    buffered: Option<Bytes>,
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
    if let Some(bytes) = buffered {
        rebuilt.extensions_mut().insert(Buffered(bytes));
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

/// The status the server sent: a rejected response's own, else the response's.
pub(crate) fn status_sent(response: &reqwest::Response) -> StatusCode {
    BodyProblem::of(response).map_or(response.status(), |problem| problem.status)
}
