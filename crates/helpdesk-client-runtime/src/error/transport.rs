//! Building an [`Error`] from a failed send or body read: a timeout or a transport failure, told
//! apart by the retry loop's classifier ([`crate::retry::transport_reason`]), kept without the
//! URL (which may hold a key).

use super::Error;
use crate::api::Api;
use crate::exec::handover::BodyProblem;
use crate::redact::mask_query_keys;
use crate::retry::{transport_reason, RetryReason};

impl<A: Api> Error<A> {
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

    /// An error met reading a file operation's body stream: the exec hook's cap on the body
    /// (a [`BodyProblem`] inside the error) or a transport failure. For
    /// [`crate::DownloadExt`] and the command lines; not covered by semver.
    #[doc(hidden)]
    pub fn from_body_stream(err: reqwest::Error) -> Self {
        match BodyProblem::find(&err) {
            Some(problem) => Self::from_problem(problem.clone()),
            None => Self::from_transport(err),
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
