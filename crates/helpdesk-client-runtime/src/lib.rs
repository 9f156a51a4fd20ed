//! The shared runtime of the generated API clients (`liveagent`, `contiple`).
//!
//! Each API crate is generated from its spec by `cargo xtask generate` and keeps only what is
//! its own: its credentials and how they authenticate a request ([`Credentials`]), the API as
//! the runtime needs to know it: its name and error envelope ([`Api`]), and its wire formats.
//! Everything else lives here once, and so does the glue between the two ([`api_glue!`],
//! which every generated client invokes):
//!
//! - [`ClientBuilder`] / [`ApiClient`]: base URL check, timeouts, user agent, no redirect
//!   following, no `Referer`;
//! - [`Credentials`]: what the generated hooks ask of an API's credentials;
//! - [`exec`]: the exec hook ([`exec::execute`]): transport, inspection of every body in one
//!   pass, and the tunnelling of rejected responses through the generated code;
//! - [`Error`], generic over the API's error payload ([`ApiError`], [`ErrorBody`]), with the
//!   response ([`RawResponse`]: HTTP status, headers and raw body, bounded to
//!   [`MAX_ERROR_BODY`]), its variant ([`Error::kind`]), what a caller acts on
//!   ([`Error::is_retryable`], [`Error::api_code`], [`Error::location`]), and a `From` impl
//!   for the generated methods' error so that `?` works on `send().await`;
//! - [`decode`]: success bodies decoded strictly (an array is not an object) with the JSON
//!   path of what failed;
//! - [`Envelope`], [`ResultExt::payload`], [`DownloadExt::download`];
//! - [`redact`]: each client's secrets ([`redact::Secrets`]) masked in every spelling in
//!   everything its errors and log lines show, when the error is built (no process-wide
//!   registry);
//! - [`retry`], [`limit`], [`paginate`]: retries with backoff and `Retry-After`, a shared
//!   client-side rate limiter, pagination streams; responses over a size cap
//!   ([`ClientBuilder::max_body_bytes`]) fail with [`Error::BodyTooLarge`]; one tracing span
//!   per request (`api_request`: api, operation, method, path, status, attempt, latency);
//! - wire formats both APIs use: [`CommaList`], [`JsonEncoded`], [`Base64Data`];
//! - [`OptionalValue`]: what the generated body builders' optional-field setters accept;
//! - [`RawRequest`]: `client.raw(method, path)`, the escape hatch to endpoints a spec does not
//!   document, through the same path as the generated operations;
//! - [`reexports`]: what every API crate re-exports at its root, so that a user needs no other
//!   dependency for anything the crate's public signatures take or return.
//!
//! # Defaults
//!
//! Timeouts: 10 s to connect, 30 s per attempt. Retries: 4 attempts within 60 s, GET, PUT
//! and DELETE only, on 429, 502, 503, 504, connection failures and timeouts, exponential
//! backoff from 250 ms to 30 s with jitter, `Retry-After` honoured. Rate limit: the vendor's
//! published one (LiveAgent 180 requests per minute per API key; Contiple none). Body cap:
//! 64 MiB; errors keep at most 64 KiB of a body.
//!
//! # Why these crates
//!
//! - No backoff or rate-limiter crate: the backoff ([`retry`]) and the GCRA limiter
//!   ([`limit`]) are a few dozen lines each here, where `backon` and `governor` cost a user's
//!   clean build fourteen packages (Cargo.toml says why each dependency stays).
//! - `serde_path_to_error` to name the JSON path of a decode failure; `tracing` for spans and
//!   events (bridge `log` with `tracing-log` to see reqwest's own logs in the same place);
//!   `httpdate` for `Retry-After` dates.

#![warn(missing_docs)]

mod api;
mod base64_data;
mod builder;
mod comma_list;
mod credentials;
pub mod decode;
mod envelope;
mod error;
pub mod exec;
mod generated_error;
mod json_text;
pub mod limit;
mod optional_value;
pub mod paginate;
mod raw;
pub mod redact;
pub mod reexports;
pub mod retry;
mod state;
mod strict_json;
#[cfg(any(test, feature = "test-support"))]
pub mod wire_checks;

pub use api::{Api, ErrorEnvelope, MarkerValue};
pub use base64_data::Base64Data;
pub use builder::{check_base_url, install_crypto_provider, ApiClient, ClientBuilder};
pub use comma_list::CommaList;
pub use credentials::{secret_fingerprint, Credentials};
pub use envelope::{decode_response, Download, DownloadExt, Envelope, ResultExt};
pub use error::{loose_text, ApiError, Error, ErrorBody, ErrorKind, RawResponse, MAX_ERROR_BODY};
pub use json_text::JsonEncoded;
pub use limit::{Limiter, RateLimit};
pub use optional_value::{Given, MaybeGiven, OptionalValue};
pub use raw::RawRequest;
pub use retry::RetryPolicy;
pub use state::{Runtime, State, DEFAULT_MAX_BODY_BYTES};

/// What [`api_glue!`] expands to needs; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;
}
