//! What every API crate re-exports at its root (`pub use helpdesk_client_runtime::reexports::*;`):
//! everything its public signatures take or return that is not its own, so that depending on
//! one API crate is enough. The list is written once, here.
//!
//! - configuring a client: [`RetryPolicy`], [`RateLimit`];
//! - completing calls: [`ResultExt`], [`DownloadExt`], [`Download`], [`Envelope`], and
//!   [`SendError`], what a generated `send()` fails with before it becomes the crate's
//!   `Error` (`?` and `.payload()` convert it);
//! - errors: [`ErrorKind`], [`RawResponse`], [`ApiError`], [`MAX_ERROR_BODY`],
//!   [`StatusCode`], [`HeaderMap`], [`Bytes`];
//! - streams and exports: [`BoxStream`] and [`paginate`] (`report_every`, `write_json_lines`);
//! - the escape hatch: [`RawRequest`], [`Method`];
//! - wire formats and setter arguments: [`CommaList`], [`JsonEncoded`], [`Base64Data`],
//!   [`OptionalValue`], [`Given`], [`MaybeGiven`];
//! - what progenitor's generated code names: [`ResponseValue`], [`ByteStream`], [`ClientInfo`],
//!   and the client's hook state [`State`] (with its [`Runtime`], [`Limiter`], [`Secrets`]);
//! - [`install_crypto_provider`].
//!
//! Each API crate also re-exports the `reqwest` crate (for `ClientBuilder::reqwest_builder` and
//! `reqwest_client`) and the `serde_json` crate (raw requests return `serde_json::Value`) with
//! `#[doc(no_inline)] pub use {reqwest, serde_json};`: through a glob, rustdoc would copy both
//! crates' docs into the API crate's.

pub use bytes::Bytes;
pub use futures::stream::BoxStream;
pub use progenitor_client::{ByteStream, ClientInfo, Error as SendError, ResponseValue};
pub use reqwest::{header::HeaderMap, Method, StatusCode};

pub use crate::limit::Limiter;
pub use crate::paginate;
pub use crate::redact::Secrets;
pub use crate::{
    install_crypto_provider, ApiError, Base64Data, CommaList, Download, DownloadExt, Envelope,
    ErrorKind, Given, JsonEncoded, MaybeGiven, OptionalValue, RateLimit, RawRequest, RawResponse,
    ResultExt, RetryPolicy, Runtime, State, MAX_ERROR_BODY,
};
