//! [`RawRequest`]: the escape hatch for what a spec does not document. `client.raw(method,
//! "path")` (written on every generated client by [`crate::api_glue!`]) builds a request to a
//! path relative to the client's base URL and sends it through the same exec hook as the
//! generated operations: authentication or signing, retries, the rate limiter, the body cap,
//! redaction of the client's secrets, error-envelope detection and the same typed [`Error`].

use progenitor_client::{ClientInfo, OperationInfo};
use serde::Serialize;

use crate::api::Api;
use crate::error::error_chain;
use crate::Error;

/// A request to an endpoint the spec does not document, made with `client.raw(method, path)`;
/// `path` is relative to the client's base URL (`"departments"`, `"tags/sh3j"`).
///
/// [`RawRequest::send`] returns the payload of the API's success envelope as JSON (the
/// member that the generated operations' envelopes unwrap) or the same [`Error`] as a
/// generated operation: the request is authenticated (or signed) with the client's
/// credentials, retried by the client's [`crate::RetryPolicy`] (by method), paced by its rate
/// limiter, capped at its body limit, and an error envelope (also one sent with HTTP 200)
/// becomes [`Error::Api`], with the client's secrets masked.
///
/// A 200 response is the success (its body must be a JSON object); any other success status
/// is [`Error::UnexpectedStatus`], as for a generated operation.
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'c, A: Api> {
    client: &'c A::Client,
    request: reqwest::RequestBuilder,
}

impl<'c, A: Api> RawRequest<'c, A> {
    /// A request with `method` to `path`, relative to `client`'s base URL (a leading `/` is
    /// ignored); [`crate::api_glue!`]'s `raw` method calls this.
    #[doc(hidden)]
    pub fn new(client: &'c A::Client, method: reqwest::Method, path: &str) -> Self {
        let url = format!(
            "{}/{}",
            client.baseurl().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        let request = client.client().request(method, url);
        Self { client, request }
    }

    /// Adds query parameters (anything `serde_urlencoded` serializes: `&[("limit", "10")]`,
    /// a struct, a map).
    pub fn query<T: Serialize + ?Sized>(self, query: &T) -> Self {
        self.map(|request| request.query(query))
    }

    /// Sends `form` as an `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize + ?Sized>(self, form: &T) -> Self {
        self.map(|request| request.form(form))
    }

    /// Sends `json` as an `application/json` body.
    pub fn json<T: Serialize + ?Sized>(self, json: &T) -> Self {
        self.map(|request| request.json(json))
    }

    fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        Self {
            client: self.client,
            request: f(self.request),
        }
    }

    /// Sends the request; the payload of the API's success envelope (`null` when the
    /// envelope has none), or an [`Error`] (see [`RawRequest`]).
    pub async fn send(self) -> Result<serde_json::Value, Error<A>> {
        let state = self.client.inner();
        let mut request = self.request.build().map_err(|err| {
            let message = error_chain(&err.without_url());
            Error::InvalidRequest(state.secrets().redact_string(&message))
        })?;
        crate::Credentials::authenticate(state.credentials(), &mut request);
        let info = OperationInfo {
            operation_id: "raw",
        };
        let response =
            crate::exec::execute::<A>(self.client.client(), state, request, &info, false).await;
        let mut envelope: serde_json::Map<String, serde_json::Value> =
            crate::decode_response::<A, _>(response).await?;
        Ok(envelope
            .remove(A::SPEC.payload_member)
            .unwrap_or(serde_json::Value::Null))
    }
}
