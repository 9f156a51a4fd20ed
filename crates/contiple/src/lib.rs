//! Rust client for the [Contiple](https://www.contiple.com) (NHN Cloud Online Contact) Open
//! API.
//!
//! Start with [`Client::new`]: the API's URL, the service id, the organization id and the
//! service's security key. Every operation is a method on [`Client`] with a builder for its
//! parameters; `.send().await` sends it (signed) and [`.payload()`](ResultExt::payload)
//! unwraps Contiple's `{"header": ..., "result": ...}` envelope:
//!
//! ```
//! use contiple::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), contiple::Error> {
//! # let server = wiremock::MockServer::start().await;
//! # wiremock::Mock::given(wiremock::matchers::path("/APISimple/openapi/v1/ticket/enduser/user1/list.json"))
//! #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(
//! #         r#"{"header":{"resultCode":200,"resultMessage":"","isSuccessful":true},"result":{"contents":[{"ticketId":"T1658213182227yb9hI","subject":"Type 11","status":"reply","createdDt":1658213182000}],"total":1,"pages":1,"pageNum":1,"pageSize":10}}"#,
//! #         "application/json",
//! #     ))
//! #     .mount(&server)
//! #     .await;
//! # let base_url = server.uri();
//! // base_url is e.g. "https://nhn-cs.oc.nhncloud.com"
//! let client = Client::new(&base_url, "APISimple", "org-id", "security-key")?;
//! let tickets = client.list_customer_tickets().usercode("user1").send().await.payload().await?;
//! for ticket in &tickets.contents {
//!     println!("{} {:?}", ticket.ticket_id, ticket.subject);
//! }
//! assert_eq!(tickets.contents.len(), 1);
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
//! client's connections, rate limiter and keys; the client itself is unchanged. Every
//! operation, `.stream()`, `.download()` and `raw` works through a view.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use contiple::prelude::*;
//!
//! # async fn run() -> Result<(), contiple::Error> {
//! let client = Client::new("https://nhn-cs.oc.nhncloud.com", "APISimple", "org-id", "security-key")?;
//! // A large attachment: two minutes and 256 MiB for this call only.
//! let view = client
//!     .with_timeout(Duration::from_secs(120))
//!     .with_max_body_bytes(256 * 1024 * 1024);
//! # let _ = view;
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints the spec does not have
//!
//! [`Client::raw`] sends a request to any path under the base URL and service id, signed and
//! with the same retries, rate limit, body cap, redaction and [`Error`] as the generated
//! operations, and returns the envelope's `result` as JSON (`null` when there is none):
//!
//! ```no_run
//! use contiple::prelude::*;
//! use contiple::Method;
//!
//! # async fn run() -> Result<(), contiple::Error> {
//! let client = Client::new("https://nhn-cs.oc.nhncloud.com", "APISimple", "org-id", "security-key")?;
//! let agents = client.raw(Method::GET, "openapi/v1/users.json").send().await?;
//! println!("{agents}");
//! # Ok(())
//! # }
//! ```
//!
//! # What this crate adds to the generated client
//!
//! The client and its types are generated from `spec/contiple.yaml` by `cargo xtask generate`
//! (see [`Client`] and [`types`]); this crate adds what generation cannot do:
//!
//! - [`Credentials`] and [`signing`]: every `openapi/v1` call is signed in the client's hook
//!   (`Authorization`, `X-TC-Timestamp`), exactly as the server checks it; the security key
//!   never shows in `Debug`, errors or logs; the clock is injectable;
//! - how an error envelope looks (`"isSuccessful": false`, also with HTTP 200);
//! - [`Client::upload_ticket_attachment`]: the multipart upload, signed with the file's MD5;
//! - [`EpochMillis`]: Contiple's epoch-millisecond times, convertible to `chrono`;
//! - [`member`]: the member authentication token, the help-center member URL and the
//!   token-verification answers a service serves.
//!
//! The rest comes from the shared `helpdesk-client-runtime` crate and is re-exported here:
//! [`ClientBuilder`] (a checked base URL, no redirect following, no `Referer`, timeouts, user
//! agent, your own `reqwest::ClientBuilder`), [`Error`] (one typed error with the HTTP status,
//! headers and raw body), [`ResultExt::payload`] (unwraps `{"header": ..., "result": ...}`)
//! and [`DownloadExt::download`] for attachments; `?` also works on `send().await` directly.
//!
//! Examples of the top tasks (list a customer's tickets, open a ticket with an attachment,
//! re-inquire, export) are in the crate's `examples/` directory.
//!
//! Features: TLS is `rustls` (default; rustls with the `ring` crypto provider, which the
//! client's builder installs as the process default when none is), `rustls-aws-lc` (rustls with aws-lc-rs, reqwest's own default;
//! building `aws-lc-sys` needs cmake and a C compiler) or `native-tls`.

#![warn(missing_docs)]

// The generated code names this crate's items by absolute paths (`::contiple::…`), the same in
// the client, its CLI and its mocks: `cargo xtask generate` rewrites no paths.
extern crate self as contiple;

/// `Client::new`, in a module before the generated one: rustdoc lists the methods of the
/// client's impl blocks in the order of their modules, so `new` comes first.
mod constructor {
    use crate::{Client, ClientBuilder, Credentials, Error};

    impl Client {
        /// A client for the service `service_id` at `base_url` (e.g.
        /// `https://nhn-cs.oc.nhncloud.com`, or the alpha `https://{domain}.oc.alpha-nhncloud.com`),
        /// signing with the organization id and the service's security key, with the default
        /// settings of [`ClientBuilder`].
        ///
        /// Fails with [`Error::InvalidRequest`] when `base_url` is not an `http` or `https` URL
        /// without query, fragment or credentials.
        pub fn new(
            base_url: &str,
            service_id: &str,
            organization_id: &str,
            security_key: &str,
        ) -> Result<Self, Error> {
            ClientBuilder::new(
                base_url,
                Credentials::new(service_id, organization_id, security_key),
            )
            .build()
        }
    }
}

mod hooks;
pub mod inbound;
pub mod member;
pub mod signing;
mod timestamp;
mod upload;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]
mod generated;

pub use generated::{builder, types, Client};
pub use helpdesk_client_runtime::reexports::*;
#[doc(hidden)]
pub use hooks::Contiple;
pub use signing::Credentials;
pub use timestamp::EpochMillis;
pub use upload::{MAX_FILE_NAME_CHARS, MAX_UPLOAD_BYTES, UPLOAD_EXTENSIONS};

// The `reqwest` and `serde_json` crates themselves, as links (see the runtime's `reexports`).
#[doc(no_inline)]
pub use {reqwest, serde_json};

/// `use contiple::prelude::*;`: the client and the traits its calls are completed with.
pub mod prelude {
    pub use crate::{Client, DownloadExt, ResultExt};
}

/// A failed Contiple call: the shared runtime's error with Contiple's error payload (the
/// envelope's `header`: `resultCode`, `resultMessage`, `isSuccessful`).
pub type Error = helpdesk_client_runtime::Error<Contiple>;

/// Builds a [`Client`]: timeouts, user agent, retries, rate limit, or a
/// `reqwest::ClientBuilder` of your own.
///
/// ```
/// use std::time::Duration;
/// use contiple::{ClientBuilder, Credentials, RetryPolicy};
///
/// let credentials = Credentials::new("APISimple", "org-id", "security-key");
/// let client = ClientBuilder::new("https://nhn-cs.oc.nhncloud.com", credentials)
///     .timeout(Duration::from_secs(30))
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), contiple::Error>(())
/// ```
pub type ClientBuilder = helpdesk_client_runtime::ClientBuilder<Contiple>;
