//! Authentication and response inspection, run by the generated client around every request.
//!
//! The generated [`Client`] carries an [`ApiKey`] as its hook state. The `pre` hook adds it as
//! the `apikey` query parameter, which is how LiveAgent v1 authenticates. The `exec` hook
//! buffers each response body and checks what generation cannot express: a body that is not
//! JSON (an HTML error page), an error envelope sent with a success status, or an error body
//! that is not the documented envelope. Such a response reaches the generated code as a body
//! read failure carrying a [`BodyProblem`], which [`crate::Error`] turns back into a typed error
//! with the HTTP status and the raw body.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;

use crate::Client;

/// A LiveAgent API key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps an API key (from the account's API settings).
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the query parameter.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Why a response could not be handed to the generated decoder as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// The body is not JSON (an HTML error page, a truncated body).
    NotJson(String),
    /// An error status, or a success status with `{"response": {"status": "ERROR", ...}}`:
    /// [`crate::Error`] decodes the envelope from the raw body.
    ErrorEnvelope,
}

/// A response body the hooks rejected, with what the caller needs to see.
#[derive(Debug, Clone)]
pub(crate) struct BodyProblem {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) kind: ProblemKind,
}

impl std::fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {:?}", self.status, self.kind)
    }
}

impl std::error::Error for BodyProblem {}

/// Checks a buffered body against the envelope rules; `None` when it can go to the decoder.
pub(crate) fn inspect(status: StatusCode, body: &[u8]) -> Option<ProblemKind> {
    // Checks the syntax without building a value.
    if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Some(ProblemKind::NotJson(err.to_string()));
    }
    if status.is_client_error() || status.is_server_error() {
        return Some(ProblemKind::ErrorEnvelope);
    }
    (status.is_success() && is_error_envelope(body)).then_some(ProblemKind::ErrorEnvelope)
}

/// Whether a (syntactically valid) JSON body is `{"response": {"status": "ERROR", ...}}`.
/// Bodies without the text `"ERROR"` are not decoded at all.
fn is_error_envelope(body: &[u8]) -> bool {
    const MARKER: &[u8] = b"\"ERROR\"";
    if !body.windows(MARKER.len()).any(|w| w == MARKER) {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| {
        value
            .get("response")
            .and_then(|r| r.get("status"))
            .and_then(serde_json::Value::as_str)
            == Some("ERROR")
    })
}

impl ClientHooks<ApiKey> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("apikey", self.inner().expose());
        tracing::debug!(
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            "liveagent request"
        );
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // reqwest errors carry the URL, and the URL carries the key: drop it.
        let response = self
            .client()
            .execute(request)
            .await
            .map_err(reqwest::Error::without_url)?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(reqwest::Error::without_url)?;
        tracing::debug!(
            operation = info.operation_id,
            status = status.as_u16(),
            bytes = body.len(),
            "liveagent response"
        );
        let body = match inspect(status, &body) {
            None => reqwest::Body::from(body),
            Some(kind) => {
                let problem = BodyProblem { status, body, kind };
                reqwest::Body::wrap_stream(futures::stream::once(async move {
                    Err::<Bytes, _>(problem)
                }))
            }
        };
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}

#[cfg(test)]
mod tests {
    use super::{inspect, ProblemKind};
    use reqwest::StatusCode;

    #[test]
    fn inspects_bodies() {
        let ok = StatusCode::OK;
        assert_eq!(inspect(ok, br#"{"response":{"status":"OK"}}"#), None);
        assert_eq!(
            inspect(ok, br#"{"response":{"subject":"\"ERROR\""}}"#),
            None
        );
        assert_eq!(
            inspect(ok, br#"{"response":{"status":"ERROR"}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert_eq!(
            inspect(StatusCode::NOT_FOUND, br#"{"response":{}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert!(matches!(
            inspect(StatusCode::BAD_GATEWAY, b"<html></html>"),
            Some(ProblemKind::NotJson(_))
        ));
        assert!(matches!(
            inspect(StatusCode::NO_CONTENT, b""),
            Some(ProblemKind::NotJson(_))
        ));
    }
}
