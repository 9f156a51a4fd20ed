//! Typed [`httpmock`] mocks of every `liveagent` operation, for testing your own code that
//! calls LiveAgent: generated from `spec/liveagent-v1.yaml` by progenitor's httpmock
//! generator (`cargo xtask generate`), so expectations and responses take the client's own
//! types.
//!
//! [`MockServerExt`] adds one method per operation to `httpmock::MockServer`; its `when`
//! matches the operation's method and path and has a setter per parameter (an optional one
//! takes `None` to require its absence), its `then` a method per documented response
//! (`ok(&envelope)`, `internal_server_error(&error)`). Point the client at the mock
//! server's `base_url()`:
//!
//! ```
//! use liveagent::{ApiKey, Client, ResultExt};
//! use liveagent_httpmock::MockServerExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), liveagent::Error> {
//! let server = httpmock::MockServer::start_async().await;
//! let envelope: liveagent::types::TagDetailsEnvelope = serde_json::from_value(serde_json::json!({
//!     "response": {"id": "sh3j", "name": "VIP"}
//! })).unwrap();
//! let mock = server.get_tag(|when, then| {
//!     when.tagid("sh3j");
//!     then.ok(&envelope);
//! });
//! let client = Client::new(&server.base_url(), ApiKey::new("test-key"))?;
//! let tag = client.get_tag().tagid("sh3j").send().await.payload().await?;
//! assert_eq!(tag.name.as_deref(), Some("VIP"));
//! mock.assert();
//! # Ok(()) }
//! ```
//!
//! The `apikey` query parameter the client adds is not part of any expectation.

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, unused_variables)]
mod generated;

pub use generated::*;
