//! Signing and error detection: what the generated client runs around every request that is
//! Contiple's own.
//!
//! The generated [`Client`] carries [`Credentials`] as its hook state. The `pre` hook signs
//! every operation whose spec names the `ocSignature` scheme (see [`crate::signing`]), after
//! progenitor has added all its headers and the body, so nothing it adds can break the
//! signature. The `exec` hook is the shared runtime's ([`client_runtime::exec::execute`]);
//! [`Contiple`] tells it how an error envelope looks: `"header": {"isSuccessful": false}`,
//! which Contiple may send with HTTP 200.

use client_runtime::exec::{Marker, Protocol};
use client_runtime::{ApiClient, ApiError};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{types, Client, Credentials};

/// Contiple's wire protocol, as the shared runtime needs to know it.
pub struct Contiple;

impl Protocol for Contiple {
    const NAME: &'static str = "contiple";
    const ERROR_MARKER: &'static [&'static str] = &["header", "isSuccessful"];

    fn is_error(marker: &Marker) -> bool {
        *marker == Marker::Bool(false)
    }
}

impl ApiError for types::ResponseHeader {
    const API: &'static str = "Contiple";
    const CODE_FIELD: &'static str = "resultCode";

    fn code(&self) -> Option<String> {
        Some(self.result_code.to_string())
    }

    fn message(&self) -> Option<String> {
        self.result_message.clone().filter(|m| !m.is_empty())
    }
}

impl ApiClient for Client {
    type Credentials = Credentials;
    type ErrorPayload = types::ResponseHeader;

    fn default_user_agent() -> String {
        concat!("contiple-rs/", env!("CARGO_PKG_VERSION")).to_owned()
    }

    /// Every path starts with the service id: it goes into the base URL.
    fn from_parts(base_url: &str, http: reqwest::Client, credentials: Credentials) -> Self {
        let service: String =
            url::form_urlencoded::byte_serialize(credentials.service_id().as_bytes()).collect();
        Client::new_with_client(&format!("{base_url}/{service}"), http, credentials)
    }
}

impl ClientHooks<Credentials> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if crate::generated::SECURED_OPERATIONS.contains(&info.operation_id) {
            self.inner().sign_request(request);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let raw_body = crate::generated::RAW_BODY_OPERATIONS.contains(&info.operation_id);
        client_runtime::exec::execute::<Contiple>(self.client(), request, info, raw_body).await
    }
}
