//! Pagination streams against local servers that hold many rows and page them the way each
//! API does. The rows are synthetic (built in the test); the paging follows the docs:
//! LiveAgent's `cursor` (each row's cursor, passed back to get the rows after it), its
//! `limitcount`/`limitfrom` reports, and Contiple's `page`/`pageSize`/`pages`. The servers of
//! `api_tests::capped` (synthetic too) also cap every page below the size asked for: a short
//! page must end no stream.

use api_tests::capped::{self, ids, CAP};
use api_tests::json_server::{query, serve_json};
use futures::{StreamExt, TryStreamExt};
use helpdesk_client_runtime::RetryPolicy;
use serde_json::{json, Value};

fn liveagent_at(uri: &str) -> liveagent::Client {
    liveagent::ClientBuilder::new(uri, liveagent::ApiKey::new("pagination-test-key"))
        .rate_limit(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn liveagent_cursor_pages_yield_5000_rows_in_order_once() {
    const ROWS: usize = 5_000;
    let server = serve_json(|request| {
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
    let client = liveagent_at(&server.uri());
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
    let seen = server.queries();
    // Five full pages of 1,000, then an empty one.
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen[0].contains("limit=1000") && !seen[0].contains("cursor="));
    assert!(seen[1].contains("cursor=k999"), "{}", seen[1]);
    assert!(seen.iter().all(|q| q.contains("status=N%2CC")));
}

#[tokio::test]
async fn liveagent_report_pages_by_limitfrom() {
    const ROWS: usize = 2_345;
    let server = serve_json(|request| {
        let count: usize = query(request, "limitcount").unwrap().parse().unwrap();
        let from: usize = query(request, "limitfrom").map_or(0, |f| f.parse().unwrap());
        let rows: Vec<Value> = (from..ROWS.min(from + count))
            .map(|i| json!({"contactid": format!("a{i}")}))
            .collect();
        json!({"response": {"agents": rows}})
    })
    .await;
    let rows: Vec<_> = liveagent_at(&server.uri())
        .get_agents_report()
        .date_from("2024-01-01 00:00:00")
        .date_to("2024-02-01 00:00:00")
        .stream_with_page_size(500)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ROWS);
    assert_eq!(rows[2344].contactid.as_deref(), Some("a2344"));
    // Four full pages, a short one, then the empty page that ends the stream.
    assert_eq!(server.queries().len(), 6);
}

#[tokio::test]
async fn contiple_pages_stop_at_the_reported_page_count() {
    const ROWS: usize = 450;
    let server = serve_json(|request| {
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
    let seen = server.queries();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[2].contains("page=3") && seen[2].contains("pageSize=200"));
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    // Synthetic: the second page fails with the docs' error envelope.
    let server = serve_json(|request| match query(request, "offset") {
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

const ROWS: usize = 10;

/// How many requests a stream of [`ROWS`] rows makes to a capped server when only an empty
/// page can end it: the pages of [`CAP`] rows, then the empty one.
const UNTIL_EMPTY: usize = ROWS.div_ceil(CAP) + 1;

/// The value of parameter `name` in each query (empty where absent).
fn params(queries: &[String], name: &str) -> Vec<String> {
    queries
        .iter()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn contiple(uri: &str) -> contiple::Client {
    contiple::Client::new(uri, "APISimple", "org", "pagination-test-key").unwrap()
}

#[tokio::test]
async fn cursor_style_yields_every_row_once_from_a_server_that_caps_pages() {
    let server = capped::liveagent_conversations(ROWS).await;
    let rows: Vec<_> = liveagent_at(&server.uri())
        .list_conversations()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().map(|r| r.conversationid).collect();
    assert_eq!(got, ids("c", ROWS));
    let queries = server.queries();
    assert_eq!(queries.len(), UNTIL_EMPTY, "{queries:?}");
    assert!(
        queries.iter().all(|q| q.contains("limit=1000")),
        "{queries:?}"
    );
    assert!(queries[1].contains("cursor=k2"), "{queries:?}");
}

#[tokio::test]
async fn offset_style_yields_every_row_once_from_a_server_that_caps_pages() {
    let server = capped::liveagent_knowledgebases(ROWS).await;
    let rows: Vec<_> = liveagent_at(&server.uri())
        .list_knowledgebases()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().map(|r| r.kb_id).collect();
    assert_eq!(got, ids("kb", ROWS));
    let queries = server.queries();
    assert_eq!(queries.len(), UNTIL_EMPTY, "{queries:?}");
    assert_eq!(params(&queries, "offset"), ["", "3", "6", "9", "10"]);

    let server = capped::liveagent_agents_report(ROWS).await;
    let rows: Vec<_> = liveagent_at(&server.uri())
        .get_agents_report()
        .date_from("2024-01-01 00:00:00")
        .date_to("2024-02-01 00:00:00")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().filter_map(|r| r.contactid).collect();
    assert_eq!(got, ids("a", ROWS));
    assert_eq!(server.queries().len(), UNTIL_EMPTY);
}

#[tokio::test]
async fn page_style_yields_every_row_once_from_a_server_that_caps_pages() {
    // The server's `pages` and `total` end the stream: no request for an empty page.
    let server = capped::contiple_tickets(ROWS).await;
    let rows: Vec<_> = contiple(&server.uri())
        .list_customer_tickets()
        .usercode("user1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().map(|r| r.ticket_id).collect();
    assert_eq!(got, ids("T", ROWS));
    let queries = server.queries();
    assert_eq!(queries.len(), ROWS.div_ceil(CAP), "{queries:?}");
    assert!(queries[3].contains("page=4") && queries[3].contains("pageSize=200"));

    // No figures (`listAgents`): only the empty page ends it.
    let server = capped::contiple_agents(ROWS).await;
    let rows: Vec<_> = contiple(&server.uri())
        .list_agents()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().map(|r| r.usercode).collect();
    assert_eq!(got, ids("u", ROWS));
    let queries = server.queries();
    assert_eq!(queries.len(), UNTIL_EMPTY, "{queries:?}");
    // No documented maximum: the documented default.
    assert!(queries[0].contains("pageSize=10"), "{queries:?}");
}

#[tokio::test]
async fn the_callers_limit_is_the_page_size_up_to_the_documented_maximum() {
    let server = capped::liveagent_conversations(ROWS).await;
    let client = liveagent_at(&server.uri());
    for (limit, sent) in [(7, "7"), (5000, "1000"), (0, "1"), (-4, "1")] {
        let before = server.queries().len();
        let rows: Vec<_> = client
            .list_conversations()
            .limit(limit)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(rows.len(), ROWS, "limit {limit}");
        let sent_sizes = params(&server.queries()[before..], "limit");
        assert!(
            sent_sizes.iter().all(|s| s == sent),
            "limit {limit}: {sent_sizes:?}"
        );
    }
    // `stream_with_page_size` wins over the builder's limit, and is clamped the same way.
    let before = server.queries().len();
    let rows: Vec<_> = client
        .list_conversations()
        .limit(7)
        .stream_with_page_size(20_000)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ROWS);
    assert!(params(&server.queries()[before..], "limit")
        .iter()
        .all(|s| s == "1000"));

    let server = capped::contiple_tickets(ROWS).await;
    for (size, sent) in [(20, "20"), (999, "200")] {
        let before = server.queries().len();
        let rows: Vec<_> = contiple(&server.uri())
            .list_customer_tickets()
            .usercode("user1")
            .page_size(size)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(rows.len(), ROWS);
        let sent_sizes = params(&server.queries()[before..], "pageSize");
        assert!(
            sent_sizes.iter().all(|s| s == sent),
            "pageSize {size}: {sent_sizes:?}"
        );
    }

    let server = capped::liveagent_agents_report(ROWS).await;
    let rows: Vec<_> = liveagent_at(&server.uri())
        .get_agents_report()
        .date_from("2024-01-01 00:00:00")
        .date_to("2024-02-01 00:00:00")
        .limitcount(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ROWS);
    assert!(params(&server.queries(), "limitcount")
        .iter()
        .all(|s| s == "4"));
}

#[tokio::test]
async fn hostile_page_counts_neither_panic_nor_lose_rows() {
    // Synthetic: `pages` and `total` as large as the generated `i64` holds: only the empty
    // page ends the stream.
    let server = serve_json(|request| {
        let page: usize = query(request, "page").map_or(1, |p| p.parse().unwrap());
        let start = (page - 1) * CAP;
        let rows: Vec<Value> = (start..ROWS.min(start + CAP))
            .map(|i| json!({"ticketId": format!("T{i}")}))
            .collect();
        json!({
            "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
            "result": {"contents": rows, "total": i64::MAX, "pages": i64::MAX}
        })
    })
    .await;
    let rows: Vec<_> = contiple(&server.uri())
        .list_customer_tickets()
        .usercode("user1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<String> = rows.into_iter().map(|r| r.ticket_id).collect();
    assert_eq!(got, ids("T", ROWS));
    assert_eq!(server.queries().len(), UNTIL_EMPTY);

    // Synthetic: `pages: 18446744073709551615` does not fit the documented integer: a typed
    // error, yielded once.
    let server = serve_json(|_| {
        json!({
            "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
            "result": {"contents": [{"ticketId": "T0"}], "total": -1, "pages": u64::MAX}
        })
    })
    .await;
    let items: Vec<_> = contiple(&server.uri())
        .list_customer_tickets()
        .usercode("user1")
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_err());
}
