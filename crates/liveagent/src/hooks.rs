//! Authentication and error detection: what is LiveAgent's own in the client's hooks (written
//! by the shared runtime's `api_glue!`, which the generated client invokes).
//!
//! The generated [`crate::Client`] carries an [`ApiKey`] as its hook state; its `pre` hook
//! calls [`helpdesk_client_runtime::__private::Credentials::authenticate`], which adds the `apikey` query
//! parameter, how LiveAgent v1 authenticates. Its `exec` hook is the shared runtime's;
//! `LiveAgent` tells it the API's name and how an error envelope looks: `{"response":
//! {"status": "ERROR", ...}}`, which LiveAgent may send with a success status.

use helpdesk_client_runtime::__private::{Api, SpecFacts, State};
use secrecy::{ExposeSecret as _, SecretString};

use crate::types;

/// A LiveAgent API key. Its `Debug` never shows the key, every error and log line of the
/// client that holds it masks it, and its memory is zeroized when the last client holding it
/// is dropped.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps an API key (from the account's API settings).
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// The key itself, for the query parameter.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
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

/// LiveAgent, as the shared runtime needs to know it: its name, its credentials and its
/// error envelope, `{"response": {"status": "ERROR", "statuscode", "errormessage"}}`.
pub struct LiveAgent;

impl Api for LiveAgent {
    const NAME: &'static str = "LiveAgent";
    /// Generated from the spec's `x-sdk`.
    const SPEC: SpecFacts = crate::generated::SPEC;
    type Credentials = ApiKey;
    type Client = crate::Client;
    type ErrorBody = types::ErrorEnvelope;
    type ErrorPayload = types::Error;

    fn client(base_url: &str, http: reqwest::Client, state: State<ApiKey>) -> crate::Client {
        crate::Client::new_with_client(base_url, http, state)
    }

    fn error_code(error: &types::Error) -> Option<String> {
        error.statuscode.as_ref().map(ToString::to_string)
    }

    fn error_message(error: &types::Error) -> Option<String> {
        error.errormessage.clone()
    }

    /// `{"response": {"status": "ERROR", ...}}` with any scalar types.
    fn loose_error(body: &serde_json::Value) -> Option<types::Error> {
        let response = body.get("response")?.as_object()?;
        let text = |name: &str| {
            response
                .get(name)
                .and_then(helpdesk_client_runtime::__private::loose_text)
        };
        if text("status").as_deref() != Some("ERROR") {
            return None;
        }
        Some(types::Error {
            status: text("status"),
            statuscode: text("statuscode").and_then(|code| code.parse().ok()),
            errormessage: text("errormessage"),
            debugmessage: text("debugmessage"),
        })
    }
}

impl helpdesk_client_runtime::__private::Credentials for ApiKey {
    /// LiveAgent v1 authenticates with the `apikey` query parameter.
    fn authenticate(&self, request: &mut reqwest::Request) {
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("apikey", self.expose());
    }

    /// The API key, which a server may echo in any spelling.
    fn secrets(&self) -> Vec<&str> {
        vec![self.expose()]
    }

    /// LiveAgent limits each API key: clients with the same key share one budget.
    fn rate_limit_key(&self) -> String {
        format!(
            "liveagent:{}",
            helpdesk_client_runtime::__private::secret_fingerprint(self.expose())
        )
    }
}
