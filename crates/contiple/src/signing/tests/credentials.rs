//! What `Credentials` does with a request: the headers it sets (the signature of the message
//! built from the request as sent, and the timestamp of its clock), for plain requests, bodies
//! and uploads; and what it tells the runtime (the base URL with the service id, the
//! rate-limit key, the secret to mask), its `Debug` without the key, and the system clock.

use helpdesk_client_runtime::__private::{secret_fingerprint, Credentials as _};

use super::super::{
    signature, signing_message, system_clock_ms, upload_signing_message, Credentials,
    TIMESTAMP_HEADER,
};

const KEY: &str = "synthetic-security-key";

fn credentials() -> Credentials {
    Credentials::new("APISimple", "org-1", KEY).with_clock(|| 1_700_000_000_123)
}

/// A request as the client builds it (without a client: no TLS provider needed).
fn request(method: reqwest::Method, url: &str, body: Option<&'static str>) -> reqwest::Request {
    let mut request = reqwest::Request::new(method, url.parse().unwrap());
    *request.body_mut() = body.map(reqwest::Body::from);
    request
}

fn headers(request: &reqwest::Request) -> (String, String) {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    (header("authorization"), header(TIMESTAMP_HEADER))
}

#[test]
fn the_accessors_and_the_clock() {
    let credentials = credentials();
    assert_eq!(credentials.service_id(), "APISimple");
    assert_eq!(credentials.organization_id(), "org-1");
    assert_eq!(credentials.now_ms(), 1_700_000_000_123);
    assert_eq!(credentials.sign("message"), signature(KEY, "message"));
}

#[test]
fn requests_are_signed_as_sent() {
    let url = "https://example.com/APISimple/openapi/v1/ticket.json";
    let (get, post) = (reqwest::Method::GET, reqwest::Method::POST);
    // (request, the message it signs)
    let cases = [
        (
            request(
                get.clone(),
                &format!("{url}?language=ko&categoryId=1"),
                None,
            ),
            signing_message(
                "org-1",
                "/APISimple/openapi/v1/ticket.json",
                [("categoryId", "1"), ("language", "ko")],
                None,
                1_700_000_000_123,
            ),
        ),
        (
            request(
                post.clone(),
                &format!("{url}?language=ko"),
                Some("{\"a\":1}"),
            ),
            "org-1/APISimple/openapi/v1/ticket.jsonko&{\"a\":1}1700000000123".to_owned(),
        ),
        // An empty body is no body: no `&` after the parameters.
        (
            request(post, &format!("{url}?language=ko"), Some("")),
            "org-1/APISimple/openapi/v1/ticket.jsonko1700000000123".to_owned(),
        ),
        // Query values are signed decoded.
        (
            request(get, &format!("{url}?q=a+b%26c"), None),
            "org-1/APISimple/openapi/v1/ticket.jsona b&c1700000000123".to_owned(),
        ),
    ];
    for (mut request, message) in cases {
        credentials().sign_request(&mut request);
        assert_eq!(
            headers(&request),
            (signature(KEY, &message), "1700000000123".to_owned()),
            "{message}"
        );
    }
}

#[test]
fn uploads_sign_the_file() {
    let mut request = request(
        reqwest::Method::POST,
        "https://example.com/APISimple/openapi/v1/upload.json",
        None,
    );
    credentials().sign_upload(&mut request, b"file contents");
    let message = upload_signing_message(
        "org-1",
        "/APISimple/openapi/v1/upload.json",
        b"file contents",
        1_700_000_000_123,
    );
    assert_eq!(
        headers(&request),
        (signature(KEY, &message), "1700000000123".to_owned())
    );
}

#[test]
fn the_runtime_authenticates_with_the_signature() {
    let mut request = request(
        reqwest::Method::GET,
        "https://example.com/S/openapi/v1/x.json",
        None,
    );
    credentials().authenticate(&mut request);
    let message = signing_message("org-1", "/S/openapi/v1/x.json", [], None, 1_700_000_000_123);
    assert_eq!(headers(&request).0, signature(KEY, &message));
}

#[test]
fn what_the_runtime_is_told() {
    let credentials = credentials();
    assert_eq!(
        credentials.base_url("https://api.example.com"),
        "https://api.example.com/APISimple"
    );
    // The service id is encoded as one path segment.
    let odd = Credentials::new("a/b c", "org", KEY);
    assert_eq!(odd.base_url("https://h"), "https://h/a%2Fb+c");
    assert_eq!(
        credentials.rate_limit_key(),
        format!("contiple:APISimple:{}", secret_fingerprint(KEY))
    );
    assert_ne!(
        credentials.rate_limit_key(),
        Credentials::new("APISimple", "org-1", "another-key").rate_limit_key()
    );
    assert_eq!(credentials.secrets(), vec![KEY]);
}

#[test]
fn debug_shows_the_ids_and_never_the_key() {
    let shown = format!("{:?}", credentials());
    assert_eq!(
        shown,
        r#"Credentials { service_id: "APISimple", organization_id: "org-1", security_key: "<redacted>", .. }"#
    );
}

#[test]
fn the_system_clock_is_the_time_in_milliseconds() {
    let since_epoch = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
    };
    let before = since_epoch(std::time::SystemTime::now());
    let now = system_clock_ms();
    let after = since_epoch(std::time::SystemTime::now());
    assert!(before <= now && now <= after, "{before} {now} {after}");
    let credentials = Credentials::new("S", "o", KEY);
    let now = credentials.now_ms();
    assert!(now >= before && now <= since_epoch(std::time::SystemTime::now()));
}
