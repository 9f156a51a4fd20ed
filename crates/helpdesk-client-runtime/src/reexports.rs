//! What every API crate re-exports at its root (`pub use helpdesk_client_runtime::reexports::*;`):
//! everything its public signatures take or return that is not its own, so that depending on
//! one API crate is enough. The list is written once, here.
//!
//! - configuring a client: [`RetryPolicy`], [`RateLimit`], and the [`reqwest`] crate (for
//!   `ClientBuilder::reqwest_builder` / `reqwest_client`);
//! - completing calls: [`ResultExt`], [`DownloadExt`], [`Download`], [`Envelope`], and
//!   [`SendError`], what a generated `send()` fails with before it becomes the crate's
//!   `Error` (`?` and `.payload()` convert it);
//! - errors: [`ErrorKind`], [`RawResponse`], [`ApiError`], [`MAX_ERROR_BODY`],
//!   [`StatusCode`], [`HeaderMap`], [`Bytes`];
//! - streams and exports: [`BoxStream`] and [`paginate`] (`report_every`, `write_json_lines`);
//! - the escape hatch: [`RawRequest`], [`Method`], and [`serde_json`] (its payloads are
//!   `serde_json::Value`);
//! - wire formats and setter arguments: [`CommaList`], [`JsonEncoded`], [`Base64Data`],
//!   [`OptionalValue`], [`Given`], [`MaybeGiven`];
//! - what progenitor's generated code names: [`ResponseValue`], [`ByteStream`], [`ClientInfo`],
//!   and the client's hook state [`State`] (with its [`Runtime`], [`Limiter`], [`Secrets`]);
//! - [`install_crypto_provider`].

pub use bytes::Bytes;
pub use futures::stream::BoxStream;
pub use progenitor_client::{ByteStream, ClientInfo, Error as SendError, ResponseValue};
pub use reqwest::{self, header::HeaderMap, Method, StatusCode};
pub use serde_json;

pub use crate::limit::Limiter;
pub use crate::paginate;
pub use crate::redact::Secrets;
pub use crate::{
    install_crypto_provider, ApiError, Base64Data, CommaList, Download, DownloadExt, Envelope,
    ErrorKind, Given, JsonEncoded, MaybeGiven, OptionalValue, RateLimit, RawRequest, RawResponse,
    ResultExt, RetryPolicy, Runtime, State, MAX_ERROR_BODY,
};
