//! Building an [`Error`] from a failed send or body read: a timeout or a transport failure, told
//! apart by the retry loop's classifier ([`crate::retry::transport_reason`]), kept without the
//! URL (which may hold a key).

use super::Error;
use crate::redact::mask_query_keys;
use crate::retry::{transport_reason, RetryReason};

impl<E> Error<E> {
    /// A transport-level error, kept without the URL (which may hold a key). For the command
    /// lines; not covered by semver.
    #[doc(hidden)]
    pub fn from_transport(err: reqwest::Error) -> Self {
        let err = err.without_url();
        if transport_reason(&err) == Some(RetryReason::Timeout) {
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
