//! Contiple request signing, checked against a straight-line implementation of the documented
//! algorithm written here from the overview's server-side code ("Authentication Method for
//! OC"), independent of `contiple::signing`:
//!
//! message = organization id + request URI as sent + [multipart: hex MD5 of the file |
//! otherwise: query values sorted by name, first value of a name, joined with `&`, then `&`
//! (only after parameters) + body text when a body is sent] + timestamp;
//! `Authorization` = Base64(HmacSHA256(security key, message)).
//!
//! Every response served here is synthetic (an empty success envelope) unless loaded from a
//! recording: only the requests matter.

use std::collections::BTreeMap;

use api_tests::{
    contiple_credentials, load_all, ClientCredentials as _, ContipleCredentials, SpecIndex,
};
use base64::Engine as _;
use contiple::{types, Client, ClientBuilder, ResultExt};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// The documented algorithm, straight from the server's code.
fn documented_signature(
    credentials: &ContipleCredentials,
    request_uri: &str,
    query: &[(String, String)],
    body: Option<&str>,
    file: Option<&[u8]>,
) -> String {
    let mut message = String::new();
    message.push_str(&credentials.organization_id);
    message.push_str(request_uri);
    if let Some(file) = file {
        for byte in Md5::digest(file) {
            message.push_str(&format!("{byte:02x}"));
        }
    } else {
        let mut params: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, value) in query {
            params.entry(name).or_insert(value);
        }
        if !params.is_empty() {
            for value in params.values() {
                message.push_str(value);
                message.push('&');
            }
            message.pop();
        }
        if let Some(body) = body {
            if !params.is_empty() {
                message.push('&');
            }
            message.push_str(body);
        }
    }
    message.push_str(&credentials.timestamp_ms.to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(credentials.security_key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Recomputes a received request's signature with [`documented_signature`] and checks both
/// headers.
fn assert_signed(credentials: &ContipleCredentials, request: &wiremock::Request) {
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (body, file) = if content_type.starts_with("multipart/form-data") {
        let (_, file) = api_tests::multipart_file(&content_type, &request.body).unwrap();
        (None, Some(file))
    } else if request.body.is_empty() {
        (None, None)
    } else {
        (Some(String::from_utf8(request.body.clone()).unwrap()), None)
    };
    let expected = documented_signature(
        credentials,
        request.url.path(),
        &query,
        body.as_deref(),
        file.as_deref(),
    );
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("authorization"), Some(expected), "{}", request.url);
    assert_eq!(
        header("x-tc-timestamp"),
        Some(credentials.timestamp_ms.to_string())
    );
}

/// A client with the recordings' credentials and frozen clock, against a server that answers
/// every request with an empty success envelope (synthetic).
async fn client_and_server() -> (ContipleCredentials, Client, wiremock::MockServer) {
    let credentials = contiple_credentials();
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200).set_body_raw(
        r#"{"header":{"resultCode":200,"resultMessage":"","isSuccessful":true},"result":{"contents":[]}}"#,
        "application/json",
    ))
    .await;
    let client = ClientBuilder::new(server.uri(), credentials.client_credentials())
        .build()
        .unwrap();
    (credentials, client, server)
}

async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    received.remove(0)
}

#[tokio::test]
async fn get_with_several_parameters_in_mixed_case() {
    let (credentials, client, server) = client_and_server().await;
    let _ = client
        .list_customer_tickets()
        .usercode("user1")
        .status(types::CustomerTicketStatus::Open)
        .page_size(50)
        .page(2)
        .category_id(2542)
        .language("ko")
        .send()
        .await;
    let request = only_request(&server).await;
    assert_signed(&credentials, &request);
    // By hand: values in name order categoryId, language, page, pageSize, status.
    let message = format!(
        "{}/APISimple/openapi/v1/ticket/enduser/user1/list.json2542&ko&2&50&open{}",
        credentials.organization_id, credentials.timestamp_ms
    );
    let expected = contiple::signing::signature(&credentials.security_key, &message);
    assert_eq!(
        request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        expected
    );
}

#[tokio::test]
async fn post_with_a_body_and_query_parameters() {
    let (credentials, client, server) = client_and_server().await;
    let body: types::CreateTicketBody = serde_json::from_value(serde_json::json!({
        "categoryId": 2542,
        "subject": "subject",
        "content": "content",
        "endUser": {"usercode": "st18888", "email": "enduser@example.com", "username": "name"}
    }))
    .unwrap();
    let _ = client
        .create_ticket()
        .language("ko")
        .oc_client_ip("203.0.113.7")
        .body(body)
        .send()
        .await;
    let request = only_request(&server).await;
    assert_signed(&credentials, &request);
    assert_eq!(
        request
            .headers
            .get("oc-client-ip")
            .unwrap()
            .to_str()
            .unwrap(),
        "203.0.113.7"
    );
}

#[tokio::test]
async fn post_with_a_body_and_no_parameters() {
    let (credentials, client, server) = client_and_server().await;
    let body: types::AddAgentBody =
        serde_json::from_value(serde_json::json!({"id": "agent-uuid", "role": "ROLE_FRONT_ADMIN"}))
            .unwrap();
    let _ = client.add_agent().body(body).send().await;
    let request = only_request(&server).await;
    assert_signed(&credentials, &request);
    let message = format!(
        "{}/APISimple/openapi/v1/adduser.json{}{}",
        credentials.organization_id,
        String::from_utf8(request.body.clone()).unwrap(),
        credentials.timestamp_ms
    );
    assert_eq!(
        request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        contiple::signing::signature(&credentials.security_key, &message)
    );
}

#[tokio::test]
async fn multipart_upload_signs_the_files_md5() {
    let (credentials, client, server) = client_and_server().await;
    let file = "첨부 ファイル\n".as_bytes().to_vec();
    let _ = client
        .upload_ticket_attachment("메모.txt", file.clone())
        .await;
    let request = only_request(&server).await;
    assert_signed(&credentials, &request);
    let (name, sent) = api_tests::multipart_file(
        request
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap(),
        &request.body,
    )
    .unwrap();
    assert_eq!((name.as_str(), sent), ("메모.txt", file));
}

#[tokio::test]
async fn korean_and_japanese_text_in_parameters_and_body() {
    let (credentials, client, server) = client_and_server().await;
    let _ = client
        .list_agents()
        .name("김철수 山田")
        .page(1)
        .send()
        .await;
    let request = only_request(&server).await;
    assert_signed(&credentials, &request);

    let (credentials, client, server) = client_and_server().await;
    let body: types::ReinquireTicketBody =
        serde_json::from_value(serde_json::json!({"comment": "<p>추가 문의です</p>"})).unwrap();
    let _ = client
        .reinquire_ticket()
        .usercode("ユーザー")
        .ticket_id("T1658199661153IXTfw")
        .attachments("a9e1,b7c2")
        .body(body)
        .send()
        .await;
    let request = only_request(&server).await;
    // The path is signed as sent: percent-encoded.
    assert!(request.url.path().contains("%E3%83%A6"), "{}", request.url);
    assert_signed(&credentials, &request);
}

#[tokio::test]
async fn unsigned_operations_carry_no_signature() {
    let (_, client, server) = client_and_server().await;
    let _ = client.list_notice_categories().language("ko").send().await;
    let request = only_request(&server).await;
    assert!(request.headers.get("authorization").is_none());
    assert!(request.headers.get("x-tc-timestamp").is_none());
}

#[test]
fn every_signed_recording_has_the_documented_signature() {
    let credentials = contiple_credentials();
    let spec = SpecIndex::of(&api_tests::CONTIPLE).unwrap();
    let mut signed = 0;
    for rec in load_all("contiple").unwrap() {
        for exchange in rec.exchanges() {
            let request = &exchange.request;
            let Some(authorization) = request.headers.get("authorization") else {
                assert!(
                    !spec.is_secured(&rec.operation),
                    "{}: a secured operation's recording has no authorization header",
                    rec.name()
                );
                continue;
            };
            assert!(spec.is_secured(&rec.operation), "{}", rec.name());
            let query: Vec<(String, String)> = request
                .query
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            let file = request
                .file_base64
                .as_ref()
                .map(|f| base64::engine::general_purpose::STANDARD.decode(f).unwrap());
            let expected = documented_signature(
                &credentials,
                &request.path,
                &query,
                request.body_text.as_deref(),
                file.as_deref(),
            );
            assert_eq!(authorization, &expected, "{}", rec.name());
            assert_eq!(
                request.headers.get("x-tc-timestamp"),
                Some(&credentials.timestamp_ms.to_string()),
                "{}",
                rec.name()
            );
            signed += 1;
        }
    }
    assert!(signed >= 20, "only {signed} signed recordings");
}

#[tokio::test]
async fn failures_are_api_errors_with_the_result_code() {
    // Synthetic: the overview's failure body with HTTP 200.
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(200).set_body_raw(
        r#"{"header":{"resultCode":403,"resultMessage":"Access Denied","isSuccessful":false},"result":null}"#,
        "application/json",
    ))
    .await;
    let client = ClientBuilder::new(server.uri(), contiple_credentials().client_credentials())
        .build()
        .unwrap();
    let err = client
        .list_agents()
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    let header = err.api_error().expect("an API error");
    assert_eq!(header.result_code, 403);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        err.to_string(),
        "Contiple API error (HTTP 200 OK, resultCode 403): Access Denied"
    );
}

/// The vectors the other languages' signing helpers are checked with
/// (`xtask/consumers/helpers/signing-vectors.json`, run by `cargo xtask consumers`) are
/// `contiple::signing`'s.
#[test]
fn the_helpers_vectors_are_contiple_signings() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../xtask/consumers/helpers/signing-vectors.json");
    let text = std::fs::read_to_string(&path).expect("the vectors are checked in");
    let vectors: serde_json::Value = serde_json::from_str(&text).expect("the vectors are JSON");
    let text_of = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let mut count = 0;
    for v in vectors["messages"].as_array().expect("messages") {
        let query: Vec<(String, String)> = v["query"]
            .as_array()
            .expect("query pairs")
            .iter()
            .map(|pair| (text_of(&pair[0]), text_of(&pair[1])))
            .collect();
        let message = contiple::signing::signing_message(
            v["organization_id"].as_str().unwrap_or_default(),
            v["path"].as_str().unwrap_or_default(),
            query.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            v["body"].as_str(),
            v["timestamp_ms"].as_i64().expect("a timestamp"),
        );
        assert_eq!(message, text_of(&v["message"]));
        count += 1;
    }
    for v in vectors["uploads"].as_array().expect("uploads") {
        let file = base64::engine::general_purpose::STANDARD
            .decode(text_of(&v["file_base64"]))
            .expect("base64");
        let message = contiple::signing::upload_signing_message(
            v["organization_id"].as_str().unwrap_or_default(),
            v["path"].as_str().unwrap_or_default(),
            &file,
            v["timestamp_ms"].as_i64().expect("a timestamp"),
        );
        assert_eq!(message, text_of(&v["message"]));
        count += 1;
    }
    for v in vectors["signatures"].as_array().expect("signatures") {
        let signature = contiple::signing::signature(
            v["key"].as_str().unwrap_or_default(),
            v["message"].as_str().unwrap_or_default(),
        );
        assert_eq!(signature, text_of(&v["signature"]));
        count += 1;
    }
    assert_eq!(count, 6, "every vector checked");
}
