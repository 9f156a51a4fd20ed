//! The shared quota (feature `redis`): one API key's rate limit kept in Redis, so that every
//! process and client with the same key and the same Redis draws from one budget.
//!
//! - **Algorithm**: the same GCRA as the in-process limiter ([`crate::limit`]), in one Lua
//!   script ([`SCRIPT`]) that Redis runs atomically; the clock is Redis's `TIME`, read inside
//!   the script, never a caller's. The script is sent once and then called by its SHA-1
//!   (`EVALSHA`; the `redis` crate's `Script` loads it again when a server answers `NOSCRIPT`).
//! - **Keys**: `<namespace>:{<fingerprint>}:tat` (the theoretical arrival time, µs) and
//!   `<namespace>:{<fingerprint>}:pause` (until when a 429 pauses every sharer, µs), each
//!   expiring a minute after it stops mattering (an idle key's budget leaves no state
//!   behind). The fingerprint is [`key_fingerprint`]: SHA-256, never the key itself. The
//!   braces are a Redis Cluster hash tag: both keys live in one slot.
//! - **Where**: the Redis side of [`Limiter`] is here (`with_quota`, `SharedBudget::pause` and
//!   [`SharedBudget::acquire`], which `Limiter::pause` and `Limiter::acquire` call), so that
//!   `limit.rs` holds only those two feature-gated calls.
//! - **Faults**: every call to Redis is bounded by [`RedisQuota::timeout`] (250 ms by default).
//!   When Redis fails (unreachable, slow, an answer that is not a sane wait), the limiter
//!   falls back to its in-process budget, or with [`RedisQuota::fail_closed`] the call fails
//!   with [`crate::Error::Timeout`]. After a failure Redis is tried again at most once a
//!   second ([`RETRY_AFTER_FAILURE`]); the first success resumes sharing. Each change (shared →
//!   fallback, fallback → shared) is one `tracing` event, not one per call.
//! - **429**: a 429 with `Retry-After` stores a pause for the key (capped at [`MAX_PAUSE`] and
//!   at the caller's retry budget); every sharer's next acquisition waits it out.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::limit::{Limiter, QuotaUnavailable, RateLimit};

/// The default namespace of the Redis keys.
pub const DEFAULT_NAMESPACE: &str = "helpdesk-client:quota";

/// The default bound on each call to Redis.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

/// The longest pause a 429's `Retry-After` stores for every sharer.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

/// After a failure, Redis is not asked again for this long (the fallback, or the typed error,
/// answers at once meanwhile).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// The GCRA, atomic in Redis.
///
/// `KEYS[1]`: the theoretical arrival time (µs since the epoch, Redis's clock); `KEYS[2]`: the
/// pause's end (same unit). `ARGV[1]`: the emission interval (µs); `ARGV[2]`: the tolerance
/// (µs); `ARGV[3]`: 0 to take a slot, or a pause to store (µs). Returns 0 when a slot was
/// taken (or the pause stored), else how long to wait (µs). Values are written with `%.0f`
/// (Lua's default number format keeps 14 digits, and µs since the epoch have 16); unreadable
/// values count as 0, so a key someone garbled heals on the next write.
pub(crate) static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = tonumber(ARGV[3]) or 0
local paused_until = tonumber(redis.call('GET', KEYS[2])) or 0
if pause > 0 then
  local untl = now + pause
  if untl > paused_until then
    redis.call('SET', KEYS[2], string.format('%.0f', untl), 'PX', math.ceil(pause / 1000) + 60000)
  end
  return 0
end
if paused_until > now then
  return paused_until - now
end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or 0
if tat < now then
  tat = now
end
local earliest = tat - tolerance
if now < earliest then
  return earliest - now
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 60000)
return 0
",
    )
});

impl RateLimit {
    /// This limit kept in Redis, shared by every process and client with the same API key and
    /// the same Redis (feature `redis`); give it to the client builder's `shared_rate_limit`.
    pub fn shared(self, quota: RedisQuota) -> SharedRateLimit {
        SharedRateLimit { limit: self, quota }
    }
}

/// A [`RateLimit`] kept in Redis ([`RateLimit::shared`], feature `redis`): for the client
/// builder's `shared_rate_limit`.
#[derive(Clone, Debug)]
pub struct SharedRateLimit {
    pub(crate) limit: RateLimit,
    pub(crate) quota: RedisQuota,
}

/// The Redis side of the limiter.
impl Limiter {
    /// This limiter with its budget kept in Redis under `<namespace>:{<fingerprint of
    /// secrets>}`: Redis admits each request, and this limiter's own budget takes over while
    /// Redis fails (unless the quota fails closed).
    pub fn with_quota(mut self, quota: RedisQuota, secrets: &[&str]) -> Self {
        let prefix = quota.prefix_for(secrets);
        self.store = Some(SharedBudget::new(quota, prefix, self.limit()));
        self
    }
}

/// A Redis that holds rate-limit budgets for every process that uses it
/// ([`RateLimit::shared`]); cheap to clone (clones share the connection).
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use helpdesk_client_runtime::{RateLimit, RedisQuota};
///
/// let quota = RedisQuota::new("redis://127.0.0.1:6379/")?
///     .namespace("billing-sync")
///     .timeout(Duration::from_millis(100));
/// let limit = RateLimit::per_minute(180).shared(quota);
/// # let _ = limit;
/// # Ok(())
/// # }
/// ```
///
/// Every client with the same API key and a `RedisQuota` on the same Redis (and namespace)
/// draws from one budget, in whatever process it runs. The key is never stored: Redis sees
/// `<namespace>:{<SHA-256 fingerprint>}:tat` and `…:pause` ([`key_fingerprint`]).
///
/// Each call to Redis waits at most [`RedisQuota::timeout`]. When Redis is unreachable, slow or
/// answers nonsense, calls go on under the in-process limiter (the default), or, with
/// [`RedisQuota::fail_closed`], fail with [`crate::Error::Timeout`]; sharing resumes by itself
/// when Redis answers again. The connection lives on the tokio runtime of the first call.
#[derive(Clone)]
pub struct RedisQuota {
    client: redis::Client,
    namespace: String,
    timeout: Duration,
    fail_closed: bool,
    shared: Arc<Shared>,
}

/// What the clones of one [`RedisQuota`] share: the connection and the health.
struct Shared {
    connection: Mutex<Option<ConnectionManager>>,
    /// Whether the last call failed (for one event per change).
    failing: AtomicBool,
    /// No call to Redis before this instant (after a failure).
    quiet_until: Mutex<Option<tokio::time::Instant>>,
}

impl fmt::Debug for RedisQuota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the URL: it may hold a password.
        f.debug_struct("RedisQuota")
            .field("namespace", &self.namespace)
            .field("timeout", &self.timeout)
            .field("fail_closed", &self.fail_closed)
            .finish_non_exhaustive()
    }
}

impl RedisQuota {
    /// A quota store at `url` (`redis://[:password@]host[:port][/db]`, or `rediss://` when the
    /// `redis` crate has TLS in the build). Does not connect: the first call does. Fails only
    /// on a URL that does not parse (an [`std::io::ErrorKind::InvalidInput`] error, without
    /// the URL).
    pub fn new(url: &str) -> std::io::Result<Self> {
        let client = redis::Client::open(url).map_err(|err| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("invalid Redis URL ({:?})", err.kind()),
            )
        })?;
        Ok(Self {
            client,
            namespace: DEFAULT_NAMESPACE.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            fail_closed: false,
            shared: Arc::new(Shared {
                connection: Mutex::new(None),
                failing: AtomicBool::new(false),
                quiet_until: Mutex::new(None),
            }),
        })
    }

    /// The prefix of the Redis keys (default `helpdesk-client:quota`): clients share a budget
    /// only within one namespace.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The bound on each call to Redis (default 250 ms; at least 1 ms). A slower answer counts
    /// as a failure: the fallback applies.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// When Redis fails, calls fail with [`crate::Error::Timeout`] (after waiting at most the
    /// timeout) instead of going on under the in-process limiter: for a key whose quota must
    /// never be overrun, at the price of no calls while Redis is down.
    pub fn fail_closed(mut self) -> Self {
        self.fail_closed = true;
        self
    }

    /// The Redis key prefix of the budget for a secret: `<namespace>:{<fingerprint>}`.
    pub(crate) fn prefix_for(&self, secrets: &[&str]) -> String {
        format!("{}:{{{}}}", self.namespace, key_fingerprint(secrets))
    }

    /// The connection, made on first use (on the caller's tokio runtime).
    fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let mut connection = self
            .shared
            .connection
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(manager) = connection.as_ref() {
            return Ok(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(RETRY_AFTER_FAILURE);
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        *connection = Some(manager.clone());
        Ok(manager)
    }

    /// Runs the script once, bounded by the timeout: the wait it asks for, or why it failed.
    async fn call(&self, prefix: &str, gcra: (u64, u64), pause_us: u64) -> Result<u64, String> {
        let mut connection = self.connection().map_err(|err| err.to_string())?;
        let mut invocation = SCRIPT.prepare_invoke();
        invocation
            .key(format!("{prefix}:tat"))
            .key(format!("{prefix}:pause"))
            .arg(gcra.0)
            .arg(gcra.1)
            .arg(pause_us);
        let answer = tokio::time::timeout(
            self.timeout,
            invocation.invoke_async::<i64>(&mut connection),
        )
        .await;
        match answer {
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
            Ok(Err(err)) => Err(err.to_string()),
            Ok(Ok(wait)) => u64::try_from(wait).map_err(|_| format!("a negative wait ({wait})")),
        }
    }

    /// Whether Redis is in its quiet time after a failure.
    fn quiet(&self) -> bool {
        let quiet_until = self
            .shared
            .quiet_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        quiet_until.is_some_and(|until| tokio::time::Instant::now() < until)
    }

    /// Notes a success: one event when it ends a failure.
    fn succeeded(&self) {
        if self.shared.failing.swap(false, Ordering::AcqRel) {
            *self
                .shared
                .quiet_until
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = None;
            tracing::info!(
                namespace = %self.namespace,
                "shared rate limit: Redis answers again; the quota is shared again"
            );
        }
    }

    /// Notes a failure: one event when it starts one; no call for [`RETRY_AFTER_FAILURE`].
    fn failed(&self, why: &str) -> QuotaUnavailable {
        *self
            .shared
            .quiet_until
            .lock()
            .unwrap_or_else(|e| e.into_inner()) =
            Some(tokio::time::Instant::now() + RETRY_AFTER_FAILURE);
        if !self.shared.failing.swap(true, Ordering::AcqRel) {
            let then = if self.fail_closed {
                "calls fail until it answers (fail_closed)"
            } else {
                "falling back to the in-process limiter"
            };
            tracing::warn!(
                namespace = %self.namespace,
                error = %why,
                "shared rate limit: Redis failed; {then}"
            );
        }
        self.unavailable(why)
    }

    /// The typed failure of a call when the quota fails closed.
    fn unavailable(&self, why: &str) -> QuotaUnavailable {
        QuotaUnavailable {
            message: format!(
                "the shared rate limit's Redis did not admit the request within {:?} ({why}); \
                 the quota fails closed",
                self.timeout
            ),
        }
    }
}

/// A budget in Redis: the quota, the key prefix and the GCRA's parameters in µs.
#[derive(Clone, Debug)]
pub(crate) struct SharedBudget {
    quota: RedisQuota,
    prefix: String,
    interval_us: u64,
    tolerance_us: u64,
    /// The longest sane wait: an answer beyond it is nonsense (a failure).
    longest_wait: Duration,
}

impl SharedBudget {
    pub(crate) fn new(quota: RedisQuota, prefix: String, limit: RateLimit) -> Self {
        let (interval, tolerance) = limit.gcra_parameters();
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        Self {
            quota,
            prefix,
            interval_us: micros(interval),
            tolerance_us: u64::try_from(tolerance.as_micros()).unwrap_or(u64::MAX),
            longest_wait: limit.per.max(MAX_PAUSE) + Duration::from_secs(1),
        }
    }

    /// Waits until Redis admits a request (`Some(Ok(()))`); when Redis fails, `None` (the
    /// in-process budget admits instead) or, failing closed, `Some(Err(…))` after waiting the
    /// rest of the timeout (never sooner: a caller retrying at once does not spin while Redis
    /// is down).
    pub(crate) async fn acquire(&self) -> Option<Result<(), QuotaUnavailable>> {
        loop {
            let asked = tokio::time::Instant::now();
            match self.take().await {
                Ok(None) => return Some(Ok(())),
                Ok(Some(wait)) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
                Err(unavailable) if self.quota.fail_closed => {
                    tokio::time::sleep_until(asked + self.quota.timeout).await;
                    return Some(Err(unavailable));
                }
                Err(_) => return None,
            }
        }
    }

    /// Takes a slot (`Ok(None)`), says how long to wait for one (`Ok(Some(wait))`), or fails
    /// (Redis unavailable, slow or nonsensical; at once during the quiet time after a failure).
    async fn take(&self) -> Result<Option<Duration>, QuotaUnavailable> {
        if self.quota.quiet() {
            return Err(self.quota.unavailable("it failed within the last second"));
        }
        let answer = self
            .quota
            .call(&self.prefix, (self.interval_us, self.tolerance_us), 0)
            .await
            .and_then(|wait| {
                let wait = Duration::from_micros(wait);
                if wait > self.longest_wait {
                    Err(format!("an impossible wait ({wait:?})"))
                } else {
                    Ok(wait)
                }
            });
        match answer {
            Ok(wait) => {
                self.quota.succeeded();
                Ok((!wait.is_zero()).then_some(wait))
            }
            Err(why) => Err(self.quota.failed(&why)),
        }
    }

    /// Stores a pause of `delay` (capped at [`MAX_PAUSE`]) for every sharer; a failure is only
    /// noted (the caller's own retry loop still waits).
    pub(crate) async fn pause(&self, delay: Duration) {
        let delay = delay.min(MAX_PAUSE);
        if delay.is_zero() || self.quota.quiet() {
            return;
        }
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        match self
            .quota
            .call(&self.prefix, (self.interval_us, self.tolerance_us), micros)
            .await
        {
            Ok(_) => self.quota.succeeded(),
            Err(why) => {
                self.quota.failed(&why);
            }
        }
    }
}

/// The stable fingerprint of an API key (or of several secrets, in order) in a Redis key:
/// the lowercase hex SHA-256 (FIPS 180-4) of `helpdesk-client-runtime/quota/v1`, then for each
/// secret a NUL byte and its UTF-8 bytes. The same on every platform, Rust version and release
/// of this crate (a change would be a new `v2` prefix); the key cannot be read back from it.
pub fn key_fingerprint(secrets: &[&str]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"helpdesk-client-runtime/quota/v1");
    for secret in secrets {
        hasher.update([0u8]);
        hasher.update(secret.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::key_fingerprint;

    #[test]
    fn the_fingerprint_is_stable() {
        // Fixed here (Python's `hashlib.sha256(b"helpdesk-client-runtime/quota/v1\0" + key)`)
        // so that a change, which would split every deployment's quota, fails.
        assert_eq!(
            key_fingerprint(&["0123456789abcdef0123456789abcdef"]),
            "9cadc537dad4a4b92b4f708650836fc2824de2f7dffec433753b25bce9d51198"
        );
        assert_ne!(key_fingerprint(&["a"]), key_fingerprint(&["b"]));
        assert_ne!(key_fingerprint(&["ab"]), key_fingerprint(&["a", "b"]));
        assert_eq!(key_fingerprint(&["x"]).len(), 64);
    }
}

/// Against a real `redis-server` (Debian's package; the tests fail without it).
#[cfg(test)]
mod with_redis {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::RedisQuota;
    use crate::limit::{Limiter, QuotaUnavailable, RateLimit};
    use crate::redis_server::RedisServer;

    fn limit() -> RateLimit {
        RateLimit {
            requests: 30,
            per: Duration::from_secs(1),
        }
    }

    /// A limiter as a separate process would have it: its own in-process budget and its own
    /// connection.
    fn process_limiter(server: &RedisServer, key: &str) -> Limiter {
        Limiter::new(limit()).with_quota(RedisQuota::new(&server.url()).unwrap(), &[key])
    }

    /// Acquisitions by `limiters` (8 tasks each) within `window`.
    async fn count_within(limiters: &[Limiter], window: Duration) -> usize {
        let count = Arc::new(AtomicUsize::new(0));
        let deadline = tokio::time::Instant::now() + window;
        let mut tasks = Vec::new();
        for limiter in limiters {
            for _ in 0..8 {
                let (limiter, count) = (limiter.clone(), count.clone());
                tasks.push(tokio::spawn(async move {
                    loop {
                        limiter.acquire().await.unwrap();
                        if tokio::time::Instant::now() >= deadline {
                            return;
                        }
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
        }
        for task in tasks {
            task.await.unwrap();
        }
        count.load(Ordering::Relaxed)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn limiters_on_one_redis_share_one_budget() {
        let server = RedisServer::start();
        let shared = [
            process_limiter(&server, "key-1"),
            process_limiter(&server, "key-1"),
            process_limiter(&server, "key-1"),
        ];
        let count = count_within(&shared, Duration::from_secs(1)).await;
        // One budget: at most 30 in the window (the burst, 5, is part of the 30).
        assert!((20..=30).contains(&count), "shared: {count} in 1 s");
        // Another key has a budget of its own.
        let other = count_within(
            &[process_limiter(&server, "key-2")],
            Duration::from_millis(500),
        )
        .await;
        assert!(other >= 10, "another key: {other}");
        // Without Redis, three processes take three budgets.
        let apart = [
            Limiter::new(limit()),
            Limiter::new(limit()),
            Limiter::new(limit()),
        ];
        let apart = count_within(&apart, Duration::from_secs(1)).await;
        assert!(apart > 60, "apart: {apart}");
        eprintln!("1 s of 30/s: shared {count}, apart {apart}");
    }

    /// Checks that a quota at `url`, where no working Redis answers, admits five requests at
    /// once through the in-process fallback, and that one failing closed refuses one; returns
    /// the refusal and how long it took.
    async fn redis_down_at(url: &str) -> (QuotaUnavailable, Duration) {
        let limiter = Limiter::new(limit()).with_quota(RedisQuota::new(url).unwrap(), &["k"]);
        let started = tokio::time::Instant::now();
        for _ in 0..5 {
            limiter.acquire().await.unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        let closed =
            Limiter::new(limit()).with_quota(RedisQuota::new(url).unwrap().fail_closed(), &["k"]);
        let started = tokio::time::Instant::now();
        let err = closed.acquire().await.unwrap_err();
        (err, started.elapsed())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_redis_the_fallback_admits_and_fail_closed_fails_fast() {
        // A port where nothing listens.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("redis://127.0.0.1:{port}/");
        let (err, waited) = redis_down_at(&url).await;
        assert!(err.message.contains("fails closed"), "{}", err.message);
        // It waits the timeout (250 ms), no more.
        assert!(
            waited >= Duration::from_millis(240) && waited < Duration::from_millis(600),
            "{waited:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_server_that_answers_garbage_counts_as_down() {
        // Not Redis: whatever it is sent, an HTTP page back.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut buffer = [0; 1024];
                    while socket.read(&mut buffer).await.is_ok_and(|n| n > 0) {
                        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\n\r\n<html>").await;
                    }
                });
            }
        });
        redis_down_at(&url).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_garbled_budget_heals() {
        let server = RedisServer::start();
        let quota = RedisQuota::new(&server.url()).unwrap();
        let prefix = quota.prefix_for(&["garbled"]);
        let mut connection = server.connection();
        for key in ["tat", "pause"] {
            let _: () = redis::cmd("SET")
                .arg(format!("{prefix}:{key}"))
                .arg("not a number")
                .query(&mut connection)
                .unwrap();
        }
        let limiter = Limiter::new(limit()).with_quota(quota.fail_closed(), &["garbled"]);
        limiter.acquire().await.unwrap();
        let tat: String = redis::cmd("GET")
            .arg(format!("{prefix}:tat"))
            .query(&mut connection)
            .unwrap();
        assert!(tat.parse::<u64>().is_ok(), "{tat}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_redis_costs_at_most_the_timeout() {
        let server = RedisServer::start();
        let limiter = Limiter::new(limit()).with_quota(
            RedisQuota::new(&server.url())
                .unwrap()
                .timeout(Duration::from_millis(100)),
            &["k"],
        );
        limiter.acquire().await.unwrap();
        let sleeper = std::thread::spawn({
            let mut connection = server.connection();
            move || {
                let _: redis::RedisResult<()> = redis::cmd("DEBUG")
                    .arg("SLEEP")
                    .arg(1)
                    .query(&mut connection);
            }
        });
        std::thread::sleep(Duration::from_millis(50));
        let started = tokio::time::Instant::now();
        limiter.acquire().await.unwrap();
        let waited = started.elapsed();
        assert!(waited < Duration::from_millis(300), "waited {waited:?}");
        sleeper.join().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_pause_holds_every_sharer() {
        let server = RedisServer::start();
        let a = process_limiter(&server, "paused");
        let b = process_limiter(&server, "paused");
        a.acquire().await.unwrap();
        a.pause(Duration::from_millis(600)).await;
        let started = tokio::time::Instant::now();
        b.acquire().await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(500) && waited < Duration::from_millis(1500),
            "waited {waited:?}"
        );
    }
}

/// The `tracing` events of the fallback: one when Redis fails, one when it is back.
#[cfg(test)]
mod events {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::RedisQuota;
    use crate::limit::{Limiter, RateLimit};
    use crate::redis_server::RedisServer;

    /// Records each event's level and message.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(tracing::Level, String)>>>);

    struct Message<'a>(&'a mut String);

    impl tracing::field::Visit for Message<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                *self.0 = format!("{value:?}");
            }
        }
    }

    impl tracing::Subscriber for Recorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut message = String::new();
            event.record(&mut Message(&mut message));
            if message.contains("shared rate limit") {
                let level = *event.metadata().level();
                self.0.lock().unwrap().push((level, message));
            }
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[tokio::test]
    async fn one_event_per_change_not_per_call() {
        let recorder = Recorder::default();
        let _guard = tracing::subscriber::set_default(recorder.clone());
        let mut server = RedisServer::start();
        let limit = RateLimit {
            requests: 1000,
            per: Duration::from_secs(1),
        };
        let limiter = Limiter::new(limit).with_quota(
            RedisQuota::new(&server.url())
                .unwrap()
                .timeout(Duration::from_millis(100)),
            &["k"],
        );
        limiter.acquire().await.unwrap();
        server.kill();
        // Down for longer than the quiet time: failures, fallbacks, one more probe.
        for _ in 0..30 {
            limiter.acquire().await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.restart();
        // Back within a few seconds (the next try after the quiet time, and the connection
        // manager's reconnection).
        let back = tokio::time::Instant::now();
        while recorder.0.lock().unwrap().len() < 2 {
            assert!(
                back.elapsed() < Duration::from_secs(5),
                "sharing did not resume"
            );
            limiter.acquire().await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for _ in 0..30 {
            limiter.acquire().await.unwrap();
        }
        let events = recorder.0.lock().unwrap().clone();
        let levels: Vec<_> = events.iter().map(|(level, _)| *level).collect();
        assert_eq!(
            levels,
            [tracing::Level::WARN, tracing::Level::INFO],
            "{events:?}"
        );
        assert!(events[0]
            .1
            .contains("falling back to the in-process limiter"));
    }
}
