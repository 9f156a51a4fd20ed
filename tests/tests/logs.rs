//! Redaction everywhere: the API key and the security key never show in an error's
//! `Display`, `Debug` or source chain, nor in logs at trace level with every dependency
//! logging, `log` records of reqwest and hyper included (bridged with `tracing-log`), on every
//! error path, even when the server echoes the key back (bare in a message, as a JSON value,
//! inside a wrongly typed field that serde quotes, in an HTML page, in headers). Every response
//! here is synthetic.
//!
//! This is its own test binary: `tracing` caches per-callsite interest, and another test
//! thread hitting the same callsites without a subscriber can race with the scoped
//! subscriber installed here; the `log` bridge is process-wide.

use std::time::Duration;

use contiple::Credentials;
use helpdesk_client_runtime::RetryPolicy;
use liveagent::{ApiKey, ClientBuilder, ResultExt};
use wiremock::ResponseTemplate;

const KEY: &str = "liveagent-redaction-key-0123456789";
const CONTIPLE_KEY: &str = "contiple-secret-security-key";

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("log buffer lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Display, Debug and every source of an error, and logs it.
fn rendered(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{err} | {err:?}");
    let mut source = err.source();
    while let Some(current) = source {
        text.push_str(&format!(" | {current} | {current:?}"));
        source = current.source();
    }
    tracing::error!("call failed: {text}");
    text
}

fn liveagent(base_url: &str) -> liveagent::ClientBuilder {
    ClientBuilder::new(base_url, ApiKey::new(KEY))
        .retry(RetryPolicy::none())
        .rate_limit(None)
}

fn json(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

/// One server per bad answer; the `list_tags` error for each.
async fn liveagent_errors() -> Vec<(&'static str, liveagent::Error)> {
    let cases: Vec<(&str, ResponseTemplate, usize)> = vec![
        (
            "api error echoing the key",
            json(
                500,
                format!(
                    r#"{{"response":{{"status":"ERROR","statuscode":500,"errormessage":"bad key {KEY}","debugmessage":"/api/tags?apikey={KEY}"}}}}"#
                ),
            ),
            usize::MAX,
        ),
        (
            "api error with odd types",
            json(
                400,
                format!(
                    r#"{{"response":{{"status":"ERROR","statuscode":"","errormessage":["{KEY}"]}}}}"#
                ),
            ),
            usize::MAX,
        ),
        (
            "key in a wrongly typed field",
            json(200, format!(r#"{{"response":{{"tags":"{KEY}"}}}}"#)),
            usize::MAX,
        ),
        (
            "key in a wrongly typed nested field",
            json(
                200,
                format!(r#"{{"response":{{"tags":[{{"id":7,"name":{{"k":"{KEY}"}}}}]}}}}"#),
            ),
            usize::MAX,
        ),
        (
            "html page echoing the key",
            ResponseTemplate::new(502).set_body_raw(
                format!("<html>upstream rejected apikey {KEY}</html>"),
                "text/html",
            ),
            usize::MAX,
        ),
        (
            "redirect to a URL with the key",
            ResponseTemplate::new(302)
                .insert_header(
                    "location",
                    format!("https://elsewhere.example/api?apikey={KEY}").as_str(),
                )
                .set_body_raw(format!("moved: {KEY}"), "text/plain"),
            usize::MAX,
        ),
        (
            "body over the cap starting with the key",
            json(
                200,
                format!(r#"{{"response":{{"tags":[{{"name":"{KEY}"}}]}}}}"#),
            ),
            20,
        ),
    ];
    let mut errors = Vec::new();
    for (name, template, cap) in cases {
        let server = api_tests::serve_any(template).await;
        let builder = liveagent(&server.uri());
        let builder = if cap == usize::MAX {
            builder
        } else {
            builder.max_body_bytes(cap)
        };
        let err = builder
            .build()
            .unwrap()
            .list_tags()
            .send()
            .await
            .payload()
            .await
            .unwrap_err();
        errors.push((name, err));
    }
    let slow =
        api_tests::serve_any(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let timeout = liveagent(&slow.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .list_tags()
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    errors.push(("timeout", timeout));
    let refused = liveagent("http://127.0.0.1:9/api")
        .build()
        .unwrap()
        .get_tag()
        .tagid(KEY)
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    errors.push(("refused connection", refused));
    let invalid = liveagent("http://127.0.0.1:9/api")
        .build()
        .unwrap()
        .get_tag()
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    errors.push(("invalid request", invalid));
    errors
}

#[tokio::test]
async fn keys_never_show_in_errors_or_logs() {
    tracing_log::LogTracer::init().expect("the log bridge installs once");
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let errors = liveagent_errors().await;
    let kinds: Vec<String> = errors
        .iter()
        .map(|(_, err)| {
            format!("{err:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    for expected in [
        "Api",
        "Decode",
        "NotJson",
        "UnexpectedStatus",
        "BodyTooLarge",
        "Timeout",
        "Transport",
        "InvalidRequest",
    ] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "no {expected} case: {kinds:?}"
        );
    }
    for (name, err) in &errors {
        let text = rendered(err);
        assert!(!text.contains(KEY), "{name}: {text}");
    }
    // The odd-typed envelope is still an API error.
    assert!(
        matches!(errors[1].1, liveagent::Error::Api { .. }),
        "{:?}",
        errors[1].1
    );
    // The body an error keeps is redacted too.
    let body = String::from_utf8_lossy(errors[0].1.body().unwrap()).into_owned();
    assert!(!body.contains(KEY) && body.contains("<redacted>"), "{body}");

    // Contiple: a signed call, a failure that echoes the key, and a refused connection.
    let server = api_tests::serve_any(json(
        403,
        format!(r#"{{"header":{{"resultCode":403,"resultMessage":"bad key {CONTIPLE_KEY}","isSuccessful":false}},"result":null}}"#),
    ))
    .await;
    let contiple = contiple::Client::new(&server.uri(), "APISimple", "org", CONTIPLE_KEY).unwrap();
    let err = contiple
        .list_agents()
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    assert!(!rendered(&err).contains(CONTIPLE_KEY));
    let credentials = Credentials::new("APISimple", "org", CONTIPLE_KEY);
    let refused = contiple::ClientBuilder::new("http://127.0.0.1:9", credentials)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = refused
        .list_agents()
        .send()
        .await
        .payload()
        .await
        .unwrap_err();
    assert!(!rendered(&err).contains(CONTIPLE_KEY));

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("liveagent request") && text.contains("contiple request"),
        "the clients log their requests: {text}"
    );
    assert!(text.contains("api_request"), "one span per request: {text}");
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.contains(CONTIPLE_KEY), "{text}");
}
