//! The LiveAgent client's behaviour around the wire: secrets never shown, errors typed with
//! their status and body, redirects not followed, base URLs checked, the envelope unwrapped.
//! Every response here is synthetic (named so in each test) unless it is loaded from a
//! recording.

use liveagent::types;
use liveagent::{ApiKey, Client, ResultExt};
use liveagent_httpmock::MockServerExt as _;

const API_KEY: &str = "test-api-key-not-a-secret";

#[tokio::test]
async fn api_key_never_shows_in_errors_or_debug() {
    let key = ApiKey::new("very-secret-key");
    assert!(!format!("{key:?}").contains("very-secret"));
    // Nothing listens on port 9 of loopback: the connection is refused.
    let client = Client::new("http://127.0.0.1:9/api", key).expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("very-secret"), "{text}");
    assert!(matches!(err, liveagent::Error::Transport { .. }), "{err:?}");
    assert!(!format!("{client:?}").contains("very-secret"));
}

/// Calls `list_tags` with a secret key against `server` and returns the generated method's own
/// error (no [`ResultExt`]) as text, to check nothing leaks even when callers bypass it.
async fn raw_error_text(base_url: &str, timeout: std::time::Duration) -> String {
    let client = liveagent::ClientBuilder::new(base_url, ApiKey::new("very-secret-key"))
        .timeout(timeout)
        .build()
        .expect("client builds");
    let err = client.list_tags().send().await.unwrap_err();
    format!("{err} {err:?}")
}

#[tokio::test]
async fn api_key_never_shows_in_the_generated_error_either() {
    let refused = raw_error_text("http://127.0.0.1:9/api", std::time::Duration::from_secs(5)).await;
    assert!(!refused.contains("very-secret"), "{refused}");

    let server = api_tests::serve_any(
        wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    let timed_out = raw_error_text(&server.uri(), std::time::Duration::from_millis(200)).await;
    assert!(!timed_out.contains("very-secret"), "{timed_out}");
}

#[tokio::test]
async fn error_debug_masks_a_key_echoed_by_the_server() {
    // Synthetic: a server that echoes the request URL in its error message.
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(500).set_body_raw(
            r#"{"response":{"status":"ERROR","statuscode":500,"errormessage":"bad request /api/tags?apikey=very-secret-key","debugmessage":"apikey=very-secret-key"}}"#,
            "application/json",
        )).await;
    let client = Client::new(&server.uri(), ApiKey::new("very-secret-key")).expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("very-secret"), "{text}");
    // The body the error keeps is redacted with the client's key too.
    let body = String::from_utf8_lossy(err.body().unwrap()).into_owned();
    assert!(
        !body.contains("very-secret") && body.contains("<redacted>"),
        "{body}"
    );
}

/// Serves one response and returns the error `list_tags` / `create_tag` gives for it.
async fn error_for(template: wiremock::ResponseTemplate, post: bool) -> liveagent::Error {
    let server = api_tests::serve_any(template).await;
    let client = Client::new(&server.uri(), ApiKey::new(API_KEY)).expect("client builds");
    if post {
        let body = types::CreateTagBody {
            name: "VIP".to_owned(),
            color: None,
            bg_color: None,
        };
        client
            .create_tag()
            .body(body)
            .send()
            .await
            .into_value()
            .await
            .unwrap_err()
    } else {
        client
            .list_tags()
            .send()
            .await
            .into_value()
            .await
            .unwrap_err()
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_and_body() {
    // Synthetic responses with statuses the spec does not document.
    let err = error_for(wiremock::ResponseTemplate::new(204), false).await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(204));

    let err = error_for(
        wiremock::ResponseTemplate::new(201).set_body_raw(
            r#"{"response":{"status":"ERROR","statuscode":500,"errormessage":"nope"}}"#,
            "application/json",
        ),
        false,
    )
    .await;
    assert!(matches!(err, liveagent::Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201));

    let err = error_for(
        wiremock::ResponseTemplate::new(202).set_body_raw("<html>accepted</html>", "text/html"),
        false,
    )
    .await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.body().map(|b| b.as_ref()),
        Some(&b"<html>accepted</html>"[..])
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // Synthetic: a redirect would turn this POST into a GET without its form body.
    let err = error_for(
        wiremock::ResponseTemplate::new(302).insert_header("location", "/elsewhere"),
        true,
    )
    .await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("location"))
            .map(|v| v.as_bytes()),
        Some(&b"/elsewhere"[..])
    );
}

/// Synthetic: a 302 to a second local server. Even with a caller's `reqwest::ClientBuilder`
/// that follows redirects and sends `Referer`, the second server must never see the key.
#[tokio::test]
async fn a_redirect_target_never_sees_the_key() {
    let target = api_tests::serve_any(
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(r#"{"response":{"tags":[]}}"#, "application/json"),
    )
    .await;
    let redirecting = api_tests::serve_any(
        wiremock::ResponseTemplate::new(302)
            .insert_header("location", format!("{}/landing", target.uri()).as_str()),
    )
    .await;
    let careless = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .referer(true);
    let client =
        liveagent::ClientBuilder::new(redirecting.uri(), ApiKey::new("redirect-secret-key"))
            .reqwest_builder(careless)
            .build()
            .expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
    let seen = target.received_requests().await.unwrap_or_default();
    for request in &seen {
        let text = format!("{} {:?}", request.url, request.headers);
        assert!(!text.contains("redirect-secret-key"), "{text}");
    }
    assert!(seen.is_empty(), "the redirect was followed");
}

#[test]
fn bad_base_urls_are_rejected() {
    let err = Client::new("https://example.com/api?apikey=leaked", ApiKey::new("k")).unwrap_err();
    assert!(
        matches!(err, liveagent::Error::InvalidRequest(_)),
        "{err:?}"
    );
    // A trailing slash is fine.
    assert!(Client::new("https://example.com/api/", ApiKey::new("k")).is_ok());
}

#[tokio::test]
async fn timeouts_are_typed() {
    let server = api_tests::serve_any(
        wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    let client = liveagent::ClientBuilder::new(server.uri(), ApiKey::new("k"))
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert!(matches!(err, liveagent::Error::Timeout { .. }), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn payload_unwraps_the_envelope() {
    // The documented getTag response (the spec's example), from a typed mock.
    let envelope: types::TagDetailsEnvelope = api_tests::documented("liveagent", "getTag");
    let server = httpmock::MockServer::start_async().await;
    let mock = server.get_tag(|when, then| {
        when.tagid("sh3j");
        then.ok(&envelope);
    });
    let client = Client::new(&server.base_url(), ApiKey::new(API_KEY)).expect("client builds");
    let tag = client
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await
        .unwrap();
    assert_eq!(tag.name.as_deref(), Some("VIP"));
    assert_eq!(tag.is_archived, None);
    mock.assert_async().await;
}

/// A 429 with `Retry-After: 1` to one client makes every client of the process with the same
/// key wait a second before its next request: they share the key's rate limiter, which the 429
/// pauses (with the `redis` feature's shared quota, every process does). Synthetic: the 429;
/// the tag is the spec's example.
#[tokio::test]
async fn a_429_pauses_every_client_of_the_key_in_the_process() {
    use std::time::{Duration, Instant};
    use wiremock::{matchers::path, Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(path("/api/tags/sh3j"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_raw(
                    r#"{"response":{"status":"ERROR","statuscode":429,"errormessage":"Too many requests"}}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/tags/sh3j"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(api_tests::documented::<serde_json::Value>(
                "liveagent",
                "getTag",
            )),
        )
        .mount(&server)
        .await;
    // Two clients with one key and the default (shared) rate limit; neither retries.
    let client = || {
        liveagent::ClientBuilder::new(
            format!("{}/api", server.uri()),
            ApiKey::new("pause-key-not-a-secret"),
        )
        .retry(liveagent::RetryPolicy::none())
        .build()
        .unwrap()
    };
    let (throttled, other) = (client(), client());
    let started = Instant::now();
    let err = throttled
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    assert_eq!(err.api_code().as_deref(), Some("429"), "{err:?}");
    let tag = other
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await
        .unwrap();
    assert_eq!(tag.id, "sh3j");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
}
