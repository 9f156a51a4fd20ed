//! Decoding cost of a `listConversations` page of 1,000 rows (synthetic: the docs' example
//! row with varied ids and text), measured in one run against two baselines:
//!
//! - `decode_liveagent_1000/generated`: the generated `ConversationListEnvelope`;
//! - `.../floor`: a minimal hand-written serde struct of the same fields;
//! - `.../value`: `serde_json::Value`;
//!
//! and the client's whole response path (decoding that reads the error marker in the same pass):
//!
//! - `inspect_liveagent_1000/client`: `decode_bytes` as the client does it;
//! - `.../client_error_string`: the same with a row whose subject is `"ERROR"`;
//! - `.../strict`: the strict decoding alone (`helpdesk_client_runtime::__private::decode::json`: a struct only from
//!   an object), without reading the error marker or the response plumbing;
//! - `.../bare`: `serde_json::from_slice` of the generated type alone.
//!
//! criterion times each case for `cargo bench`; then every case is timed again round by round
//! ([`bench_support::interleaved`]), and `cargo xtask bench` turns those medians into ratios.

mod support;

use std::hint::black_box;

use bench_support::Case;
use bytes::Bytes;
use criterion::Criterion;
use liveagent::types::ConversationListEnvelope;
use liveagent::LiveAgent;
use serde::Deserialize;

/// The floor: the row's fields as plain strings, nothing else.
#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorRow {
    conversationid: Option<String>,
    code: Option<String>,
    datecreated: Option<String>,
    datechanged: Option<String>,
    departmentname: Option<String>,
    departmentid: Option<String>,
    status: Option<String>,
    ownername: Option<String>,
    owneremail: Option<String>,
    subject: Option<String>,
    preview: Option<String>,
    publicurlcode: Option<String>,
    tags: Option<String>,
    channel_type: Option<String>,
    messagegroupsin: Option<String>,
    messagegroupsout: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorList {
    conversations: Vec<FloorRow>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorEnvelope {
    response: FloorList,
}

/// A page of `rows` conversations; `error_subject` puts the text `"ERROR"` in one subject.
fn page(rows: usize, error_subject: bool) -> Bytes {
    support::conversations_page(0..rows, error_subject.then_some(rows / 2))
}

fn decode(c: &mut Criterion) {
    let body = page(1000, false);
    let mut group = c.benchmark_group("decode_liveagent_1000");
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<ConversationListEnvelope>(black_box(&body)).unwrap())
    });
    group.bench_function("floor", |b| {
        b.iter(|| serde_json::from_slice::<FloorEnvelope>(black_box(&body)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();

    let with_error = page(1000, true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let client_path = |body: &Bytes| {
        runtime
            .block_on(helpdesk_client_runtime::__private::exec::decode_bytes::<
                LiveAgent,
                ConversationListEnvelope,
            >(reqwest::StatusCode::OK, body.clone()))
            .unwrap()
    };
    let mut group = c.benchmark_group("inspect_liveagent_1000");
    group.bench_function("client", |b| b.iter(|| client_path(black_box(&body))));
    group.bench_function("client_error_string", |b| {
        b.iter(|| client_path(black_box(&with_error)))
    });
    group.bench_function("strict", |b| {
        b.iter(|| {
            helpdesk_client_runtime::__private::decode::json::<ConversationListEnvelope>(black_box(
                &body,
            ))
            .unwrap()
        })
    });
    group.bench_function("bare", |b| {
        b.iter(|| serde_json::from_slice::<ConversationListEnvelope>(black_box(&body)).unwrap())
    });
    group.finish();
}

/// The same cases timed round by round ([`bench_support::interleaved`]): the figures
/// `cargo xtask bench` reports.
fn interleaved() {
    let rounds = if bench_support::quick() { 30 } else { 300 };
    let body = page(1000, false);
    let with_error = page(1000, true);
    bench_support::interleaved(
        "decode_liveagent_1000",
        rounds,
        &mut [
            Case::new("generated", || {
                serde_json::from_slice::<ConversationListEnvelope>(&body).unwrap()
            }),
            Case::new("floor", || {
                serde_json::from_slice::<FloorEnvelope>(&body).unwrap()
            }),
            Case::new("value", || {
                serde_json::from_slice::<serde_json::Value>(&body).unwrap()
            }),
        ],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let client_path = |body: &Bytes| {
        runtime
            .block_on(helpdesk_client_runtime::__private::exec::decode_bytes::<
                LiveAgent,
                ConversationListEnvelope,
            >(reqwest::StatusCode::OK, body.clone()))
            .unwrap()
    };
    bench_support::interleaved(
        "inspect_liveagent_1000",
        rounds,
        &mut [
            Case::new("client", || client_path(&body)),
            Case::new("client_error_string", || client_path(&with_error)),
            Case::new("strict", || {
                helpdesk_client_runtime::__private::decode::json::<ConversationListEnvelope>(&body)
                    .unwrap()
            }),
            Case::new("bare", || {
                serde_json::from_slice::<ConversationListEnvelope>(&body).unwrap()
            }),
        ],
    );
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    decode(&mut criterion);
    criterion.final_summary();
    interleaved();
}
