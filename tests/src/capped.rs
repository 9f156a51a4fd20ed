//! Synthetic servers that cap every page below the page size asked for, one per paging style,
//! for the tests that every row of a stream arrives exactly once, in order, through the client,
//! the export examples and the command lines' `--all`.
//!
//! Nothing here is recorded: the rows are made up (numbered ids), and the cap is what a server
//! may do, as nothing in either API's docs promises the page size asked for. Each server pages
//! the way its API documents otherwise: LiveAgent's `cursor` (the rows after the given row's
//! cursor), `limit`/`offset` and `limitcount`/`limitfrom`; Contiple's 1-based `page` with
//! `pages` and `total` computed from the size it actually serves, or no figures at all
//! (`listAgents`, whose docs show only `contents`). Each is a [`JsonServer`], which keeps the
//! query of every request.

use serde_json::{json, Value};
use wiremock::Request;

use crate::json_server::{query, serve_json, JsonServer};

/// The most rows any page of these servers holds.
pub const CAP: usize = 3;

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

/// LiveAgent's `GET /conversations` (cursor style) holding conversations `c0`, `c1`, … with
/// cursors `k0`, `k1`, …
pub async fn liveagent_conversations(rows: usize) -> JsonServer {
    serve_json(move |request| {
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

/// A LiveAgent list paged by position: the parameters of the first row and of the page size,
/// the size when none is asked for, and the `response` envelope's member holding the rows.
struct OffsetList {
    from: &'static str,
    size: &'static str,
    default_size: usize,
    member: &'static str,
}

impl OffsetList {
    /// The list holding `rows` rows made by `row`.
    async fn serve(self, rows: usize, row: fn(usize) -> Value) -> JsonServer {
        serve_json(move |request| {
            let page: Vec<Value> = page_range(
                number(request, self.from, 0),
                number(request, self.size, self.default_size),
                rows,
            )
            .map(row)
            .collect();
            json!({"response": {self.member: page}})
        })
        .await
    }
}

/// `GET /knowledgebases`: `offset`, and `limit` (10 by default).
const KNOWLEDGEBASES: OffsetList = OffsetList {
    from: "offset",
    size: "limit",
    default_size: 10,
    member: "knowledgebases",
};

/// The agents report: `limitfrom`, and `limitcount` (100 by default).
const AGENTS_REPORT: OffsetList = OffsetList {
    from: "limitfrom",
    size: "limitcount",
    default_size: 100,
    member: "agents",
};

/// LiveAgent's `GET /knowledgebases` (`limit`/`offset`) holding knowledgebases `kb0`, `kb1`, …
pub async fn liveagent_knowledgebases(rows: usize) -> JsonServer {
    KNOWLEDGEBASES
        .serve(
            rows,
            |i| json!({"kb_id": format!("kb{i}"), "name": format!("Knowledgebase {i}")}),
        )
        .await
}

/// LiveAgent's agents report (`limitcount`/`limitfrom`) holding agents `a0`, `a1`, …
pub async fn liveagent_agents_report(rows: usize) -> JsonServer {
    AGENTS_REPORT
        .serve(rows, |i| json!({"contactid": format!("a{i}")}))
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
pub async fn contiple_tickets(rows: usize) -> JsonServer {
    serve_json(move |request| {
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
pub async fn contiple_agents(rows: usize) -> JsonServer {
    serve_json(move |request| {
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
