//! Rust client for the [LiveAgent](https://www.liveagent.com) v1 REST API.
//!
//! Start with [`Client::new`]: the account's API URL and an API key. Every operation is a
//! method on [`Client`] with a builder for its parameters; `.send().await` sends it and
//! [`.payload()`](ResultExt::payload) unwraps LiveAgent's `{"response": ...}` envelope:
//!
//! ```
//! use liveagent::prelude::*;
//! use liveagent::ApiKey;
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
//! Depending on this crate is enough: [`prelude`] brings [`Client`] and the traits calls are
//! completed with ([`ResultExt`], [`DownloadExt`]); [`ClientBuilder`] sets timeouts, the user
//! agent, retries ([`RetryPolicy`]) and the rate limit ([`RateLimit`]); paginated operations
//! have `.stream()` ([`BoxStream`] of rows); [`Error`] is the
//! one error of every call (its [`ErrorKind`], [`RawResponse`]). `send()` itself returns
//! progenitor's error ([`SendError`]), which `.payload()` and `?` turn into [`Error`].
//!
//! # Settings per call
//!
//! The builder's timeout, retries and body cap are the client's. `with_timeout`,
//! `with_retry` and `with_max_body_bytes` return a view of the client with one of them changed
//! for the calls made through it: a view is cheap (no new connection pool) and shares the
//! client's connections, rate limiter and key; the client itself is unchanged. Every
//! operation, `.stream()`, `.download()` and `raw` works through a view.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use futures::TryStreamExt as _;
//! use liveagent::{ApiKey, Client, RetryPolicy};
//!
//! # async fn run() -> Result<(), liveagent::Error> {
//! let client = Client::new("https://example.ladesk.com/api", ApiKey::new("your-api-key"))?;
//! // A long export: five minutes for each page, for this stream only.
//! let export = client.with_timeout(Duration::from_secs(300));
//! let mut conversations = export.list_conversations().stream();
//! while let Some(conversation) = conversations.try_next().await? {
//!     println!("{}", conversation.conversationid);
//! }
//! // One POST that is safe to send twice, retried like a GET.
//! let retried = client.with_retry(RetryPolicy { retry_non_idempotent: true, ..RetryPolicy::default() });
//! # let _ = retried;
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints the spec does not have
//!
//! [`Client::raw`] sends a request to any path under the base URL, with the same API key,
//! retries, rate limit, body cap, redaction and [`Error`] as the generated operations, and
//! returns the payload of the `{"response": ...}` envelope as JSON:
//!
//! ```
//! use liveagent::prelude::*;
//! use liveagent::{ApiKey, Method};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), liveagent::Error> {
//! # let server = wiremock::MockServer::start().await;
//! # wiremock::Mock::given(wiremock::matchers::path("/api/conversations"))
//! #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(
//! #         r#"{"response":{"conversationid":"a1b2c3d4","code":"AX4-B4T-FD8"}}"#,
//! #         "application/json",
//! #     ))
//! #     .mount(&server)
//! #     .await;
//! # wiremock::Mock::given(wiremock::matchers::path("/api/departments"))
//! #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(
//! #         r#"{"response":{"departments":[{"departmentid":"a5j9t4d8","name":"Support"}]}}"#,
//! #         "application/json",
//! #     ))
//! #     .mount(&server)
//! #     .await;
//! # let base_url = format!("{}/api", server.uri());
//! let client = Client::new(&base_url, ApiKey::new("your-api-key"))?;
//! let created = client
//!     .raw(Method::POST, "conversations")
//!     .form(&[
//!         ("message", "Where is my order?"),
//!         ("useridentifier", "jane@example.com"),
//!         ("subject", "Order 1234"),
//!     ])
//!     .send()
//!     .await?;
//! println!("created {}", created["conversationid"]);
//!
//! let departments = client.raw(Method::GET, "departments").send().await?;
//! assert_eq!(departments["departments"][0]["name"], "Support");
//! # Ok(())
//! # }
//! ```
//!
//! # What this crate adds to the generated client
//!
//! The client and its types are generated from `spec/liveagent-v1.yaml` by
//! `cargo xtask generate` (see [`Client`] and [`types`]); this crate adds the few things
//! generation cannot do:
//!
//! - [`ApiKey`]: every request carries the `apikey` query parameter, added by the client's
//!   hooks, and the key never shows in `Debug`, errors or logs;
//! - how an error envelope looks (`"status": "ERROR"`, also with HTTP 200), for the shared
//!   runtime's response inspection;
//! - the wire formats of LiveAgent's JSON: [`LaInt`], [`LaDateTime`], [`OpDateTime`].
//!
//! The rest comes from the shared `helpdesk-client-runtime` crate and is re-exported here:
//! [`ClientBuilder`] (a checked base URL, no redirect following, no `Referer`, timeouts, user
//! agent, or your own `reqwest::ClientBuilder`); [`Error`] (one typed error carrying the HTTP
//! status, headers and raw body); [`CommaList`], [`JsonEncoded`] and [`Base64Data`].
//!
//! Examples of the top tasks (list open conversations, reply, tag, upload a file, export) are
//! in the crate's `examples/` directory.
//!
//! Features: TLS is `rustls` (default; rustls with the `ring` crypto provider, which the
//! client's builder installs as the process default when none is), `rustls-aws-lc` (rustls with aws-lc-rs, reqwest's own default;
//! building `aws-lc-sys` needs cmake and a C compiler) or `native-tls`.
//!
//! # Filters
//!
//! Setters take what callers have: `&str`, numbers, enum values, arrays or comma text for
//! comma lists; LiveAgent's datetime filters have their own type:
//!
//! ```no_run
//! use liveagent::prelude::*;
//! use liveagent::types::ConversationStatus;
//! use liveagent::{ApiKey, OpDateTime};
//!
//! # async fn run() -> Result<(), liveagent::Error> {
//! let client = Client::new("https://example.ladesk.com/api", ApiKey::new("your-api-key"))?;
//! let since = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
//! let list = client
//!     .list_conversations()
//!     .status([ConversationStatus::New, ConversationStatus::Open])
//!     .datechanged(OpDateTime::gte(since))
//!     .limit(50)
//!     .send()
//!     .await
//!     .payload()
//!     .await?;
//! for conversation in list.conversations {
//!     println!("{}: {:?}", conversation.conversationid, conversation.status);
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

// The generated code names this crate's items by absolute paths (`::liveagent::…`), the same in
// the client, its CLI and its mocks: `cargo xtask generate` rewrites no paths.
extern crate self as liveagent;

mod custom_fields;
mod formats;
mod hooks;

/// `Client::new`, in a module before the generated one: rustdoc lists the methods of the
/// client's impl blocks in the order of their modules, so `new` comes first.
mod constructor {
    use crate::{ApiKey, Client, ClientBuilder, Error};

    impl Client {
        /// A client for the API at `base_url` (e.g. `https://example.ladesk.com/api`; a self-hosted
        /// installation's `https://host/api` works too) with the default settings of
        /// [`ClientBuilder`].
        ///
        /// Fails with [`Error::InvalidRequest`] when `base_url` is not an `http` or `https` URL
        /// without query, fragment or credentials.
        pub fn new(base_url: &str, api_key: impl Into<ApiKey>) -> Result<Self, Error> {
            ClientBuilder::new(base_url, api_key.into()).build()
        }
    }
}

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]
mod generated;

pub use formats::{LaDateTime, LaInt, OpDateTime};
pub use generated::{builder, types, Client};
pub use helpdesk_client_runtime::reexports::*;
pub use hooks::ApiKey;
#[doc(hidden)]
pub use hooks::LiveAgent;

// The `reqwest` and `serde_json` crates themselves, as links (see the runtime's `reexports`).
#[doc(no_inline)]
pub use {reqwest, serde_json};

/// `use liveagent::prelude::*;`: the client and the traits its calls are completed with.
pub mod prelude {
    pub use crate::{Client, DownloadExt, ResultExt};
}

/// A failed LiveAgent call: the shared runtime's error with LiveAgent's error payload
/// (`statuscode`, `errormessage`, `debugmessage`).
pub type Error = helpdesk_client_runtime::Error<LiveAgent>;

/// Builds a [`Client`]: timeouts, user agent, retries, rate limit, or a `reqwest::ClientBuilder`
/// of your own.
///
/// ```
/// use std::time::Duration;
/// use liveagent::{ApiKey, ClientBuilder, RetryPolicy};
///
/// let client = ClientBuilder::new("https://example.ladesk.com/api", ApiKey::new("key"))
///     .timeout(Duration::from_secs(30))
///     .user_agent("my-service/1.0")
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), liveagent::Error>(())
/// ```
pub type ClientBuilder = helpdesk_client_runtime::ClientBuilder<LiveAgent>;

#[cfg(test)]
mod tests {
    /// The TLS feature (by default `rustls` with the `ring` provider, installed by the
    /// builder) gives an HTTPS client without any setup; no request is sent.
    #[test]
    fn an_https_client_builds() {
        super::Client::new("https://example.ladesk.com/api", super::ApiKey::new("key"))
            .expect("an HTTPS client builds");
    }
}
