//! Replays every LiveAgent recording against the generated client.
//!
//! For each recording under `tests/recordings/liveagent/`, the client calls the operation with
//! the recorded parameters against a local mock server serving the recorded response. The test
//! then checks that the request sent matches the recording (method, path, query with
//! `apikey`, form body), snapshots the sent request and the decoded result with insta, and for
//! success responses checks that decoding and re-encoding loses no field.

use std::collections::BTreeMap;

use api_tests::{load_all, sent_request, without_empty, Recording, SpecIndex};
use liveagent::types::{self, ChannelType, ConversationStatus};
use liveagent::{ApiKey, Client, CommaList, LaDateTime, OpDateTime, ResultExt};
use serde_json::{json, Value};

const API_KEY: &str = "test-api-key-not-a-secret";

/// A call's outcome as JSON: the decoded body, or the error's fields.
fn outcome<T: serde::Serialize>(result: Result<T, liveagent::Error>) -> Value {
    match result {
        Ok(value) => {
            json!({ "ok": serde_json::to_value(value).expect("generated types serialise") })
        }
        Err(err) => json!({ "error": {
            "display": err.to_string(),
            "status": err.status().map(|s| s.as_u16()),
            "body": err.body().map(|b| String::from_utf8_lossy(b).into_owned()),
            "variant": format!("{err:?}").split([' ', '(', '{']).next().unwrap_or_default().to_owned(),
        }}),
    }
}

fn form_body<T: serde::de::DeserializeOwned>(recording: &Recording) -> T {
    let form = recording.request.form.clone().unwrap_or_default();
    serde_json::from_value(json!(form)).expect("recorded form fits the generated body type")
}

/// Calls `recording.operation` on the client with the recorded parameters.
async fn call(client: &Client, spec: &SpecIndex, rec: &Recording) -> Value {
    let path = spec.path_params(&rec.operation, &rec.request.path);
    let query = &rec.request.query;
    macro_rules! run {
        ($method:ident; path [$($p:ident),*]; query [$($q:ident : $t:ty),*] $(; body $body:ty)?) => {{
            #[allow(unused_mut)]
            let mut builder = client.$method();
            $( builder = builder.$p(path[stringify!($p)].as_str()); )*
            $( if let Some(value) = query.get(stringify!($q)) {
                builder = builder.$q(value.parse::<$t>().expect(concat!("recorded ", stringify!($q), " parses")));
            } )*
            $( builder = builder.body(form_body::<$body>(rec)); )?
            outcome(builder.send().await.into_value().await)
        }};
    }
    type S = String;
    type Statuses = CommaList<ConversationStatus>;
    type Channels = CommaList<ChannelType>;
    type Columns = CommaList<String>;
    type Dt = LaDateTime;
    match rec.operation.as_str() {
        "getAgent" => run!(get_agent; path [agentidentifier]; query []),
        "getApplicationStatus" => run!(get_application_status; path []; query []),
        "listCompanies" => run!(list_companies; path []; query []),
        "getCompany" => run!(get_company; path [companyid]; query []),
        "deleteConversation" => {
            run!(delete_conversation; path [conversationid]; query []; body types::DeleteConversationBody)
        }
        "listConversations" => {
            run!(list_conversations; path []; query [owneridentifier: S, department: S, agent: S, status: Statuses, datefrom: Dt, dateto: Dt, datechanged: OpDateTime, subject: S, limit: u64, channel_type: Channels, cursor: S])
        }
        "getConversation" => run!(get_conversation; path [conversationid]; query []),
        "listConversationMessages" => {
            run!(list_conversation_messages; path [conversationid]; query [datefrom: Dt, dateto: Dt])
        }
        "createConversationMessage" => {
            run!(create_conversation_message; path [conversationid]; query []; body types::CreateConversationMessageBody)
        }
        "updateConversationStatus" => {
            run!(update_conversation_status; path [conversationid]; query []; body types::UpdateConversationStatusBody)
        }
        "deleteConversationTag" => {
            run!(delete_conversation_tag; path [conversationid]; query []; body types::DeleteConversationTagBody)
        }
        "listConversationTags" => run!(list_conversation_tags; path [conversationid]; query []),
        "addConversationTag" => {
            run!(add_conversation_tag; path [conversationid]; query []; body types::AddConversationTagBody)
        }
        "deleteCustomerFields" => {
            run!(delete_customer_fields; path [customeridentifier]; query []; body types::DeleteCustomerFieldsBody)
        }
        "setCustomerFields" => {
            run!(set_customer_fields; path [customeridentifier]; query []; body types::SetCustomerFieldsBody)
        }
        "listCustomerGroups" => run!(list_customer_groups; path [customeridentifier]; query []),
        "deleteCustomersGroup" => run!(delete_customers_group; path [groupid]; query []),
        "getCustomersGroup" => run!(get_customers_group; path [groupid]; query []),
        "listCustomersGroups" => run!(list_customers_groups; path []; query []),
        "createCustomersGroup" => {
            run!(create_customers_group; path []; query []; body types::CreateCustomersGroupBody)
        }
        "updateCustomersGroup" => {
            run!(update_customers_group; path [groupid]; query []; body types::UpdateCustomersGroupBody)
        }
        "getFile" => run!(get_file; path [fileid]; query []),
        "uploadFile" => run!(upload_file; path []; query []; body types::UploadFileBody),
        "listKnowledgebaseArticles" => {
            run!(list_knowledgebase_articles; path []; query [kb_id: S, limit: u64, offset: u64, tree_path: S, parent_id: S, article_id: S])
        }
        "createKnowledgebaseCategory" => {
            run!(create_knowledgebase_category; path []; query []; body types::CreateKnowledgebaseCategoryBody)
        }
        "deleteKnowledgebaseEntry" => run!(delete_knowledgebase_entry; path [entry_id]; query []),
        "listKnowledgebaseEntries" => {
            run!(list_knowledgebase_entries; path []; query [limit: u64, offset: u64, kb_id: S, tree_path: S, parent_entry_id: S, entry_id: S, date_changed: Dt])
        }
        "listKnowledgebases" => run!(list_knowledgebases; path []; query [limit: u64, offset: u64]),
        "searchKnowledgebase" => {
            run!(search_knowledgebase; path []; query [query: S, kb_id: S, top_article_id: S, limit: u64])
        }
        "listAgentsOnlineStatus" => run!(list_agents_online_status; path []; query []),
        "getAgentsReport" => {
            run!(get_agents_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64])
        }
        "getChannelsReport" => {
            run!(get_channels_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64])
        }
        "getDepartmentsReport" => {
            run!(get_departments_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64])
        }
        "getPerformanceReport" => {
            run!(get_performance_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64, group_by: types::ReportGroupBy])
        }
        "getTagsReport" => {
            run!(get_tags_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64])
        }
        "getTicketsAgentsAvailabilityReport" => {
            run!(get_tickets_agents_availability_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64, departmentid: S, agentid: S])
        }
        "getTicketsLoadReport" => {
            run!(get_tickets_load_report; path []; query [date_from: Dt, date_to: Dt, limitcount: u64, limitfrom: u64, departmentid: S, agentid: S])
        }
        "getTicketsSlaComplianceReport" => {
            run!(get_tickets_sla_compliance_report; path []; query [date_from: Dt, date_to: Dt, limitcount: u64, limitfrom: u64, datetime: S, departmentid: S, userid: S, slalevelid: S])
        }
        "getTicketsSlaLogReport" => {
            run!(get_tickets_sla_log_report; path []; query [date_from: Dt, date_to: Dt, columns: Columns, limitcount: u64, limitfrom: u64, departmentid: S, agentid: S, requesterid: S, slalevelid: S])
        }
        "listSuggestionCategories" => run!(list_suggestion_categories; path []; query []),
        "deleteTag" => run!(delete_tag; path [tagid]; query []),
        "listTags" => run!(list_tags; path []; query []),
        "getTag" => run!(get_tag; path [tagid]; query []),
        "createTag" => run!(create_tag; path []; query []; body types::CreateTagBody),
        "updateTag" => run!(update_tag; path [tagid]; query []; body types::UpdateTagBody),
        other => panic!("no test call for operation {other}: add it to liveagent_replay.rs"),
    }
}

#[tokio::test]
async fn every_recording_replays() {
    let spec = SpecIndex::load("liveagent-v1.yaml").expect("spec loads");
    let recordings = load_all("liveagent").expect("recordings load");
    let mut failures = Vec::new();
    for rec in &recordings {
        let name = format!("{}__{}", rec.operation, rec.case);
        let server = rec.serve().await;
        let client = Client::new(&server.uri(), ApiKey::new(API_KEY)).expect("client builds");
        let result = call(&client, &spec, rec).await;
        let sent = sent_request(&server)
            .await
            .expect("one request reached the server");

        if sent.request != rec.request {
            failures.push(format!(
                "{name}: sent {:#?}\nrecorded {:#?}",
                sent.request, rec.request
            ));
        }
        if sent.apikey.as_deref() != Some(API_KEY) || sent.apikey_count != 1 {
            failures.push(format!("{name}: apikey sent {} time(s)", sent.apikey_count));
        }
        if rec.request.form.is_some()
            && sent.content_type.as_deref() != Some("application/x-www-form-urlencoded")
        {
            failures.push(format!("{name}: form sent as {:?}", sent.content_type));
        }

        if !rec.synthetic {
            let recorded = rec
                .response
                .body
                .clone()
                .expect("docs recordings have JSON bodies");
            let undeclared = spec.undeclared_fields(&rec.operation, &recorded);
            if !undeclared.is_empty() {
                failures.push(format!(
                    "{name}: fields missing from the spec: {undeclared:?}"
                ));
            }
            match result.get("ok") {
                Some(decoded) if without_empty(decoded) == without_empty(&recorded) => {}
                Some(decoded) => failures.push(format!(
                    "{name}: round trip changed the body:\n  recorded {}\n  re-encoded {}",
                    without_empty(&recorded),
                    without_empty(decoded)
                )),
                None => failures.push(format!("{name}: did not decode: {result}")),
            }
        }

        let mut sent_json = serde_json::to_value(&sent).expect("serialisable");
        sent_json["apikey"] = json!("[redacted]");
        insta::assert_json_snapshot!(
            name.clone(),
            json!({
                "recording": { "synthetic": rec.synthetic, "source": rec.source },
                "sent": sent_json,
                "result": result,
            })
        );
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_operation_has_a_recording_and_every_recording_an_operation() {
    let spec = SpecIndex::load("liveagent-v1.yaml").expect("spec loads");
    let operations = spec.operation_ids();
    assert_eq!(
        operations.len(),
        45,
        "the LiveAgent v1 docs document 45 operations"
    );
    let recordings = load_all("liveagent").expect("recordings load");
    let mut by_operation: BTreeMap<&str, usize> = BTreeMap::new();
    for rec in &recordings {
        *by_operation.entry(rec.operation.as_str()).or_default() += 1;
    }
    let unrecorded: Vec<_> = operations
        .iter()
        .filter(|op| !by_operation.contains_key(op.as_str()))
        .collect();
    let unknown: Vec<_> = by_operation
        .keys()
        .filter(|op| !operations.iter().any(|o| o == *op))
        .collect();
    assert!(
        unrecorded.is_empty(),
        "operations without a recording: {unrecorded:?}"
    );
    assert!(
        unknown.is_empty(),
        "recordings of unknown operations: {unknown:?}"
    );
    for rec in &recordings {
        assert!(
            rec.synthetic || rec.response.status == 200,
            "{}/{}: a non-synthetic recording must be a documented 200 example",
            rec.operation,
            rec.case
        );
    }
}

#[tokio::test]
async fn api_key_never_shows_in_errors_or_debug() {
    let key = ApiKey::new("very-secret-key");
    assert!(!format!("{key:?}").contains("very-secret"));
    // Nothing listens on port 9 of loopback: the connection is refused.
    let client = Client::new("http://127.0.0.1:9/api", key).expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("very-secret"), "{text}");
    assert!(matches!(err, liveagent::Error::Transport { .. }), "{err:?}");
    assert!(!format!("{client:?}").contains("very-secret"));
}

/// Calls `list_tags` with a secret key against `server` and returns the generated method's own
/// error (no [`ResultExt`]) as text, to check nothing leaks even when callers bypass it.
async fn raw_error_text(base_url: &str, timeout: std::time::Duration) -> String {
    let client = liveagent::ClientBuilder::new(base_url, ApiKey::new("very-secret-key"))
        .timeout(timeout)
        .build()
        .expect("client builds");
    let err = client.list_tags().send().await.unwrap_err();
    format!("{err} {err:?}")
}

#[tokio::test]
async fn api_key_never_shows_in_the_generated_error_either() {
    let refused = raw_error_text("http://127.0.0.1:9/api", std::time::Duration::from_secs(5)).await;
    assert!(!refused.contains("very-secret"), "{refused}");

    let server = api_tests::serve_any(
        wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    let timed_out = raw_error_text(&server.uri(), std::time::Duration::from_millis(200)).await;
    assert!(!timed_out.contains("very-secret"), "{timed_out}");
}

#[tokio::test]
async fn error_debug_masks_a_key_echoed_by_the_server() {
    // Synthetic: a server that echoes the request URL in its error message.
    let server = api_tests::serve_any(wiremock::ResponseTemplate::new(500).set_body_raw(
            r#"{"response":{"status":"ERROR","statuscode":500,"errormessage":"bad request /api/tags?apikey=very-secret-key","debugmessage":"apikey=very-secret-key"}}"#,
            "application/json",
        )).await;
    let client = Client::new(&server.uri(), ApiKey::new("very-secret-key")).expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("very-secret"), "{text}");
    // The raw body itself is kept verbatim for the caller.
    assert!(String::from_utf8_lossy(err.body().unwrap()).contains("very-secret-key"));
}

/// Serves one response and returns the error `list_tags` / `create_tag` gives for it.
async fn error_for(template: wiremock::ResponseTemplate, post: bool) -> liveagent::Error {
    let server = api_tests::serve_any(template).await;
    let client = Client::new(&server.uri(), ApiKey::new(API_KEY)).expect("client builds");
    if post {
        let body = types::CreateTagBody {
            name: "VIP".to_owned(),
            color: None,
            bg_color: None,
        };
        client
            .create_tag()
            .body(body)
            .send()
            .await
            .into_value()
            .await
            .unwrap_err()
    } else {
        client
            .list_tags()
            .send()
            .await
            .into_value()
            .await
            .unwrap_err()
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_and_body() {
    // Synthetic responses with statuses the spec does not document.
    let err = error_for(wiremock::ResponseTemplate::new(204), false).await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(204));

    let err = error_for(
        wiremock::ResponseTemplate::new(201).set_body_raw(
            r#"{"response":{"status":"ERROR","statuscode":500,"errormessage":"nope"}}"#,
            "application/json",
        ),
        false,
    )
    .await;
    assert!(matches!(err, liveagent::Error::Api { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201));

    let err = error_for(
        wiremock::ResponseTemplate::new(202).set_body_raw("<html>accepted</html>", "text/html"),
        false,
    )
    .await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.body().map(|b| b.as_ref()),
        Some(&b"<html>accepted</html>"[..])
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // Synthetic: a redirect would turn this POST into a GET without its form body.
    let err = error_for(
        wiremock::ResponseTemplate::new(302).insert_header("location", "/elsewhere"),
        true,
    )
    .await;
    assert!(
        matches!(err, liveagent::Error::UnexpectedStatus { .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
}

#[test]
fn bad_base_urls_are_rejected() {
    let err = Client::new("https://example.com/api?apikey=leaked", ApiKey::new("k")).unwrap_err();
    assert!(
        matches!(err, liveagent::Error::InvalidRequest(_)),
        "{err:?}"
    );
    // A trailing slash is fine.
    assert!(Client::new("https://example.com/api/", ApiKey::new("k")).is_ok());
}

#[tokio::test]
async fn timeouts_are_typed() {
    let server = api_tests::serve_any(
        wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    let client = liveagent::ClientBuilder::new(server.uri(), ApiKey::new("k"))
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .expect("client builds");
    let err = client
        .list_tags()
        .send()
        .await
        .into_value()
        .await
        .unwrap_err();
    assert!(matches!(err, liveagent::Error::Timeout { .. }), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn payload_unwraps_the_envelope() {
    let rec = api_tests::load_case("liveagent", "getTag", "ok").unwrap();
    let server = rec.serve().await;
    let client = Client::new(&server.uri(), ApiKey::new(API_KEY)).expect("client builds");
    let tag = client
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await
        .unwrap();
    assert_eq!(tag.name.as_deref(), Some("VIP"));
    assert_eq!(tag.is_archived, None);
}
