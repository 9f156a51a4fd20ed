//! A user's program that depends on `liveagent` alone (with tokio and futures): the CI gate that
//! everything a user needs is reachable from the API crate. It builds a client without retries,
//! streams every conversation, reads a tag with a raw request, and, run with
//! `LIVEAGENT_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=… cargo run -p user-liveagent`,
//! prints them (with `-- --open-conversation`, it also creates a conversation).
//!
//! Its tests run the same code against a synthetic server (wiremock): the raw request carries
//! the API key, returns the envelope's payload, turns an error envelope into `Error::Api`,
//! retries a 503 GET and masks the key in errors.

use futures::TryStreamExt as _;
use liveagent::prelude::*;
use liveagent::{serde_json, ApiKey, ClientBuilder, Method, RetryPolicy};

/// A client without retries (one attempt per request).
fn client(base_url: &str, api_key: &str) -> Result<Client, liveagent::Error> {
    ClientBuilder::new(base_url, ApiKey::new(api_key))
        .retry(RetryPolicy::none())
        .build()
}

/// The id of every conversation, from every page.
async fn conversation_ids(client: &Client) -> Result<Vec<String>, liveagent::Error> {
    client
        .list_conversations()
        .stream()
        .map_ok(|conversation| conversation.conversationid)
        .try_collect()
        .await
}

/// Tag `sh3j`, read with a raw request: the payload of `{"response": …}`.
async fn tag(client: &Client) -> Result<serde_json::Value, liveagent::Error> {
    client.raw(Method::GET, "tags/sh3j").send().await
}

/// Creates a conversation, then reads the departments: two endpoints the spec does not have,
/// reached with raw requests (the fields are those of LiveAgent's v1 `POST conversations`).
async fn open_conversation(client: &Client) -> Result<serde_json::Value, liveagent::Error> {
    let created = client
        .raw(Method::POST, "conversations")
        .form(&[
            ("message", "Where is my order?"),
            ("useridentifier", "jane@example.com"),
            ("subject", "Order 1234"),
        ])
        .send()
        .await?;
    println!("created conversation {}", created["conversationid"]);
    let departments = client.raw(Method::GET, "departments").send().await?;
    Ok(departments["departments"].clone())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(base_url), Ok(api_key)) = (
        std::env::var("LIVEAGENT_URL"),
        std::env::var("LIVEAGENT_API_KEY"),
    ) else {
        eprintln!("set LIVEAGENT_URL and LIVEAGENT_API_KEY");
        std::process::exit(2);
    };
    let client = client(&base_url, &api_key)?;
    println!("conversations: {:?}", conversation_ids(&client).await?);
    println!("tag sh3j: {}", tag(&client).await?);
    if std::env::args().any(|arg| arg == "--open-conversation") {
        println!("departments: {}", open_conversation(&client).await?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Synthetic exchanges (made-up ids and keys; bodies shaped like the docs' examples).

    use liveagent::{serde_json::json, ErrorKind, StatusCode};
    use wiremock::matchers::{body_string, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const KEY: &str = "synthetic-key-4f9a2c7e1b";

    async fn server() -> (MockServer, Client) {
        let server = MockServer::start().await;
        let client = client(&format!("{}/api", server.uri()), KEY).unwrap();
        (server, client)
    }

    fn ok(payload: serde_json::Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({ "response": payload }))
    }

    #[tokio::test]
    async fn synthetic_stream_reads_every_page() {
        let (server, client) = server().await;
        let row = json!({"conversationid": "s4y7t5s7", "code": "AX4-B4T-FD8", "status": "A",
            "datecreated": "2012-03-02 11:21:04", "datechanged": "2012-03-02 11:21:05",
            "subject": "Test ticket", "cursor": "cursor-1"});
        Mock::given(path("/api/conversations"))
            .and(query_param_is_missing("cursor"))
            .and(query_param("apikey", KEY))
            .respond_with(ok(json!({ "conversations": [row] })))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/conversations"))
            .and(query_param("cursor", "cursor-1"))
            .respond_with(ok(json!({ "conversations": [] })))
            .expect(1)
            .mount(&server)
            .await;
        assert_eq!(conversation_ids(&client).await.unwrap(), ["s4y7t5s7"]);
    }

    #[tokio::test]
    async fn synthetic_raw_get_carries_the_key_and_returns_the_payload() {
        let (server, client) = server().await;
        Mock::given(method("GET"))
            .and(path("/api/tags/sh3j"))
            .and(query_param("apikey", KEY))
            .respond_with(ok(json!({"id": "sh3j", "name": "VIP"})))
            .expect(1)
            .mount(&server)
            .await;
        assert_eq!(tag(&client).await.unwrap()["name"], "VIP");
    }

    #[tokio::test]
    async fn synthetic_raw_post_sends_a_form_and_raw_get_reads_departments() {
        let (server, client) = server().await;
        Mock::given(method("POST"))
            .and(path("/api/conversations"))
            .and(query_param("apikey", KEY))
            .and(body_string(
                "message=Where+is+my+order%3F&useridentifier=jane%40example.com&subject=Order+1234",
            ))
            .respond_with(ok(json!({"conversationid": "a1b2c3d4"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/departments"))
            .and(query_param("apikey", KEY))
            .respond_with(ok(
                json!({"departments": [{"departmentid": "d1", "name": "Support"}]}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let departments = open_conversation(&client).await.unwrap();
        assert_eq!(departments[0]["name"], "Support");
    }

    #[tokio::test]
    async fn synthetic_raw_error_envelope_with_200_is_an_api_error_with_the_key_masked() {
        let (server, client) = server().await;
        let message = format!("Unknown department (apikey {KEY})");
        Mock::given(path("/api/departments/nope"))
            .respond_with(ok(
                json!({"status": "ERROR", "statuscode": 404, "errormessage": message}),
            ))
            .mount(&server)
            .await;
        let err = client
            .raw(Method::GET, "departments/nope")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_eq!(err.api_code().as_deref(), Some("404"));
        let body = String::from_utf8_lossy(err.body().unwrap()).into_owned();
        assert!(body.contains("Unknown department"), "{body}");
        for shown in [format!("{err}"), format!("{err:?}"), body] {
            assert!(!shown.contains(KEY), "the key shows: {shown}");
        }
    }

    #[tokio::test]
    async fn synthetic_raw_get_is_retried_after_a_503() {
        let server = MockServer::start().await;
        let retrying = ClientBuilder::new(format!("{}/api", server.uri()), ApiKey::new(KEY))
            .retry(RetryPolicy {
                min_delay: std::time::Duration::from_millis(1),
                max_delay: std::time::Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        Mock::given(path("/api/departments"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/departments"))
            .respond_with(ok(
                json!({"departments": [{"departmentid": "d1", "name": "Support"}]}),
            ))
            .mount(&server)
            .await;
        let departments = retrying
            .raw(Method::GET, "departments")
            .send()
            .await
            .unwrap();
        assert_eq!(departments["departments"][0]["name"], "Support");
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
}
