//! What the API crates' benches share (not published):
//!
//! - [`interleaved`]: times several cases round by round (A, B, C, A, B, C, …), so that a
//!   machine that is busy for a while slows every case alike and their ratios hold; criterion
//!   runs one case after another, and on a shared 2-core machine its ratios drift;
//! - [`serve`]: a loopback HTTP/1.1 server (hyper) answering every request from a closure;
//! - [`raw_dir`] and [`quick`]: where results go for `cargo xtask bench`, and its `--quick`;
//! - [`CountingAllocator`]: a global allocator that counts the heap in use and its peak (also
//!   used by the workspace's tests that bound memory).

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// One case of an [`interleaved`] measurement: a name and what one iteration runs.
pub struct Case<'a> {
    name: &'static str,
    run: Box<dyn FnMut() + 'a>,
}

impl<'a> Case<'a> {
    /// A case; `run`'s result is passed through `black_box`.
    pub fn new<T>(name: &'static str, mut run: impl FnMut() -> T + 'a) -> Self {
        Case {
            name,
            run: Box::new(move || {
                black_box(run());
            }),
        }
    }
}

/// Runs every case once per round for `rounds` rounds (after `rounds / 10` untimed ones),
/// rotating which goes first, and writes each case's median and 99th percentile (µs) to
/// `<raw_dir>/<name>.json`: `{"<case>": {"p50": …, "p99": …}, "rounds": …}`.
pub fn interleaved(name: &str, rounds: usize, cases: &mut [Case<'_>]) -> serde_json::Value {
    let count = cases.len();
    for _ in 0..rounds / 10 {
        for case in cases.iter_mut() {
            (case.run)();
        }
    }
    let mut times = vec![Vec::with_capacity(rounds); count];
    for round in 0..rounds {
        for offset in 0..count {
            let which = (round + offset) % count;
            let started = Instant::now();
            (cases[which].run)();
            times[which].push(started.elapsed());
        }
    }
    let mut report = serde_json::Map::new();
    for (case, mut samples) in cases.iter().zip(times) {
        samples.sort();
        report.insert(
            case.name.to_owned(),
            serde_json::json!({
                "p50": percentile(&samples, 0.5),
                "p99": percentile(&samples, 0.99),
            }),
        );
    }
    report.insert("rounds".to_owned(), rounds.into());
    report.insert("unit".to_owned(), "µs".into());
    let report = serde_json::Value::Object(report);
    let path = raw_dir().join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{name} (interleaved, {rounds} rounds): {report}");
    report
}

/// The `p` quantile of sorted samples, in µs.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}

/// A loopback HTTP/1.1 server on its own thread and runtime, answering every request with
/// `respond(path_and_query)` as a 200 JSON body. Lives as long as the process.
pub fn serve<F>(respond: F) -> SocketAddr
where
    F: Fn(&str) -> Bytes + Send + Sync + 'static,
{
    let respond = Arc::new(respond);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                let respond = respond.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<_>| {
                        let target = request
                            .uri()
                            .path_and_query()
                            .map_or_else(String::new, |p| p.as_str().to_owned());
                        let body = respond(&target);
                        async move {
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Full::new(body))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

/// The value of query parameter `name` in a request target (`/path?a=1&b=2`).
pub fn query(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// Where raw measurements go: `$XTASK_BENCH_OUT`, else `target/bench/raw` beside the bench
/// binary (`target/release/deps/<bench>` → `target/bench/raw`).
pub fn raw_dir() -> PathBuf {
    let dir = std::env::var_os("XTASK_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.ancestors().nth(3).unwrap().join("bench/raw")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `cargo xtask bench --quick` (or `BENCH_QUICK=1`) asked for a smoke run.
pub fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1")
}

/// The system allocator, counting the heap bytes in use and their peak. Install it with
/// `#[global_allocator] static ALLOCATOR: CountingAllocator = CountingAllocator;`, then measure
/// with [`PeakScope`].
pub struct CountingAllocator;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; only counters are updated besides.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

/// The heap's peak from now on, above the bytes in use now (with [`CountingAllocator`]
/// installed; one scope at a time).
pub struct PeakScope {
    start: usize,
}

impl PeakScope {
    /// Starts counting: the peak is reset to what is in use now.
    pub fn start() -> Self {
        let start = IN_USE.load(Ordering::Relaxed);
        PEAK.store(start, Ordering::Relaxed);
        PeakScope { start }
    }

    /// The highest the heap went above the start, in bytes.
    pub fn peak(&self) -> usize {
        PEAK.load(Ordering::Relaxed).saturating_sub(self.start)
    }
}
