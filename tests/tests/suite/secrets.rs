//! A server that echoes the client's key, in every spelling, everywhere: no spelling reaches
//! any error text (`Display`, `Debug`, the source chain, `api_message()`, headers, the body an
//! error keeps) or log line, for both APIs, at every body size up to and past the error cut.
//!
//! Every response here is synthetic: made up to echo a key the way a broken or hostile server
//! might. The spellings are produced here independently of the runtime's redaction.

use std::fmt::Write as _;

use helpdesk_client_runtime::{ResultExt as _, RetryPolicy, MAX_ERROR_BODY};
use wiremock::ResponseTemplate;

/// Keys with reserved characters, so that their spellings differ.
const LIVEAGENT_KEY: &str = "La5/+k=y?&%Key-0123456789abcdef";
const CONTIPLE_KEY: &str = "Ct9/+s=k?&%Sec-fedcba9876543210";

/// Every spelling of `text` a server may echo.
fn spellings(text: &str) -> Vec<(&'static str, String)> {
    let bytes_as = |f: &dyn Fn(u8) -> String| text.bytes().map(f).collect::<String>();
    let chars_as = |f: &dyn Fn(char) -> String| text.chars().map(f).collect::<String>();
    let reserved_bare = |c: char| {
        if c.is_ascii_alphanumeric() || "-._~/?:@!$'()*,;=+&".contains(c) {
            c.to_string()
        } else {
            c.to_string().bytes().map(|b| format!("%{b:02X}")).collect()
        }
    };
    vec![
        ("verbatim", text.to_owned()),
        ("percent, upper case", bytes_as(&|b| format!("%{b:02X}"))),
        ("percent, lower case", bytes_as(&|b| format!("%{b:02x}"))),
        (
            "form-urlencoded",
            url::form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        ),
        ("percent, reserved left bare", chars_as(&reserved_bare)),
        (
            "JSON, slash escaped",
            chars_as(&|c| {
                if c == '/' {
                    "\\/".to_owned()
                } else {
                    c.to_string()
                }
            }),
        ),
        (
            "JSON, \\u escapes",
            chars_as(&|c| format!("\\u{:04x}", c as u32)),
        ),
        (
            "HTML references",
            chars_as(&|c| format!("&#x{:X};", c as u32)),
        ),
        (
            "mixed",
            text.chars()
                .enumerate()
                .map(|(i, c)| match i % 3 {
                    0 => c.to_string(),
                    1 => format!("%{:02x}", c as u32),
                    _ => format!("\\u{:04X}", c as u32),
                })
                .collect(),
        ),
    ]
}

/// The spellings of the key's first 8 characters: none may show anywhere (a key cut short
/// at 8 characters or more is still masked).
fn leaked(key: &str, text: &str) -> Option<String> {
    let prefix: String = key.chars().take(8).collect();
    spellings(&prefix)
        .into_iter()
        .find(|(_, spelled)| text.contains(spelled.as_str()))
        .map(|(name, _)| name.to_owned())
}

/// Everything an error exposes, as text.
fn exposed<E: helpdesk_client_runtime::__private::Api>(
    err: &helpdesk_client_runtime::Error<E>,
) -> String {
    let mut text = format!("{err} | {err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(current) = source {
        write!(text, " | {current} | {current:?}").unwrap();
        source = current.source();
    }
    if let Some(message) = err.api_message() {
        write!(text, " | {message}").unwrap();
    }
    if let Some(headers) = err.headers() {
        for (name, value) in headers {
            write!(
                text,
                " | {name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            )
            .unwrap();
        }
    }
    if let Some(location) = err.location() {
        write!(text, " | {location}").unwrap();
    }
    if let Some(body) = err.body() {
        write!(text, " | {}", String::from_utf8_lossy(body)).unwrap();
    }
    tracing::error!("call failed: {text}");
    text
}

/// A body of `size` bytes or more, JSON when `json`, with `echo` placed so that it starts
/// `before_end` bytes before byte `at` (straddling a cut there when `before_end` is smaller
/// than the echo).
fn padded(prefix: &str, echo: &str, suffix: &str, at: usize, before_end: usize) -> String {
    let fill = at.saturating_sub(prefix.len() + before_end);
    format!("{prefix}{}{echo}{suffix}", "x".repeat(fill))
}

/// How a case's server answers.
enum Reply {
    /// With wiremock (which always sends a `Content-Length`).
    Template(ResponseTemplate),
    /// Chunked, without a length, from a raw socket: (status line, content type, body).
    Chunked(&'static str, &'static str, Vec<u8>),
}

impl From<ResponseTemplate> for Reply {
    fn from(template: ResponseTemplate) -> Self {
        Self::Template(template)
    }
}

/// Starts a server for `reply`: its base URL, and the wiremock server to keep alive.
async fn serve(reply: Reply) -> (String, Option<wiremock::MockServer>) {
    match reply {
        Reply::Template(template) => {
            let server = api_tests::serve_any(template).await;
            (server.uri(), Some(server))
        }
        Reply::Chunked(status, content_type, body) => {
            (chunked_server(status, content_type, body).await, None)
        }
    }
}

/// The responses that echo `spelled` for one API: (case, response, body cap).
///
/// `across` is where an echo straddling a cut starts, in bytes before the cut: ten
/// characters of the key, spelled, so that a cut leaves more than the 8 characters the
/// runtime must mask.
fn cases(
    spelled: &str,
    across: usize,
    error_body: &dyn Fn(&str) -> String,
    success_decode_failure: &str,
) -> Vec<(String, Reply, Option<usize>)> {
    let json = |status: u16, body: String| {
        ResponseTemplate::new(status).set_body_raw(body, "application/json")
    };
    let mut cases: Vec<(String, Reply, Option<usize>)> = vec![
        (
            "error envelope".to_owned(),
            json(400, error_body(spelled)).into(),
            None,
        ),
        (
            "headers".to_owned(),
            json(401, error_body("no"))
                .insert_header("x-echo", spelled)
                .insert_header(
                    "www-authenticate",
                    format!("Key realm=\"{spelled}\"").as_str(),
                )
                .into(),
            None,
        ),
        (
            "redirect".to_owned(),
            ResponseTemplate::new(302)
                .insert_header(
                    "location",
                    format!("https://h.example/{spelled}?k={spelled}").as_str(),
                )
                .into(),
            None,
        ),
        (
            "HTML page".to_owned(),
            ResponseTemplate::new(502)
                .set_body_raw(format!("<html><p>key {spelled}</p></html>"), "text/html")
                .into(),
            None,
        ),
        (
            "200 that does not decode".to_owned(),
            json(200, success_decode_failure.replace("{}", spelled)).into(),
            None,
        ),
    ];
    // Sizes up to and past the error cut: the echo before, across and after the cut.
    for (name, before_end) in [("before", 200 + across), ("across", across), ("after", 0)] {
        let at = MAX_ERROR_BODY + usize::from(name == "after") * 100;
        let (head, tail) = error_body("{}")
            .split_once("{}")
            .map(|(h, t)| (h.to_owned(), t.to_owned()))
            .unwrap();
        let body = padded(&head, spelled, &tail, at, before_end);
        cases.push((
            format!("{} KiB body, echo {name} the cut", body.len() / 1024),
            json(500, body).into(),
            None,
        ));
    }
    // A body over the client's cap, the echo across the place reading stopped.
    let cap = MAX_ERROR_BODY / 2;
    let body = padded("<html>", spelled, &"y".repeat(cap), cap, across);
    cases.push((
        "body over the cap, echo across where reading stopped".to_owned(),
        Reply::Chunked("503 Service Unavailable", "text/html", body.into_bytes()),
        Some(cap),
    ));
    cases
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (LogBuffer, tracing::subscriber::DefaultGuard) {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

fn logged(logs: &LogBuffer) -> String {
    String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned()
}

#[tokio::test(flavor = "current_thread")]
async fn liveagent_never_shows_its_key_in_any_spelling() {
    let (logs, _guard) = capture_logs();
    let error_body = |echo: &str| {
        format!(
            r#"{{"response":{{"status":"ERROR","statuscode":400,"errormessage":"bad key {echo}","debugmessage":"{echo}"}}}}"#
        )
    };
    let mut checked = 0;
    let ten: String = LIVEAGENT_KEY.chars().take(10).collect();
    for ((spelling, spelled), (_, across)) in
        spellings(LIVEAGENT_KEY).into_iter().zip(spellings(&ten))
    {
        for (case, template, cap) in
            cases(&spelled, across.len(), &error_body, r#"{"response":"{}"}"#)
        {
            let (uri, _server) = serve(template).await;
            let mut builder =
                liveagent::ClientBuilder::new(uri, liveagent::ApiKey::new(LIVEAGENT_KEY))
                    .retry(RetryPolicy::none())
                    .rate_limit(None);
            if let Some(cap) = cap {
                builder = builder.max_body_bytes(cap);
            }
            let client = builder.build().unwrap();
            // The key as a path parameter too: the request span's path must not show it.
            let err = client
                .get_tag()
                .tagid(LIVEAGENT_KEY)
                .send()
                .await
                .into_value()
                .await
                .unwrap_err();
            let text = exposed(&err);
            assert!(
                leaked(LIVEAGENT_KEY, &text).is_none(),
                "{spelling} / {case}: {:?} leaks in {text:.2000}",
                leaked(LIVEAGENT_KEY, &text)
            );
            assert!(
                text.contains("<redacted>"),
                "{spelling} / {case}: {text:.2000}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 9 * 9, "{checked} cases");
    let logs = logged(&logs);
    assert!(
        logs.contains("api_request"),
        "the request spans were logged"
    );
    assert_eq!(leaked(LIVEAGENT_KEY, &logs), None, "in the logs");
}

#[tokio::test(flavor = "current_thread")]
async fn contiple_never_shows_its_key_in_any_spelling() {
    let (logs, _guard) = capture_logs();
    let error_body = |echo: &str| {
        format!(
            r#"{{"header":{{"resultCode":-1,"resultMessage":"bad key {echo}","isSuccessful":false}},"result":null}}"#
        )
    };
    let decode_failure =
        r#"{"header":{"resultCode":0,"resultMessage":"","isSuccessful":true},"result":"{}"}"#;
    let mut checked = 0;
    let ten: String = CONTIPLE_KEY.chars().take(10).collect();
    for ((spelling, spelled), (_, across)) in
        spellings(CONTIPLE_KEY).into_iter().zip(spellings(&ten))
    {
        let mut all = cases(&spelled, across.len(), &error_body, decode_failure);
        // A download whose 200 body is the JSON error envelope.
        all.push((
            "download answered with the error envelope".to_owned(),
            ResponseTemplate::new(200)
                .set_body_raw(error_body(&spelled), "application/json")
                .into(),
            None,
        ));
        for (case, template, cap) in all {
            let (uri, _server) = serve(template).await;
            let mut builder = contiple::ClientBuilder::new(
                uri,
                contiple::Credentials::new("APISimple", "org", CONTIPLE_KEY),
            )
            .retry(RetryPolicy::none())
            .rate_limit(None);
            if let Some(cap) = cap {
                builder = builder.max_body_bytes(cap);
            }
            let client = builder.build().unwrap();
            let err = if case.starts_with("download") {
                use contiple::DownloadExt as _;
                let err = client
                    .get_ticket_attachment()
                    .id("1")
                    .send()
                    .await
                    .download()
                    .await
                    .unwrap_err();
                assert!(matches!(err, contiple::Error::Api { .. }), "{err:?}");
                err
            } else {
                client
                    .get_agent()
                    .id(1)
                    .send()
                    .await
                    .into_value()
                    .await
                    .unwrap_err()
            };
            let text = exposed(&err);
            assert!(
                leaked(CONTIPLE_KEY, &text).is_none(),
                "{spelling} / {case}: {:?} leaks in {text:.2000}",
                leaked(CONTIPLE_KEY, &text)
            );
            assert!(
                text.contains("<redacted>"),
                "{spelling} / {case}: {text:.2000}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 9 * 10, "{checked} cases");
    assert_eq!(leaked(CONTIPLE_KEY, &logged(&logs)), None, "in the logs");
}

#[tokio::test]
async fn a_200_that_does_not_decode_keeps_its_headers() {
    let server = api_tests::serve_any(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"response":[]}"#, "application/json")
            .insert_header("x-request-id", "synthetic-42"),
    )
    .await;
    let client = liveagent::ClientBuilder::new(server.uri(), liveagent::ApiKey::new(LIVEAGENT_KEY))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert!(matches!(err, liveagent::Error::Decode { .. }), "{err:?}");
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.as_bytes()),
        Some(&b"synthetic-42"[..])
    );
}

#[tokio::test]
async fn downloads_obey_the_body_cap() {
    use contiple::DownloadExt as _;
    // Synthetic: a 3 MiB file against a 1 MiB cap, sent with and without a length.
    let file = vec![7u8; 3 * 1024 * 1024];
    for chunked in [false, true] {
        let reply = if chunked {
            Reply::Chunked("200 OK", "application/octet-stream", file.clone())
        } else {
            ResponseTemplate::new(200)
                .set_body_raw(file.clone(), "application/octet-stream")
                .into()
        };
        let (uri, _server) = serve(reply).await;
        let client = contiple::ClientBuilder::new(
            uri,
            contiple::Credentials::new("APISimple", "org", CONTIPLE_KEY),
        )
        .max_body_bytes(1024 * 1024)
        .build()
        .unwrap();
        let err = client
            .get_ticket_attachment()
            .id("1")
            .send()
            .await
            .download()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                contiple::Error::BodyTooLarge {
                    limit: 1_048_576,
                    ..
                }
            ),
            "chunked {chunked}: {err:?}"
        );
    }
    // Under the cap, the file arrives whole.
    let server = api_tests::serve_any(
        ResponseTemplate::new(200).set_body_raw(file.clone(), "application/octet-stream"),
    )
    .await;
    let client = contiple::ClientBuilder::new(
        server.uri(),
        contiple::Credentials::new("APISimple", "org", CONTIPLE_KEY),
    )
    .max_body_bytes(4 * 1024 * 1024)
    .build()
    .unwrap();
    let download = client
        .get_ticket_attachment()
        .id("1")
        .send()
        .await
        .download()
        .await
        .unwrap();
    assert_eq!(download.bytes.len(), file.len());
}

/// A server that answers any request with `body`, chunked (no `Content-Length`), then closes
/// the connection.
async fn chunked_server(status: &'static str, content_type: &'static str, body: Vec<u8>) -> String {
    let mut response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(64 * 1024) {
        response.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        response.extend_from_slice(chunk);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    let (base_url, _) =
        api_tests::faulty::serve_faulty(move |_| api_tests::faulty::Reply::Raw(response.clone()))
            .await;
    base_url
}
