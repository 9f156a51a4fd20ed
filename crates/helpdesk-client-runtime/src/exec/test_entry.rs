//! The test entry (feature `test-support`): a buffered body decoded as a call would decode
//! it, without a network.

use bytes::Bytes;
use http::HeaderMap;
use reqwest::StatusCode;

use super::inspect::{inspected, Inspect};
use crate::api::Api;
use crate::redact::Secrets;

/// Decodes a buffered response body of API `A` as an operation whose success type is `T`
/// would, without a network: the same inspection and the same typed errors. For tests and
/// tools (e.g. feeding recorded or fuzzed bodies through every response type).
pub async fn decode_bytes<A, T>(status: StatusCode, body: Bytes) -> Result<T, crate::Error<A>>
where
    A: Api,
    T: serde::de::DeserializeOwned + Send,
{
    let response = inspected::<A>(
        status,
        http::Version::HTTP_11,
        HeaderMap::new(),
        body,
        &Secrets::none(),
        Inspect::UnlessOk,
    );
    crate::decode_response::<A, T>(Ok(response)).await
}
