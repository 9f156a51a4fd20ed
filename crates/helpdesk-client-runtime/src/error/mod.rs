//! [`Error`]: every way a call can fail, generic over the API's error payload. The variants
//! that had a response share one [`RawResponse`] (HTTP status, headers, raw body, bounded);
//! [`ErrorKind`] names the variant.
//!
//! This module holds the types and what a caller reads of them; building an error is split by
//! where it comes from: `convert` (progenitor's error and the responses the exec hook
//! rejected) and `transport` (a failed send or body read). The redaction they apply is
//! [`crate::redact`]'s.
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

use crate::api::Api;
use crate::redact::{redacted_bounded, redacted_headers, Secrets};

mod convert;
mod transport;

pub(crate) use transport::error_chain;

/// A JSON scalar as text: strings as they are, numbers and booleans printed; `None` for
/// `null`, objects and arrays. For [`crate::api::Api::loose_error`].
pub fn loose_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// At most this many bytes of a response body are kept in an error.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

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

/// A failed call to API `A` (each API crate names it `Error`).
///
/// The variants that had a response share its [`RawResponse`]; [`Error::kind`] names the
/// variant, and [`Error::status`], [`Error::headers`] and [`Error::body`] read the response
/// whatever the variant.
#[non_exhaustive]
pub enum Error<A: Api> {
    /// The API answered with its error envelope, with an error status or (as both APIs may do)
    /// with a success status.
    Api {
        /// The response.
        response: Box<RawResponse>,
        /// The envelope's payload.
        error: Box<A::ErrorPayload>,
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

impl<A: Api> Error<A> {
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
    pub fn api_error(&self) -> Option<&A::ErrorPayload> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later: a timeout, a failure to
    /// connect or transfer, or one of the statuses the client's own retries take
    /// (429, 502, 503, 504), whatever the body says (a
    /// 503 arrives as [`Error::Api`], [`Error::Decode`] or [`Error::NotJson`] depending on who
    /// answered). Whether a retry is safe (the method is idempotent) is the caller's call.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => source
                .as_ref()
                .is_some_and(|source| crate::retry::transport_reason(source).is_some()),
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
}

impl<A: Api> Error<A> {
    /// The API's own error code ([`Error::Api`]): LiveAgent's `statuscode`, Contiple's
    /// `resultCode`.
    pub fn api_code(&self) -> Option<String> {
        self.api_error().and_then(A::error_code)
    }

    /// The API's own error message ([`Error::Api`]): LiveAgent's `errormessage`, Contiple's
    /// `resultMessage`. As the server sent it, with the client's secrets masked.
    pub fn api_message(&self) -> Option<String> {
        self.api_error().and_then(A::error_message)
    }
}

impl<A: Api> fmt::Display for Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = A::NAME;
        let status = self.status().unwrap_or_default();
        let body_bytes = self.body().map_or(0, Bytes::len);
        match self {
            Self::Api { error, .. } => {
                write!(f, "{api} API error (HTTP {status}")?;
                if let Some(code) = A::error_code(error) {
                    write!(f, ", {} {}", A::SPEC.error_envelope.code_field, code)?;
                }
                write!(f, ")")?;
                if let Some(message) = A::error_message(error) {
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

impl<A: Api> std::error::Error for Error<A> {
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
impl<A: Api> fmt::Debug for Error<A> {
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

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::HeaderMap;
    use reqwest::StatusCode;

    use super::{Error, ErrorKind};
    use crate::api::testing::Status;
    use crate::exec::handover::{BodyProblem, ProblemKind};
    use crate::redact::Secrets;

    /// An error built from a rejected body, as the exec hook hands it on.
    fn from_problem(kind: ProblemKind, body: &str) -> Error<Status> {
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", "key-0123456789abcdef".parse().unwrap());
        let problem = BodyProblem::new(
            StatusCode::BAD_GATEWAY,
            headers,
            Bytes::copy_from_slice(body.as_bytes()),
            kind,
            Secrets::new(["key-0123456789abcdef"]),
        );
        Error::from_problem(problem)
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
        let err = Error::<Status>::InvalidRequest("base URL".to_owned());
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.response().is_none() && err.status().is_none());
        assert_eq!(
            format!("{err:?}"),
            r#"InvalidRequest { message: "base URL" }"#
        );
    }
}
