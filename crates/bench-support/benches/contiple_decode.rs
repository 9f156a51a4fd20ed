//! Decoding cost of a customer ticket list of 200 rows (synthetic: the docs' example row with
//! varied ids and text), against a minimal hand-written serde struct of the same fields (the
//! floor) and `serde_json::Value`, measured in one run: by criterion for `cargo bench`, then
//! round by round ([`bench_support::interleaved`]), whose medians `cargo xtask bench` turns into
//! ratios.

use std::hint::black_box;

use bench_support::Case;
use contiple::types::CustomerTicketListEnvelope;
use criterion::Criterion;
use serde::Deserialize;

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FloorRow {
    ticket_id: Option<String>,
    subject: Option<String>,
    category_id: Option<i64>,
    category_name: Option<String>,
    category_full_name: Option<String>,
    status: Option<String>,
    status_name: Option<String>,
    content: Option<String>,
    created_dt: Option<i64>,
    updated_dt: Option<i64>,
    display_dt: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorHeader {
    #[serde(rename = "resultCode")]
    result_code: i64,
    #[serde(rename = "resultMessage")]
    result_message: Option<String>,
    #[serde(rename = "isSuccessful")]
    is_successful: bool,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorResult {
    contents: Vec<FloorRow>,
    total: Option<i64>,
    pages: Option<i64>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorEnvelope {
    header: FloorHeader,
    result: FloorResult,
}

fn page(rows: usize) -> Vec<u8> {
    let rows: Vec<serde_json::Value> = (0..rows)
        .map(|i| {
            serde_json::json!({
                "ticketId": format!("T1658213182227yb{i:04}"), "subject": format!("유형{i}"),
                "categoryId": 2542, "categoryName": "유형1-1-1-1-1",
                "categoryFullName": "유형1>유형1-1>유형1-1-1>유형1-1-1-1>유형1-1-1-1-1",
                "status": "reply", "statusName": "추가 확인", "content": null,
                "createdDt": 1658213182000u64 + i as u64, "updatedDt": 1658215682000u64,
                "contents": null, "attachments": null, "displayDt": "2022.07.19"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
        "result": {"contents": rows, "total": 200, "pages": 1, "pageNum": 1, "pageSize": 200}
    }))
    .unwrap()
}

fn decode(c: &mut Criterion) {
    let body = page(200);
    let mut group = c.benchmark_group("decode_contiple_200");
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<CustomerTicketListEnvelope>(black_box(&body)).unwrap())
    });
    group.bench_function("floor", |b| {
        b.iter(|| serde_json::from_slice::<FloorEnvelope>(black_box(&body)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();
}

/// The same cases timed round by round ([`bench_support::interleaved`]): the figures
/// `cargo xtask bench` reports.
fn interleaved() {
    let rounds = if bench_support::quick() { 100 } else { 1_500 };
    let body = page(200);
    bench_support::interleaved(
        "decode_contiple_200",
        rounds,
        &mut [
            Case::new("generated", || {
                serde_json::from_slice::<CustomerTicketListEnvelope>(&body).unwrap()
            }),
            Case::new("floor", || {
                serde_json::from_slice::<FloorEnvelope>(&body).unwrap()
            }),
            Case::new("value", || {
                serde_json::from_slice::<serde_json::Value>(&body).unwrap()
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
