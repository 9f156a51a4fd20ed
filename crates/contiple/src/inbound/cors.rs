//! The help-center origins a service trusts: the allowlist behind the login status's CORS
//! headers (an allowed `Origin` is echoed with credentials, any other gets no CORS header)
//! and behind the check of a `returnUrl`.
//!
//! The guide's sample echoes whatever `Origin` the browser sends, with
//! `Access-Control-Allow-Credentials: true`: any site could then read who is logged in. Here
//! only the organization's help-center hosts are echoed.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ORIGIN,
    VARY,
};
use http::{HeaderMap, HeaderValue, Response, StatusCode};

/// The help-center origins of one organization: `https://{domain}.oc.nhncloud.com` (real) and
/// `https://{domain}.oc.alpha-nhncloud.com` (development), and any added with
/// [`HelpCenterOrigins::with_origin`]. The first is where remote login posts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpCenterOrigins {
    origins: Vec<String>,
}

/// A domain or origin that cannot be an allowed help-center origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidOrigin(pub String);

impl std::fmt::Display for InvalidOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not an https origin or an Online Contact domain",
            self.0
        )
    }
}

impl std::error::Error for InvalidOrigin {}

impl HelpCenterOrigins {
    /// The real help center of organization `domain` (`nhn-cs` for
    /// `https://nhn-cs.oc.nhncloud.com`), first, and its development host.
    pub fn organization(domain: &str) -> Result<Self, InvalidOrigin> {
        let domain = checked_domain(domain)?;
        Ok(Self {
            origins: vec![
                format!("https://{domain}.oc.nhncloud.com"),
                format!("https://{domain}.oc.alpha-nhncloud.com"),
            ],
        })
    }

    /// The development help center of organization `domain`
    /// (`https://{domain}.oc.alpha-nhncloud.com`), first, and its real host.
    pub fn development(domain: &str) -> Result<Self, InvalidOrigin> {
        let mut origins = Self::organization(domain)?;
        origins.origins.swap(0, 1);
        Ok(origins)
    }

    /// Also allows `origin` (`https://host[:port]`, no path), e.g. the beta host
    /// `https://{domain}.oc.beta-nhncloud.com`.
    pub fn with_origin(mut self, origin: &str) -> Result<Self, InvalidOrigin> {
        let url = url::Url::parse(origin).map_err(|_| InvalidOrigin(origin.to_owned()))?;
        let serialized = url.origin().ascii_serialization();
        let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        if !(url.scheme() == "https" || is_loopback(&url)) || !bare {
            return Err(InvalidOrigin(origin.to_owned()));
        }
        if !self.origins.contains(&serialized) {
            self.origins.push(serialized);
        }
        Ok(self)
    }

    /// The origin remote login posts to (the first).
    pub fn primary(&self) -> &str {
        &self.origins[0]
    }

    /// Every allowed origin.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.origins.iter().map(String::as_str)
    }

    /// Whether `origin` (an `Origin` header's value) is allowed: exactly, scheme and port
    /// included.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|allowed| allowed == origin)
    }

    /// Whether `url` is on an allowed origin: an absolute URL whose origin is allowed, without
    /// credentials. This is the check of a `returnUrl`.
    pub fn allows_url(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        parsed.username().is_empty()
            && parsed.password().is_none()
            && self.allows(&parsed.origin().ascii_serialization())
    }

    /// The CORS headers of an answer to a request with `request_headers`: `Vary: Origin`
    /// always; `Access-Control-Allow-Origin` (the request's origin) and
    /// `Access-Control-Allow-Credentials: true` only for an allowed origin.
    pub fn apply(&self, request_headers: &HeaderMap, response_headers: &mut HeaderMap) {
        response_headers.append(VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = self.allowed_origin(request_headers) {
            response_headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response_headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }

    /// The answer to a preflight `OPTIONS`: `204`, and for an allowed origin the methods
    /// `GET, OPTIONS`, the requested headers, credentials and a 10-minute cache.
    pub fn preflight(&self, request_headers: &HeaderMap) -> Response<String> {
        let mut response = Response::new(String::new());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let allowed = self.allowed_origin(request_headers).is_some();
        let headers = response.headers_mut();
        self.apply(request_headers, headers);
        if allowed {
            headers.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, OPTIONS"),
            );
            if let Some(requested) = request_headers.get(ACCESS_CONTROL_REQUEST_HEADERS) {
                headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
            }
            headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
        response
    }

    fn allowed_origin(&self, request_headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = request_headers.get(ORIGIN)?;
        self.allows(origin.to_str().ok()?).then(|| origin.clone())
    }
}

/// `http://localhost`-style origins are accepted for local development.
fn is_loopback(url: &url::Url) -> bool {
    url.scheme() == "http" && matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

fn checked_domain(domain: &str) -> Result<&str, InvalidOrigin> {
    let valid = !domain.is_empty()
        && domain.len() <= 63
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !domain.starts_with('-')
        && !domain.ends_with('-');
    if valid {
        Ok(domain)
    } else {
        Err(InvalidOrigin(domain.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_organizations_hosts_are_allowed() {
        let origins = HelpCenterOrigins::organization("nhn-cs").unwrap();
        assert_eq!(origins.primary(), "https://nhn-cs.oc.nhncloud.com");
        assert!(origins.allows("https://nhn-cs.oc.nhncloud.com"));
        assert!(origins.allows("https://nhn-cs.oc.alpha-nhncloud.com"));
        for foreign in [
            "https://evil.oc.nhncloud.com",
            "http://nhn-cs.oc.nhncloud.com",
            "https://nhn-cs.oc.nhncloud.com.evil.example",
            "https://nhn-cs.oc.nhncloud.com:8443",
            "null",
        ] {
            assert!(!origins.allows(foreign), "{foreign}");
        }
        assert!(HelpCenterOrigins::organization("nhn-cs.evil.example").is_err());
        assert!(HelpCenterOrigins::organization("").is_err());
    }

    #[test]
    fn return_urls_are_checked_by_origin() {
        let origins = HelpCenterOrigins::organization("nhn-cs").unwrap();
        assert!(origins.allows_url("https://nhn-cs.oc.nhncloud.com/hangame/hc/ticket/list/"));
        assert!(!origins.allows_url("https://evil.example/hangame/hc/"));
        assert!(!origins.allows_url("//evil.example/"));
        assert!(!origins.allows_url("/hangame/hc/"));
        assert!(!origins.allows_url("https://x@nhn-cs.oc.nhncloud.com/hangame/hc/"));
        assert!(!origins.allows_url("javascript:alert(1)"));
    }

    #[test]
    fn added_origins_must_be_bare() {
        let origins = HelpCenterOrigins::development("nhn-cs")
            .unwrap()
            .with_origin("https://nhn-cs.oc.beta-nhncloud.com")
            .unwrap();
        assert_eq!(origins.primary(), "https://nhn-cs.oc.alpha-nhncloud.com");
        assert!(origins.allows("https://nhn-cs.oc.beta-nhncloud.com"));
        assert!(origins
            .clone()
            .with_origin("https://x.example/path")
            .is_err());
        assert!(origins.clone().with_origin("http://x.example").is_err());
        assert!(origins.with_origin("http://localhost:8080").is_ok());
    }
}
