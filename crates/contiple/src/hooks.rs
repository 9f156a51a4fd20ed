//! Error detection: what is Contiple's own in the client's `exec` hook (the shared runtime's
//! [`helpdesk_client_runtime::__private::exec::execute`], hooked up by its `api_glue!`, which the generated client
//! invokes).
//!
//! `Contiple` tells it the API's name, its credentials and how an error envelope looks:
//! `"header": {"isSuccessful": false}`, which Contiple may send with HTTP 200. Signing, the
//! `pre` hook's part, is in [`crate::signing`].

use helpdesk_client_runtime::__private::{Api, SpecFacts, State};

use crate::{types, Credentials};

/// Contiple, as the shared runtime needs to know it: its name, its credentials and its error
/// envelope, `{"header": {"isSuccessful": false, "resultCode", "resultMessage"}}`.
pub struct Contiple;

impl Api for Contiple {
    const NAME: &'static str = "Contiple";
    /// Generated from the spec's `x-sdk`.
    const SPEC: SpecFacts = crate::generated::SPEC;
    type Credentials = Credentials;
    type Client = crate::Client;
    type ErrorBody = types::ErrorEnvelope;
    type ErrorPayload = types::ResponseHeader;

    fn client(base_url: &str, http: reqwest::Client, state: State<Credentials>) -> crate::Client {
        crate::Client::new_with_client(base_url, http, state)
    }

    fn error_code(error: &types::ResponseHeader) -> Option<String> {
        Some(error.result_code.to_string())
    }

    fn error_message(error: &types::ResponseHeader) -> Option<String> {
        error.result_message.clone().filter(|m| !m.is_empty())
    }

    /// `{"header": {"resultCode", "resultMessage", "isSuccessful"}}` with any scalar types.
    fn loose_error(body: &serde_json::Value) -> Option<types::ResponseHeader> {
        let header = body.get("header")?.as_object()?;
        let text = |name: &str| {
            header
                .get(name)
                .and_then(helpdesk_client_runtime::__private::loose_text)
        };
        Some(types::ResponseHeader {
            result_code: text("resultCode")
                .and_then(|code| code.trim().parse::<f64>().ok())
                .map_or(0, |code| code as i64),
            result_message: text("resultMessage"),
            is_successful: text("isSuccessful").as_deref() == Some("true"),
        })
    }
}
