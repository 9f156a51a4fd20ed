//! Every example under `crates/*/examples/` runs against its recording: the example's
//! function is called with a client for the replay server serving
//! `tests/recordings/<api>/<operation>/example_<example>.json` (or a documented case such as
//! `ok`), must send exactly the recorded
//! requests, and must return what the recorded responses hold. The README's snippets are
//! these functions' code (checked by `readme_snippets.rs`).

use std::collections::BTreeMap;

use api_tests::replay::{sent_mismatches, TEST_API_KEY};
use api_tests::{ClientCredentials as _, Recording};
use chrono::NaiveDate;
use mock_server::ReplayServer;
use recording::{Api, CONTIPLE, LIVEAGENT};

#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/find_tag.rs"]
mod find_tag;
#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/list_open_conversations.rs"]
mod list_open_conversations;
#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/post_reply.rs"]
mod post_reply;
#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/print_conversations.rs"]
mod print_conversations;
#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/tag_conversation.rs"]
mod tag_conversation;
#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/upload_file.rs"]
mod upload_file;

#[allow(dead_code)]
#[path = "../../../crates/contiple/examples/create_ticket_with_attachment.rs"]
mod create_ticket_with_attachment;
#[allow(dead_code)]
#[path = "../../../crates/contiple/examples/list_customer_tickets.rs"]
mod list_customer_tickets;
#[allow(dead_code)]
#[path = "../../../crates/contiple/examples/print_tickets.rs"]
mod print_tickets;
#[allow(dead_code)]
#[path = "../../../crates/contiple/examples/reinquire.rs"]
mod reinquire;

/// Fails unless `server` received exactly `rec`'s requests.
async fn assert_sent_as_recorded(api: &Api, rec: &Recording, server: &ReplayServer) {
    let keep: Vec<&BTreeMap<String, String>> = rec
        .exchanges()
        .iter()
        .map(|exchange| &exchange.request.headers)
        .collect();
    let sent = api_tests::sent(&server.received_requests().await, api.auth_query, &keep)
        .expect("the requests parse");
    let failures = sent_mismatches(api, rec, &sent);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The replay server for one recording.
async fn serve(api: &'static Api, rec: &Recording) -> ReplayServer {
    ReplayServer::serving(api, std::slice::from_ref(rec))
        .await
        .expect("the replay server starts")
}

/// Runs a LiveAgent example's function against the recording `operation/case`.
async fn run_liveagent<T>(
    operation: &str,
    case: &str,
    run: impl AsyncFnOnce(&liveagent::Client) -> Result<T, liveagent::Error>,
) -> T {
    let rec = api_tests::load_case("liveagent", operation, case).expect("recording loads");
    let server = serve(&LIVEAGENT, &rec).await;
    let client = liveagent::Client::new(&server.uri(), liveagent::ApiKey::new(TEST_API_KEY))
        .expect("client builds");
    let result = run(&client).await;
    assert_sent_as_recorded(&LIVEAGENT, &rec, &server).await;
    result.unwrap_or_else(|err| panic!("{}: {err}", rec.name()))
}

/// Runs a Contiple example's function against the recording `operation/case`, signing with
/// the recordings' credentials and frozen clock.
async fn run_contiple<T>(
    operation: &str,
    case: &str,
    run: impl AsyncFnOnce(&contiple::Client) -> Result<T, contiple::Error>,
) -> T {
    let rec = api_tests::load_case("contiple", operation, case).expect("recording loads");
    let server = serve(&CONTIPLE, &rec).await;
    let credentials = api_tests::contiple_credentials().client_credentials();
    let client: contiple::Client = contiple::ClientBuilder::new(server.uri(), credentials)
        .build()
        .expect("client builds");
    let result = run(&client).await;
    assert_sent_as_recorded(&CONTIPLE, &rec, &server).await;
    result.unwrap_or_else(|err| panic!("{}: {err}", rec.name()))
}

#[tokio::test]
async fn liveagent_find_tag() {
    let found = run_liveagent("getTag", "ok", async |client| {
        find_tag::find_tag(client, "sh3j").await
    })
    .await;
    assert_eq!(found.and_then(|tag| tag.name).as_deref(), Some("VIP"));
    let missing = run_liveagent("getTag", "error_404", async |client| {
        find_tag::find_tag(client, "sh3j").await
    })
    .await;
    assert!(missing.is_none());
}

#[tokio::test]
async fn liveagent_print_conversations() {
    let conversations = run_liveagent(
        "listConversations",
        "example_print_conversations",
        async |client| print_conversations::print_tag_and_conversations(client).await,
    )
    .await;
    assert_eq!(conversations, 2, "the docs example's two rows, in one page");
}

#[tokio::test]
async fn liveagent_list_open_conversations() {
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let conversations = run_liveagent(
        "listConversations",
        "example_list_open_conversations",
        async |client| list_open_conversations::open_conversations_since(client, since).await,
    )
    .await;
    let ids: Vec<&str> = conversations
        .iter()
        .map(|c| c.conversationid.as_str())
        .collect();
    assert_eq!(ids, ["s4y7t5s7", "5h7t58d9"]);
}

#[tokio::test]
async fn liveagent_post_reply() {
    let status = run_liveagent(
        "createConversationMessage",
        "example_post_reply",
        async |client| {
            post_reply::post_reply(
                client,
                "a1b2c3d4",
                "agent@example.com",
                "Thanks, that is fixed now.",
            )
            .await
        },
    )
    .await;
    // The documented answer of `createConversationMessage`.
    assert_eq!(status.status, "OK");
    assert_eq!(status.statuscode.map(i64::from), Some(0));
}

#[tokio::test]
async fn liveagent_tag_conversation() {
    let tags = run_liveagent(
        "addConversationTag",
        "example_tag_conversation",
        async |client| tag_conversation::tag_conversation(client, "a1b2c3d4", "VIP").await,
    )
    .await;
    let names: Vec<Option<&str>> = tags.iter().map(|t| t.name.as_deref()).collect();
    assert_eq!(names, [Some("VIP"), Some("Support")]);
}

#[tokio::test]
async fn liveagent_upload_file() {
    let file = run_liveagent("uploadFile", "example_upload_file", async |client| {
        let bytes = b"%PDF-1.4 example invoice\n".to_vec();
        upload_file::send_file(
            client,
            "a1b2c3d4",
            "agent@example.com",
            "invoice.pdf",
            "application/pdf",
            bytes,
        )
        .await
    })
    .await;
    assert_eq!(file.fileid, "1234567890abcdef1234567890abcdef");
}

#[tokio::test]
async fn contiple_list_customer_tickets() {
    let tickets = run_contiple(
        "listCustomerTickets",
        "example_list_customer_tickets",
        async |client| list_customer_tickets::customer_tickets(client, "st18888").await,
    )
    .await;
    assert_eq!(tickets.len(), 10);
    assert_eq!(tickets[0].ticket_id, "T1658213182227yb9hI");
}

#[tokio::test]
async fn contiple_print_tickets() {
    let printed = run_contiple(
        "listCustomerTickets",
        "example_list_customer_tickets",
        async |client| print_tickets::print_tickets(client, "st18888").await,
    )
    .await;
    assert_eq!(printed, 10, "the docs example's page of ten tickets");
}

#[tokio::test]
async fn contiple_create_ticket_with_attachment() {
    let ticket_id = run_contiple(
        "createTicket",
        "example_create_ticket_with_attachment",
        async |client| {
            let file = b"%PDF-1.4 example invoice\n".to_vec();
            create_ticket_with_attachment::create_ticket_with_attachment(
                client,
                2542,
                "customer@example.com",
                "Hong Gildong",
                "invoice.pdf",
                file,
            )
            .await
        },
    )
    .await;
    assert_eq!(ticket_id, "T1658199661153IXTfw");
}

#[tokio::test]
async fn contiple_reinquire() {
    let added = run_contiple("reinquireTicket", "example_reinquire", async |client| {
        reinquire::reinquire(
            client,
            "st18888",
            "T1658199661153IXTfw",
            "It happened again this morning.",
        )
        .await
    })
    .await;
    assert_eq!(added.content.as_deref(), Some("<p>append comnment</p>"));
}
