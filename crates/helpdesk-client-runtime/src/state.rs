//! [`State`]: the generated client's hook state, the API's credentials plus the runtime
//! settings the builder chose ([`Runtime`]: retries, rate limiter, body cap) and the
//! client's own [`Secrets`], with which every error and log line of the client is redacted.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::limit::Limiter;
use crate::redact::Secrets;
use crate::retry::RetryPolicy;

/// The largest response body read by default: 64 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How a client sends requests, beyond what `reqwest` does.
#[derive(Clone, Debug)]
pub struct Runtime {
    /// Which failures are retried and how.
    pub retry: RetryPolicy,
    /// The rate limiter, if any.
    pub limiter: Option<Limiter>,
    /// Responses with larger bodies fail with [`crate::Error::BodyTooLarge`].
    pub max_body_bytes: usize,
    /// The timeout of each attempt, connect to last byte, when a per-call view set one; `None`:
    /// the HTTP client's own (the builder's `timeout`).
    pub timeout: Option<Duration>,
}

impl Default for Runtime {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            limiter: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: None,
        }
    }
}

/// A generated client's hook state: its credentials, its [`Runtime`] and its [`Secrets`].
/// Clones of a client share the runtime (and so the rate limiter) and the secrets.
#[derive(Clone)]
pub struct State<C> {
    credentials: C,
    runtime: Arc<Runtime>,
    secrets: Secrets,
}

impl<C: crate::Credentials> State<C> {
    /// The state of a new client; its secrets are the credentials' own
    /// ([`crate::Credentials::secrets`]).
    pub fn new(credentials: C, runtime: Runtime) -> Self {
        let secrets = Secrets::new(credentials.secrets());
        Self {
            credentials,
            runtime: Arc::new(runtime),
            secrets,
        }
    }
}

impl<C> State<C> {
    /// The secrets every error and log line of this client masks.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The credentials.
    pub fn credentials(&self) -> &C {
        &self.credentials
    }

    /// The runtime settings.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

impl<C: Clone> State<C> {
    /// The state of a per-call view: the same credentials, secrets and rate limiter (a clone
    /// of a [`Limiter`] shares its budget), with the runtime settings `change` makes.
    pub fn with_runtime(&self, change: impl FnOnce(&mut Runtime)) -> Self {
        let mut runtime = Runtime::clone(&self.runtime);
        change(&mut runtime);
        Self {
            credentials: self.credentials.clone(),
            runtime: Arc::new(runtime),
            secrets: self.secrets.clone(),
        }
    }
}

impl<C: fmt::Debug> fmt::Debug for State<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("credentials", &self.credentials)
            .field("runtime", &self.runtime)
            .finish()
    }
}
