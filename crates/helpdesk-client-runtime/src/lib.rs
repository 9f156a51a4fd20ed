//! The shared runtime of the generated API clients (`liveagent`, `contiple`).
//!
//! A user of an API crate meets this crate's types through that crate's root (`liveagent::Error`,
//! `liveagent::RetryPolicy`, …) and needs no dependency on it. What it offers there:
//!
//! - [`ClientBuilder`]: base URL check, timeouts, user agent, retries ([`RetryPolicy`]), the
//!   client-side rate limit ([`RateLimit`]), the body cap; no redirect following, no `Referer`;
//! - [`Error`], generic over the API, with the response ([`RawResponse`]: HTTP
//!   status, headers and raw body, bounded to [`MAX_ERROR_BODY`]), its variant
//!   ([`Error::kind`], [`ErrorKind`]), what a caller acts on ([`Error::is_retryable`],
//!   [`Error::api_code`], [`Error::location`]), and a `From` impl for the generated methods'
//!   error so that `?` works on `send().await`;
//! - [`ResultExt::payload`] (a response's envelope unwrapped), [`DownloadExt::download`] (a file
//!   operation's bytes, [`Download`]);
//! - [`RawRequest`]: `client.raw(method, path)`, the escape hatch to endpoints a spec does not
//!   document, through the same path as the generated operations;
//! - wire formats both APIs use: [`CommaList`], [`JsonEncoded`], [`Base64Data`], and
//!   [`OptionalValue`], what the generated body builders' optional-field setters accept;
//! - [`reexports`]: the list every API crate re-exports at its root;
//! - with the `redis` feature: `RedisQuota` and `RateLimit::shared`, a rate limit every process
//!   with the same key shares through Redis ([below](#one-quota-for-every-process-feature-redis)).
//!
//! Everything else is the machinery between the generated code and the network, documented in
//! the repository's `ARCHITECTURE.md`: the exec hook (transport, retries, limiter, body cap,
//! inspection of every body in one pass), strict decoding, redaction of each client's secrets,
//! pagination streams. What generated code and the API crates' hand-written layers name of it
//! is in `__private`, hidden from the docs and **not covered by semver**: it changes with the
//! generator, in lockstep with the API crates of the same version. Test hooks are behind the
//! `test-support` feature, for this workspace's tests.
//!
//! # Defaults
//!
//! Timeouts: 10 s to connect, 30 s per attempt. Retries: 4 attempts within 60 s, for the
//! idempotent methods [`RetryPolicy::allows`] lists (POST and PATCH only when opted in), on 429,
//! 502, 503, 504, connection failures and timeouts, exponential backoff from 250 ms to 30 s with
//! jitter, `Retry-After` honoured. Rate limit: the vendor's published one (LiveAgent 180
//! requests per minute per API key; Contiple none). Body cap: 64 MiB; errors keep at most 64 KiB
//! of a body.
//!
//! # One quota for every process (feature `redis`)
//!
//! The limiter keeps a key to its quota inside one process. With the `redis` feature (off by
//! default; `liveagent` and `contiple` forward it), `RateLimit::shared(RedisQuota)` keeps it in
//! Redis, and every process and client with the same key and the same Redis (and namespace)
//! draws from one budget:
//!
//! ```ignore
//! let quota = RedisQuota::new("redis://127.0.0.1:6379/")?   // std::io::Error on a bad URL
//!     .namespace("my-service")                             // default "helpdesk-client:quota"
//!     .timeout(Duration::from_millis(250));                // each Redis call (the default)
//! let client = liveagent::ClientBuilder::new(base_url, key)
//!     .shared_rate_limit(RateLimit::per_minute(180).shared(quota))
//!     .build()?;
//! ```
//!
//! - The algorithm is the in-process limiter's GCRA, in one Lua script Redis runs atomically,
//!   sent once and called by its SHA-1 (`EVALSHA`, reloaded on `NOSCRIPT`), on Redis's clock
//!   (`TIME`): one round trip per request.
//! - Redis never sees the key: its keys are `<namespace>:{<fingerprint>}:tat` and `…:pause`,
//!   the fingerprint being `key_fingerprint` (hex SHA-256 of a fixed prefix and the key, the
//!   same on every platform and release).
//! - When Redis is unreachable, slower than the timeout or answers nonsense, calls go on under
//!   the in-process limiter, or with `RedisQuota::fail_closed` wait the timeout and fail with
//!   [`Error::Timeout`] (without a source; no request is sent). Redis is asked again a second
//!   later, and sharing resumes when it answers; each switch is one `tracing` event.
//! - A 429 with `Retry-After` stores a pause for the key (at most 60 s, at most the retry
//!   policy's `max_elapsed`): every sharer waits it out before its next request.
//! - Only LiveAgent publishes a quota (180 a minute per key); Contiple has none, so a Contiple
//!   client shares only a limit set with `shared_rate_limit`.
//!
//! # Why these crates
//!
//! - No backoff or rate-limiter crate: the backoff and the GCRA limiter are a few dozen lines
//!   each here, where `backon` and `governor` cost a user's clean build fourteen packages
//!   (Cargo.toml says why each dependency stays).
//! - `serde_path_to_error` to name the JSON path of a decode failure; `tracing` for spans and
//!   events (bridge `log` with `tracing-log` to see reqwest's own logs in the same place);
//!   `httpdate` for `Retry-After` dates.
//! - With the `redis` feature only: `redis` (the well-kept client, with its tokio connection
//!   manager, which reconnects by itself, and `Script`, which calls a script by its hash), and
//!   `sha2` for the key's fingerprint (the version Contiple's signing already uses).

#![warn(missing_docs)]

mod api;
mod base64_data;
mod builder;
mod comma_list;
mod credentials;
mod decode;
mod envelope;
mod error;
mod exec;
mod json_text;
mod limit;
mod optional_value;
mod paginate;
#[cfg(feature = "redis")]
mod quota;
mod raw;
mod redact;
#[cfg(all(feature = "redis", any(test, feature = "test-support")))]
mod redis_server;
pub mod reexports;
mod retry;
mod state;
mod strict_json;
#[cfg(any(test, feature = "test-support"))]
pub mod wire_checks;

pub use base64_data::Base64Data;
pub use builder::ClientBuilder;
pub use comma_list::CommaList;
pub use envelope::{Download, DownloadExt, Envelope, ResultExt};
pub use error::{Error, ErrorKind, RawResponse, MAX_ERROR_BODY};
pub use json_text::JsonEncoded;
pub use limit::RateLimit;
pub use optional_value::OptionalValue;
#[cfg(feature = "redis")]
pub use quota::{key_fingerprint, RedisQuota, SharedRateLimit};
pub use raw::RawRequest;
pub use retry::RetryPolicy;

// The machinery, by its short names inside the crate.
pub(crate) use credentials::Credentials;
pub(crate) use envelope::decode_response;
pub(crate) use state::State;

/// What generated code, the API crates' hand-written layers, their command lines and this
/// workspace's tests and benches name of the runtime's machinery. **Not part of the API**: not
/// covered by semver, it changes with the generator (the API crates of one version use the
/// runtime of the same version). See `ARCHITECTURE.md` for how the pieces fit.
#[doc(hidden)]
pub mod __private {
    pub use progenitor_client::ClientInfo;
    pub use serde_json;

    pub use crate::api::{view, Api, ErrorEnvelope, MarkerValue, SpecFacts};
    pub use crate::builder::{check_base_url, install_crypto_provider};
    pub use crate::credentials::{secret_fingerprint, Credentials};
    pub use crate::envelope::decode_response;
    pub use crate::error::loose_text;
    pub use crate::limit::{Limiter, QuotaUnavailable};
    pub use crate::optional_value::{Given, MaybeGiven};
    pub use crate::redact::{mask_query_keys, Secrets};
    #[cfg(all(feature = "redis", any(test, feature = "test-support")))]
    pub use crate::redis_server::RedisServer;
    pub use crate::state::{Runtime, State, DEFAULT_MAX_BODY_BYTES};

    /// Success bodies decoded strictly, for the generated code.
    pub mod decode {
        pub use crate::decode::{json, success_response};
    }

    /// The exec hook, for the generated glue and hand-written operations.
    pub mod exec {
        #[cfg(any(test, feature = "test-support"))]
        pub use crate::exec::decode_bytes;
        pub use crate::exec::execute;
    }

    /// Pagination streams, for the generated `stream()` methods and the command lines.
    pub mod paginate {
        pub use crate::paginate::{
            counting_pages, page_size, rows, AsCount, AsCursor, IntoRows, Page, Position, Style,
        };
    }
}
