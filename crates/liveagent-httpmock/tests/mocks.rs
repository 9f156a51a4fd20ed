//! The mocks used the way a user's test uses them: a service function that calls LiveAgent,
//! tested against typed expectations and responses, including an error response and a form
//! body matched as the client sends it.

use liveagent::{ApiKey, Client, ResultExt};
use liveagent_httpmock::MockServerExt;
use serde_json::json;

/// The user's code under test: the name of a tag, or why there is none.
async fn tag_name(client: &Client, id: &str) -> Result<String, String> {
    match client.get_tag().tagid(id).send().await.payload().await {
        Ok(tag) => Ok(tag.name.unwrap_or_default()),
        Err(liveagent::Error::Api { error, .. }) => Err(error.errormessage.unwrap_or_default()),
        Err(other) => Err(other.to_string()),
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the value fits the type")
}

#[tokio::test]
async fn a_service_tested_against_typed_mocks() {
    let server = httpmock::MockServer::start_async().await;
    let found = server.get_tag(|when, then| {
        when.tagid("sh3j");
        then.ok(&typed(json!({"response": {"id": "sh3j", "name": "VIP"}})));
    });
    let missing = server.get_tag(|when, then| {
        when.tagid("gone");
        then.client_error(
            404,
            &typed(json!({"response": {"status": "ERROR", "statuscode": 404, "errormessage": "Tag not found"}})),
        );
    });
    let created = server.create_tag(|when, then| {
        when.body(&typed(
            json!({"name": "VIP", "color": "FFFFFF", "bg_color": "0000FF"}),
        ));
        then.ok(&typed(
            json!({"response": {"status": "OK", "id": "n3w1", "name": "VIP"}}),
        ));
    });

    let client = Client::new(&server.base_url(), ApiKey::new("httpmock-test-key")).unwrap();
    assert_eq!(tag_name(&client, "sh3j").await, Ok("VIP".to_owned()));
    assert_eq!(
        tag_name(&client, "gone").await,
        Err("Tag not found".to_owned())
    );
    let body: liveagent::types::CreateTagBody =
        typed(json!({"name": "VIP", "color": "FFFFFF", "bg_color": "0000FF"}));
    let tag = client
        .create_tag()
        .body(body)
        .send()
        .await
        .payload()
        .await
        .unwrap();
    assert_eq!(tag.id, "n3w1");

    found.assert_async().await;
    missing.assert_async().await;
    created.assert_async().await;
}
