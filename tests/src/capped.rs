//! Synthetic servers that cap every page below the page size asked for, one per paging style,
//! for the tests that every row of a stream arrives exactly once, in order, through the client,
//! the export examples and the command lines' `--all`.
//!
//! Nothing here is recorded: the rows are made up (numbered ids), and the cap is what a server
//! may do, as nothing in either API's docs promises the page size asked for. Each server pages
//! the way its API documents otherwise: LiveAgent's `cursor` (the rows after the given row's
//! cursor), `limit`/`offset` and `limitcount`/`limitfrom`; Contiple's 1-based `page` with
//! `pages` and `total` computed from the size it actually serves, or no figures at all
//! (`listAgents`, whose docs show only `contents`).

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The most rows any page of these servers holds.
pub const CAP: usize = 3;

/// A running capped server and the query of every request it got, in order.
pub struct Capped {
    server: MockServer,
    queries: Arc<Mutex<Vec<String>>>,
}

impl Capped {
    /// The base URL to give a client or a command line.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The query string of every request so far, in order.
    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().expect("not poisoned").clone()
    }
}

/// A query parameter of `request`, decoded.
fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// A query parameter as a number (absent or malformed: `default`).
fn number(request: &Request, name: &str, default: usize) -> usize {
    query(request, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The rows `start..` of `rows` that one page holds when `asked` rows were asked for.
fn page_range(start: usize, asked: usize, rows: usize) -> std::ops::Range<usize> {
    let start = start.min(rows);
    start..rows.min(start + asked.min(CAP))
}

struct Respondent<F> {
    body: F,
    queries: Arc<Mutex<Vec<String>>>,
}

impl<F: Fn(&Request) -> Value + Send + Sync> Respond for Respondent<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.queries
            .lock()
            .expect("not poisoned")
            .push(request.url.query().unwrap_or_default().to_owned());
        ResponseTemplate::new(200).set_body_json((self.body)(request))
    }
}

async fn serve(body: impl Fn(&Request) -> Value + Send + Sync + 'static) -> Capped {
    let server = MockServer::start().await;
    let queries = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::any())
        .respond_with(Respondent {
            body,
            queries: queries.clone(),
        })
        .mount(&server)
        .await;
    Capped { server, queries }
}

/// LiveAgent's `GET /conversations` (cursor style) holding conversations `c0`, `c1`, … with
/// cursors `k0`, `k1`, …
pub async fn liveagent_conversations(rows: usize) -> Capped {
    serve(move |request| {
        let start = query(request, "cursor").map_or(0, |cursor| {
            cursor
                .trim_start_matches('k')
                .parse::<usize>()
                .map_or(rows, |i| i + 1)
        });
        let page: Vec<Value> = page_range(start, number(request, "limit", 100), rows)
            .map(|i| json!({"conversationid": format!("c{i}"), "cursor": format!("k{i}"), "status": "A"}))
            .collect();
        json!({"response": {"conversations": page}})
    })
    .await
}

/// LiveAgent's `GET /knowledgebases` (`limit`/`offset`) holding knowledgebases `kb0`, `kb1`, …
pub async fn liveagent_knowledgebases(rows: usize) -> Capped {
    serve(move |request| {
        let page: Vec<Value> = page_range(
            number(request, "offset", 0),
            number(request, "limit", 10),
            rows,
        )
        .map(|i| json!({"kb_id": format!("kb{i}"), "name": format!("Knowledgebase {i}")}))
        .collect();
        json!({"response": {"knowledgebases": page}})
    })
    .await
}

/// LiveAgent's agents report (`limitcount`/`limitfrom`) holding agents `a0`, `a1`, …
pub async fn liveagent_agents_report(rows: usize) -> Capped {
    serve(move |request| {
        let page: Vec<Value> = page_range(
            number(request, "limitfrom", 0),
            number(request, "limitcount", 100),
            rows,
        )
        .map(|i| json!({"contactid": format!("a{i}")}))
        .collect();
        json!({"response": {"agents": page}})
    })
    .await
}

/// The envelope of one Contiple page (`page`/`pageSize`) of `rows` rows made by `row`, with
/// `pages` and `total` (computed from the size served) if `figures`.
fn contiple_page(request: &Request, rows: usize, figures: bool, row: fn(usize) -> Value) -> Value {
    let asked = number(request, "pageSize", 10);
    let served = asked.clamp(1, CAP);
    let page = number(request, "page", 1).max(1);
    let contents: Vec<Value> = page_range((page - 1).saturating_mul(served), asked, rows)
        .map(row)
        .collect();
    let mut result = json!({ "contents": contents });
    if figures {
        result["total"] = json!(rows);
        result["pages"] = json!(rows.div_ceil(served));
        result["pageNum"] = json!(page);
        result["pageSize"] = json!(served);
    }
    json!({
        "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
        "result": result,
    })
}

/// Contiple's `listCustomerTickets` holding tickets `T0`, `T1`, …, with `pages` and `total`.
pub async fn contiple_tickets(rows: usize) -> Capped {
    serve(move |request| {
        contiple_page(
            request,
            rows,
            true,
            |i| json!({"ticketId": format!("T{i}")}),
        )
    })
    .await
}

/// Contiple's `listAgents` holding agents `u0`, `u1`, …, with no paging figures (as its docs
/// show).
pub async fn contiple_agents(rows: usize) -> Capped {
    serve(move |request| {
        contiple_page(request, rows, false, |i| {
            json!({"userId": i, "usercode": format!("u{i}"), "uuid": format!("uuid-{i}"), "username": format!("User {i}"), "role": "ROLE_FRONT_AGENT"})
        })
    })
    .await
}

/// The ids `prefix0`, `prefix1`, … up to `rows`: what every stream of these servers must yield.
pub fn ids(prefix: &str, rows: usize) -> Vec<String> {
    (0..rows).map(|i| format!("{prefix}{i}")).collect()
}
