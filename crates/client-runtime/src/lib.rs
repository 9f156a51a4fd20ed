//! The shared runtime of the generated API clients (`liveagent`, `contiple`).
//!
//! Each API crate is generated from its spec by `cargo xtask generate` and keeps only what is
//! its own: its credentials and how they authenticate a request ([`Credentials`]), how its
//! error envelope is recognised ([`exec::Protocol`], [`ApiError`]) and its wire formats.
//! Everything else lives here once, and the glue between the two (the client's hooks and
//! [`ApiClient`] impl) is generated:
//!
//! - [`ClientBuilder`] / [`ApiClient`]: base URL check, timeouts, user agent, no redirect
//!   following, no `Referer`;
//! - [`Credentials`]: what the generated hooks ask of an API's credentials;
//! - [`exec::execute`]: the exec-hook plumbing that buffers and inspects bodies in one pass;
//! - [`Error`], generic over the API's error payload ([`ApiError`], [`ErrorBody`]), with the
//!   HTTP status, headers and raw body (bounded to [`MAX_ERROR_BODY`]), what a caller acts on
//!   ([`Error::is_retryable`], [`Error::api_code`], [`Error::location`]), and a `From` impl
//!   for the generated methods' error so that `?` works on `send().await`;
//! - [`decode`]: success bodies decoded strictly (an array is not an object) with the JSON
//!   path of what failed;
//! - [`Envelope`], [`ResultExt::payload`], [`DownloadExt::download`];
//! - [`redact`]: every registered secret masked wherever it appears;
//! - wire formats both APIs use: [`CommaList`], [`JsonEncoded`], [`Base64Data`];
//! - [`OptionalValue`]: what the generated body builders' optional-field setters accept.

#![warn(missing_docs)]

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
mod optional_value;
pub mod redact;
mod strict_json;

pub use base64_data::Base64Data;
pub use builder::{check_base_url, ApiClient, ClientBuilder};
pub use comma_list::CommaList;
pub use credentials::Credentials;
pub use envelope::{decode_response, Download, DownloadExt, Envelope, ResultExt};
pub use error::{ApiError, Error, ErrorBody, MAX_ERROR_BODY};
pub use json_text::JsonEncoded;
pub use optional_value::{Given, MaybeGiven, OptionalValue};
