//! What every API crate re-exports at its root (`pub use helpdesk_client_runtime::reexports::*;`):
//! what a user of that crate names that is not the crate's own, so that depending on one API
//! crate is enough. The list is written once, here.
//!
//! - configuring a client: [`RetryPolicy`], [`RateLimit`]; with the `redis` feature,
//!   `RedisQuota` and `SharedRateLimit` (a rate limit shared through Redis);
//! - completing calls: [`ResultExt`] (`.payload()`), [`DownloadExt`] (`.download()`) and its
//!   [`Download`]; [`ResponseValue`], what a generated `send()` returns on success (status,
//!   headers and the decoded body: `.into_inner()`), [`SendError`], what it fails with before
//!   `?` or `.payload()` turn it into the crate's `Error`, and [`ByteStream`], the body of a
//!   file operation's `send()`;
//! - errors: [`ErrorKind`], [`RawResponse`], and the types their accessors return:
//!   [`StatusCode`], [`HeaderMap`], [`Bytes`];
//! - streams: [`BoxStream`], what every `stream()` returns;
//! - the escape hatch: [`RawRequest`] (`client.raw(…)`), [`Method`];
//! - wire formats the setters take: [`CommaList`], [`JsonEncoded`], [`Base64Data`].
//!
//! Each API crate also re-exports the `reqwest` crate (for `ClientBuilder::reqwest_builder` and
//! `reqwest_client`) and the `serde_json` crate (raw requests return `serde_json::Value`) with
//! `#[doc(no_inline)] pub use {reqwest, serde_json};`: through a glob, rustdoc would copy both
//! crates' docs into the API crate's.

pub use bytes::Bytes;
pub use futures::stream::BoxStream;
pub use progenitor_client::{ByteStream, Error as SendError, ResponseValue};
pub use reqwest::{header::HeaderMap, Method, StatusCode};

pub use crate::{
    Base64Data, CommaList, Download, DownloadExt, ErrorKind, JsonEncoded, RateLimit, RawRequest,
    RawResponse, ResultExt, RetryPolicy,
};
#[cfg(feature = "redis")]
pub use crate::{RedisQuota, SharedRateLimit};
