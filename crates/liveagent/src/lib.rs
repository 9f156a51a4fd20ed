//! Rust client for the [LiveAgent](https://www.liveagent.com) v1 REST API.
//!
//! The client and its types are generated from `spec/liveagent-v1.yaml` by
//! `cargo xtask generate` (see [`Client`] and [`types`]); this crate adds the few things
//! generation cannot do:
//!
//! - [`ApiKey`]: every request carries the `apikey` query parameter, added by the client's
//!   hooks, and the key never shows in `Debug`, errors or logs;
//! - [`Client::new`] and [`ClientBuilder`]: a checked base URL, no redirect following, a
//!   timeout, user agent, or your own `reqwest::Client`;
//! - [`Error`] and [`ResultExt::payload`]: one typed error carrying the HTTP status and the raw
//!   body, and unwrapping of the `{"response": ...}` envelope;
//! - the wire formats of LiveAgent's JSON: [`LaInt`], [`LaDateTime`], [`OpDateTime`],
//!   [`CommaList`] and [`JsonEncoded`].
//!
//! TLS: the `rustls` feature (default) or `native-tls`.
//!
//! # Example
//!
//! ```
//! use liveagent::{ApiKey, Client, ResultExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), liveagent::Error> {
//! # let server = wiremock::MockServer::start().await;
//! # wiremock::Mock::given(wiremock::matchers::path("/api/tags/sh3j"))
//! #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(
//! #         r#"{"response":{"id":"sh3j","name":"VIP","is_archived":null,"color":"FFFFFF","bg_color":"0000FF"}}"#,
//! #         "application/json",
//! #     ))
//! #     .mount(&server)
//! #     .await;
//! # let base_url = format!("{}/api", server.uri());
//! // base_url is e.g. "https://example.ladesk.com/api"
//! let client = Client::new(&base_url, ApiKey::new("your-api-key"))?;
//! let tag = client.get_tag().tagid("sh3j").send().await.payload().await?;
//! assert_eq!(tag.name.as_deref(), Some("VIP"));
//! assert_eq!(tag.is_archived, None); // the docs' example sends `null`
//! # Ok(())
//! # }
//! ```
//!
//! Parameters take the spec's types; LiveAgent's comma lists and datetime filters have their
//! own:
//!
//! ```no_run
//! use liveagent::types::ConversationStatus;
//! use liveagent::{ApiKey, Client, CommaList, OpDateTime, ResultExt};
//!
//! # async fn run() -> Result<(), liveagent::Error> {
//! let client = Client::new("https://example.ladesk.com/api", ApiKey::new("your-api-key"))?;
//! let since = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
//! let list = client
//!     .list_conversations()
//!     .status(CommaList::from(vec![ConversationStatus::New, ConversationStatus::Open]))
//!     .datechanged(OpDateTime::gte(since))
//!     .limit(50)
//!     .send()
//!     .await
//!     .payload()
//!     .await?;
//! for conversation in list.conversations {
//!     println!("{:?}: {:?}", conversation.code, conversation.status);
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

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
