//! Retries, rate limit, timeouts and the body cap, through the clients against local servers.
//! Every response here is synthetic (made up for the behaviour under test).
//!
//! The retry and limiter timing rules are also unit-tested on tokio's paused clock in
//! `helpdesk-client-runtime` (`retry.rs`, `limit.rs`); these tests drive real sockets with short
//! delays.

use std::time::{Duration, Instant};

use std::sync::atomic::Ordering;

use api_tests::faulty::{serve_faulty, Reply, Seen};
use api_tests::loopback;
use bench_support::{CountingAllocator, PeakScope};
use helpdesk_client_runtime::{RateLimit, RetryPolicy};
use liveagent::{ApiKey, ClientBuilder, ResultExt};
use tokio::io::AsyncWriteExt;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Counts live heap bytes and their peak, to show a capped body is not read into memory.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const TAGS: &str = r#"{"response":{"tags":[{"id":"sh3j","name":"VIP"}]}}"#;

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn client(base_url: &str, retry: RetryPolicy) -> liveagent::Client {
    ClientBuilder::new(base_url, ApiKey::new("resilience-test-key"))
        .retry(retry)
        .rate_limit(None)
        .build()
        .unwrap()
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// A server that answers the first `times` requests with `first`, and every later one with
/// `TAGS`.
async fn failing_first(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(json(200, TAGS))
        .mount(&server)
        .await;
    server
}

/// `listTags` at `base_url` through a client with `retry`.
async fn list_tags(
    base_url: &str,
    retry: RetryPolicy,
) -> Result<liveagent::types::TagList, liveagent::Error> {
    client(base_url, retry)
        .list_tags()
        .send()
        .await
        .payload()
        .await
}

#[tokio::test]
async fn a_503_twice_then_success_is_one_result_after_three_requests() {
    let server = failing_first(
        ResponseTemplate::new(503).set_body_raw("<html>busy</html>", "text/html"),
        2,
    )
    .await;
    let tags = list_tags(&server.uri(), fast_retries()).await.unwrap();
    assert_eq!(tags.tags.len(), 1);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn the_last_failure_is_returned_when_attempts_run_out() {
    let server = api_tests::serve_any(json(
        503,
        r#"{"response":{"status":"ERROR","statuscode":503,"errormessage":"Service Unavailable"}}"#,
    ))
    .await;
    let err = list_tags(&server.uri(), fast_retries()).await.unwrap_err();
    assert!(matches!(err, liveagent::Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn a_post_that_gets_503_is_not_retried_unless_opted_in() {
    let server = api_tests::serve_any(ResponseTemplate::new(503)).await;
    let body = liveagent::types::CreateTagBody {
        name: "VIP".to_owned(),
        color: None,
        bg_color: None,
    };
    let _ = client(&server.uri(), fast_retries())
        .create_tag()
        .body(body.clone())
        .send()
        .await;
    assert_eq!(requests(&server).await, 1);

    let opted = RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retries()
    };
    let _ = client(&server.uri(), opted)
        .create_tag()
        .body(body)
        .send()
        .await;
    assert_eq!(requests(&server).await, 1 + 4);
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let server = failing_first(
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let started = Instant::now();
    list_tags(&server.uri(), fast_retries()).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    // The first connection is reset (RST) before it answers; later ones get `TAGS`.
    let (base_url, requests) = serve_faulty(|seen: &Seen| {
        if seen.number == 0 {
            Reply::Reset
        } else {
            Reply::json(200, TAGS.to_owned())
        }
    })
    .await;
    let tags = list_tags(&base_url, fast_retries()).await.unwrap();
    assert_eq!(tags.tags.len(), 1);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        2,
        "the reset one and its retry"
    );
}

#[tokio::test]
async fn the_rate_limit_spaces_calls_through_the_client() {
    let server = api_tests::serve_any(json(200, TAGS)).await;
    let limit = RateLimit {
        requests: 12,
        per: Duration::from_secs(1),
    };
    let client = ClientBuilder::new(server.uri(), ApiKey::new("rate-limit-test-key"))
        .rate_limit(Some(limit))
        .build()
        .unwrap();
    let started = Instant::now();
    let calls: Vec<_> = (0..24)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_tags().send().await.payload().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    // 2 at once, then one per 100 ms: 24 calls take at least 2.1 s.
    assert!(
        started.elapsed() >= Duration::from_millis(2_000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_limit() {
    let server =
        api_tests::serve_any(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))).await;
    let client = ClientBuilder::new(server.uri(), ApiKey::new("timeout-test-key"))
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::none())
        .rate_limit(None)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.list_tags().send().await.payload().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, liveagent::Error::Timeout { .. }), "{err:?}");
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed <= Duration::from_millis(550),
        "{elapsed:?}"
    );
}

/// Serves one response of `total` bytes of JSON-ish text, with or without a length, written
/// as it goes (the server shares the process whose heap the test measures).
async fn large_body_server(total: usize, with_length: bool) -> String {
    loopback::serve(move |mut connection| async move {
        if connection.read_request().await.is_none() {
            return;
        }
        let head = if with_length {
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {total}\r\n\r\n")
        } else {
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                .to_owned()
        };
        let socket = connection.socket();
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < total {
            if socket.write_all(&chunk).await.is_err() {
                return;
            }
            sent += chunk.len();
        }
    })
    .await
}

#[tokio::test]
async fn a_100_mib_body_with_a_1_mib_cap_is_a_typed_error_in_bounded_memory() {
    for with_length in [true, false] {
        let base_url = large_body_server(100 * 1024 * 1024, with_length).await;
        let client = ClientBuilder::new(&base_url, ApiKey::new("body-cap-test-key"))
            .max_body_bytes(1024 * 1024)
            .retry(RetryPolicy::none())
            .rate_limit(None)
            .build()
            .unwrap();
        let scope = PeakScope::start();
        let err = client.list_tags().send().await.payload().await.unwrap_err();
        let peak = scope.peak();
        assert!(
            matches!(
                err,
                liveagent::Error::BodyTooLarge {
                    limit: 1_048_576,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert!(peak < 8 * 1024 * 1024, "peak heap growth {peak} bytes");
    }
}
