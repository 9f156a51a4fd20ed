//! A synthetic JSON server for the paging tests: every request is answered 200 with the JSON
//! the test computes from it, and the query of every request is kept, in order, so that a test
//! can check what the client asked for page by page.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A running JSON server and the query of every request it got, in order.
pub struct JsonServer {
    server: MockServer,
    queries: Arc<Mutex<Vec<String>>>,
}

impl JsonServer {
    /// The base URL to give a client or a command line.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The query string of every request so far, in order.
    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().expect("not poisoned").clone()
    }
}

/// A query parameter of `request`, decoded.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

struct Respondent<F> {
    body: F,
    queries: Arc<Mutex<Vec<String>>>,
}

impl<F: Fn(&Request) -> Value + Send + Sync> Respond for Respondent<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.queries
            .lock()
            .expect("not poisoned")
            .push(request.url.query().unwrap_or_default().to_owned());
        ResponseTemplate::new(200).set_body_json((self.body)(request))
    }
}

/// Starts a server answering every request with `body(request)`.
pub async fn serve_json(body: impl Fn(&Request) -> Value + Send + Sync + 'static) -> JsonServer {
    let server = MockServer::start().await;
    let queries = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::any())
        .respond_with(Respondent {
            body,
            queries: queries.clone(),
        })
        .mount(&server)
        .await;
    JsonServer { server, queries }
}
