//! The mocks used the way a user's test uses them: a service function that calls Contiple,
//! tested against typed expectations and responses (the client's service id in front of every
//! path), including Contiple's failure envelope with HTTP 200.

use contiple::{Client, ResultExt};
use contiple_httpmock::MockServerExt;
use serde_json::json;

/// The user's code under test: an agent's user code, or Contiple's complaint.
async fn agent_code(client: &Client, id: i64) -> Result<String, String> {
    match client.get_agent().id(id).send().await.payload().await {
        Ok(agent) => Ok(agent.content.usercode),
        Err(contiple::Error::Api { error, .. }) => Err(error.result_message.unwrap_or_default()),
        Err(other) => Err(other.to_string()),
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the value fits the type")
}

#[tokio::test]
async fn a_service_tested_against_typed_mocks() {
    let server = httpmock::MockServer::start_async().await;
    let header = json!({"resultCode": 200, "resultMessage": "", "isSuccessful": true});
    let found = server.get_agent(|when, then| {
        when.id(10058);
        then.ok(&typed(json!({
            "header": header,
            "result": {"content": {
                "userId": 10058, "usercode": "example", "username": "Example",
                "uuid": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_ADMIN"
            }}
        })));
    });
    // The failure envelope is no success type: `into_inner` deviates from the typed `then`.
    let refused = server.get_agent(|when, then| {
        when.id(7);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(json!({
                "header": {"resultCode": 403, "resultMessage": "Access Denied", "isSuccessful": false},
                "result": null
            }));
    });

    let client = Client::new(
        &server.base_url(),
        "APISimple",
        "org-id",
        "httpmock-security-key",
    )
    .unwrap();
    assert_eq!(agent_code(&client, 10058).await, Ok("example".to_owned()));
    assert_eq!(
        agent_code(&client, 7).await,
        Err("Access Denied".to_owned())
    );
    found.assert_async().await;
    refused.assert_async().await;
}
