//! [`Envelope`] and [`ResultExt`]: from a generated call's result to the payload the caller
//! wants, or one typed [`Error`].

use std::future::Future;

use bytes::Bytes;
use futures::TryStreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;

use crate::api::Api;
use crate::Error;

/// A response type wrapped in its API's envelope (LiveAgent's `{"response": ...}`, Contiple's
/// `{"header": ..., "result": ...}`), the error body among them.
///
/// Implemented by [`crate::api_glue!`] for every envelope component of a spec.
pub trait Envelope {
    /// The API whose envelope this is.
    type Api: Api;

    /// The type inside the envelope.
    type Payload;

    /// Unwraps the envelope.
    fn into_payload(self) -> Self::Payload;
}

/// Completes a generated call: `client.operation().parameter(…).send().await.payload().await?`.
/// `A` is the API (the generated error body `G` says which).
pub trait ResultExt<T, A: Api> {
    /// The envelope's payload, or an [`Error`].
    fn payload(self) -> impl Future<Output = Result<T::Payload, Error<A>>> + Send
    where
        T: Envelope;

    /// The decoded body, envelope included, or an [`Error`].
    fn into_value(self) -> impl Future<Output = Result<T, Error<A>>> + Send;
}

impl<T, G> ResultExt<T, G::Api> for Result<ResponseValue<T>, progenitor_client::Error<G>>
where
    T: DeserializeOwned + Send,
    G: Envelope + Send,
    G::Api: Api<ErrorBody = G>,
{
    async fn payload(self) -> Result<T::Payload, Error<G::Api>>
    where
        T: Envelope,
    {
        self.into_value().await.map(Envelope::into_payload)
    }

    async fn into_value(self) -> Result<T, Error<G::Api>> {
        match self {
            Ok(value) => Ok(value.into_inner()),
            Err(err) => Err(Error::from_generated(err)),
        }
    }
}

/// A downloaded file: what an operation whose success body is not JSON returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The response's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The response's `Content-Disposition`, if any (carries the file name).
    pub content_disposition: Option<String>,
    /// The file's bytes.
    pub bytes: Bytes,
}

/// Completes a generated call whose success body is a file.
///
/// The file is capped at the client's body limit ([`crate::ClientBuilder::max_body_bytes`],
/// 64 MiB by default): a larger one fails with [`Error::BodyTooLarge`]. A success response
/// that is the API's JSON error envelope instead of a file is [`Error::Api`].
pub trait DownloadExt<A: Api> {
    /// Reads the whole file, or returns an [`Error`].
    fn download(self) -> impl Future<Output = Result<Download, Error<A>>> + Send;
}

impl<G> DownloadExt<G::Api> for Result<ResponseValue<ByteStream>, progenitor_client::Error<G>>
where
    G: Envelope + Send,
    G::Api: Api<ErrorBody = G>,
{
    async fn download(self) -> Result<Download, Error<G::Api>> {
        let value = match self {
            Ok(value) => value,
            Err(err) => return Err(Error::from_generated(err)),
        };
        let header = |name: http::header::HeaderName| {
            value
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(http::header::CONTENT_TYPE);
        let content_disposition = header(http::header::CONTENT_DISPOSITION);
        // The exec hook caps the stream at the client's body limit (a `BodyProblem`).
        let chunks: Vec<Bytes> = value
            .into_inner()
            .into_inner()
            .try_collect()
            .await
            .map_err(Error::from_body_stream)?;
        Ok(Download {
            content_type,
            content_disposition,
            bytes: chunks.concat().into(),
        })
    }
}

/// Decodes a response of a hand-written operation the way generated code does: the success
/// type for 200 ([`crate::decode::json`]), the error envelope for 4xx and 5xx, anything else
/// as an undocumented status. The response must have gone through [`crate::exec::execute`].
pub async fn decode_response<A, T>(
    response: reqwest::Result<reqwest::Response>,
) -> Result<T, Error<A>>
where
    A: Api,
    T: DeserializeOwned + Send,
{
    let response = response.map_err(Error::from_transport)?;
    let result: Result<ResponseValue<T>, progenitor_client::Error<A::ErrorBody>> =
        match response.status().as_u16() {
            200 => crate::decode::success_response::<A, T, A::ErrorBody>(response).await,
            400..=599 => {
                match ResponseValue::<A::ErrorBody>::from_response::<A::ErrorBody>(response).await {
                    Ok(value) => Err(progenitor_client::Error::ErrorResponse(value)),
                    Err(err) => Err(err),
                }
            }
            _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
        };
    result
        .map(ResponseValue::into_inner)
        .map_err(Error::from_generated)
}
