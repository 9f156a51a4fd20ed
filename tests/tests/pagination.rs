//! Pagination streams against local servers that hold many rows and page them the way each
//! API does. The rows are synthetic (built in the test); the paging follows the docs:
//! LiveAgent's `cursor` (each row's cursor, passed back to get the rows after it), its
//! `limitcount`/`limitfrom` reports, and Contiple's `page`/`pageSize`/`pages`.

use std::sync::{Arc, Mutex};

use client_runtime::RetryPolicy;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// Serves `pages(request)` and records every request's query.
struct Paged<F> {
    pages: F,
    seen: Arc<Mutex<Vec<String>>>,
}

impl<F: Fn(&Request) -> Value + Send + Sync> Respond for Paged<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.seen
            .lock()
            .unwrap()
            .push(request.url.query().unwrap_or_default().to_owned());
        ResponseTemplate::new(200).set_body_json((self.pages)(request))
    }
}

async fn serve<F>(pages: F) -> (MockServer, Arc<Mutex<Vec<String>>>)
where
    F: Fn(&Request) -> Value + Send + Sync + 'static,
{
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::any())
        .respond_with(Paged {
            pages,
            seen: seen.clone(),
        })
        .mount(&server)
        .await;
    (server, seen)
}

fn liveagent(server: &MockServer) -> liveagent::Client {
    liveagent::ClientBuilder::new(server.uri(), liveagent::ApiKey::new("pagination-test-key"))
        .rate_limit(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn liveagent_cursor_pages_yield_5000_rows_in_order_once() {
    const ROWS: usize = 5_000;
    let (server, seen) = serve(|request| {
        let limit: usize = query(request, "limit").unwrap().parse().unwrap();
        let start = match query(request, "cursor") {
            Some(cursor) => cursor.trim_start_matches('k').parse::<usize>().unwrap() + 1,
            None => 0,
        };
        let rows: Vec<Value> = (start..ROWS.min(start + limit))
            .map(|i| json!({"conversationid": format!("c{i}"), "cursor": format!("k{i}"), "status": "N"}))
            .collect();
        json!({"response": {"conversations": rows}})
    })
    .await;
    let client = liveagent(&server);
    let rows: Vec<_> = client
        .list_conversations()
        .status("N,C")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = rows.iter().map(|r| r.conversationid.clone()).collect();
    let expected: Vec<String> = (0..ROWS).map(|i| format!("c{i}")).collect();
    assert_eq!(ids, expected);
    let seen = seen.lock().unwrap().clone();
    // Five full pages of 1,000, then an empty one.
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen[0].contains("limit=1000") && !seen[0].contains("cursor="));
    assert!(seen[1].contains("cursor=k999"), "{}", seen[1]);
    assert!(seen.iter().all(|q| q.contains("status=N%2CC")));
}

#[tokio::test]
async fn liveagent_report_pages_by_limitfrom() {
    const ROWS: usize = 2_345;
    let (server, seen) = serve(|request| {
        let count: usize = query(request, "limitcount").unwrap().parse().unwrap();
        let from: usize = query(request, "limitfrom").map_or(0, |f| f.parse().unwrap());
        let rows: Vec<Value> = (from..ROWS.min(from + count))
            .map(|i| json!({"contactid": format!("a{i}")}))
            .collect();
        json!({"response": {"agents": rows}})
    })
    .await;
    let rows: Vec<_> = liveagent(&server)
        .get_agents_report()
        .date_from("2024-01-01 00:00:00")
        .date_to("2024-02-01 00:00:00")
        .stream_with_page_size(500)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ROWS);
    assert_eq!(rows[2344].contactid.as_deref(), Some("a2344"));
    assert_eq!(seen.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn contiple_pages_stop_at_the_reported_page_count() {
    const ROWS: usize = 450;
    let (server, seen) = serve(|request| {
        let size: usize = query(request, "pageSize").unwrap().parse().unwrap();
        let page: usize = query(request, "page").map_or(1, |p| p.parse().unwrap());
        let start = (page - 1) * size;
        let rows: Vec<Value> = (start..ROWS.min(start + size))
            .map(|i| json!({"ticketId": format!("T{i}")}))
            .collect();
        json!({
            "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
            "result": {"contents": rows, "total": ROWS, "pages": ROWS.div_ceil(size), "pageNum": page, "pageSize": size}
        })
    })
    .await;
    let client =
        contiple::Client::new(&server.uri(), "APISimple", "org", "pagination-test-key").unwrap();
    let rows: Vec<_> = client
        .list_customer_tickets()
        .usercode("user1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ROWS);
    assert_eq!(Some(rows[449].ticket_id.as_str()), Some("T449"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[2].contains("page=3") && seen[2].contains("pageSize=200"));
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    // Synthetic: the second page fails with the docs' error envelope.
    let (server, _) = serve(|request| match query(request, "offset") {
        None => json!({"response": {"knowledgebases": (0..500).map(|i| json!({"kb_id": i.to_string()})).collect::<Vec<_>>()}}),
        Some(_) => json!({"response": {"status": "ERROR", "statuscode": 500, "errormessage": "Example error message"}}),
    })
    .await;
    let client = liveagent::ClientBuilder::new(server.uri(), liveagent::ApiKey::new("k"))
        .retry(RetryPolicy::none())
        .rate_limit(None)
        .build()
        .unwrap();
    let items: Vec<_> = client.list_knowledgebases().stream().collect().await;
    assert_eq!(items.len(), 501);
    let err = items[500].as_ref().unwrap_err();
    assert!(matches!(err, liveagent::Error::Api { .. }), "{err:?}");
}
