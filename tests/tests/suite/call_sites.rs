//! Setters take what callers have: `&str` for optional strings, arrays, slices, `Vec`s or a
//! comma string for comma lists, the value itself for fields sent as JSON text, enum values
//! or their codes. Each call is checked against what it sends; responses come from the
//! recordings.

use std::collections::BTreeMap;

use liveagent::types::{ConversationStatus, CustomFieldValue, MessageKind, YesNo};
use liveagent::{ApiKey, Client, CommaList, OpDateTime, ResultExt};

const API_KEY: &str = "test-api-key-not-a-secret";

/// A client for a mock server that answers every request with `operation`'s `ok` recording.
async fn serve_ok(operation: &str) -> (wiremock::MockServer, Client) {
    let rec = api_tests::load_case("liveagent", operation, "ok").expect("recording loads");
    let server = api_tests::serve_any(rec.last_response().template()).await;
    let client = Client::new(&server.uri(), ApiKey::new(API_KEY)).expect("client builds");
    (server, client)
}

/// The query (or form) fields of every request the server received, in order.
async fn sent_fields(server: &wiremock::MockServer) -> Vec<BTreeMap<String, String>> {
    api_tests::sent_requests(server, Some("apikey"), &[])
        .await
        .expect("requests recorded")
        .into_iter()
        .map(|sent| sent.request.form.unwrap_or(sent.request.query))
        .collect()
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn optional_body_fields_take_str() {
    let (server, client) = serve_ok("createTag").await;
    let created = client
        .create_tag()
        .body_map(|b| b.name("VIP").color("FFFFFF").bg_color(Some("0000FF")))
        .send()
        .await
        .payload()
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("VIP"));
    let background: Option<String> = None;
    client
        .create_tag()
        .body_map(|b| b.name("VIP").bg_color(background).color(None::<&str>))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_fields(&server).await,
        [
            fields(&[("name", "VIP"), ("color", "FFFFFF"), ("bg_color", "0000FF")]),
            fields(&[("name", "VIP")]),
        ]
    );
}

#[tokio::test]
async fn comma_lists_take_arrays_slices_vecs_and_text() {
    let (server, client) = serve_ok("getAgentsReport").await;
    let names = vec!["id", "firstname"];
    let report = || {
        client
            .get_agents_report()
            .date_from("2014-01-24")
            .date_to("2014-01-24 23:59:59")
    };
    report().columns(["id", "firstname"]).send().await.unwrap();
    report().columns("id,firstname").send().await.unwrap();
    report().columns(names.clone()).send().await.unwrap();
    report().columns(&names).send().await.unwrap();
    report().columns(&names[..]).send().await.unwrap();
    // From an iterator: collect it (the README's idiom).
    report()
        .columns(names.iter().copied().collect::<CommaList<String>>())
        .send()
        .await
        .unwrap();
    let expected = fields(&[
        ("date_from", "2014-01-24"),
        ("date_to", "2014-01-24 23:59:59"),
        ("columns", "id,firstname"),
    ]);
    assert_eq!(sent_fields(&server).await, vec![expected; 6]);
}

#[tokio::test]
async fn enum_lists_take_values_or_codes() {
    let (server, client) = serve_ok("listConversations").await;
    let list = || {
        client
            .list_conversations()
            .datechanged(OpDateTime::gte("2012-03-01 00:00:00"))
            .limit(100)
    };
    list()
        .status([
            ConversationStatus::Resolved,
            ConversationStatus::Chatting,
            ConversationStatus::Open,
        ])
        .channel_type(["E", "F", "T"])
        .send()
        .await
        .unwrap();
    list()
        .status("R,T,C")
        .channel_type("E,F,T")
        .send()
        .await
        .unwrap();
    let sent = sent_fields(&server).await;
    let recorded = api_tests::load_case("liveagent", "listConversations", "ok")
        .unwrap()
        .first_request()
        .query;
    assert_eq!(sent, [recorded.clone(), recorded]);
}

#[tokio::test]
async fn json_text_fields_take_the_value() {
    let (server, client) = serve_ok("setCustomerFields").await;
    client
        .set_customer_fields()
        .customeridentifier("customer@example.com")
        .body_map(|b| {
            b.customfields(vec![
                CustomFieldValue::new("varsymbol", "43894209"),
                CustomFieldValue::new("another_field", "test value"),
            ])
        })
        .send()
        .await
        .unwrap();
    let recorded = api_tests::load_case("liveagent", "setCustomerFields", "ok")
        .unwrap()
        .first_request()
        .form
        .unwrap();
    assert_eq!(sent_fields(&server).await, [recorded]);
}

#[tokio::test]
async fn optional_enum_and_list_fields_take_values() {
    let (server, client) = serve_ok("createConversationMessage").await;
    client
        .create_conversation_message()
        .conversationid("a1b2c3d4")
        .body_map(|b| {
            b.message("Hello, this is a reply")
                .use_template(YesNo::Yes)
                .type_(MessageKind::Message)
                .useridentifier("uid1234")
                .attachments([
                    "3a1d0a821ea3a63594ba826efad0a379",
                    "001908318230609832c2c07b7bac3658",
                ])
        })
        .send()
        .await
        .unwrap();
    let recorded = api_tests::load_case("liveagent", "createConversationMessage", "ok")
        .unwrap()
        .first_request()
        .form
        .unwrap();
    assert_eq!(sent_fields(&server).await, [recorded]);
}

#[tokio::test]
async fn a_failed_conversion_is_an_invalid_request_naming_the_field() {
    let (server, client) = serve_ok("getAgentsReport").await;
    let err = client
        .get_agents_report()
        .date_from("2014-01-24")
        .date_to("2014-01-24 23:59:59")
        .limitfrom(-1i64)
        .send()
        .await
        .payload()
        .await;
    // `limitfrom` is unsigned: the conversion fails before anything is sent.
    let err = err.unwrap_err();
    assert!(
        matches!(err, liveagent::Error::InvalidRequest(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("limitfrom"), "{err}");
    assert!(sent_fields(&server).await.is_empty());
}
