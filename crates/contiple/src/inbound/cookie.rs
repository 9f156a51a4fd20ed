//! The session cookie recipe for the login status.
//!
//! The help center calls the login status URL from its own page (often inside the service's
//! page, in an iframe) with `credentials: "include"`: to the browser that is a cross-site
//! request, and it sends the service's session cookie only when the cookie says
//! `SameSite=None`, which browsers accept only with `Secure`. `HttpOnly` keeps it from
//! scripts, which never need it here:
//!
//! ```text
//! Set-Cookie: session=…; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=None
//! ```
//!
//! [`session_cookie`] writes that header. Browsers that block third-party cookies (Safari
//! and Firefox by default, Chrome when the user chooses to) do not send it even so: the
//! login status then answers logged out, and the member logs in through the login URL, which
//! is a top-level navigation and sends first-party cookies. Serving the help center under the
//! service's own site (a custom domain that is a subdomain of the service) keeps the cookie
//! first-party. Adding `Partitioned` (CHIPS) can help only where the help center is embedded
//! in the service's own page: such a cookie is keyed to the top-level site, which is then the
//! service's for both the login and the help center's call; a help center opened on its own
//! (top-level) does not get it.

use std::time::Duration;

use http::HeaderValue;

/// A cookie name or value that cannot go into a `Set-Cookie` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidCookie;

impl std::fmt::Display for InvalidCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a cookie name must be a token and its value must not hold `;`, `,`, spaces, quotes, `\\` or controls")
    }
}

impl std::error::Error for InvalidCookie {}

/// `name=value; Path=/; Max-Age=…; Secure; HttpOnly; SameSite=None`: a session cookie the
/// browser sends with the help center's cross-site login-status call. The value is not shown
/// in the error (it is a session secret).
pub fn session_cookie(
    name: &str,
    value: &str,
    max_age: Duration,
) -> Result<HeaderValue, InvalidCookie> {
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let value_ok = value
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'));
    if !name_ok || !value_ok {
        return Err(InvalidCookie);
    }
    let header = format!(
        "{name}={value}; Path=/; Max-Age={}; Secure; HttpOnly; SameSite=None",
        max_age.as_secs()
    );
    HeaderValue::from_str(&header).map_err(|_| InvalidCookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipe() {
        let header = session_cookie("sid", "abc123", Duration::from_secs(3600)).unwrap();
        assert_eq!(
            header,
            "sid=abc123; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=None"
        );
        assert_eq!(
            session_cookie("sid", "a;b", Duration::ZERO),
            Err(InvalidCookie)
        );
        assert_eq!(
            session_cookie("s id", "a", Duration::ZERO),
            Err(InvalidCookie)
        );
    }
}
