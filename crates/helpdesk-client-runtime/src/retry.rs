//! Retries: which failures are retried, how long to wait, and the loop that does it.
//!
//! Retried: HTTP 429, 502, 503 and 504, connection failures (refused, reset) and timeouts, for
//! GET, HEAD, PUT, DELETE and OPTIONS; POST and PATCH only when the caller opts in
//! ([`RetryPolicy::retry_non_idempotent`]), since the server may have acted on the first
//! attempt. The wait is exponential with jitter ([`Backoff`], a plain iterator of delays, so that
//! the loop can honour `Retry-After` instead when the server sends one, in seconds or as an HTTP
//! date). Every retry is logged at `warn` with the attempt number and the reason.
//!
//! A `Retry-After` is whatever the server sends: huge, negative, fractional, garbage, a date in
//! year 9999. The loop asks the policy first (retryable? attempts left?) and only then adds
//! the delay to the time spent, with checked arithmetic: a delay that does not fit the budget
//! ends the retries, it never overflows.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;

/// How a client retries failed requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 turns retries off). Default 4.
    pub max_attempts: u32,
    /// No retry starts after this much time since the first attempt. Default 60 s.
    pub max_elapsed: Duration,
    /// The first backoff delay. Default 250 ms.
    pub min_delay: Duration,
    /// The longest backoff delay. Default 30 s. (A server's `Retry-After` is honoured as
    /// long as it fits in `max_elapsed`; a longer one ends the retries.)
    pub max_delay: Duration,
    /// Retry POST and PATCH too. Default off.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(60),
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether requests with this method may be retried: GET, HEAD, PUT, DELETE and OPTIONS
    /// (idempotent: the one list of retried methods), and POST and PATCH too with
    /// [`RetryPolicy::retry_non_idempotent`].
    pub fn allows(&self, method: &reqwest::Method) -> bool {
        self.retry_non_idempotent
            || matches!(
                *method,
                reqwest::Method::GET
                    | reqwest::Method::HEAD
                    | reqwest::Method::PUT
                    | reqwest::Method::DELETE
                    | reqwest::Method::OPTIONS
            )
    }

    /// The backoff delays, with jitter.
    fn delays(&self) -> Backoff {
        Backoff {
            next: self.min_delay,
            max: self.max_delay,
            jitter: Jitter::new(),
        }
    }
}

/// Exponential backoff with jitter: `min_delay`, doubling up to `max_delay`, each delay plus a
/// random fraction of itself (at most `max_delay` in all), without end (the loop counts the
/// attempts). Written here rather than taken from `backon`: it is these ten lines, and the
/// crate and its random-number dependency cost a user's build two packages.
#[derive(Debug)]
struct Backoff {
    next: Duration,
    max: Duration,
    jitter: Jitter,
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let base = self.next.min(self.max);
        self.next = base.saturating_mul(2);
        // `try_from`: near `Duration::MAX` the f64 product may round past it (no panic).
        let extra = Duration::try_from_secs_f64(base.as_secs_f64() * self.jitter.fraction())
            .unwrap_or(Duration::ZERO);
        Some(base.saturating_add(extra).min(self.max))
    }
}

/// Random fractions in `[0, 1)` for jitter, from the standard library's randomly keyed hasher
/// (no random-number crate: jitter needs spread, not cryptographic quality).
#[derive(Debug)]
struct Jitter {
    state: std::collections::hash_map::RandomState,
    counter: u64,
}

impl Jitter {
    fn new() -> Self {
        Self {
            state: std::collections::hash_map::RandomState::new(),
            counter: 0,
        }
    }

    fn fraction(&mut self) -> f64 {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = self.state.build_hasher();
        hasher.write_u64(self.counter);
        self.counter = self.counter.wrapping_add(1);
        // The top 53 bits: a uniform f64 in [0, 1).
        (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Why an attempt is retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// A retryable status (429, 502, 503, 504).
    Status(StatusCode),
    /// Connecting, sending or receiving failed (refused, reset).
    Connection,
    /// The attempt timed out.
    Timeout,
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "HTTP {status}"),
            Self::Connection => f.write_str("connection failed"),
            Self::Timeout => f.write_str("timed out"),
        }
    }
}

/// Whether a status is worth another attempt.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Whether a transport error is worth another attempt, and why: the one classifier of
/// transport errors, used by the retry loop, by [`crate::Error::is_retryable`] and to tell
/// [`crate::Error::Timeout`] from [`crate::Error::Transport`].
pub fn transport_reason(err: &reqwest::Error) -> Option<RetryReason> {
    if is_timeout(err) {
        Some(RetryReason::Timeout)
    } else if err.is_connect() || err.is_request() || err.is_body() {
        Some(RetryReason::Connection)
    } else {
        None
    }
}

/// Whether a transport error is a timeout: reqwest's own timeouts (`is_timeout`, which finds
/// its and hyper's timeout errors in the chain), or an I/O error of kind `TimedOut` anywhere in
/// the chain (a socket timeout a connector reports as such).
fn is_timeout(err: &reqwest::Error) -> bool {
    if err.is_timeout() {
        return true;
    }
    let mut source = std::error::Error::source(err);
    while let Some(current) = source {
        if current
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        source = current.source();
    }
    false
}

/// A `Retry-After` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
///
/// Delay-seconds are ASCII digits only; more seconds than a `u64` holds count as `u64::MAX`
/// seconds (the server asked for longer than any budget). A date is taken relative to `now`: a past
/// date is no delay. Anything else (negative, fractional, garbage) is `None`, as if the server
/// had not sent one. Never panics.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits: the one failure left is overflow.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// One attempt's result as the loop sees it.
pub enum Attempt<T> {
    /// Done: return this.
    Done(T),
    /// Retry for this reason (waiting `retry_after` if the server said so), or return the
    /// value if no attempt is left.
    Retry {
        /// The value to return if no attempt is left.
        last: T,
        /// Why.
        reason: RetryReason,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
}

/// Runs `attempt` (given the 1-based attempt number) until it is done, the policy's attempts
/// or time budget are used up, or `retryable` is false. Waits with tokio's clock: the server's
/// `Retry-After` if it sent one, else the next backoff delay; a wait that would end after
/// `max_elapsed` (counted from the first attempt) is not started.
pub async fn run<T, F, Fut>(policy: &RetryPolicy, retryable: bool, api: &str, mut attempt: F) -> T
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let started = tokio::time::Instant::now();
    let mut delays = policy.delays();
    let mut number = 1;
    loop {
        match attempt(number).await {
            Attempt::Done(value) => return value,
            Attempt::Retry {
                last,
                reason,
                retry_after,
            } => {
                // The policy first: no delay is looked at for a request that is not retried.
                if !retryable || number >= policy.max_attempts {
                    return last;
                }
                let backoff = delays.next().unwrap_or(policy.max_delay);
                let delay = retry_after.unwrap_or(backoff);
                // `checked_add`: the delay may be anything the server sent.
                let fits = started
                    .elapsed()
                    .checked_add(delay)
                    .is_some_and(|resume| resume <= policy.max_elapsed);
                if !fits {
                    return last;
                }
                tracing::warn!(
                    attempt = number,
                    reason = %reason,
                    delay_ms = delay.as_millis() as u64,
                    "retrying {api} request"
                );
                // A zero wait (`Retry-After: 0`) retries at once, without a timer tick.
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                number += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, SystemTime};

    use reqwest::StatusCode;

    use super::{parse_retry_after, run, Attempt, RetryPolicy, RetryReason};

    mod classify;

    fn unavailable(retry_after: Option<Duration>) -> Attempt<u16> {
        Attempt::Retry {
            last: 503,
            reason: RetryReason::Status(StatusCode::SERVICE_UNAVAILABLE),
            retry_after,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_success() {
        let calls = AtomicU32::new(0);
        let result = run(&RetryPolicy::default(), true, "test", |n| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 3 {
                    unavailable(None)
                } else {
                    Attempt::Done(200)
                }
            }
        })
        .await;
        assert_eq!((result, calls.load(Ordering::SeqCst)), (200, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn honours_retry_after_and_stops_when_not_retryable() {
        let started = tokio::time::Instant::now();
        let result = run(&RetryPolicy::default(), true, "test", |n| async move {
            if n == 1 {
                unavailable(Some(Duration::from_secs(1)))
            } else {
                Attempt::Done(200)
            }
        })
        .await;
        assert_eq!(result, 200);
        assert_eq!(started.elapsed(), Duration::from_secs(1));

        let calls = AtomicU32::new(0);
        let result = run(&RetryPolicy::default(), false, "test", |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { unavailable(None) }
        })
        .await;
        assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_attempts() {
        let calls = AtomicU32::new(0);
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let result = run(&policy, true, "test", |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { unavailable(None) }
        })
        .await;
        assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 3));
    }

    #[test]
    fn parses_retry_after() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        // RFC 9110's example date, 60 s after `now`.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    /// Synthetic `Retry-After` values a hostile or broken server may send.
    #[test]
    fn parses_any_retry_after_without_panicking() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let longest = Some(Duration::from_secs(u64::MAX));
        for (value, expected) in [
            ("18446744073709551615", longest),
            ("18446744073709551616", longest),
            ("99999999999999999999999999999999999999", longest),
            (" 120 ", Some(Duration::from_secs(120))),
            ("0", Some(Duration::ZERO)),
            (
                "00000000000000000000000000000000000001",
                Some(Duration::from_secs(1)),
            ),
            ("-1", None),
            ("-18446744073709551616", None),
            ("+5", None),
            ("1.5", None),
            ("1e3", None),
            ("0x10", None),
            ("", None),
            ("   ", None),
            ("soon", None),
            ("١٢٠", None),
            ("120, 60", None),
            (
                "Wed, 21 Oct 2015 07:29:00 GMT, Wed, 21 Oct 2015 07:29:00 GMT",
                None,
            ),
            // Dates: the far past is no delay; before 1970 or after 9999 is not a date.
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO)),
            ("Mon, 01 Jan 1900 00:00:00 GMT", None),
            ("Sun, 31 Dec 1899 23:59:59 GMT", None),
            ("Sat, 01 Jan 10000 00:00:00 GMT", None),
            (
                "Wed, 21 Oct 2015 07:29:00 GMT",
                Some(Duration::from_secs(60)),
            ),
            (
                "Wednesday, 21-Oct-15 07:29:00 GMT",
                Some(Duration::from_secs(60)),
            ),
            ("Wed Oct 21 07:29:00 2015", Some(Duration::from_secs(60))),
            ("Wed, 21 Oct 2015 07:29:60 GMT", None),
            ("Wed, 32 Oct 2015 07:29:00 GMT", None),
            ("Thu, 21 Oct 2015 07:29:00 GMT", None),
        ] {
            assert_eq!(parse_retry_after(value, now), expected, "{value:?}");
        }
        // Year 9999's last second: about 8,000 years away, and no panic.
        let far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).unwrap();
        assert_eq!(far.as_secs(), 253_402_300_799 - 1_445_412_480);
        // A date in year 9999 seen from a clock that is itself past it: no delay.
        let later = SystemTime::UNIX_EPOCH + Duration::from_secs(300_000_000_000);
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", later),
            Some(Duration::ZERO)
        );
    }

    /// The measured bug: `Retry-After: 18446744073709551615` arriving more than a second into
    /// a call overflowed `elapsed + delay`, with retries off and for POST too.
    #[tokio::test(start_paused = true)]
    async fn a_huge_retry_after_late_in_a_call_ends_the_retries() {
        let huge = Some(Duration::from_secs(u64::MAX));
        let cases = [
            (RetryPolicy::none(), true),
            (RetryPolicy::default(), false),
            (RetryPolicy::default(), true),
            (
                RetryPolicy {
                    max_elapsed: Duration::MAX,
                    ..RetryPolicy::default()
                },
                true,
            ),
        ];
        for (policy, retryable) in cases {
            let calls = AtomicU32::new(0);
            let result = run(&policy, retryable, "test", |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    unavailable(huge)
                }
            })
            .await;
            assert_eq!(
                (result, calls.load(Ordering::SeqCst)),
                (503, 1),
                "{policy:?} retryable={retryable}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_that_does_not_fit_the_budget_ends_the_retries() {
        let policy = RetryPolicy::default();
        let started = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let result = run(&policy, true, "test", |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { unavailable(Some(Duration::from_secs(61))) }
        })
        .await;
        assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 1));
        assert_eq!(started.elapsed(), Duration::ZERO, "no wait was started");

        // 40 s fits once, not twice.
        let calls = AtomicU32::new(0);
        let result = run(&policy, true, "test", |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { unavailable(Some(Duration::from_secs(40))) }
        })
        .await;
        assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn huge_policy_bounds_do_not_panic() {
        let policy = RetryPolicy {
            max_attempts: 3,
            max_elapsed: Duration::MAX,
            min_delay: Duration::MAX,
            max_delay: Duration::MAX,
            retry_non_idempotent: true,
        };
        let calls = AtomicU32::new(0);
        let result = run(&policy, true, "test", |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { unavailable(None) }
        })
        .await;
        // The first wait fits `Duration::MAX` exactly; after it, nothing more fits.
        assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 2));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_maximum() {
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = policy.delays().take(8).collect();
        for (n, delay) in delays.iter().enumerate() {
            // Without jitter: 100, 200, 400, 800 ms, then 1 s; jitter adds up to as much again.
            let base = Duration::from_millis(100 * (1 << n.min(4))).min(Duration::from_secs(1));
            assert!(
                *delay >= base && *delay <= (base * 2).min(Duration::from_secs(1)),
                "delay {n}: {delay:?}"
            );
        }
        // Jitter spreads: two runs of 4 delays are not all equal.
        let first: Vec<Duration> = policy.delays().take(4).collect();
        let second: Vec<Duration> = policy.delays().take(4).collect();
        assert_ne!(first, second);
        // Huge bounds saturate instead of overflowing.
        let huge = RetryPolicy {
            min_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(huge.delays().nth(3), Some(Duration::MAX));
    }

    #[test]
    fn post_is_not_retried_unless_opted_in() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&reqwest::Method::GET));
        assert!(!policy.allows(&reqwest::Method::POST));
        let opted = RetryPolicy {
            retry_non_idempotent: true,
            ..policy
        };
        assert!(opted.allows(&reqwest::Method::POST));
    }
}
