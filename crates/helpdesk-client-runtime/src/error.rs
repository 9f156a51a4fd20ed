//! [`Error`]: every way a call can fail, generic over the API's error payload. The variants
//! that had a response share one [`RawResponse`] (HTTP status, headers, raw body, bounded);
//! [`ErrorKind`] names the variant.
//!
//! Secrets stay out: transport errors are kept without their URL, and everything an error
//! keeps of a response (headers, body, the API's message, decode messages) is redacted when
//! the error is built, with the secrets of the client that made the request (see
//! [`crate::redact`]), before any truncation. `Display`, `Debug`, [`Error::body`],
//! [`Error::headers`] and [`Error::api_message`] show only redacted text, and cost the same
//! however many clients the process holds.

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::exec::tunnel::{secrets_of, BodyProblem, ProblemKind};
use crate::redact::{mask_query_keys, Secrets};

/// An API's error payload: what its error envelope carries (LiveAgent's
/// `{"status": "ERROR", "statuscode", "errormessage"}`, Contiple's `header`), as [`Error`]
/// shows it. Implemented by [`crate::api_glue!`] from the API's [`crate::Api`] impl.
pub trait ApiError: fmt::Debug + Send + Sync + 'static {
    /// The API's name, for messages (`LiveAgent`, `Contiple`).
    const API: &'static str;
    /// The name of the payload's code field, for messages (`statuscode`, `resultCode`).
    const CODE_FIELD: &'static str;

    /// The API's own error code, if the payload has one.
    fn code(&self) -> Option<String>;

    /// The API's own error message, if the payload has one.
    fn message(&self) -> Option<String>;

    /// The payload read leniently from an error body whose fields have odd types (a code
    /// sent as `""`, a message as a number), so that it still surfaces as an API error;
    /// `None` when the body is not the API's error envelope at all.
    fn from_loose_json(body: &serde_json::Value) -> Option<Self>
    where
        Self: Sized;
}

/// A JSON scalar as text: strings as they are, numbers and booleans printed; `None` for
/// `null`, objects and arrays. For [`crate::Api::loose_error`].
pub fn loose_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The generated type of an API's error body: the envelope around its [`ApiError`] payload.
/// Implemented by [`crate::api_glue!`] for the component the API's settings name.
pub trait ErrorBody: DeserializeOwned + serde::Serialize + Send {
    /// The payload inside the envelope.
    type Error: ApiError;

    /// Unwraps the envelope.
    fn into_error(self) -> Self::Error;
}

/// At most this many bytes of a response body are kept in an error.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// The first [`MAX_ERROR_BODY`] bytes of a body, redacted first.
fn redacted_bounded(secrets: &Secrets, body: &Bytes) -> Bytes {
    let redacted = redacted(secrets, body);
    if redacted.len() > MAX_ERROR_BODY {
        redacted.slice(..MAX_ERROR_BODY)
    } else {
        redacted
    }
}

/// A body with the secrets masked (the same bytes when none occurs).
fn redacted(secrets: &Secrets, body: &Bytes) -> Bytes {
    match secrets.redact_bytes(body) {
        std::borrow::Cow::Borrowed(_) => body.clone(),
        std::borrow::Cow::Owned(masked) => Bytes::from(masked),
    }
}

/// Headers with the secrets masked in their values (and a header whose name holds one
/// renamed `x-redacted`).
fn redacted_headers(secrets: &Secrets, headers: HeaderMap) -> HeaderMap {
    let needs = headers.iter().any(|(name, value)| {
        matches!(
            secrets.redact_bytes(name.as_str().as_bytes()),
            std::borrow::Cow::Owned(_)
        ) || matches!(
            secrets.redact_bytes(value.as_bytes()),
            std::borrow::Cow::Owned(_)
        )
    });
    if !needs {
        return headers;
    }
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut name = None;
    for (key, value) in headers {
        // `into_iter` names a header once, before all its values.
        if let Some(key) = key {
            name = Some(match secrets.redact_bytes(key.as_str().as_bytes()) {
                std::borrow::Cow::Borrowed(_) => key,
                std::borrow::Cow::Owned(_) => http::HeaderName::from_static("x-redacted"),
            });
        }
        let Some(name) = name.clone() else { continue };
        let value = match secrets.redact_bytes(value.as_bytes()) {
            std::borrow::Cow::Borrowed(_) => value,
            std::borrow::Cow::Owned(masked) => http::HeaderValue::from_bytes(&masked)
                .unwrap_or_else(|_| http::HeaderValue::from_static(crate::redact::MASK)),
        };
        out.append(name, value);
    }
    out
}

/// What an error keeps of the response it was built from, the client's secrets masked in
/// all of it when the error was built.
#[derive(Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Response headers (a redirect's `Location` among them).
    pub headers: HeaderMap,
    /// The raw response body: its first [`MAX_ERROR_BODY`] bytes, masked before the cut.
    pub body: Bytes,
}

impl RawResponse {
    /// The parts of `status`, `headers` and `body` that an error keeps, with `secrets`
    /// masked, the body cut to [`MAX_ERROR_BODY`] bytes after masking.
    pub(crate) fn redacted(
        secrets: &Secrets,
        status: StatusCode,
        headers: HeaderMap,
        body: &Bytes,
    ) -> Box<Self> {
        Box::new(Self {
            status,
            headers: redacted_headers(secrets, headers),
            body: redacted_bounded(secrets, body),
        })
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// A failed call. `E` is the API's error payload ([`ApiError`]).
///
/// The variants that had a response share its [`RawResponse`]; [`Error::kind`] names the
/// variant, and [`Error::status`], [`Error::headers`] and [`Error::body`] read the response
/// whatever the variant.
#[non_exhaustive]
pub enum Error<E> {
    /// The API answered with its error envelope, with an error status or (as both APIs may do)
    /// with a success status.
    Api {
        /// The response.
        response: Box<RawResponse>,
        /// The envelope's payload.
        error: Box<E>,
    },
    /// The body is JSON but not of the documented shape (a wrong type, a missing envelope).
    Decode {
        /// The response.
        response: Box<RawResponse>,
        /// What did not match, with its JSON path where known.
        message: String,
    },
    /// The body is not JSON at all, e.g. an HTML error page from a proxy, or a truncated body.
    NotJson {
        /// The response.
        response: Box<RawResponse>,
        /// The JSON parser's complaint.
        message: String,
    },
    /// A status the spec does not document (e.g. a redirect or `204`).
    UnexpectedStatus {
        /// The response (a redirect's `Location` among its headers).
        response: Box<RawResponse>,
    },
    /// The response body is larger than the client's cap
    /// (the client builder's `max_body_bytes`); reading stopped there.
    BodyTooLarge {
        /// The response, with the start of the body.
        response: Box<RawResponse>,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The request timed out.
    Timeout {
        /// What timed out (never contains a secret).
        message: String,
        /// The transport error, without its URL.
        source: Option<reqwest::Error>,
    },
    /// Connecting, sending or receiving failed.
    Transport {
        /// The transport error's chain, rendered without its URL.
        message: String,
        /// The transport error, without its URL.
        source: Option<reqwest::Error>,
    },
    /// The request could not be built, e.g. a required parameter was not set.
    InvalidRequest(String),
}

/// Which variant an [`Error`] is, without its data: for logs, metrics and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Api`].
    Api,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::NotJson`].
    NotJson,
    /// [`Error::UnexpectedStatus`].
    UnexpectedStatus,
    /// [`Error::BodyTooLarge`].
    BodyTooLarge,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::InvalidRequest`].
    InvalidRequest,
}

impl ErrorKind {
    /// The variant's name (`"NotJson"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "Api",
            Self::Decode => "Decode",
            Self::NotJson => "NotJson",
            Self::UnexpectedStatus => "UnexpectedStatus",
            Self::BodyTooLarge => "BodyTooLarge",
            Self::Timeout => "Timeout",
            Self::Transport => "Transport",
            Self::InvalidRequest => "InvalidRequest",
        }
    }
}

impl<E> Error<E> {
    /// Which variant this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Api { .. } => ErrorKind::Api,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::NotJson { .. } => ErrorKind::NotJson,
            Self::UnexpectedStatus { .. } => ErrorKind::UnexpectedStatus,
            Self::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::InvalidRequest(_) => ErrorKind::InvalidRequest,
        }
    }

    /// The response, when there was one (the client's secrets masked).
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Self::Api { response, .. }
            | Self::Decode { response, .. }
            | Self::NotJson { response, .. }
            | Self::UnexpectedStatus { response }
            | Self::BodyTooLarge { response, .. } => Some(response),
            Self::Timeout { .. } | Self::Transport { .. } | Self::InvalidRequest(_) => None,
        }
    }

    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|response| response.status)
    }

    /// Response headers, when there was a response (the client's secrets masked).
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response().map(|response| &response.headers)
    }

    /// The raw response body (its first [`MAX_ERROR_BODY`] bytes, the client's secrets masked
    /// before the cut), when there was a response.
    pub fn body(&self) -> Option<&Bytes> {
        self.response().map(|response| &response.body)
    }

    /// The API's error payload, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later: a timeout, a failure to
    /// connect or transfer, or one of the statuses the client's own retries take
    /// ([`crate::retry::is_retryable_status`]: 429, 502, 503, 504), whatever the body says (a
    /// 503 arrives as [`Error::Api`], [`Error::Decode`] or [`Error::NotJson`] depending on who
    /// answered). Whether a retry is safe (the method is idempotent) is the caller's call.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => !source.as_ref().is_some_and(|s| s.is_builder()),
            Self::InvalidRequest(_) => false,
            _ => self.status().is_some_and(crate::retry::is_retryable_status),
        }
    }

    /// Where a redirect points: the `Location` header of a 3xx response (redirects are never
    /// followed; a redirect usually means a wrong base URL, e.g. `http://` for `https://`).
    pub fn location(&self) -> Option<&str> {
        let status = self.status()?;
        if !status.is_redirection() {
            return None;
        }
        self.headers()?
            .get(http::header::LOCATION)
            .and_then(|value| value.to_str().ok())
    }

    /// A transport-level error, kept without the URL (which may hold a key).
    pub fn from_transport(err: reqwest::Error) -> Self {
        let err = err.without_url();
        if is_timeout(&err) {
            Self::Timeout {
                message: timeout_phase(&err).to_owned(),
                source: Some(err),
            }
        } else {
            let message = mask_query_keys(&error_chain(&err)).into_owned();
            Self::Transport {
                message,
                source: Some(err),
            }
        }
    }

    /// A success body that did not decode into the operation's type, met outside the
    /// client's exec hook (which would have said which client made it: see
    /// [`crate::decode::success_response`]). The generated code decodes the success type only
    /// for the one documented success status of every operation, 200, so that is the status.
    fn undecodable_success(body: Bytes, message: String) -> Self {
        let secrets = Secrets::none();
        Self::Decode {
            response: RawResponse::redacted(&secrets, StatusCode::OK, HeaderMap::new(), &body),
            message: secrets.redact_string(&message),
        }
    }

    /// Turns a generated method's error into an [`Error`], reading the body of an undocumented
    /// response.
    pub async fn from_generated<G>(err: progenitor_client::Error<G>) -> Self
    where
        G: ErrorBody<Error = E>,
        E: ApiError,
    {
        match err {
            progenitor_client::Error::InvalidRequest(message)
            | progenitor_client::Error::Custom(message) => {
                Self::InvalidRequest(mask_query_keys(&message).into_owned())
            }
            progenitor_client::Error::CommunicationError(err)
            | progenitor_client::Error::InvalidUpgrade(err) => Self::from_transport(err),
            progenitor_client::Error::ResponseBodyError(err) => match BodyProblem::find(&err) {
                Some(problem) => Self::from_problem::<G>(problem.clone()),
                None => Self::from_transport(err),
            },
            progenitor_client::Error::ErrorResponse(value) => {
                // The exec hook hands every error status to us as a `BodyProblem`, so this arm
                // only runs if it was bypassed; re-encode the decoded envelope as the body.
                let status = value.status();
                let headers = value.headers().clone();
                let body = Bytes::from(serde_json::to_vec(&value.into_inner()).unwrap_or_default());
                Self::from_problem::<G>(BodyProblem {
                    status,
                    headers,
                    body,
                    kind: ProblemKind::ErrorEnvelope,
                    secrets: Secrets::none(),
                })
            }
            progenitor_client::Error::InvalidResponsePayload(body, err) => {
                Self::undecodable_success(body, err.to_string())
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let secrets = secrets_of(&response);
                match response.bytes().await {
                    Ok(body) => Self::UnexpectedStatus {
                        response: RawResponse::redacted(&secrets, status, headers, &body),
                    },
                    // The exec hook rejected the body (not JSON, or an error envelope).
                    Err(err) => match BodyProblem::find(&err) {
                        Some(problem)
                            if matches!(
                                problem.kind,
                                ProblemKind::ErrorEnvelope | ProblemKind::TooLarge(_)
                            ) =>
                        {
                            Self::from_problem::<G>(problem.clone())
                        }
                        Some(problem) => Self::UnexpectedStatus {
                            response: RawResponse::redacted(
                                &problem.secrets,
                                status,
                                headers,
                                &problem.body,
                            ),
                        },
                        None => Self::from_transport(err),
                    },
                }
            }
        }
    }

    /// The typed error for a body the exec hook (or the 200 decoder) rejected: everything
    /// kept of the response is redacted here, with the secrets of the client that made the
    /// request, before the body is cut to [`MAX_ERROR_BODY`] bytes; the API's error payload is
    /// decoded from the redacted body, so its message is redacted too.
    pub(crate) fn from_problem<G>(problem: BodyProblem) -> Self
    where
        G: ErrorBody<Error = E>,
        E: ApiError,
    {
        let BodyProblem {
            status,
            headers,
            body,
            kind,
            secrets,
        } = problem;
        let message = |text: &str| secrets.redact_string(text);
        let headers = redacted_headers(&secrets, headers);
        // `body`: already masked and cut.
        let response = |body: Bytes| {
            Box::new(RawResponse {
                status,
                headers,
                body,
            })
        };
        match kind {
            ProblemKind::NotJson(text) => Self::NotJson {
                message: message(&text),
                response: response(redacted_bounded(&secrets, &body)),
            },
            ProblemKind::Decode(text) => Self::Decode {
                message: message(&text),
                response: response(redacted_bounded(&secrets, &body)),
            },
            ProblemKind::TooLarge(limit) => Self::BodyTooLarge {
                limit,
                response: response(redacted_bounded(&secrets, &body)),
            },
            ProblemKind::ErrorEnvelope => {
                // Masked whole first, so that the payload's message is masked too.
                let body = redacted(&secrets, &body);
                let mut deserializer = serde_json::Deserializer::from_slice(&body);
                let error = match serde_path_to_error::deserialize::<_, G>(&mut deserializer) {
                    Ok(envelope) => Ok(envelope.into_error()),
                    Err(err) => serde_json::from_slice(&body)
                        .ok()
                        .and_then(|value| E::from_loose_json(&value))
                        .ok_or_else(|| {
                            format!("error envelope at `{}`: {}", err.path(), err.inner())
                        }),
                };
                let response = response(redacted_bounded(&Secrets::none(), &body));
                match error {
                    Ok(error) => Self::Api {
                        response,
                        error: Box::new(error),
                    },
                    Err(text) => Self::Decode {
                        message: message(&text),
                        response,
                    },
                }
            }
        }
    }
}

impl<E: ApiError> Error<E> {
    /// The API's own error code ([`Error::Api`]): LiveAgent's `statuscode`, Contiple's
    /// `resultCode`.
    pub fn api_code(&self) -> Option<String> {
        self.api_error().and_then(ApiError::code)
    }

    /// The API's own error message ([`Error::Api`]): LiveAgent's `errormessage`, Contiple's
    /// `resultMessage`. As the server sent it, with the client's secrets masked.
    pub fn api_message(&self) -> Option<String> {
        self.api_error().and_then(ApiError::message)
    }
}

impl<E: ApiError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = E::API;
        let status = self.status().unwrap_or_default();
        let body_bytes = self.body().map_or(0, Bytes::len);
        match self {
            Self::Api { error, .. } => {
                write!(f, "{api} API error (HTTP {status}")?;
                if let Some(code) = error.code() {
                    write!(f, ", {} {}", E::CODE_FIELD, code)?;
                }
                write!(f, ")")?;
                if let Some(message) = error.message() {
                    write!(f, ": {}", message)?;
                }
                Ok(())
            }
            Self::Decode { message, .. } => write!(
                f,
                "{api} response (HTTP {status}) does not match the spec: {}",
                message
            ),
            Self::NotJson { message, .. } => {
                write!(f, "{api} response (HTTP {status}) is not JSON: {}", message)
            }
            Self::UnexpectedStatus { .. } if status.is_redirection() => {
                write!(f, "{api} answered with a redirect (HTTP {status}) ")?;
                match self.location() {
                    Some(location) => write!(f, "to {}", location)?,
                    None => write!(f, "without a Location")?,
                }
                write!(
                    f,
                    ", which is not followed ({body_bytes} body bytes); check the base URL \
                     (https:// rather than http://, the right host and path)"
                )
            }
            Self::UnexpectedStatus { .. } => write!(
                f,
                "{api} answered with undocumented HTTP {status} ({body_bytes} body bytes)"
            ),
            Self::BodyTooLarge { limit, .. } => write!(
                f,
                "{api} response (HTTP {status}) is larger than the client's limit of {limit} bytes"
            ),
            Self::Timeout { message, .. } => {
                write!(f, "{api} request timed out: {}", message)
            }
            Self::Transport { message, .. } => {
                write!(f, "{api} request failed: {}", message)
            }
            Self::InvalidRequest(message) => {
                write!(f, "invalid {api} request: {}", message)
            }
        }
    }
}

impl<E: ApiError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Timeout {
                source: Some(err), ..
            }
            | Self::Transport {
                source: Some(err), ..
            } => Some(err),
            _ => None,
        }
    }
}

/// The variant's name and fields, the response's flattened (`status`, `headers`, then the
/// variant's own, then `body`); never a transport error's source, which `Display` describes.
impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(self.kind().name());
        if let Some(response) = self.response() {
            out.field("status", &response.status)
                .field("headers", &format!("{:?}", response.headers));
        }
        match self {
            Self::Api { error, .. } => out.field("error", error),
            Self::Decode { message, .. }
            | Self::NotJson { message, .. }
            | Self::Timeout { message, .. }
            | Self::Transport { message, .. }
            | Self::InvalidRequest(message) => out.field("message", message),
            Self::BodyTooLarge { limit, .. } => out.field("limit", limit),
            Self::UnexpectedStatus { .. } => &mut out,
        };
        if let Some(response) = self.response() {
            out.field("body", &String::from_utf8_lossy(&response.body));
        }
        out.finish()
    }
}

/// What was under way when a request timed out, in words (reqwest says "error decoding
/// response body" when the body stalls).
fn timeout_phase(err: &reqwest::Error) -> &'static str {
    if err.is_connect() {
        "no connection within the connect timeout"
    } else if err.is_body() || err.is_decode() {
        "the response body did not arrive within the timeout (the server may have processed \
         the request)"
    } else {
        "no response within the timeout (the server may have processed the request)"
    }
}

fn is_timeout(err: &reqwest::Error) -> bool {
    if err.is_timeout() {
        return true;
    }
    let mut source = std::error::Error::source(err);
    while let Some(current) = source {
        if current.to_string().contains("timed out") {
            return true;
        }
        source = current.source();
    }
    false
}

pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(current) = source {
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::HeaderMap;
    use reqwest::StatusCode;

    use super::{ApiError, Error, ErrorBody, ErrorKind};
    use crate::exec::tunnel::{BodyProblem, ProblemKind};
    use crate::redact::Secrets;

    #[derive(Debug)]
    struct Payload;

    impl ApiError for Payload {
        const API: &'static str = "Test";
        const CODE_FIELD: &'static str = "code";

        fn code(&self) -> Option<String> {
            None
        }

        fn message(&self) -> Option<String> {
            None
        }

        fn from_loose_json(_: &serde_json::Value) -> Option<Self> {
            None
        }
    }

    #[derive(serde::Deserialize, serde::Serialize)]
    struct Envelope {}

    impl ErrorBody for Envelope {
        type Error = Payload;

        fn into_error(self) -> Payload {
            Payload
        }
    }

    /// An error built from a rejected body, as the exec hook hands it on.
    fn from_problem(kind: ProblemKind, body: &str) -> Error<Payload> {
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", "key-0123456789abcdef".parse().unwrap());
        let problem = BodyProblem {
            status: StatusCode::BAD_GATEWAY,
            headers,
            body: Bytes::copy_from_slice(body.as_bytes()),
            kind,
            secrets: Secrets::new(["key-0123456789abcdef"]),
        };
        Error::from_problem::<Envelope>(problem)
    }

    #[test]
    fn the_response_is_one_part_read_the_same_for_every_variant() {
        let cases = [
            (
                ProblemKind::NotJson("expected value".to_owned()),
                ErrorKind::NotJson,
            ),
            (ProblemKind::Decode("at `.`".to_owned()), ErrorKind::Decode),
            (ProblemKind::TooLarge(8), ErrorKind::BodyTooLarge),
        ];
        for (problem, kind) in cases {
            let err = from_problem(problem, "<html>key-0123456789abcdef</html>");
            assert_eq!(err.kind(), kind);
            assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
            let response = err.response().expect("a response");
            assert_eq!(err.body(), Some(&response.body));
            assert_eq!(response.body, "<html><redacted></html>");
            assert_eq!(response.headers["x-echo"], "<redacted>");
            let debug = format!("{err:?}");
            assert!(
                debug.starts_with(&format!("{} {{ status: 502", kind.name())),
                "{debug}"
            );
            assert!(!debug.contains("0123456789abcdef"), "{debug}");
        }
        let err = Error::<Payload>::InvalidRequest("base URL".to_owned());
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.response().is_none() && err.status().is_none());
        assert_eq!(
            format!("{err:?}"),
            r#"InvalidRequest { message: "base URL" }"#
        );
    }
}
