//! Errors a caller can act on, for both APIs: `?` on `send().await` into the crate's `Error`,
//! retry decisions from one accessor whatever the body, the API's own code and message,
//! redirects that say where they point, timeouts that say they timed out.
//! Responses are synthetic (named so in each test) unless loaded from a recording.

use std::time::Duration;

use helpdesk_client_runtime::{ErrorKind, RetryPolicy};
use liveagent::{ApiKey, Client};
use tokio::io::AsyncWriteExt;

const API_KEY: &str = "test-api-key-not-a-secret";

/// Fetches a tag with plain `?` on `send().await`, as a user's function would.
async fn tag_name(client: &Client, tagid: &str) -> Result<Option<String>, liveagent::Error> {
    let tag = client.get_tag().tagid(tagid).send().await?;
    Ok(tag.into_inner().response.name)
}

/// A client for `base_url` that does not retry: these tests look at one response's error.
fn client_without_retries(base_url: &str, key: &str) -> Client {
    liveagent::ClientBuilder::new(base_url, ApiKey::new(key))
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// The error `get_tag` gives for `template`, through `?`.
async fn get_tag_error(template: wiremock::ResponseTemplate) -> liveagent::Error {
    let server = api_tests::serve_any(template).await;
    let client = client_without_retries(&server.uri(), API_KEY);
    tag_name(&client, "sh3j").await.unwrap_err()
}

#[tokio::test]
async fn question_mark_works_on_send() {
    // The documented getTag response, from a typed mock.
    use liveagent_httpmock::MockServerExt as _;
    let server = httpmock::MockServer::start_async().await;
    let found = server.get_tag(|when, then| {
        when.tagid("sh3j");
        then.ok(&api_tests::documented("liveagent", "getTag"));
    });
    let client = Client::new(&server.base_url(), ApiKey::new(API_KEY)).expect("client builds");
    assert_eq!(
        tag_name(&client, "sh3j").await.unwrap().as_deref(),
        Some("VIP")
    );
    found.assert_async().await;

    let rec = api_tests::load_case("liveagent", "getConversation", "error_404").unwrap();
    let err = get_tag_error(rec.last_response().template()).await;
    assert!(matches!(err, liveagent::Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.api_code().as_deref(), Some("404"));
    assert!(err.api_message().is_some_and(|m| !m.is_empty()), "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn question_mark_and_payload_give_the_same_error() {
    // Synthetic: an undocumented status with a body; `?` must keep the body like `.payload()`.
    let template =
        wiremock::ResponseTemplate::new(202).set_body_raw("<html>accepted</html>", "text/html");
    let via_question_mark = get_tag_error(template.clone()).await;
    let server = api_tests::serve_any(template).await;
    let client = client_without_retries(&server.uri(), API_KEY);
    let via_payload = liveagent::ResultExt::payload(client.get_tag().tagid("sh3j").send().await)
        .await
        .unwrap_err();
    assert_eq!(via_question_mark.to_string(), via_payload.to_string());
    assert_eq!(via_question_mark.status(), via_payload.status());
    assert_eq!(via_question_mark.body(), via_payload.body());
    assert_eq!(
        via_question_mark.body().map(|b| b.as_ref()),
        Some(&b"<html>accepted</html>"[..])
    );
}

#[tokio::test]
async fn contiple_question_mark_works_on_send() {
    async fn agent_name(client: &contiple::Client) -> Result<String, contiple::Error> {
        let agent = client.get_agent().id(1).send().await?;
        Ok(agent.into_inner().result.content.username)
    }
    let rec = api_tests::load_case("contiple", "getAgent", "failure_with_http_200").unwrap();
    let server = api_tests::serve_any(rec.last_response().template()).await;
    let client = contiple::Client::new(&server.uri(), "APISimple", "org", "security-key")
        .expect("client builds");
    let err = agent_name(&client).await.unwrap_err();
    assert!(matches!(err, contiple::Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.api_code().is_some(), "{err:?}");
    assert!(err.api_message().is_some(), "{err:?}");

    // The documented getAgent response, from a typed mock.
    use contiple_httpmock::MockServerExt as _;
    let server = httpmock::MockServer::start_async().await;
    let found = server.get_agent(|when, then| {
        when.id(1);
        then.ok(&api_tests::documented("contiple", "getAgent"));
    });
    let client = contiple::Client::new(&server.base_url(), "APISimple", "org", "security-key")
        .expect("client builds");
    assert!(!agent_name(&client).await.unwrap().is_empty());
    found.assert_async().await;
}

#[tokio::test]
async fn a_503_is_retryable_whatever_its_body() {
    // Synthetic: the same 503 from the API (its error envelope), from a proxy (HTML) and from
    // something else speaking JSON.
    let bodies = [
        (
            r#"{"response":{"status":"ERROR","statuscode":503,"errormessage":"Service Unavailable"}}"#,
            "application/json",
        ),
        (
            "<html><body>503 Service Unavailable</body></html>",
            "text/html",
        ),
        (r#"{"message":"upstream unavailable"}"#, "application/json"),
    ];
    let mut variants = Vec::new();
    for (body, content_type) in bodies {
        let err =
            get_tag_error(wiremock::ResponseTemplate::new(503).set_body_raw(body, content_type))
                .await;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
        assert!(err.is_retryable(), "{err:?}");
        variants.push(err.kind());
    }
    assert_eq!(
        variants,
        [ErrorKind::Api, ErrorKind::NotJson, ErrorKind::Decode]
    );

    for (status, retryable) in [
        (429, true),
        (502, true),
        (504, true),
        (500, false),
        (401, false),
    ] {
        let err =
            get_tag_error(wiremock::ResponseTemplate::new(status).set_body_raw("", "text/plain"))
                .await;
        assert_eq!(err.is_retryable(), retryable, "HTTP {status}: {err:?}");
    }
}

#[tokio::test]
async fn redirect_errors_say_where_they_point() {
    // Synthetic: the common mistake, an http:// base URL answered with a redirect to https://
    // that repeats the query, API key included.
    let key = "redirect-error-secret-key";
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(301).insert_header(
        "location",
        format!("https://example.ladesk.com/api/tags/sh3j?apikey={key}").as_str(),
    ))
    .await;
    let client = client_without_retries(&server.uri(), key);
    let err = tag_name(&client, "sh3j").await.unwrap_err();
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    // The Location header is kept redacted with the client's key.
    assert_eq!(
        err.location(),
        Some("https://example.ladesk.com/api/tags/sh3j?apikey=<redacted>")
    );
    let text = err.to_string();
    assert!(
        text.starts_with("LiveAgent answered with a redirect (HTTP 301 Moved Permanently) to https://example.ladesk.com/api/tags/sh3j?apikey=<redacted>"),
        "{text}"
    );
    assert!(text.contains("check the base URL"), "{text}");
    assert!(!format!("{text} {err:?}").contains(key));
    assert!(!err.is_retryable());
}

/// Serves one HTTP response whose body stops after a few bytes and never ends; returns the
/// base URL. Synthetic: a server that stalls in the middle of the body.
async fn stalling_server() -> String {
    api_tests::loopback::serve(|mut connection| async move {
        if connection.read_request().await.is_none() {
            return;
        }
        let _ = connection.socket().write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"response\":",
        ).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await
}

#[tokio::test]
async fn a_body_that_stalls_reads_as_a_timeout() {
    let client = liveagent::ClientBuilder::new(stalling_server().await, ApiKey::new(API_KEY))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client builds");
    let err = tag_name(&client, "sh3j").await.unwrap_err();
    assert!(matches!(err, liveagent::Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(text.starts_with("LiveAgent request timed out"), "{text}");
    assert!(!text.contains("decoding"), "{text}");
}

#[tokio::test]
async fn connection_failures_are_retryable() {
    // Nothing listens on port 9 of loopback: the connection is refused.
    let client = client_without_retries("http://127.0.0.1:9/api", API_KEY);
    let err = tag_name(&client, "sh3j").await.unwrap_err();
    assert!(matches!(err, liveagent::Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
}
