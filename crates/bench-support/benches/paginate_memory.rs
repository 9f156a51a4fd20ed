//! Pagination memory: peak heap while streaming 100,000 conversations (synthetic rows built
//! from the docs' example row) from a loopback server that pages by `cursor`, 1,000 rows a
//! page (the stream's default), against the peak heap of fetching and decoding one such page.
//!
//! A counting global allocator keeps the bytes in use and their peak; each figure is the peak
//! above what was in use when the measured call started. The server's pages are built before
//! measuring and served as shared `Bytes`, so the server adds almost nothing. The result goes
//! to `target/bench/raw/paginate_memory.json` for `cargo xtask bench`.

mod support;

use std::sync::Arc;

use bench_support::{CountingAllocator, PeakScope};
use bytes::Bytes;
use futures::TryStreamExt;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const PAGE: usize = 1_000;

/// Runs `f` and returns its result with the heap's peak above the level it started at.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let scope = PeakScope::start();
    let value = f();
    (value, scope.peak())
}

fn main() {
    let rows: usize = if bench_support::quick() {
        10_000
    } else {
        100_000
    };
    let pages: Arc<Vec<Bytes>> = Arc::new(
        (0..rows.div_ceil(PAGE) + 1)
            .map(|page| support::conversations_page(page * PAGE..rows.min((page + 1) * PAGE), None))
            .collect(),
    );
    let served = pages.clone();
    let addr = bench_support::serve(move |target| {
        let limit: usize = bench_support::query(target, "limit")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(limit, PAGE, "the stream's default page");
        let start = bench_support::query(target, "cursor").map_or(0, |c| {
            c.trim_start_matches('k').parse::<usize>().unwrap() + 1
        });
        served[start / PAGE].clone()
    });
    let client =
        liveagent::ClientBuilder::new(format!("http://{addr}"), liveagent::ApiKey::new("key"))
            .rate_limit(None)
            .build()
            .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let one_page = || {
        runtime.block_on(async {
            let page = client
                .list_conversations()
                .limit(PAGE as u64)
                .send()
                .await
                .unwrap()
                .into_inner();
            page.response.conversations.len()
        })
    };
    let stream_all = || {
        runtime.block_on(async {
            client
                .list_conversations()
                .stream()
                .try_fold(0usize, |count, row| {
                    std::hint::black_box(row);
                    async move { Ok(count + 1) }
                })
                .await
                .unwrap()
        })
    };
    // Warm the connection pool and the runtime outside the measurement.
    one_page();
    let (count, page_peak) = peak_during(one_page);
    assert_eq!(count, PAGE);
    let (count, stream_peak) = peak_during(stream_all);
    assert_eq!(count, rows);
    let body_bytes = pages[0].len();
    let report = serde_json::json!({
        "rows": rows,
        "page_rows": PAGE,
        "page_body_bytes": body_bytes,
        "one_page_peak_bytes": page_peak,
        "stream_peak_bytes": stream_peak,
    });
    let path = bench_support::raw_dir().join("paginate_memory.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("paginate_memory: {report}");
}
