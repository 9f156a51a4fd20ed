//! Authentication and error detection: what the generated client runs around every request
//! that is LiveAgent's own.
//!
//! The generated [`Client`] carries an [`ApiKey`] as its hook state. The `pre` hook adds it as
//! the `apikey` query parameter, which is how LiveAgent v1 authenticates. The `exec` hook is
//! the shared runtime's ([`client_runtime::exec::execute`]); [`LiveAgent`] tells it how an error
//! envelope looks: `{"response": {"status": "ERROR", ...}}`, which LiveAgent may send with a
//! success status.

use client_runtime::exec::{Marker, Protocol};
use client_runtime::{ApiClient, ApiError};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{types, Client};

/// A LiveAgent API key. Its `Debug` never shows the key, and every error and log line of the
/// client masks it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps an API key (from the account's API settings).
    pub fn new(key: impl Into<String>) -> Self {
        let key = key.into();
        client_runtime::redact::register_secret(&key);
        Self(key)
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

/// LiveAgent's wire protocol, as the shared runtime needs to know it.
pub struct LiveAgent;

impl Protocol for LiveAgent {
    const NAME: &'static str = "liveagent";
    const ERROR_MARKER: &'static [&'static str] = &["response", "status"];

    fn is_error(marker: &Marker) -> bool {
        matches!(marker, Marker::Str(status) if status == "ERROR")
    }
}

impl ApiError for types::Error {
    const API: &'static str = "LiveAgent";
    const CODE_FIELD: &'static str = "statuscode";

    fn code(&self) -> Option<String> {
        self.statuscode.as_ref().map(ToString::to_string)
    }

    fn message(&self) -> Option<String> {
        self.errormessage.clone()
    }
}

impl ApiClient for Client {
    type Credentials = ApiKey;
    type ErrorPayload = types::Error;

    fn default_user_agent() -> String {
        concat!("liveagent-rs/", env!("CARGO_PKG_VERSION")).to_owned()
    }

    fn from_parts(base_url: &str, http: reqwest::Client, credentials: ApiKey) -> Self {
        Client::new_with_client(base_url, http, credentials)
    }
}

impl ClientHooks<ApiKey> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if crate::generated::SECURED_OPERATIONS.contains(&info.operation_id) {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair("apikey", self.inner().expose());
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let raw_body = crate::generated::RAW_BODY_OPERATIONS.contains(&info.operation_id);
        client_runtime::exec::execute::<LiveAgent>(self.client(), request, info, raw_body).await
    }
}
