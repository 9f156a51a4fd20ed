//! Constructing a [`Client`]: [`Client::new`] with the defaults, [`ClientBuilder`] for a
//! timeout, user agent or `reqwest::Client` of your own.

use std::time::Duration;

use crate::{ApiKey, Client, Error};

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

/// Builds a [`Client`].
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

    /// Starts a builder for the API at `base_url`; a trailing `/` is ignored.
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
    /// Configure it not to follow redirects (`redirect::Policy::none()`): a followed redirect
    /// turns a POST into a GET without its body.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the base URL and builds the client. Redirects are not followed: they come back
    /// as [`Error::UnexpectedStatus`].
    pub fn build(self) -> Result<Client, Error> {
        check_base_url(&self.base_url)?;
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.timeout)
                .user_agent(self.user_agent)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::from_transport)?,
        };
        Ok(Client::new_with_client(&self.base_url, http, self.api_key))
    }
}

/// The generated client appends `/path` to the base URL as text, so it must be a plain
/// `http(s)://host[:port][/path]`.
fn check_base_url(base_url: &str) -> Result<(), Error> {
    let invalid = |why: &str| Error::InvalidRequest(format!("base URL: {why}"));
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
            let err = check_base_url(bad).unwrap_err().to_string();
            assert!(!err.contains("pass@") && !err.contains("apikey=x"), "{err}");
        }
    }
}
