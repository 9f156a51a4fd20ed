//! Many tenants in one process: 10,000 LiveAgent clients with distinct keys, as a service that
//! holds many customers' accounts would build them.
//!
//! - Each client masks its own key, and only its errors pay for it: an error is redacted when
//!   it is built, with its client's secrets, so rendering it does not depend on how many
//!   clients exist (the `render` rows of `cargo xtask bench` time it at 1 and 10,000 clients;
//!   tests assert no timings).
//! - Dropping every client of a key leaves nothing of it in the runtime: its secrets are gone
//!   ([`helpdesk_client_runtime::__private::Secrets::watch`]) and so is its shared rate limiter
//!   ([`helpdesk_client_runtime::__private::Limiter::shared_count`]).
//!
//! The response is synthetic: an error envelope of 64 KiB that echoes the key.
//! This file holds one test, so that the process-wide limiter count is this test's alone.

use helpdesk_client_runtime::__private::{ClientInfo as _, Limiter};
use helpdesk_client_runtime::{ResultExt as _, RetryPolicy};
use liveagent::{ApiKey, Client, ClientBuilder};

const CLIENTS: usize = 10_000;

fn key(tenant: usize) -> String {
    format!("tenant-{tenant:05}-secret-api-key-0123456789")
}

/// A tenant's client, sharing `http` (one connection pool for all tenants) when given.
fn client(base_url: &str, tenant: usize, http: Option<&reqwest::Client>) -> Client {
    let mut builder =
        ClientBuilder::new(base_url, ApiKey::new(key(tenant))).retry(RetryPolicy::none());
    if let Some(http) = http {
        builder = builder.reqwest_client(http.clone());
    }
    builder.build().unwrap()
}

/// The error `client` gets from the echoing server, rendered (`Display`, `Debug`, body).
async fn rendered_error(client: &Client) -> String {
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    let body = String::from_utf8_lossy(err.body().unwrap()).into_owned();
    // The `Debug` without its headers (the `date` header differs between calls).
    format!("{err} | {:?} | {body}", err.api_error())
}

#[tokio::test]
async fn ten_thousand_tenants_each_mask_their_own_key_and_leave_nothing_behind() {
    let echo = key(0);
    let body = format!(
        r#"{{"response":{{"status":"ERROR","statuscode":401,"errormessage":"bad key {echo}","debugmessage":"{}"}}}}"#,
        "x".repeat(64 * 1024)
    );
    let server = api_tests::serve_any(
        wiremock::ResponseTemplate::new(401).set_body_raw(body, "application/json"),
    )
    .await;
    let base_url = server.uri();
    let limiters_before = Limiter::shared_count();

    let first = client(&base_url, 0, None);
    let http = first.client().clone();
    let watch = first.inner().secrets().watch();
    let alone = rendered_error(&first).await;
    assert!(
        !alone.contains(&echo) && alone.contains("bad key <redacted>"),
        "{alone:.300}"
    );

    let tenants: Vec<Client> = (1..CLIENTS)
        .map(|tenant| client(&base_url, tenant, Some(&http)))
        .collect();
    // A second client of the same key shares its limiter: one limiter per key.
    let same_key = client(&base_url, 0, Some(&http));
    let same_key_watch = same_key.inner().secrets().watch();
    assert_eq!(Limiter::shared_count(), limiters_before + CLIENTS);

    // The same error renders the same among 10,000 clients.
    assert_eq!(rendered_error(&first).await, alone);
    assert_eq!(rendered_error(&same_key).await, alone);

    // Every client masks its own key (not the others': each knows only its own).
    for tenant in [1, CLIENTS / 2, CLIENTS - 1] {
        let client = &tenants[tenant - 1];
        let own = key(tenant);
        let server = api_tests::serve_any(wiremock::ResponseTemplate::new(400).set_body_raw(
            format!(r#"{{"response":{{"status":"ERROR","errormessage":"bad key {own}"}}}}"#),
            "application/json",
        ))
        .await;
        let client = Client::new_with_client(
            &server.uri(),
            client.client().clone(),
            client.inner().clone(),
        );
        let text = rendered_error(&client).await;
        assert!(
            !text.contains(&own) && text.contains("<redacted>"),
            "{text}"
        );
    }

    // Each client holds its own copy of its key, zeroized with it.
    drop(first);
    assert!(watch.is_dropped() && !same_key_watch.is_dropped());
    assert_eq!(
        Limiter::shared_count(),
        limiters_before + CLIENTS,
        "the other client of the key still holds its limiter"
    );
    drop(same_key);
    assert!(same_key_watch.is_dropped(), "no copy of the key is left");
    assert_eq!(Limiter::shared_count(), limiters_before + CLIENTS - 1);
    drop(tenants);
    assert_eq!(Limiter::shared_count(), limiters_before);
}
