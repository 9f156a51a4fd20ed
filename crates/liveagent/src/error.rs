//! [`Error`]: every way a call can fail, with the HTTP status and raw body where there was a
//! response, and [`ResultExt`] to get it (and the envelope's payload) from a generated call.
//!
//! Secrets stay out: transport errors are rendered without their URL (which holds the
//! `apikey` query parameter), and any `apikey=` left in a message is masked.

use std::future::Future;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use crate::hooks::{BodyProblem, ProblemKind};
use crate::types::{self, ErrorEnvelope};
use crate::Envelope;

/// What the generated methods return as their error.
pub type GeneratedError = progenitor_client::Error<ErrorEnvelope>;

/// A failed LiveAgent call. `Debug` and `Display` mask any `apikey=` value, even one the
/// server echoed in a body.
#[non_exhaustive]
pub enum Error {
    /// The API answered with its error envelope (`"status": "ERROR"`), with an error status or,
    /// as LiveAgent may do, with a success status.
    Api {
        /// HTTP status of the response.
        status: StatusCode,
        /// The envelope's contents: `statuscode`, `errormessage`, `debugmessage`.
        error: Box<types::Error>,
        /// The raw response body.
        body: Bytes,
    },
    /// The body is JSON but not of the documented shape (a wrong type, a missing envelope).
    Decode {
        /// HTTP status of the response.
        status: StatusCode,
        /// What did not match, with its JSON path where known.
        message: String,
        /// The raw response body.
        body: Bytes,
    },
    /// The body is not JSON at all, e.g. an HTML error page from a proxy.
    NotJson {
        /// HTTP status of the response.
        status: StatusCode,
        /// The JSON parser's complaint.
        message: String,
        /// The raw response body.
        body: Bytes,
    },
    /// A status the spec does not document (e.g. a redirect or `204`).
    UnexpectedStatus {
        /// HTTP status of the response.
        status: StatusCode,
        /// The raw response body.
        body: Bytes,
    },
    /// The request timed out.
    Timeout {
        /// What timed out (never contains the API key).
        message: String,
    },
    /// Connecting, sending or receiving failed (never contains the API key).
    Transport {
        /// The transport error, without its URL.
        message: String,
    },
    /// The request could not be built, e.g. a required parameter was not set.
    InvalidRequest(String),
}

impl Error {
    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::Decode { status, .. }
            | Self::NotJson { status, .. }
            | Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::Timeout { .. } | Self::Transport { .. } | Self::InvalidRequest(_) => None,
        }
    }

    /// The raw response body, when there was a response.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Api { body, .. }
            | Self::Decode { body, .. }
            | Self::NotJson { body, .. }
            | Self::UnexpectedStatus { body, .. } => Some(body),
            Self::Timeout { .. } | Self::Transport { .. } | Self::InvalidRequest(_) => None,
        }
    }

    /// A transport-level error, rendered without the URL that holds the API key.
    pub(crate) fn from_transport(err: reqwest::Error) -> Self {
        let timed_out = is_timeout(&err);
        let message = redact(&error_chain(&err.without_url()));
        if timed_out {
            Self::Timeout { message }
        } else {
            Self::Transport { message }
        }
    }

    /// Turns a generated method's error into an [`Error`], reading the body of an undocumented
    /// response.
    pub async fn from_generated(err: GeneratedError) -> Self {
        match err {
            progenitor_client::Error::InvalidRequest(message)
            | progenitor_client::Error::Custom(message) => Self::InvalidRequest(redact(&message)),
            progenitor_client::Error::CommunicationError(err)
            | progenitor_client::Error::InvalidUpgrade(err) => Self::from_transport(err),
            progenitor_client::Error::ResponseBodyError(err) => match find_problem(&err) {
                Some(problem) => Self::from_problem(problem.clone()),
                None => Self::from_transport(err),
            },
            progenitor_client::Error::ErrorResponse(value) => {
                // The hooks hand every error status to us as a `BodyProblem`, so this arm only
                // runs if they were bypassed; re-encode the decoded envelope as the body.
                let status = value.status();
                let envelope = value.into_inner();
                let body = Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default());
                Self::Api {
                    status,
                    error: Box::new(envelope.response),
                    body,
                }
            }
            progenitor_client::Error::InvalidResponsePayload(body, err) => {
                Self::undecodable_success(body, err.to_string())
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(body) => Self::UnexpectedStatus { status, body },
                    // The hooks rejected the body (not JSON, or an error envelope).
                    Err(err) => match find_problem(&err) {
                        Some(problem) if problem.kind == ProblemKind::ErrorEnvelope => {
                            Self::from_problem(problem.clone())
                        }
                        Some(problem) => Self::UnexpectedStatus {
                            status,
                            body: problem.body.clone(),
                        },
                        None => Self::from_transport(err),
                    },
                }
            }
        }
    }

    /// A success body that did not decode into the operation's type. The generated code
    /// decodes the success type only for the one documented success status of every
    /// operation, 200, so that is the status.
    fn undecodable_success(body: Bytes, message: String) -> Self {
        Self::Decode {
            status: StatusCode::OK,
            message,
            body,
        }
    }

    fn from_problem(problem: BodyProblem) -> Self {
        let BodyProblem { status, body, kind } = problem;
        match kind {
            ProblemKind::NotJson(message) => Self::NotJson {
                status,
                message,
                body,
            },
            ProblemKind::ErrorEnvelope => {
                let mut deserializer = serde_json::Deserializer::from_slice(&body);
                match serde_path_to_error::deserialize::<_, ErrorEnvelope>(&mut deserializer) {
                    Ok(envelope) => Self::Api {
                        status,
                        error: Box::new(envelope.response),
                        body,
                    },
                    Err(err) => Self::Decode {
                        status,
                        message: format!("error envelope at `{}`: {}", err.path(), err.inner()),
                        body,
                    },
                }
            }
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api { status, error, .. } => {
                write!(f, "LiveAgent API error (HTTP {status}")?;
                if let Some(code) = &error.statuscode {
                    write!(f, ", statuscode {code}")?;
                }
                write!(f, ")")?;
                if let Some(message) = &error.errormessage {
                    write!(f, ": {}", redact(message))?;
                }
                Ok(())
            }
            Self::Decode {
                status, message, ..
            } => write!(
                f,
                "LiveAgent response (HTTP {status}) does not match the spec: {message}"
            ),
            Self::NotJson {
                status, message, ..
            } => write!(
                f,
                "LiveAgent response (HTTP {status}) is not JSON: {message}"
            ),
            Self::UnexpectedStatus { status, body } => write!(
                f,
                "LiveAgent answered with undocumented HTTP {status} ({} body bytes)",
                body.len()
            ),
            Self::Timeout { message } => write!(f, "LiveAgent request timed out: {message}"),
            Self::Transport { message } => write!(f, "LiveAgent request failed: {message}"),
            Self::InvalidRequest(message) => write!(f, "invalid LiveAgent request: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = |body: &Bytes| redact(&String::from_utf8_lossy(body));
        match self {
            Self::Api {
                status,
                error,
                body: raw,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("error", &redact(&format!("{error:?}")))
                .field("body", &body(raw))
                .finish(),
            Self::Decode {
                status,
                message,
                body: raw,
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("message", &redact(message))
                .field("body", &body(raw))
                .finish(),
            Self::NotJson {
                status,
                message,
                body: raw,
            } => f
                .debug_struct("NotJson")
                .field("status", status)
                .field("message", message)
                .field("body", &body(raw))
                .finish(),
            Self::UnexpectedStatus { status, body: raw } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("body", &body(raw))
                .finish(),
            Self::Timeout { message } => {
                f.debug_struct("Timeout").field("message", message).finish()
            }
            Self::Transport { message } => f
                .debug_struct("Transport")
                .field("message", message)
                .finish(),
            Self::InvalidRequest(message) => {
                f.debug_tuple("InvalidRequest").field(message).finish()
            }
        }
    }
}

/// Completes a generated call: `client.get_tag().tagid("x").send().await.payload().await?`.
pub trait ResultExt<T> {
    /// The envelope's payload (what is inside `{"response": ...}`), or an [`Error`].
    fn payload(self) -> impl Future<Output = Result<T::Payload, Error>> + Send
    where
        T: Envelope;

    /// The decoded body, envelope included, or an [`Error`].
    fn into_value(self) -> impl Future<Output = Result<T, Error>> + Send;
}

impl<T: serde::de::DeserializeOwned + Send> ResultExt<T>
    for Result<ResponseValue<T>, GeneratedError>
{
    async fn payload(self) -> Result<T::Payload, Error>
    where
        T: Envelope,
    {
        self.into_value().await.map(Envelope::into_payload)
    }

    async fn into_value(self) -> Result<T, Error> {
        match self {
            Ok(value) => Ok(value.into_inner()),
            Err(progenitor_client::Error::InvalidResponsePayload(body, err)) => {
                // Decode again, knowing the target type, to name the JSON path that failed.
                let mut deserializer = serde_json::Deserializer::from_slice(&body);
                let message = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                    Err(err) => format!("at `{}`: {}", err.path(), err.inner()),
                    Ok(_) => err.to_string(),
                };
                Err(Error::undecodable_success(body, message))
            }
            Err(err) => Err(Error::from_generated(err).await),
        }
    }
}

fn find_problem(err: &reqwest::Error) -> Option<&BodyProblem> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if let Some(problem) = current.downcast_ref::<BodyProblem>() {
            return Some(problem);
        }
        source = current.source();
    }
    None
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

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(current) = source {
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
    }
    text
}

/// Masks the value of every `apikey=` in a message.
pub(crate) fn redact(message: &str) -> String {
    const KEY: &str = "apikey=";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(KEY) {
        out.push_str(&rest[..at + KEY.len()]);
        out.push_str("<redacted>");
        rest = &rest[at + KEY.len()..];
        let end = rest
            .find(|c: char| c == '&' || c == '#' || c.is_whitespace() || c == '"' || c == ')')
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_every_api_key() {
        assert_eq!(
            redact("GET http://h/api/tags?apikey=s3cret&x=1 and apikey=other"),
            "GET http://h/api/tags?apikey=<redacted>&x=1 and apikey=<redacted>"
        );
        assert_eq!(redact("no key here"), "no key here");
    }
}
