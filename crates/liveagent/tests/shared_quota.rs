//! The shared quota (feature `redis`) against a real `redis-server` (Debian's package; these
//! tests fail, naming it, when it is missing) and a loopback counting server: several OS
//! processes (this test binary again, in the worker role) share one API key's quota; faults
//! (Redis killed, restarted, slow); a 429 pauses every process; nothing in Redis spells the key.
//!
//! Run with `cargo test -p liveagent --features redis --test shared_quota -- --nocapture` to
//! see the figures. Without the feature this file is empty (the package does not ship its
//! tests, so the test target is not declared with `required-features`).

#![cfg(feature = "redis")]

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use helpdesk_client_runtime::__private::{RedisServer, Secrets};
use liveagent::{ApiKey, ClientBuilder, ErrorKind, Method, RateLimit, RedisQuota};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The API key every process uses: the alphanumeric key of the redaction tests.
const KEY: &str = "Ab3dE6gH9jK2mN5pQ8sT";
/// The worker role's environment variable.
const WORKER: &str = "SHARED_QUOTA_WORKER";
/// The quota, scaled for test time: 60 requests per 2 s (a burst of 10 included).
const QUOTA: RateLimit = RateLimit {
    requests: 60,
    per: Duration::from_secs(2),
};
const PROCESSES: usize = 4;
const TASKS: usize = 32;
const WINDOWS: u64 = 3;

/// One test at a time: they measure time on a shared machine.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn epoch_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

/// The loopback counting server's log: when (since the run's start) each path was requested;
/// optionally a 429 with `Retry-After: 2` for the first request to `/w0` after 1 s.
#[derive(Clone)]
struct Counter {
    start: Duration,
    log: Arc<Mutex<Vec<(Duration, String)>>>,
    throttle: bool,
    throttled_at: Arc<Mutex<Option<Duration>>>,
}

impl Respond for Counter {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let at = epoch_now().saturating_sub(self.start);
        let path = request.url.path().to_owned();
        self.log.lock().unwrap().push((at, path.clone()));
        if self.throttle && path == "/w0" && at >= Duration::from_secs(1) {
            let mut throttled = self.throttled_at.lock().unwrap();
            if throttled.is_none() {
                *throttled = Some(at);
                return ResponseTemplate::new(429)
                    .insert_header("Retry-After", "2")
                    .set_body_json(serde_json::json!({"response": {
                        "status": "ERROR", "statuscode": 429, "errormessage": "Too many requests"
                    }}));
            }
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"response": {"status": "OK"}}))
    }
}

async fn counting_server(start: Duration, throttle: bool) -> (MockServer, Counter) {
    let server = MockServer::start().await;
    let counter = Counter {
        start,
        log: Arc::default(),
        throttle,
        throttled_at: Arc::default(),
    };
    Mock::given(wiremock::matchers::any())
        .respond_with(counter.clone())
        .mount(&server)
        .await;
    (server, counter)
}

/// The worker role: `index|base_url|redis_url or -|start (ms since the epoch)|run (ms)`.
/// 32 tasks on one client send `GET /w<index>` from the start for the run's length and print
/// `calls ok=… failed=…`.
#[test]
fn worker_process() {
    let Ok(spec) = std::env::var(WORKER) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let [index, base_url, redis_url, start_ms, run_ms] = parts[..] else {
        panic!("bad {WORKER}: {spec}");
    };
    let start = Duration::from_millis(start_ms.parse().unwrap());
    let run = Duration::from_millis(run_ms.parse().unwrap());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let builder = ClientBuilder::new(base_url, ApiKey::new(KEY));
        let builder = if redis_url == "-" {
            builder.rate_limit(Some(QUOTA))
        } else {
            builder.shared_rate_limit(QUOTA.shared(RedisQuota::new(redis_url).unwrap()))
        };
        let client = builder.build().unwrap();
        tokio::time::sleep(start.saturating_sub(epoch_now())).await;
        let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let (client, ok, failed) = (client.clone(), ok.clone(), failed.clone());
                let path = format!("w{index}");
                tokio::spawn(async move {
                    while epoch_now() < start + run {
                        match client.raw(Method::GET, &path).send().await {
                            Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                            Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        println!(
            "calls ok={} failed={}",
            ok.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed)
        );
    });
}

/// Runs 4 worker processes against `base_url` (sharing through `redis_url`, if any) from
/// `start` for 3 windows; returns each one's `(ok, failed)`.
fn run_workers(base_url: &str, redis_url: Option<&str>, start: Duration) -> Vec<(usize, usize)> {
    let exe = std::env::current_exe().unwrap();
    let run = QUOTA.per * WINDOWS as u32;
    let children: Vec<_> = (0..PROCESSES)
        .map(|index| {
            let spec = format!(
                "{index}|{base_url}|{}|{}|{}",
                redis_url.unwrap_or("-"),
                start.as_millis(),
                run.as_millis()
            );
            Command::new(&exe)
                .args([
                    "worker_process",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WORKER, spec)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "a worker failed: {stdout}");
            let line = stdout
                .lines()
                .find_map(|line| line.split_once("calls ").map(|(_, counts)| counts))
                .unwrap_or_else(|| panic!("no count from a worker: {stdout}"));
            let number = |name: &str| -> usize {
                line.split(' ')
                    .find_map(|part| part.strip_prefix(name))
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (number("ok="), number("failed="))
        })
        .collect()
}

/// Requests received in each window since the start.
fn per_window(log: &[(Duration, String)]) -> Vec<usize> {
    (0..WINDOWS)
        .map(|window| {
            let from = QUOTA.per * window as u32;
            log.iter()
                .filter(|(at, _)| *at >= from && *at < from + QUOTA.per)
                .count()
        })
        .collect()
}

/// Fails if `text` holds the key in any spelling the redaction tests use (the redaction finds
/// every one of them), or verbatim in any case, or as hex.
fn assert_no_spelling_of_the_key(text: &[u8]) {
    let secrets = Secrets::new([KEY]);
    assert_eq!(
        secrets.redact_bytes(text).as_ref(),
        text,
        "a spelling of the key in Redis"
    );
    let lower = String::from_utf8_lossy(text).to_ascii_lowercase();
    let hex: String = KEY.bytes().map(|b| format!("{b:02x}")).collect();
    for spelling in [KEY.to_ascii_lowercase(), hex] {
        assert!(!lower.contains(&spelling), "{spelling} in Redis");
    }
}

#[test]
fn four_processes_share_one_quota_and_redis_never_sees_the_key() {
    let _serial = serial();
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut figures = Vec::new();
    let mut keys = Default::default();
    for shared in [true, false] {
        let start = epoch_now() + Duration::from_millis(1500);
        let (server, counter) = runtime.block_on(counting_server(start, false));
        let url = redis.url();
        let calls = run_workers(&server.uri(), shared.then_some(url.as_str()), start);
        let windows = per_window(&counter.log.lock().unwrap());
        let failed: usize = calls.iter().map(|c| c.1).sum();
        assert_eq!(failed, 0, "every call succeeds");
        println!(
            "{} processes x {} tasks, quota {} per {:?}, {}: requests per window {:?}",
            PROCESSES,
            TASKS,
            QUOTA.requests,
            QUOTA.per,
            if shared {
                "shared through Redis"
            } else {
                "in-process limiters only"
            },
            windows
        );
        figures.push(windows);
        if shared {
            keys = redis.keyspace();
        }
    }
    let (shared, apart) = (&figures[0], &figures[1]);
    for (window, count) in shared.iter().enumerate() {
        // The burst (10) is part of the quota: no window gets more than 60.
        assert!(
            *count <= QUOTA.requests as usize,
            "window {window}: {count} requests"
        );
        assert!(*count >= 40, "window {window}: only {count} requests");
    }
    let ratio = apart.iter().sum::<usize>() as f64 / shared.iter().sum::<usize>() as f64;
    println!("without sharing: {ratio:.2}x the shared figure");
    assert!(ratio > 3.0, "{ratio}");

    // What a reader of the keyspace sees: fingerprints, never the key.
    assert!(!keys.is_empty());
    for (key, value) in &keys {
        println!(
            "redis key {} ({} bytes)",
            String::from_utf8_lossy(key),
            value.len()
        );
        assert_no_spelling_of_the_key(key);
        assert_no_spelling_of_the_key(value);
    }
}

#[test]
fn a_429_pauses_every_process() {
    let _serial = serial();
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let start = epoch_now() + Duration::from_millis(1500);
    let (server, counter) = runtime.block_on(counting_server(start, true));
    let calls = run_workers(&server.uri(), Some(&redis.url()), start);
    assert_eq!(calls.iter().map(|c| c.1).sum::<usize>(), 0, "{calls:?}");
    let throttled = counter
        .throttled_at
        .lock()
        .unwrap()
        .expect("a 429 was sent");
    let log = counter.log.lock().unwrap();
    // Requests already on their way when the 429 was sent may land just after it.
    let grace = Duration::from_millis(100);
    let during: Vec<_> = log
        .iter()
        .filter(|(at, _)| *at > throttled + grace && *at < throttled + Duration::from_secs(2))
        .collect();
    let next = log
        .iter()
        .filter(|(at, _)| *at > throttled + grace)
        .map(|(at, _)| *at - throttled)
        .min();
    println!(
        "429 with Retry-After: 2 to process 0 at {throttled:?}: {} requests from any process \
         in the 2 s after it; the next came {next:?} after the 429",
        during.len()
    );
    assert!(during.is_empty(), "sent during the pause: {during:?}");
    // The pause is in Redis under the key's fingerprint too, never the key.
    let keys = redis.keyspace();
    assert!(keys.keys().any(|key| key.ends_with(b":pause")), "{keys:?}");
    for (key, value) in &keys {
        assert_no_spelling_of_the_key(key);
        assert_no_spelling_of_the_key(value);
    }
}

/// A 429 asking for 30 s pauses the other sharers only for what is left of the caller's retry
/// budget: a server's delay never holds every process longer than the call that got it could
/// wait. The throttled client's budget is 1.5 s; its first attempt gets a 503 and waits 700 ms,
/// its second the 429, so about 0.8 s are left and the other client sends about 1.5 s after
/// the start (with the whole budget as the cap it would be 2.2 s). Synthetic: the 503, the 429
/// and the `{"status": "OK"}` answers.
#[test]
fn a_429_pause_is_capped_at_what_is_left_of_the_callers_retry_budget() {
    let _serial = serial();
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::path("/throttled"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::path("/throttled"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "30")
                    .set_body_json(serde_json::json!({"response": {
                        "status": "ERROR", "statuscode": 429, "errormessage": "Too many requests"
                    }})),
            )
            .with_priority(2)
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"response": {"status": "OK"}})),
            )
            .with_priority(3)
            .mount(&server)
            .await;
        let limit = RateLimit::per_minute(6000).shared(RedisQuota::new(&redis.url()).unwrap());
        let client = |retry| {
            ClientBuilder::new(server.uri(), ApiKey::new(KEY))
                .retry(retry)
                .shared_rate_limit(limit.clone())
                .build()
                .unwrap()
        };
        let throttled = client(liveagent::RetryPolicy {
            max_elapsed: Duration::from_millis(1500),
            min_delay: Duration::from_millis(700),
            max_delay: Duration::from_millis(700),
            ..liveagent::RetryPolicy::default()
        });
        let other = client(liveagent::RetryPolicy::none());
        let started = std::time::Instant::now();
        let err = throttled
            .raw(Method::GET, "/throttled")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429), "{err:?}");
        let throttled_at = started.elapsed();
        other
            .raw(Method::GET, "/other")
            .send()
            .await
            .expect("the other client sends after the capped pause");
        let sent_at = started.elapsed();
        println!(
            "429 with Retry-After: 30 at {throttled_at:?} into a 1.5 s retry budget: the other \
             client sent at {sent_at:?}"
        );
        assert!(
            throttled_at >= Duration::from_millis(650),
            "{throttled_at:?}"
        );
        assert!(
            sent_at >= Duration::from_millis(1200) && sent_at < Duration::from_millis(2000),
            "{sent_at:?}"
        );
    });
}

/// One client with 32 tasks against a Redis that `fault` disturbs; returns each call's result
/// kind (`None`: success) and latency.
async fn calls_under(
    base_url: &str,
    quota: RedisQuota,
    limit: RateLimit,
    run: Duration,
    fault: impl std::future::Future<Output = ()>,
) -> Vec<(Option<ErrorKind>, Duration)> {
    let client = ClientBuilder::new(base_url, ApiKey::new(KEY))
        .retry(liveagent::RetryPolicy::none())
        .shared_rate_limit(limit.shared(quota))
        .build()
        .unwrap();
    let results = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, results, stop) = (client.clone(), results.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let started = tokio::time::Instant::now();
                    let result = client.raw(Method::GET, "w").send().await;
                    let kind = result.err().map(|err| err.kind());
                    results.lock().unwrap().push((kind, started.elapsed()));
                }
            })
        })
        .collect();
    let ((), ()) = tokio::join!(fault, tokio::time::sleep(run));
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("no task panics");
    }
    Arc::try_unwrap(results).unwrap().into_inner().unwrap()
}

/// Waits until Redis holds the key's budget again (the limiter wrote to it): how long it took.
async fn until_shared_again(redis: &Mutex<RedisServer>) -> Duration {
    let started = tokio::time::Instant::now();
    while !redis.lock().unwrap().has_key_matching("*:tat") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "sharing did not resume"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

#[test]
fn redis_killed_restarted_or_slow_never_stops_or_hangs_a_call() {
    let _serial = serial();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (server, _counter) = counting_server(epoch_now(), false).await;
        let base_url = server.uri();
        let timeout = Duration::from_millis(100);
        for fail_closed in [false, true] {
            let mode = if fail_closed {
                "fail_closed"
            } else {
                "fallback"
            };
            // Killed, then restarted on the same port.
            let redis = Arc::new(Mutex::new(RedisServer::start()));
            let url = redis.lock().unwrap().url();
            let mut quota = RedisQuota::new(&url).unwrap().timeout(timeout);
            if fail_closed {
                quota = quota.fail_closed();
            }
            let resumed = Arc::new(Mutex::new(None));
            let fault = {
                let (redis, resumed) = (redis.clone(), resumed.clone());
                async move {
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    redis.lock().unwrap().kill();
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    redis.lock().unwrap().restart();
                    *resumed.lock().unwrap() = Some(until_shared_again(&redis).await);
                }
            };
            let results = calls_under(&base_url, quota, QUOTA, Duration::from_secs(7), fault).await;
            let resumed = resumed.lock().unwrap().expect("sharing resumed");
            let failed: Vec<_> = results.iter().filter_map(|r| r.0).collect();
            println!(
                "{mode}: Redis killed for 2 s: {} calls, {} failed (Timeout), sharing \
                 resumed {resumed:?} after the restart",
                results.len(),
                failed.len()
            );
            assert!(resumed < Duration::from_secs(3), "{resumed:?}");
            if fail_closed {
                assert!(!failed.is_empty(), "calls fail while Redis is down");
                assert!(
                    failed.iter().all(|kind| *kind == ErrorKind::Timeout),
                    "{failed:?}"
                );
            } else {
                assert!(failed.is_empty(), "{failed:?}");
            }

            // Slow: `DEBUG SLEEP 1` stalls Redis for a second; a generous limit, so that only
            // Redis can make a call wait.
            let redis = RedisServer::start();
            let mut quota = RedisQuota::new(&redis.url()).unwrap().timeout(timeout);
            if fail_closed {
                quota = quota.fail_closed();
            }
            let generous = RateLimit {
                requests: 100_000,
                per: Duration::from_secs(1),
            };
            let fault = async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                tokio::task::block_in_place(|| redis.stall(1));
            };
            let results = calls_under(
                &base_url,
                quota,
                generous,
                Duration::from_millis(1800),
                fault,
            )
            .await;
            let slowest = results.iter().map(|r| r.1).max().unwrap();
            let failed: Vec<_> = results.iter().filter_map(|r| r.0).collect();
            println!(
                "{mode}: Redis asleep for 1 s: {} calls, {} failed, the slowest took {slowest:?} \
                 (timeout {timeout:?})",
                results.len(),
                failed.len()
            );
            assert!(
                slowest < timeout + Duration::from_millis(400),
                "{slowest:?}"
            );
            if fail_closed {
                assert!(
                    failed.iter().all(|kind| *kind == ErrorKind::Timeout),
                    "{failed:?}"
                );
            } else {
                assert!(failed.is_empty(), "{failed:?}");
            }
        }
    });
}
