//! The API key and the security key never show in logs, even at trace level with every
//! dependency logging.
//!
//! This is its own test binary: `tracing` caches per-callsite interest, and another test
//! thread hitting the same callsites without a subscriber can race with the scoped
//! subscriber installed here.

use liveagent::{ApiKey, Client, ResultExt};

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

#[tokio::test]
async fn keys_never_show_in_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rec = api_tests::load_case("liveagent", "getTag", "ok").unwrap();
    let server = rec.serve().await;
    let client = Client::new(&server.uri(), ApiKey::new("very-secret-key")).expect("client builds");
    client
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await
        .unwrap();
    let refused = Client::new("http://127.0.0.1:9/api", ApiKey::new("very-secret-key")).unwrap();
    let _ = refused.get_tag().tagid("sh3j").send().await;

    // Contiple: a signed call, a failure the server echoes the key in (synthetic), and a
    // refused connection.
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(403).set_body_raw(
        format!(r#"{{"header":{{"resultCode":403,"resultMessage":"bad key {CONTIPLE_KEY}","isSuccessful":false}},"result":null}}"#),
        "application/json",
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
    tracing::error!("call failed: {err} / {err:?}");
    let refused =
        contiple::Client::new("http://127.0.0.1:9", "APISimple", "org", CONTIPLE_KEY).unwrap();
    let _ = refused.list_agents().send().await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("liveagent request") && text.contains("contiple request"),
        "the clients log their requests: {text}"
    );
    assert!(!text.contains("very-secret"), "{text}");
    assert!(!text.contains(CONTIPLE_KEY), "{text}");
}
