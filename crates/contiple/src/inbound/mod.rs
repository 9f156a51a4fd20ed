//! The other direction: the endpoints a service serves to the Contiple help center, and the
//! remote login it calls, for member integration (POST and GET methods) and customer data
//! connection.
//!
//! | Endpoint | Registered in the console as | Called by | Answer |
//! |---|---|---|---|
//! | login status ([`Endpoint::LoginStatus`]) | Member Integration → POST → Login status URL | the help-center page, cross-origin, with cookies | `{"login":"true","usercode":"…"}` or `{"login":"false","usercode":null}`, CORS for the help-center origins |
//! | login ([`Endpoint::Login`]) | Member Integration → POST → Login URL | the browser, with `returnUrl` | the service's login page, then remote login |
//! | token verification ([`Endpoint::TokenVerification`]) | Member Integration → GET → Token verification URL | the help center's server, with `usercode` and `token` | the same two bodies |
//! | customer data ([`Endpoint::CustomerData`]) | the customer data connection's API URL | Online Contact, for a call inquiry, with `telNo` | `{"resultData":{…},"resultCode":"0","resultMsg":"success"}` |
//!
//! The core works on `http` types with any framework: [`Endpoints::handle`] answers an
//! `http::Request` (the tests serve it through a plain `tower::Service`); with the `axum`
//! feature, `router(config, directory)` mounts the endpoints on an axum `Router`. The service
//! supplies a [`Directory`] (who is logged in for a request, the member a token was made for,
//! the customer data of a phone number) and a [`Config`] (service id, OC organization key,
//! [`HelpCenterOrigins`], its login page, the paths and the kind of [`RemoteLogin`]).
//!
//! The pieces are usable alone:
//! - [`Verifier`]: a member token checked in constant time, and its `time` against a clock
//!   (3 minutes old at most by default); [`Member::from_query`] reads a help-center query,
//!   a `+` that arrived as a space included;
//! - [`reply`]: the documented bodies, byte for byte, and customer data with any number of
//!   ticket field codes ([`CustomerDataResultData::field`](crate::types::CustomerDataResultData::field));
//! - [`HelpCenterOrigins`]: CORS from an allowlist (`Vary: Origin`, preflight) and the check
//!   of a `returnUrl`;
//! - [`remote_login`]: the auto-submitted form page and [`Client::remote_login`](crate::Client::remote_login);
//! - [`cookie`]: the session cookie the login status needs (`SameSite=None; Secure;
//!   HttpOnly`) and what browsers that block third-party cookies do.
//!
//! [`Member::from_query`]: crate::member::Member::from_query

pub mod cookie;
mod cors;
mod endpoints;
pub mod remote_login;
pub mod reply;
mod verify;

#[cfg(feature = "axum")]
mod axum;

#[cfg(feature = "axum")]
pub use self::axum::router;
pub use cors::{HelpCenterOrigins, InvalidOrigin};
pub use endpoints::{Config, Directory, Endpoint, Endpoints, Paths, RemoteLogin};
pub use remote_login::RejectedReturnUrl;
pub use verify::{
    MalformedQuery, MemberQuery, Verdict, Verifier, DEFAULT_MAX_AGE, DEFAULT_MAX_SKEW,
};
