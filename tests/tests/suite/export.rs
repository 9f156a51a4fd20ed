//! The export examples (`crates/liveagent/examples/export_conversations.rs`,
//! `crates/contiple/examples/export_tickets.rs`) against servers that fail on purpose: some
//! page requests get a 503, a 429 with `Retry-After`, or a reset connection; and against
//! servers that cap every page below the size asked for (`api_tests::capped`). Every row must
//! come out once, in order. The rows are synthetic.

use api_tests::capped::{self, ids};
use api_tests::faulty::{serve_faulty, Reply, Seen};
use serde_json::{json, Value};

#[allow(dead_code)]
#[path = "../../../crates/liveagent/examples/export_conversations.rs"]
mod export_conversations;

#[allow(dead_code)]
#[path = "../../../crates/contiple/examples/export_tickets.rs"]
mod export_tickets;

/// The fault for request `number`, if any: a 503, a 429 waiting 1 s, a reset connection.
fn fault(number: usize) -> Option<Reply> {
    match number {
        1 => Some(Reply::json(503, "<html>busy</html>".to_owned())),
        3 => Some(Reply::Respond {
            status: 429,
            headers: vec![("retry-after".to_owned(), "1".to_owned())],
            body: String::new(),
        }),
        5 => Some(Reply::Reset),
        _ => None,
    }
}

fn lines(output: &[u8], field: &str) -> Vec<String> {
    String::from_utf8(output.to_vec())
        .unwrap()
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            row[field].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn conversations_survive_a_flaky_server() {
    const ROWS: usize = 3_500;
    let (base_url, requests) = serve_faulty(|seen: &Seen| {
        if let Some(reply) = fault(seen.number) {
            return reply;
        }
        let limit: usize = seen.query("limit").unwrap().parse().unwrap();
        let start = seen.query("cursor").map_or(0, |c| {
            c.trim_start_matches('k').parse::<usize>().unwrap() + 1
        });
        let rows: Vec<Value> = (start..ROWS.min(start + limit))
            .map(|i| json!({"conversationid": format!("c{i}"), "cursor": format!("k{i}")}))
            .collect();
        Reply::json(
            200,
            json!({"response": {"conversations": rows}}).to_string(),
        )
    })
    .await;
    let client =
        liveagent::Client::new(&base_url, liveagent::ApiKey::new("export-test-key")).unwrap();
    let mut output = Vec::new();
    let count = export_conversations::export(&client, &mut output)
        .await
        .unwrap();
    assert_eq!(count, ROWS);
    let expected: Vec<String> = (0..ROWS).map(|i| format!("c{i}")).collect();
    assert_eq!(lines(&output, "conversationid"), expected);
    // 4 pages, the empty page that ends the stream, and 3 faults.
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 8);
}

#[tokio::test]
async fn tickets_survive_a_flaky_server() {
    const ROWS: usize = 650;
    let (base_url, _) = serve_faulty(|seen: &Seen| {
        if let Some(reply) = fault(seen.number) {
            return reply;
        }
        let size: usize = seen.query("pageSize").unwrap().parse().unwrap();
        let page: usize = seen.query("page").map_or(1, |p| p.parse().unwrap());
        let start = (page - 1) * size;
        let rows: Vec<Value> = (start..ROWS.min(start + size))
            .map(|i| json!({"ticketId": format!("T{i}")}))
            .collect();
        Reply::json(
            200,
            json!({
                "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
                "result": {"contents": rows, "total": ROWS, "pages": ROWS.div_ceil(size)}
            })
            .to_string(),
        )
    })
    .await;
    let client = contiple::Client::new(&base_url, "APISimple", "org", "export-test-key").unwrap();
    let mut output = Vec::new();
    let count = export_tickets::export(&client, "user1", &mut output)
        .await
        .unwrap();
    assert_eq!(count, ROWS);
    let expected: Vec<String> = (0..ROWS).map(|i| format!("T{i}")).collect();
    assert_eq!(lines(&output, "ticketId"), expected);
}

#[tokio::test]
async fn conversations_survive_a_server_that_caps_pages() {
    const ROWS: usize = 10;
    let server = capped::liveagent_conversations(ROWS).await;
    let client =
        liveagent::Client::new(&server.uri(), liveagent::ApiKey::new("export-test-key")).unwrap();
    let mut output = Vec::new();
    let count = export_conversations::export(&client, &mut output)
        .await
        .unwrap();
    assert_eq!(count, ROWS);
    assert_eq!(lines(&output, "conversationid"), ids("c", ROWS));
}

#[tokio::test]
async fn tickets_survive_a_server_that_caps_pages() {
    const ROWS: usize = 10;
    let server = capped::contiple_tickets(ROWS).await;
    let client =
        contiple::Client::new(&server.uri(), "APISimple", "org", "export-test-key").unwrap();
    let mut output = Vec::new();
    let count = export_tickets::export(&client, "user1", &mut output)
        .await
        .unwrap();
    assert_eq!(count, ROWS);
    assert_eq!(lines(&output, "ticketId"), ids("T", ROWS));
}
