//! Rust client for the [LiveAgent](https://www.liveagent.com) v1 REST API.
//!
//! The client and its types are generated from `spec/liveagent-v1.yaml` by
//! `cargo xtask generate` (see [`Client`] and [`types`]); this crate adds the few things
//! generation cannot do:
//!
//! - [`ApiKey`]: every request carries the `apikey` query parameter, added by the client's
//!   hooks, and the key never shows in `Debug`, errors or logs;
//! - [`ClientBuilder`]: timeout, user agent, or your own `reqwest::Client`;
//! - [`Error`] and [`ResultExt::payload`]: one typed error carrying the HTTP status and the raw
//!   body, and unwrapping of the `{"response": ...}` envelope;
//! - the wire formats of LiveAgent's JSON: [`LaInt`], [`LaDateTime`], [`OpDateTime`],
//!   [`CommaList`] and [`JsonEncoded`].
//!
//! TLS: the `rustls` feature (default) or `native-tls`.
//!
//! # Example
//!
//! ```no_run
//! use liveagent::{ApiKey, Client, ResultExt};
//! use liveagent::types::ConversationStatus;
//!
//! # async fn run() -> Result<(), liveagent::Error> {
//! let client = Client::new("https://example.ladesk.com/api", ApiKey::new("secret"));
//! let list = client
//!     .list_conversations()
//!     .status(vec![ConversationStatus::New, ConversationStatus::Open].into_iter().collect::<liveagent::CommaList<_>>())
//!     .limit(50)
//!     .send()
//!     .await
//!     .payload()
//!     .await?;
//! for conversation in list.conversations {
//!     println!("{:?} {:?}", conversation.code, conversation.subject);
//! }
//! # Ok(())
//! # }
//! ```

mod client_builder;
mod error;
mod formats;
mod hooks;
mod json_field;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]
mod generated;

pub use client_builder::ClientBuilder;
pub use error::{Error, ResultExt};
pub use formats::{CommaList, LaDateTime, LaInt, OpDateTime};
pub use generated::*;
pub use hooks::ApiKey;
pub use json_field::JsonEncoded;

/// A response type wrapped in LiveAgent's `{"response": ...}` envelope.
///
/// Implemented by `cargo xtask generate` for every envelope component of the spec.
pub trait Envelope {
    /// The type inside `response`.
    type Payload;

    /// Unwraps the envelope.
    fn into_payload(self) -> Self::Payload;
}
