//! A user's program that depends on `contiple` alone (with tokio and futures): the CI gate that
//! everything a user needs is reachable from the API crate. It builds a client without retries,
//! streams a customer's tickets, reads the agents with a raw request, and, run with
//! `CONTIPLE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE=… CONTIPLE_ORGANIZATION=…
//! CONTIPLE_SECURITY_KEY=… cargo run -p user-contiple`, prints them.
//!
//! Its tests run the same code against a synthetic server (wiremock): the raw request is
//! signed as the server checks it, returns the envelope's `result`, turns an error envelope into
//! `Error::Api`, retries a 503 GET and masks the security key in errors.

use contiple::prelude::*;
use contiple::{serde_json, ClientBuilder, Credentials, Method, RetryPolicy};
use futures::TryStreamExt as _;

/// A client without retries (one attempt per request).
fn client(base_url: &str, credentials: Credentials) -> Result<Client, contiple::Error> {
    ClientBuilder::new(base_url, credentials)
        .retry(RetryPolicy::none())
        .build()
}

/// The id of every ticket of customer `usercode`, from every page.
async fn ticket_ids(client: &Client, usercode: &str) -> Result<Vec<String>, contiple::Error> {
    client
        .list_customer_tickets()
        .usercode(usercode)
        .stream()
        .map_ok(|ticket| ticket.ticket_id)
        .try_collect()
        .await
}

/// The service's agents, read with a raw request: the `result` of `{"header": …, "result": …}`.
async fn agents(client: &Client) -> Result<serde_json::Value, contiple::Error> {
    client
        .raw(Method::GET, "openapi/v1/users.json")
        .send()
        .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok();
    let (Some(base_url), Some(service), Some(organization), Some(key)) = (
        var("CONTIPLE_URL"),
        var("CONTIPLE_SERVICE"),
        var("CONTIPLE_ORGANIZATION"),
        var("CONTIPLE_SECURITY_KEY"),
    ) else {
        eprintln!(
            "set CONTIPLE_URL, CONTIPLE_SERVICE, CONTIPLE_ORGANIZATION and CONTIPLE_SECURITY_KEY"
        );
        std::process::exit(2);
    };
    let client = client(&base_url, Credentials::new(&service, &organization, &key))?;
    println!(
        "tickets of user1: {:?}",
        ticket_ids(&client, "user1").await?
    );
    println!("agents: {}", agents(&client).await?);
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Synthetic exchanges (made-up ids and keys; bodies shaped like the docs' examples).

    use contiple::signing::{signature, signing_message, AUTHORIZATION, TIMESTAMP_HEADER};
    use contiple::{serde_json::json, ErrorKind, StatusCode};
    use wiremock::matchers::{header_exists, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const SERVICE: &str = "APISimple";
    const ORGANIZATION: &str = "synthetic-org";
    const KEY: &str = "synthetic-security-key-8d3e61a0";

    fn credentials() -> Credentials {
        Credentials::new(SERVICE, ORGANIZATION, KEY)
    }

    async fn server() -> (MockServer, Client) {
        let server = MockServer::start().await;
        let client = client(&server.uri(), credentials()).unwrap();
        (server, client)
    }

    fn ok(result: serde_json::Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({
            "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
            "result": result,
        }))
    }

    #[tokio::test]
    async fn synthetic_stream_reads_every_page() {
        let (server, client) = server().await;
        let row = json!({"ticketId": "T1658213182227yb9hI", "subject": "Type 11", "categoryId": 2542,
            "status": "reply", "createdDt": 1658213182000_i64, "updatedDt": 1658215682000_i64});
        Mock::given(path("/APISimple/openapi/v1/ticket/enduser/user1/list.json"))
            .and(header_exists(AUTHORIZATION))
            .respond_with(ok(
                json!({"contents": [row], "total": 1, "pages": 1, "pageNum": 1, "pageSize": 10}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        assert_eq!(
            ticket_ids(&client, "user1").await.unwrap(),
            ["T1658213182227yb9hI"]
        );
    }

    #[tokio::test]
    async fn synthetic_raw_get_is_signed_and_returns_the_result() {
        let (server, client) = server().await;
        Mock::given(method("GET"))
            .and(path("/APISimple/openapi/v1/users.json"))
            .respond_with(ok(json!({"contents": [{"id": "agent-1"}]})))
            .expect(1)
            .mount(&server)
            .await;
        assert_eq!(
            agents(&client).await.unwrap()["contents"][0]["id"],
            "agent-1"
        );
        let request = &server.received_requests().await.unwrap()[0];
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let timestamp: i64 = header(TIMESTAMP_HEADER).parse().unwrap();
        let message = signing_message(
            ORGANIZATION,
            "/APISimple/openapi/v1/users.json",
            [],
            None,
            timestamp,
        );
        assert_eq!(header(AUTHORIZATION), signature(KEY, &message));
    }

    #[tokio::test]
    async fn synthetic_raw_post_signs_the_json_body() {
        let (server, client) = server().await;
        Mock::given(method("POST"))
            .and(path("/APISimple/openapi/v1/ticket/create.json"))
            .respond_with(ok(json!({"ticketId": "T1"})))
            .expect(1)
            .mount(&server)
            .await;
        let created = client
            .raw(Method::POST, "openapi/v1/ticket/create.json")
            .json(&json!({"subject": "Hello"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created["ticketId"], "T1");
        let request = &server.received_requests().await.unwrap()[0];
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let body = String::from_utf8(request.body.clone()).unwrap();
        let message = signing_message(
            ORGANIZATION,
            "/APISimple/openapi/v1/ticket/create.json",
            [],
            Some(&body),
            header(TIMESTAMP_HEADER).parse().unwrap(),
        );
        assert_eq!(header(AUTHORIZATION), signature(KEY, &message));
    }

    #[tokio::test]
    async fn synthetic_raw_error_envelope_with_200_is_an_api_error_with_the_key_masked() {
        let (server, client) = server().await;
        Mock::given(path("/APISimple/openapi/v1/users.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "header": {"resultCode": 40100, "resultMessage": format!("bad signature for {KEY}"),
                    "isSuccessful": false},
            })))
            .mount(&server)
            .await;
        let err = agents(&client).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_eq!(err.api_code().as_deref(), Some("40100"));
        let body = String::from_utf8_lossy(err.body().unwrap()).into_owned();
        assert!(body.contains("bad signature"), "{body}");
        for shown in [format!("{err}"), format!("{err:?}"), body] {
            assert!(!shown.contains(KEY), "the key shows: {shown}");
        }
    }

    #[tokio::test]
    async fn synthetic_raw_get_is_retried_after_a_503() {
        let server = MockServer::start().await;
        let retrying = ClientBuilder::new(server.uri(), credentials())
            .retry(RetryPolicy {
                min_delay: std::time::Duration::from_millis(1),
                max_delay: std::time::Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        Mock::given(path("/APISimple/openapi/v1/users.json"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/APISimple/openapi/v1/users.json"))
            .respond_with(ok(json!({"contents": []})))
            .mount(&server)
            .await;
        assert_eq!(agents(&retrying).await.unwrap()["contents"], json!([]));
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
}
