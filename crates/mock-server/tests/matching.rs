//! The replay server compares requests as HTTP means them and rejects what the API would, with
//! a message naming the difference. Every request here is sent over HTTP to a server replaying
//! the repository's recordings; the requests are variations, made up for these tests, of the
//! recorded `ok` cases (no recording is added for them).

use contiple::reqwest;
use mock_server::{Options, ReplayServer};
use serde_json::Value;

/// A started server and an HTTP client.
struct Fixture {
    server: ReplayServer,
    http: reqwest::Client,
}

impl Fixture {
    async fn new(api: &'static recording::Api) -> Self {
        let server = ReplayServer::start(Options::new(api))
            .await
            .expect("the replay server starts");
        helpdesk_client_runtime::__private::install_crypto_provider();
        Self {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a request (`path_and_query` as sent on the wire) and returns the status and the
    /// body as JSON.
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.server.uri())
    }

    async fn get(&self, path_and_query: &str) -> (u16, Value) {
        self.send(self.http.get(self.url(path_and_query))).await
    }
}

/// LiveAgent's error message.
fn la_message(body: &Value) -> &str {
    body["response"]["errormessage"]
        .as_str()
        .unwrap_or_default()
}

/// Contiple's error message.
fn oc_message(body: &Value) -> &str {
    body["header"]["resultMessage"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_encoded_at_sign_and_a_raw_one_are_the_same_path() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    for path in [
        "/customers/customer@example.com/groups?apikey=k",
        "/customers/customer%40example.com/groups?apikey=k",
    ] {
        let (status, body) = la.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

#[tokio::test]
async fn an_encoded_slash_is_not_a_separator_and_the_difference_is_named() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let (status, body) = la.get("/customers/a%2Fb/groups?apikey=k").await;
    assert_eq!(status, 404, "{body}");
    let message = la_message(&body);
    assert!(
        message.contains("liveagent/listCustomerGroups/ok.json")
            && message.contains("path segment 2: sent `a%2Fb`, recorded `customer@example.com`"),
        "{message}"
    );
}

#[tokio::test]
async fn query_parameters_match_in_any_order_and_as_typed_values() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    for query in [
        "status=R,T,C&channel_type=E,F,T&datechanged=gte:2012-03-01%2000:00:00&limit=100",
        "limit=100&datechanged=gte:2012-03-01+00:00:00&channel_type=E,F,T&status=R%2CT%2CC",
        // An integer is its value, however it is written.
        "limit=0100&status=R,T,C&channel_type=E,F,T&datechanged=gte:2012-03-01%2000:00:00",
    ] {
        let (status, body) = la.get(&format!("/conversations?apikey=k&{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
    }
}

#[tokio::test]
async fn a_documented_default_matches_its_absence_both_ways() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    // Sent with its defaults (limit 10, offset 0); the recording leaves both out.
    let (status, body) = la
        .get("/knowledgebase/articles?limit=10&offset=0&apikey=k")
        .await;
    assert_eq!(status, 200, "{body}");
    // Left out; the recording sends limit=100, the default.
    let (status, body) = la
        .get("/conversations?apikey=k&status=R,T,C&channel_type=E,F,T&datechanged=gte:2012-03-01%2000:00:00")
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn another_value_is_a_named_difference() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let (status, body) = la.get("/knowledgebase/articles?limit=20&apikey=k").await;
    assert_eq!(status, 404, "{body}");
    let message = la_message(&body);
    assert!(
        message.contains("knowledgebase/articles")
            && message.contains("liveagent/listKnowledgebaseArticles/ok.json")
            && message.contains("query `limit`: sent 20, recorded absent"),
        "{message}"
    );
}

#[tokio::test]
async fn a_wrong_type_is_a_400_naming_the_parameter() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let (status, body) = la.get("/knowledgebase/articles?limit=ten&apikey=k").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["response"]["statuscode"], 400, "{body}");
    assert_eq!(
        la_message(&body),
        "invalid request to listKnowledgebaseArticles: query parameter `limit`: `ten` is not an integer"
    );
}

#[tokio::test]
async fn an_unknown_parameter_is_a_400_naming_it() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let (status, body) = la.get("/knowledgebase/articles?lmit=10&apikey=k").await;
    assert_eq!(status, 400, "{body}");
    let message = la_message(&body);
    assert!(
        message.contains("query parameter `lmit` is not a parameter of listKnowledgebaseArticles")
            && message.contains("expected one of: kb_id, limit, offset"),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_required_form_field_is_a_400_naming_it() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let request = la
        .http
        .post(la.url("/tags?apikey=k"))
        .form(&[("color", "FFFFFF")]);
    let (status, body) = la.send(request).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        la_message(&body),
        "invalid request to createTag: form field `name` is required"
    );
    // The recorded fields in another order are the recorded form.
    let request = la.http.post(la.url("/tags?apikey=k")).form(&[
        ("bg_color", "0000FF"),
        ("color", "FFFFFF"),
        ("name", "VIP"),
    ]);
    let (status, body) = la.send(request).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_missing_key_is_a_401() {
    let la = Fixture::new(&recording::LIVEAGENT).await;
    let (status, body) = la.get("/knowledgebase/articles").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(la_message(&body), "the apikey query parameter is missing");
    let (status, body) = la.get("/knowledgebase/articles?apikey=a&apikey=b").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        la_message(&body),
        "the apikey query parameter must be sent once, not 2 times"
    );
}

/// A Contiple request signed with the recordings' credentials, as a client in any language
/// signs it: path as sent, decoded query values, body text as sent.
fn signed(
    http: &reqwest::Client,
    method: reqwest::Method,
    base: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&str>,
) -> reqwest::RequestBuilder {
    let credentials = recording::contiple_credentials();
    let message = contiple::signing::signing_message(
        &credentials.organization_id,
        path,
        query.iter().copied(),
        body,
        credentials.timestamp_ms,
    );
    let mut request = http
        .request(method, format!("{base}{path}"))
        .query(query)
        .header(
            "authorization",
            contiple::signing::signature(&credentials.security_key, &message),
        )
        .header("x-tc-timestamp", credentials.timestamp_ms.to_string());
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    request
}

#[tokio::test]
async fn contiple_defaults_match_and_a_missing_signature_is_a_401() {
    let oc = Fixture::new(&recording::CONTIPLE).await;
    let base = oc.server.uri();
    let path = "/APISimple/openapi/v1/users.json";
    // The documented defaults page=1, pageSize=10, signed as sent.
    let query = [("page", "1"), ("pageSize", "10")];
    let request = signed(&oc.http, reqwest::Method::GET, &base, path, &query, None);
    let (status, body) = oc.send(request).await;
    assert_eq!(status, 200, "{body}");
    // Not signed.
    let (status, body) = oc.get(path).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        oc_message(&body),
        "Access Denied: the request is not signed (no Authorization header)"
    );
    // Signed, then changed.
    let request =
        signed(&oc.http, reqwest::Method::GET, &base, path, &query, None).query(&[("name", "x")]);
    let (status, body) = oc.send(request).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        oc_message(&body).contains("the signature does not match"),
        "{body}"
    );
}

#[tokio::test]
async fn json_bodies_are_compared_as_values_and_validated() {
    let oc = Fixture::new(&recording::CONTIPLE).await;
    let base = oc.server.uri();
    let recorded = recording::load_case("contiple", "createTicket", "ok")
        .expect("createTicket/ok loads")
        .first_request();
    let value: Value = serde_json::from_str(recorded.body_text.as_deref().unwrap_or_default())
        .expect("the recorded body is JSON");
    // Another layout of the same JSON (as Python's json.dumps writes it: spaces, \u escapes).
    let pretty = serde_json::to_string_pretty(&value).expect("serializes");
    let path = "/APISimple/openapi/v1/ticket.json";
    let query = [("language", "ko")];
    let request = signed(
        &oc.http,
        reqwest::Method::POST,
        &base,
        path,
        &query,
        Some(&pretty),
    )
    .header("oc-client-ip", "203.0.113.7");
    let (status, body) = oc.send(request).await;
    assert_eq!(status, 200, "{body}");
    // A member of the wrong type.
    let mut wrong = value.clone();
    wrong["categoryId"] = Value::from("2542x");
    let text = wrong.to_string();
    let request = signed(
        &oc.http,
        reqwest::Method::POST,
        &base,
        path,
        &query,
        Some(&text),
    )
    .header("oc-client-ip", "203.0.113.7");
    let (status, body) = oc.send(request).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        oc_message(&body).contains("body `/categoryId`: sent string \"2542x\", expected integer"),
        "{body}"
    );
    // Another value: a 404 naming the member.
    let mut other = value;
    other["subject"] = Value::from("another subject");
    let text = other.to_string();
    let request = signed(
        &oc.http,
        reqwest::Method::POST,
        &base,
        path,
        &query,
        Some(&text),
    )
    .header("oc-client-ip", "203.0.113.7");
    let (status, body) = oc.send(request).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        oc_message(&body).contains("body `/subject`: sent \"another subject\", recorded \"유형\""),
        "{body}"
    );
}

#[test]
fn path_differences_name_the_segments_as_sent() {
    use mock_server::compare::path_difference;
    assert_eq!(
        path_difference("/x/a%2Fb/y", "/x/a/b/y").as_deref(),
        Some("path segment 2: sent `a%2Fb`, recorded `a/b`")
    );
    assert_eq!(path_difference("/x/a%40b", "/x/a@b"), None);
    assert_eq!(
        path_difference("/tags", "/tags/sh3j").as_deref(),
        Some("path segment 2: sent nothing, recorded `sh3j`")
    );
}
