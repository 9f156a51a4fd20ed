//! Settings per call: `with_timeout`, `with_retry` and `with_max_body_bytes` return a view of a
//! client whose settings apply to the calls made through it, and to nothing else. Each test
//! calls through a view and through the original client against the same server and checks
//! that only the view's call obeys the changed setting: an operation, a stream and a download.
//! The tag is the spec's documented `getTag` example; every other response is synthetic (a
//! 503, a delayed answer, a file of zeros).

use std::time::{Duration, Instant};

use contiple::DownloadExt as _;
use futures::TryStreamExt as _;
use liveagent::{ApiKey, ErrorKind, ResultExt as _, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The spec's documented `getTag` response.
fn tag() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(api_tests::documented::<serde_json::Value>(
        "liveagent",
        "getTag",
    ))
}

/// `client.get_tag().tagid("sh3j")`, sent and unwrapped.
async fn get_tag(
    client: &liveagent::Client,
) -> Result<liveagent::types::TagDetails, liveagent::Error> {
    client.get_tag().tagid("sh3j").send().await.payload().await
}

/// A LiveAgent client at `server` with a 10 s timeout, no retries and no rate limit.
fn liveagent(server: &MockServer) -> liveagent::Client {
    liveagent::ClientBuilder::new(
        format!("{}/api", server.uri()),
        ApiKey::new("per-call-key-not-a-secret"),
    )
    .timeout(Duration::from_secs(10))
    .retry(RetryPolicy::none())
    .rate_limit(None)
    .build()
    .expect("client builds")
}

/// Quick retries, so that a test does not wait for the default backoff.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_views_timeout_applies_to_its_call_and_not_to_the_clients_next_call() {
    let server = MockServer::start().await;
    Mock::given(path("/api/tags/sh3j"))
        .respond_with(tag().set_delay(Duration::from_millis(600)))
        .mount(&server)
        .await;
    let client = liveagent(&server);

    let started = Instant::now();
    let err = get_tag(&client.with_timeout(Duration::from_millis(150)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );

    // The original client keeps its 10 s: the same slow answer arrives.
    let tag = get_tag(&client).await.expect("the original client waits");
    assert_eq!(tag.name.as_deref(), Some("VIP"));
}

#[tokio::test]
async fn retries_enabled_on_a_view_retry_a_503_get_and_the_original_does_not() {
    let server = MockServer::start().await;
    // Two 503s, then the tag: the original client's call takes the first 503, the view's
    // call the second, which it retries.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("busy", "text/plain"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(tag())
        .mount(&server)
        .await;
    let client = liveagent(&server);

    let err = get_tag(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let tag = get_tag(&client.with_retry(quick_retries()))
        .await
        .expect("the view retries the 503");
    assert_eq!(tag.id, "sh3j");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // The original is unchanged: its next call is not retried either (the 503s are spent, so
    // it succeeds at once, with one request).
    get_tag(&client).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_stream_through_a_view_obeys_its_timeout() {
    // Synthetic: every page is slow.
    let server = api_tests::serve_any(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"response":{"conversations":[]}}"#, "application/json")
            .set_delay(Duration::from_millis(600)),
    )
    .await;
    let client = liveagent(&server);
    let started = Instant::now();
    let err = client
        .with_timeout(Duration::from_millis(150))
        .list_conversations()
        .stream()
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_download_through_a_view_obeys_its_body_cap() {
    let file = vec![0u8; 64 * 1024];
    let server = api_tests::serve_any(
        ResponseTemplate::new(200).set_body_raw(file.clone(), "application/octet-stream"),
    )
    .await;
    let client = contiple::ClientBuilder::new(
        server.uri(),
        contiple::Credentials::new("APISimple", "org", "per-call-security-key-not-a-secret"),
    )
    .retry(RetryPolicy::none())
    .build()
    .expect("client builds");

    let err = client
        .with_max_body_bytes(1024)
        .get_ticket_attachment()
        .id("1")
        .send()
        .await
        .download()
        .await
        .unwrap_err();
    assert!(
        matches!(err, contiple::Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );

    // The original keeps its 64 MiB cap.
    let download = client
        .get_ticket_attachment()
        .id("1")
        .send()
        .await
        .download()
        .await
        .expect("the original client reads the whole file");
    assert_eq!(download.bytes.len(), file.len());
}

#[tokio::test]
async fn a_view_shares_the_clients_rate_limiter() {
    let server = api_tests::serve_any(tag()).await;
    // One request per minute: the view's call takes the only one, so the original's next call
    // waits (and is cut by its view's short timeout instead of sending).
    let client = liveagent::ClientBuilder::new(
        format!("{}/api", server.uri()),
        ApiKey::new("per-call-limiter-key-not-a-secret"),
    )
    .retry(RetryPolicy::none())
    .rate_limit(Some(liveagent::RateLimit::per_minute(1)))
    .build()
    .unwrap();
    get_tag(&client.with_timeout(Duration::from_secs(5)))
        .await
        .unwrap();
    let waited = tokio::time::timeout(
        Duration::from_millis(300),
        client.get_tag().tagid("sh3j").send(),
    )
    .await;
    assert!(
        waited.is_err(),
        "the original client did not wait for the shared budget"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
