//! Error detection: what is Contiple's own in the `exec` hook that `cargo xtask generate`
//! writes for the client (the shared runtime's [`client_runtime::exec::execute`]).
//!
//! [`Contiple`] tells it how an error envelope looks: `"header": {"isSuccessful": false}`,
//! which Contiple may send with HTTP 200. Signing, the `pre` hook's part, is in
//! [`crate::signing`].

use client_runtime::exec::{Marker, Protocol};
use client_runtime::ApiError;

use crate::types;

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

    /// `{"header": {"resultCode", "resultMessage", "isSuccessful"}}` with any scalar types.
    fn from_loose_json(body: &serde_json::Value) -> Option<Self> {
        let header = body.get("header")?.as_object()?;
        let text = |name: &str| header.get(name).and_then(client_runtime::loose_text);
        Some(Self {
            result_code: text("resultCode")
                .and_then(|code| code.trim().parse::<f64>().ok())
                .map_or(0, |code| code as i64),
            result_message: text("resultMessage"),
            is_successful: text("isSuccessful").as_deref() == Some("true"),
        })
    }
}
