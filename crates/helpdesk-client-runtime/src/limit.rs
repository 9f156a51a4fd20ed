//! The client-side rate limiter: at most N requests in any window of a given length, shared by
//! every client with the same credentials in the process (clones included).
//!
//! The process keeps a map from credentials (a hash of the key, never the key) to limiters,
//! holding each limiter weakly: a limiter lives as long as one client using it does, and its
//! entry goes with the last of them (dead entries are pruned as the map grows), so a process
//! that makes and drops clients for thousands of keys does not accumulate limiters.
//!
//! The algorithm is GCRA (the generic cell rate algorithm, as `governor` implements it): one
//! number per limiter, the theoretical arrival time of the next request, under a mutex held for
//! a comparison and an addition. It is written here (30 lines) rather than taken from
//! `governor`, whose dependencies (a clock crate, a spin lock, `parking_lot`, `hashbrown`, …)
//! cost a user's clean build a dozen packages for what this file needs. The clock is tokio's, so
//! waiting respects a paused tokio clock in tests. GCRA allows a burst and then a steady rate; to
//! keep "at most N in any window" true, the burst is N/6 and the steady rate spreads the other
//! 5N/6 over the window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// At most `requests` requests in any window of `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub per: Duration,
}

impl RateLimit {
    /// At most `requests` per minute.
    pub const fn per_minute(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(60),
        }
    }

    /// The GCRA parameters: the emission interval (the steady rate) and the tolerance (the
    /// burst beyond the first request, in intervals). The burst is N/6, at least 1.
    pub(crate) fn gcra_parameters(&self) -> (Duration, Duration) {
        let requests = self.requests.max(1);
        let burst = (requests / 6).max(1);
        let steady = (requests - burst).max(1);
        let interval = (self.per / steady).max(Duration::from_nanos(1));
        (interval, interval.saturating_mul(burst - 1))
    }

    /// The in-process GCRA of this limit.
    fn gcra(&self) -> Gcra {
        let (interval, tolerance) = self.gcra_parameters();
        Gcra {
            origin: tokio::time::Instant::now(),
            interval,
            tolerance,
            next_arrival: Mutex::new(Duration::ZERO),
        }
    }
}

/// Why a limiter whose shared quota fails closed did not admit a request (Redis unreachable,
/// slow or nonsensical): the call fails with [`crate::Error::Timeout`] and this message.
#[derive(Clone, Debug)]
pub struct QuotaUnavailable {
    /// What happened, without a secret.
    pub message: String,
}

/// GCRA: a request may go at `now` unless `now` is earlier than the theoretical arrival time
/// of the next request less the tolerance; each request moves that time one interval on.
#[derive(Debug)]
struct Gcra {
    /// The clock's zero: times are durations since it.
    origin: tokio::time::Instant,
    /// The emission interval: one request per `interval` in the steady state.
    interval: Duration,
    /// How far ahead of the steady rate requests may run (`interval × (burst − 1)`).
    tolerance: Duration,
    /// The theoretical arrival time of the next request.
    next_arrival: Mutex<Duration>,
}

impl Gcra {
    /// Takes a slot now, or says how long to wait for one.
    fn check(&self) -> Result<(), Duration> {
        let now = self.origin.elapsed();
        let mut next_arrival = self.next_arrival.lock().unwrap_or_else(|e| e.into_inner());
        let earliest = next_arrival.saturating_sub(self.tolerance);
        if now < earliest {
            return Err(earliest - now);
        }
        *next_arrival = (*next_arrival).max(now).saturating_add(self.interval);
        Ok(())
    }

    /// No request before `delay` from now (a server's `Retry-After`): the next arrival moves
    /// to then plus the tolerance, so the burst is spent and requests resume one at a time.
    /// Never brings the next arrival earlier.
    fn pause(&self, delay: Duration) {
        let resume = self
            .origin
            .elapsed()
            .saturating_add(delay)
            .saturating_add(self.tolerance);
        let mut next_arrival = self.next_arrival.lock().unwrap_or_else(|e| e.into_inner());
        *next_arrival = (*next_arrival).max(resume);
    }
}

/// A rate limiter; cheap to clone (clones share the budget).
#[derive(Clone)]
pub struct Limiter {
    gcra: Arc<Gcra>,
    limit: RateLimit,
    /// For a shared limiter: what keeps its entry in the shared map alive (held, never read).
    #[allow(dead_code)]
    owner: Option<Arc<Limiter>>,
    /// The budget in Redis, if the limit is shared beyond the process (feature `redis`; set
    /// by `Limiter::with_quota` in `quota.rs`, where the Redis side of the limiter lives).
    #[cfg(feature = "redis")]
    pub(crate) store: Option<crate::quota::SharedBudget>,
}

/// The shared limiters, held weakly.
struct SharedLimiters {
    limiters: HashMap<(String, RateLimit), Weak<Limiter>>,
    /// Prune dead entries when the map reaches this size.
    prune_at: usize,
}

fn shared_map() -> &'static Mutex<SharedLimiters> {
    static SHARED: OnceLock<Mutex<SharedLimiters>> = OnceLock::new();
    SHARED.get_or_init(|| {
        Mutex::new(SharedLimiters {
            limiters: HashMap::new(),
            prune_at: 64,
        })
    })
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("limit", &self.limit)
            .finish()
    }
}

impl Limiter {
    /// A limiter of its own.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            gcra: Arc::new(limit.gcra()),
            limit,
            owner: None,
            #[cfg(feature = "redis")]
            store: None,
        }
    }

    /// The limiter for `key` (e.g. a hash of an API key) and `limit` that every live client
    /// with the same credentials shares; a new one when no live client has it.
    pub fn shared(key: &str, limit: RateLimit) -> Self {
        let mut shared = shared_map().lock().unwrap_or_else(|e| e.into_inner());
        let entry = (key.to_owned(), limit);
        let limiter = match shared.limiters.get(&entry).and_then(Weak::upgrade) {
            Some(limiter) => return Self::holding(limiter),
            None => Arc::new(Self::new(limit)),
        };
        shared.limiters.insert(entry, Arc::downgrade(&limiter));
        // Prune the entries of limiters no client holds any more, whenever the map has
        // doubled since the last pruning: amortised O(1) per new limiter.
        if shared.limiters.len() >= shared.prune_at {
            shared.limiters.retain(|_, weak| weak.strong_count() > 0);
            shared.prune_at = (shared.limiters.len() * 2).max(64);
        }
        Self::holding(limiter)
    }

    /// A handle on a shared limiter that keeps its entry alive.
    fn holding(limiter: Arc<Limiter>) -> Self {
        Self {
            gcra: limiter.gcra.clone(),
            limit: limiter.limit,
            owner: Some(limiter),
            #[cfg(feature = "redis")]
            store: None,
        }
    }

    /// How many shared limiters ([`Limiter::shared`]) live clients hold in this process.
    #[cfg(any(test, feature = "test-support"))]
    pub fn shared_count() -> usize {
        let shared = shared_map().lock().unwrap_or_else(|e| e.into_inner());
        shared
            .limiters
            .values()
            .filter(|weak| weak.strong_count() > 0)
            .count()
    }

    /// The limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// After a 429 with `Retry-After`: every client sharing this limiter waits `delay` before
    /// its next request, in this process and, with a shared quota (feature `redis`), in every
    /// process sharing the key (at most `quota::MAX_PAUSE` there).
    pub async fn pause(&self, delay: Duration) {
        self.gcra.pause(delay);
        #[cfg(feature = "redis")]
        if let Some(store) = &self.store {
            store.pause(delay).await;
        }
    }

    /// Waits until a request may be sent: until the shared quota in Redis admits it, if the
    /// limit is shared (feature `redis`), else (or while Redis fails) until this process's own
    /// budget does. Fails only when a shared quota fails closed and Redis failed.
    pub async fn acquire(&self) -> Result<(), QuotaUnavailable> {
        #[cfg(feature = "redis")]
        if let Some(store) = &self.store {
            // `None`: Redis failed, the in-process budget below admits.
            if let Some(admitted) = store.acquire().await {
                return admitted;
            }
        }
        while let Err(wait) = self.gcra.check() {
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{Limiter, RateLimit};

    mod gcra;
    mod shared_map;

    #[tokio::test]
    async fn a_shared_limiter_is_shared_by_key_and_goes_with_its_last_client() {
        let limit = RateLimit::per_minute(60);
        let a = Limiter::shared("limit-test:a", limit);
        let a2 = Limiter::shared("limit-test:a", limit);
        let b = Limiter::shared("limit-test:b", limit);
        assert!(Arc::ptr_eq(&a.gcra, &a2.gcra));
        assert!(!Arc::ptr_eq(&a.gcra, &b.gcra));
        let weak = Arc::downgrade(a.owner.as_ref().unwrap());
        drop((a, b));
        assert!(weak.upgrade().is_some(), "a2 still holds it");
        drop(a2);
        assert!(weak.upgrade().is_none());
        // A new client of the key gets a new budget.
        let again = Limiter::shared("limit-test:a", limit);
        assert!(again.owner.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let limiter = Limiter::new(RateLimit::per_minute(180));
        let times = Arc::new(Mutex::new(Vec::new()));
        let start = tokio::time::Instant::now();
        let tasks: Vec<_> = (0..32)
            .map(|task| {
                let limiter = limiter.clone();
                let times = times.clone();
                tokio::spawn(async move {
                    // 400 calls in all, spread over 32 tasks.
                    for _ in 0..(400 / 32 + usize::from(task < 400 % 32)) {
                        limiter.acquire().await.unwrap();
                        times.lock().unwrap().push(start.elapsed());
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let mut times = times.lock().unwrap().clone();
        times.sort();
        assert_eq!(times.len(), 400);
        let window = Duration::from_secs(60);
        for (i, first) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|t| **t - *first < window)
                .count();
            assert!(
                in_window <= 180,
                "{in_window} calls within 60 s of {first:?}"
            );
        }
        // And it does not crawl: 400 calls fit in a little over two windows.
        assert!(times[399] < Duration::from_secs(160), "{:?}", times[399]);
    }
}
