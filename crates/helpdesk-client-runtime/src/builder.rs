//! Constructing a client: [`ClientBuilder`] checks the base URL and builds the HTTP client
//! with a timeout, a user agent, no redirect following and no `Referer`, for any API crate's
//! generated client ([`Api::client`]).

use std::fmt;
use std::time::Duration;

use crate::api::Api;
use crate::limit::{Limiter, RateLimit};
use crate::retry::RetryPolicy;
use crate::state::{Runtime, State, DEFAULT_MAX_BODY_BYTES};
use crate::Error;

/// Builds a client of API `A` (each API crate names it `ClientBuilder`).
///
/// Redirects are never followed (a followed 302 would turn a POST into a body-less GET and
/// send credentials to another host) and no `Referer` is sent, also when the caller brings
/// its own `reqwest::ClientBuilder`.
///
/// Its timeout, retries and body cap are the client's; for one call, a stream or a download,
/// the client's `with_timeout`, `with_retry` and `with_max_body_bytes` return a cheap view
/// with one of them changed (the same connection pool, rate limiter and secrets; the API
/// crates' docs, "Settings per call").
pub struct ClientBuilder<A: Api> {
    base_url: String,
    credentials: A::Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::ClientBuilder>,
    shared_http: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    /// Where the rate limit is shared beyond the process (feature `redis`).
    #[cfg(feature = "redis")]
    quota: Option<crate::RedisQuota>,
    max_body_bytes: usize,
}

impl<A: Api> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field(
                "http",
                &self.http.as_ref().map(|_| "reqwest::ClientBuilder"),
            )
            .finish()
    }
}

impl<A: Api> ClientBuilder<A> {
    /// The default timeout of each attempt, connect to last byte: 30 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Starts a builder for the API at `base_url`; a trailing `/` is ignored.
    pub fn new(base_url: impl Into<String>, credentials: impl Into<A::Credentials>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            credentials: credentials.into(),
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            user_agent: A::SPEC.user_agent.to_owned(),
            http: None,
            shared_http: None,
            retry: RetryPolicy::default(),
            rate_limit: A::SPEC.rate_limit,
            #[cfg(feature = "redis")]
            quota: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// How failed requests are retried (default [`RetryPolicy::default`]: 4 attempts within
    /// 60 s, for the methods [`RetryPolicy::allows`], on 429, 502, 503, 504, connection failures
    /// and timeouts;
    /// [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client-side rate limit, shared by every client with the same credentials in the
    /// process; `None` turns it off. Default: the vendor's published limit, if any
    /// (LiveAgent: 180 requests per minute per API key; Contiple: none).
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        #[cfg(feature = "redis")]
        {
            self.quota = None;
        }
        self
    }

    /// The client-side rate limit, kept in Redis (feature `redis`): shared by every process and
    /// client with the same credentials and the same Redis, with this process's own limiter
    /// as the fallback while Redis fails (see [`crate::RedisQuota`]). Replaces
    /// [`ClientBuilder::rate_limit`]'s setting, and `rate_limit` replaces this one.
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use helpdesk_client_runtime::{RateLimit, RedisQuota};
    /// let limit = RateLimit::per_minute(180).shared(RedisQuota::new("redis://127.0.0.1/")?);
    /// // liveagent::ClientBuilder::new(url, key).shared_rate_limit(limit).build()?
    /// # let _ = limit;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit(mut self, limit: crate::SharedRateLimit) -> Self {
        self.rate_limit = Some(limit.limit);
        self.quota = Some(limit.quota);
        self
    }

    /// Responses with larger bodies fail with [`Error::BodyTooLarge`] instead of being read
    /// into memory (default [`DEFAULT_MAX_BODY_BYTES`], 64 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Timeout of each attempt, connect to last byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout of connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Start from this `reqwest::ClientBuilder` (proxies, TLS roots, pools...). The timeouts
    /// and user agent of this builder are applied on top of it, and so are the redirect policy
    /// (none) and `referer(false)`, whatever it says.
    pub fn reqwest_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Sends through this `reqwest::Client` (its connection pool) instead of building one:
    /// for a service that holds many clients, one per tenant's key, and shares one pool
    /// between them (building a `reqwest::Client` costs far more than the rest of a client).
    ///
    /// Take it from a client this builder built (`client.client().clone()`, with
    /// `progenitor_client::ClientInfo`, re-exported by the API crates), so that redirects are
    /// not followed and no `Referer` is sent; its timeouts and user agent then apply, and
    /// [`ClientBuilder::timeout`], [`ClientBuilder::connect_timeout`],
    /// [`ClientBuilder::user_agent`] and [`ClientBuilder::reqwest_builder`] do not.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.shared_http = Some(client);
        self
    }

    /// Checks the base URL and builds the client. Redirects come back as
    /// [`Error::UnexpectedStatus`] with their `Location` header.
    pub fn build(self) -> Result<A::Client, Error<A>> {
        check_base_url(&self.base_url).map_err(Error::InvalidRequest)?;
        install_crypto_provider();
        let http = match self.shared_http {
            Some(http) => http,
            None => self
                .http
                .unwrap_or_default()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(self.user_agent)
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .build()
                .map_err(Error::from_transport)?,
        };
        let limiter = self.rate_limit.map(|limit| {
            let limiter = Limiter::shared(
                &crate::Credentials::rate_limit_key(&self.credentials),
                limit,
            );
            #[cfg(feature = "redis")]
            let limiter = match self.quota {
                Some(quota) => {
                    limiter.with_quota(quota, &crate::Credentials::secrets(&self.credentials))
                }
                None => limiter,
            };
            limiter
        });
        let runtime = Runtime {
            retry: self.retry,
            limiter,
            max_body_bytes: self.max_body_bytes,
            timeout: None,
        };
        let base_url = crate::Credentials::base_url(&self.credentials, &self.base_url);
        Ok(A::client(
            &base_url,
            http,
            State::new(self.credentials, runtime),
        ))
    }
}

/// With the `rustls-ring` feature (the API crates' default `rustls`), installs rustls' `ring`
/// crypto provider as the process default unless one is installed already; reqwest's rustls
/// without aws-lc-rs needs one to build a client. [`ClientBuilder::build`] calls it, so only
/// code that builds its own `reqwest::Client` first, in a program whose reqwest gets TLS
/// from this crate alone, needs to call it. Does nothing with other TLS features, or when
/// `rustls-aws-lc` is also on (reqwest then brings aws-lc-rs as its own default).
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Fails only when another thread installed one in between: that one is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The generated client appends `/path` to the base URL as text, so it must be a plain
/// `http(s)://host[:port][/path]`; the error says why not (`base URL: …`), without the URL.
pub fn check_base_url(base_url: &str) -> Result<(), String> {
    let invalid = |why: &str| format!("base URL: {why}");
    let url = reqwest::Url::parse(base_url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not carry credentials"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_base_url;

    #[test]
    #[cfg(any(
        feature = "rustls-ring",
        feature = "rustls-aws-lc",
        feature = "native-tls"
    ))]
    fn an_https_client_builds_with_the_tls_feature() {
        use crate::api::testing::{NoAuth, Status};
        let client = super::ClientBuilder::<Status>::new("https://example.ladesk.com/api/", NoAuth)
            .build()
            .expect("an HTTPS client builds");
        assert_eq!(client.base_url, "https://example.ladesk.com/api");
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(check_base_url("https://example.ladesk.com/api").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        for bad in [
            "example.ladesk.com/api",
            "ftp://example.com/api",
            "https://example.com/api?apikey=x",
            "https://example.com/api#x",
            "https://user:pass@example.com/api",
        ] {
            let err = format!("{:?}", check_base_url(bad).unwrap_err());
            assert!(!err.contains("pass@") && !err.contains("apikey=x"), "{err}");
        }
    }
}
