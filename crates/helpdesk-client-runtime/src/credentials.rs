//! [`Credentials`]: what an API crate's hook state (its credentials type) must do for the
//! generated hooks: authenticate a request, and say where the API lives.

use std::fmt;

/// An API's credentials, the generated client's hook state.
///
/// The client's hooks ([`crate::api_glue!`]) are written on top of this: the `pre` hook calls
/// [`Credentials::authenticate`] for every operation whose spec names a security scheme, the
/// `exec` hook is [`crate::exec::execute`].
pub trait Credentials: fmt::Debug + Clone + Send + Sync + 'static {
    /// Adds authentication to a request that is otherwise complete (all headers, query and
    /// body as they will be sent): a query parameter, or a signature over the request.
    fn authenticate(&self, request: &mut reqwest::Request);

    /// The generated client's base URL for an API at `base_url` (checked, without a trailing
    /// `/`): `base_url` itself unless every path of the API starts with a segment the
    /// credentials know (Contiple's service id).
    fn base_url(&self, base_url: &str) -> String {
        base_url.to_owned()
    }

    /// The secrets among these credentials (an API key, a security key), as the client sends
    /// or signs with them. The client masks each of them, in every spelling a server may echo
    /// it in, in every error and log line it produces ([`crate::redact::Secrets`]).
    fn secrets(&self) -> Vec<&str>;

    /// What identifies these credentials to the rate limiter: clients whose keys are equal
    /// share one budget. Never the secret itself (a hash of it).
    fn rate_limit_key(&self) -> String;
}

/// A hash of a secret, for [`Credentials::rate_limit_key`]: equal for equal secrets within
/// one process (the standard library's `DefaultHasher` with its fixed keys). Not stable across
/// Rust versions or platforms, so it is never stored or sent anywhere: it only keys the
/// process's own map of shared limiters.
pub fn secret_fingerprint(secret: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    secret.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
