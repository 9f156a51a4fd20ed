//! Building an [`Error`] from what the generated code fails with: progenitor's error (also as
//! `From`, for `?`), and the responses the exec hook (or the 200 decoder) rejected as a
//! [`BodyProblem`]. Everything an
//! error keeps of a response is redacted here, with the secrets of the client that made the
//! request.

use bytes::Bytes;
use http::HeaderMap;
use reqwest::StatusCode;

use super::{Error, RawResponse};
use crate::api::Api;
use crate::exec::handover::{secrets_of, BodyProblem, Buffered, ProblemKind};
use crate::redact::{mask_query_keys, redacted, redacted_bounded, redacted_headers, Secrets};
use crate::Envelope;

impl<A: Api> Error<A> {
    /// A success body that did not decode into the operation's type, met outside the
    /// client's exec hook (which would have said which client made it: see
    /// [`crate::decode::success_response`]). The generated code decodes the success type only
    /// for the one documented success status of every operation, 200, so that is the status.
    fn undecodable_success(body: Bytes, message: String) -> Self {
        let secrets = Secrets::none();
        Self::Decode {
            response: RawResponse::redacted(&secrets, StatusCode::OK, HeaderMap::new(), &body),
            message: secrets.redact_string(&message),
        }
    }

    /// Turns a generated method's error into an [`Error`]. Synchronous: what the exec hook saw
    /// of a response travels in its extensions (see `crate::exec::handover`), so nothing is
    /// read again. For `?`, `.payload()` and the command lines; not covered by semver.
    #[doc(hidden)]
    pub fn from_generated(err: progenitor_client::Error<A::ErrorBody>) -> Self {
        match err {
            progenitor_client::Error::InvalidRequest(message)
            | progenitor_client::Error::Custom(message) => {
                Self::InvalidRequest(mask_query_keys(&message).into_owned())
            }
            progenitor_client::Error::CommunicationError(err)
            | progenitor_client::Error::InvalidUpgrade(err)
            | progenitor_client::Error::ResponseBodyError(err) => Self::from_transport(err),
            progenitor_client::Error::ErrorResponse(value) => {
                // The exec hook rejects every error status (`BodyProblem`), so this arm only
                // runs if it was bypassed; re-encode the decoded envelope as the body.
                let status = value.status();
                let headers = value.headers().clone();
                let body = Bytes::from(serde_json::to_vec(&value.into_inner()).unwrap_or_default());
                Self::from_problem(BodyProblem::new(
                    status,
                    headers,
                    body,
                    ProblemKind::ErrorEnvelope,
                    Secrets::none(),
                ))
            }
            progenitor_client::Error::InvalidResponsePayload(body, err) => {
                Self::undecodable_success(body, err.to_string())
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                match BodyProblem::of(&response) {
                    Some(problem) => Self::from_rejected(problem.clone()),
                    None => {
                        // An undocumented status the exec hook passed on: its body, if it was
                        // buffered (a download's stream is left unread).
                        let body = response
                            .extensions()
                            .get::<Buffered>()
                            .map(|buffered| buffered.0.clone())
                            .unwrap_or_default();
                        Self::UnexpectedStatus {
                            response: RawResponse::redacted(
                                &secrets_of(&response),
                                response.status(),
                                response.headers().clone(),
                                &body,
                            ),
                        }
                    }
                }
            }
        }
    }

    /// The typed error for a rejected response, as the generated code would have met it
    /// under its real status: every operation documents `200`, `4XX` and `5XX`, so a rejected
    /// body with one of those is [`Self::from_problem`]'s, and one with any other status is
    /// an undocumented status, unless it is the API's error envelope or too large.
    fn from_rejected(problem: BodyProblem) -> Self {
        let documented = problem.status == StatusCode::OK
            || problem.status.is_client_error()
            || problem.status.is_server_error();
        if documented
            || matches!(
                problem.kind,
                ProblemKind::ErrorEnvelope
                    | ProblemKind::TooLarge(_)
                    | ProblemKind::QuotaUnavailable(_)
            )
        {
            return Self::from_problem(problem);
        }
        Self::UnexpectedStatus {
            response: RawResponse::redacted(
                &problem.secrets,
                problem.status,
                problem.headers,
                &problem.body,
            ),
        }
    }

    /// The typed error for a body the exec hook (or the 200 decoder) rejected: everything
    /// kept of the response is redacted here, with the secrets of the client that made the
    /// request, before the body is cut to [`MAX_ERROR_BODY`] bytes; the API's error payload is
    /// decoded from the redacted body, so its message is redacted too.
    pub(crate) fn from_problem(problem: BodyProblem) -> Self {
        let BodyProblem {
            status,
            headers,
            body,
            kind,
            secrets,
        } = problem;
        let message = |text: &str| secrets.redact_string(text);
        let headers = redacted_headers(&secrets, headers);
        // `body`: already masked and cut.
        let response = |body: Bytes| {
            Box::new(RawResponse {
                status,
                headers,
                body,
            })
        };
        match kind {
            ProblemKind::NotJson(text) => Self::NotJson {
                message: message(&text),
                response: response(redacted_bounded(&secrets, &body)),
            },
            ProblemKind::Decode(text) => Self::Decode {
                message: message(&text),
                response: response(redacted_bounded(&secrets, &body)),
            },
            ProblemKind::TooLarge(limit) => Self::BodyTooLarge {
                limit,
                response: response(redacted_bounded(&secrets, &body)),
            },
            // No request was sent (the shared quota failed closed): no response to keep.
            ProblemKind::QuotaUnavailable(text) => Self::Timeout {
                message: message(&text),
                source: None,
            },
            ProblemKind::ErrorEnvelope => {
                // Masked whole first, so that the payload's message is masked too.
                let body = redacted(&secrets, &body);
                let mut deserializer = serde_json::Deserializer::from_slice(&body);
                let error =
                    match serde_path_to_error::deserialize::<_, A::ErrorBody>(&mut deserializer) {
                        Ok(envelope) => Ok(envelope.into_payload()),
                        Err(err) => serde_json::from_slice(&body)
                            .ok()
                            .and_then(|value| A::loose_error(&value))
                            .ok_or_else(|| {
                                format!("error envelope at `{}`: {}", err.path(), err.inner())
                            }),
                    };
                let response = response(redacted_bounded(&Secrets::none(), &body));
                match error {
                    Ok(error) => Self::Api {
                        response,
                        error: Box::new(error),
                    },
                    Err(text) => Self::Decode {
                        message: message(&text),
                        response,
                    },
                }
            }
        }
    }
}

/// `?` on a generated call: `client.get_tag().tagid("x").send().await?` works in a function
/// returning the crate's `Error`, and gives the same typed error as
/// [`crate::ResultExt::payload`].
impl<A: Api> From<progenitor_client::Error<A::ErrorBody>> for Error<A> {
    fn from(err: progenitor_client::Error<A::ErrorBody>) -> Self {
        Error::from_generated(err)
    }
}
