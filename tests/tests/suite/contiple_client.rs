//! The Contiple client's behaviour around the wire: the security key never shown, the service
//! id in every path, uploads checked before sending, errors typed with status and body.
//! Every response here is synthetic (named so in each test).

use contiple::{Client, ClientBuilder, Credentials, ResultExt};

const KEY: &str = "contiple-test-security-key";

#[tokio::test]
async fn the_security_key_never_shows_in_debug_or_errors() {
    let credentials = Credentials::new("APISimple", "org", KEY);
    assert!(!format!("{credentials:?}").contains(KEY));
    // Synthetic: a server that echoes the key in its message and in a wrongly typed field.
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(400).set_body_raw(
        format!(r#"{{"header":{{"resultCode":400,"resultMessage":"Authorization is incorrect for {KEY}","isSuccessful":false}},"result":null}}"#),
        "application/json",
    ))
    .await;
    let client = ClientBuilder::new(server.uri(), credentials)
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    let err = client
        .get_agent()
        .id(1)
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(KEY), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // The body an error keeps is redacted with the client's secrets, like its messages.
    let body = String::from_utf8_lossy(err.body().unwrap()).into_owned();
    assert!(
        !body.contains(KEY) && body.contains("incorrect for <redacted>"),
        "{body}"
    );
    assert_eq!(
        err.api_message().as_deref(),
        Some("Authorization is incorrect for <redacted>")
    );

    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200).set_body_raw(
        format!(r#"{{"header":{{"resultCode":200,"resultMessage":"","isSuccessful":true}},"result":{{"content":{{"id":"{KEY}"}}}}}}"#),
        "application/json",
    ))
    .await;
    let client = Client::new(&server.uri(), "APISimple", "org", KEY).unwrap();
    let err = client
        .get_agent()
        .id(1)
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, contiple::Error::Decode { .. }), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test]
async fn the_service_id_prefixes_every_path() {
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200).set_body_raw(
        r#"{"header":{"resultCode":200,"resultMessage":"","isSuccessful":true},"result":{"contents":[]}}"#,
        "application/json",
    ))
    .await;
    let client = Client::new(&format!("{}/", server.uri()), "my service", "org", KEY).unwrap();
    client
        .list_notice_categories()
        .send()
        .await
        .payload()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.path(),
        "/my+service/api/v2/notice/categories.json"
    );
}

#[tokio::test]
async fn uploads_over_10_mb_fail_before_sending() {
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200)).await;
    let client = Client::new(&server.uri(), "APISimple", "org", KEY).unwrap();
    let file = vec![0u8; contiple::MAX_UPLOAD_BYTES + 1];
    let err = client
        .upload_ticket_attachment("big.zip", file)
        .await
        .unwrap_err();
    assert!(matches!(err, contiple::Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("10 MB"), "{err}");
    let long_name = format!("{}.txt", "n".repeat(100));
    let err = client
        .upload_ticket_attachment(&long_name, b"x".to_vec())
        .await
        .unwrap_err();
    assert!(matches!(err, contiple::Error::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn every_signed_call_is_signed_at_the_clocks_time() {
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200).set_body_raw(
        r#"{"header":{"resultCode":200,"resultMessage":"","isSuccessful":true},"result":{"contents":[]}}"#,
        "application/json",
    ))
    .await;
    let credentials = Credentials::new("APISimple", "org", KEY).with_clock(|| 42);
    let client = ClientBuilder::new(server.uri(), credentials)
        .build()
        .unwrap();
    client.list_agents().send().await.payload().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0]
            .headers
            .get("x-tc-timestamp")
            .unwrap()
            .to_str()
            .unwrap(),
        "42"
    );
}

#[test]
fn bad_base_urls_are_rejected() {
    let err = Client::new("oc.nhncloud.com", "APISimple", "org", KEY).unwrap_err();
    assert!(matches!(err, contiple::Error::InvalidRequest(_)), "{err:?}");
}
