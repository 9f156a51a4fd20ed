//! [`ClientBuilder`]: a [`Client`] with a timeout, user agent or `reqwest::Client` of your own.

use std::time::Duration;

use crate::{ApiKey, Client, Error};

/// Builds a [`Client`]. [`Client::new`] is the short form with the defaults.
///
/// ```
/// use std::time::Duration;
/// let client = liveagent::ClientBuilder::new("https://example.ladesk.com/api", liveagent::ApiKey::new("key"))
///     .timeout(Duration::from_secs(30))
///     .user_agent("my-service/1.0")
///     .build()?;
/// # Ok::<(), liveagent::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    api_key: ApiKey,
    timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The default request timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

    /// Starts a builder for the API at `base_url` (e.g. `https://example.ladesk.com/api`; a
    /// self-hosted installation's `https://host/api` works too).
    pub fn new(base_url: impl Into<String>, api_key: ApiKey) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key,
            timeout: Self::DEFAULT_TIMEOUT,
            user_agent: concat!("liveagent-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
        }
    }

    /// Timeout of each request, connect to last byte (default 15 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Use this `reqwest::Client` as it is; `timeout` and `user_agent` are then not applied.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.timeout)
                .user_agent(self.user_agent)
                .build()
                .map_err(Error::from_transport)?,
        };
        Ok(Client::new_with_client(&self.base_url, http, self.api_key))
    }
}
