//! `?` on a generated call: `From<progenitor_client::Error<G>>` for [`Error`].
//!
//! The generated `send()` returns progenitor's error type. With this impl,
//! `client.get_tag().tagid("x").send().await?` works in a function returning the crate's
//! `Error`, and the result is the same typed error that [`crate::ResultExt::payload`] gives.
//!
//! `From` cannot await, and [`Error::from_generated`] only awaits one thing: the body of a
//! response with an undocumented status. The exec hook ([`crate::exec::execute`]) buffers
//! every body it passes on except a file download's, so that read completes on its first
//! poll and is taken without waiting; a body still streaming from the network (an
//! undocumented success status of a download operation) is left unread.

use bytes::Bytes;
use futures::FutureExt;

use crate::error::{ErrorBody, RawResponse};
use crate::exec::tunnel::secrets_of;
use crate::Error;

impl<G: ErrorBody> From<progenitor_client::Error<G>> for Error<G::Error> {
    fn from(err: progenitor_client::Error<G>) -> Self {
        let unread = match &err {
            progenitor_client::Error::UnexpectedResponse(response) => Some((
                response.status(),
                response.headers().clone(),
                secrets_of(response),
            )),
            _ => None,
        };
        match Error::from_generated(err).now_or_never() {
            Some(converted) => converted,
            // Only reading an undocumented response's body can be pending.
            None => match unread {
                Some((status, headers, secrets)) => Error::UnexpectedStatus {
                    response: RawResponse::redacted(&secrets, status, headers, &Bytes::new()),
                },
                None => Error::InvalidRequest(
                    "internal: converting the generated error did not complete".to_owned(),
                ),
            },
        }
    }
}
