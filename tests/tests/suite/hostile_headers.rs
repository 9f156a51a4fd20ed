//! Hostile headers and framing, through the real clients over loopback HTTP: at least 10,000
//! generated responses per API (LiveAgent and Contiple). Every response here is synthetic:
//! made up by the generators below, sent as raw bytes by `api_tests::faulty`.
//!
//! Each case calls one operation (the first request of a docs recording, so GET and POST,
//! form, JSON, multipart and Contiple's file downloads all take part; LiveAgent's spec has no
//! file download) with one of four clients (retries on with 1-2 ms delays and a 10 ms budget,
//! retries without backoff, or `RetryPolicy::none()`; the default body cap or 4 KiB). The
//! server answers every attempt of the case with the same bytes:
//!
//! - status lines: documented and undocumented statuses, 1xx before the final one, 101, 204,
//!   3xx, 599, 100-999 at random, and lines that are not HTTP;
//! - headers: `Retry-After` (huge, negative, fractional, dates in year 1900 or 9999, garbage),
//!   `Location` (garbage, long, relative, non-UTF-8), `Content-Type` (missing, multipart, odd
//!   parameters), duplicates, arbitrary bytes, obs-fold, `Transfer-Encoding` and `Upgrade`;
//! - framing: an exact `Content-Length`, none (the body ends at close), one shorter or longer
//!   than the body, one that overflows `u64` or is not a number, two that disagree, chunked
//!   correctly, chunked garbage, chunked unfinished;
//! - bodies: the docs' body of the operation (whole or truncated), each API's error envelope
//!   with odd field types, HTML, random bytes, a body over the small cap.
//!
//! Nothing may panic, on the calling thread or in any task (a panic hook counts them), and no
//! call may hang; every result is a value or a typed `Error` whose `Display` and `Debug`
//! render (the dispatcher's outcome renders both).
//!
//! The generated cases answer within milliseconds, and the `Retry-After` overflow measured in
//! issue 15 needed more than a second into the call; [`a_huge_retry_after_after_a_second`]
//! replays that through both clients.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use api_tests::faulty::{serve_faulty, Reply};
use api_tests::{
    contiple_credentials, load_all, Api, Call, ClientCredentials as _, RecordedRequest, SpecIndex,
};
use helpdesk_client_runtime::RetryPolicy;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// Cases per API.
const CASES: u32 = 10_000;

thread_local! {
    /// Panics on this thread since the hook was installed. Each test runs its server and
    /// clients on a current-thread runtime, so a panic in one of their tasks counts here.
    static PANICS: Cell<usize> = const { Cell::new(0) };
}

/// Counts every panic on its thread (a panic in a spawned task does not reach the caller),
/// then reports it as usual.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|count| count.set(count.get() + 1));
            report(info);
        }));
    });
}

/// The panics counted on this thread.
fn panics() -> usize {
    PANICS.with(Cell::get)
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Text matching `pattern`, as bytes. The regex is compiled once, here (a `&str` strategy
/// compiles it for every value).
fn text(pattern: &str) -> impl Strategy<Value = Vec<u8>> {
    proptest::string::string_regex(pattern)
        .expect("a valid regex")
        .prop_map(String::into_bytes)
}

/// Bytes a header value may hold (visible ASCII, space, tab and obs-text bytes 0x80-0xFF):
/// any text, UTF-8 or not.
fn header_text() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![8 => 0x20u8..0x7f, 4 => 0x80u8..=0xff, 1 => Just(b'\t')];
    prop_oneof![
        4 => proptest::collection::vec(any::<char>(), 0..40).prop_map(|chars| {
            chars
                .into_iter()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect::<String>()
                .into_bytes()
        }),
        4 => proptest::collection::vec(byte, 0..40),
        1 => Just(Vec::new()),
        1 => Just(b"\xff\xfe\xfd".to_vec()),
    ]
}

/// Bytes no header value may hold: control characters, NUL, a lone CR or LF.
fn illegal_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..40),
        Just(b"a\x00b".to_vec()),
        Just(b"a\rb".to_vec()),
        Just(b"a\nb".to_vec()),
        Just(b"a\x7fb".to_vec()),
    ]
}

/// A header value: mostly legal text, sometimes bytes HTTP forbids (hyper rejects the whole
/// response, so they are kept rare enough for the other cases to reach the client's code).
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![9 => header_text(), 1 => illegal_text()]
}

/// An HTTP date in one of the three forms, with fields in and out of range (years 0-99999,
/// 1900 and 9999 among them).
fn http_date() -> impl Strategy<Value = Vec<u8>> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const LONG_DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = prop_oneof![
        Just(1900u32),
        Just(1969),
        Just(1970),
        Just(2015),
        Just(2069),
        Just(9999),
        Just(10000),
        0u32..100_000,
    ];
    (
        0usize..7,
        0u32..40,
        0usize..12,
        year,
        (0u32..30, 0u32..70, 0u32..70),
        0u8..3,
    )
        .prop_map(|(weekday, day, month, year, (h, m, s), form)| {
            let (weekday, long_day, month) = (DAYS[weekday], LONG_DAYS[weekday], MONTHS[month]);
            match form {
                0 => format!("{weekday}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT"),
                1 => format!(
                    "{long_day}, {day:02}-{month}-{:02} {h:02}:{m:02}:{s:02} GMT",
                    year % 100
                ),
                _ => format!("{weekday} {month} {day:>2} {h:02}:{m:02}:{s:02} {year}"),
            }
            .into_bytes()
        })
}

/// `Retry-After` values.
fn retry_after() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => Just(b"18446744073709551615".to_vec()),
        1 => Just(b"18446744073709551616".to_vec()),
        1 => Just(b"Fri, 31 Dec 9999 23:59:59 GMT".to_vec()),
        1 => Just(b"Mon, 01 Jan 1900 00:00:00 GMT".to_vec()),
        1 => Just(b"Thu, 01 Jan 1970 00:00:00 GMT".to_vec()),
        1 => (0u64..3).prop_map(|n| n.to_string().into_bytes()),
        1 => any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        1 => text("[0-9]{20,60}"),
        1 => text("-[0-9]{1,25}"),
        1 => text("[0-9]{1,5}\\.[0-9]{1,5}"),
        1 => text("[+ ]?[0-9]{1,3}[eE,x ]?[0-9]{0,3}"),
        3 => http_date(),
        2 => garbage(),
    ]
}

/// `Location` values: garbage, very long, relative, non-UTF-8.
fn location() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        garbage(),
        text("/[a-z0-9/._%-]{0,30}"),
        Just(b"//evil.example/x".to_vec()),
        Just(b"../../../etc/passwd".to_vec()),
        Just(b"http://[::1".to_vec()),
        Just(b"https://user:pass@host:99999/".to_vec()),
        Just(b"javascript:alert(1)".to_vec()),
        Just(b"https://example.com/\xc3\x28\xa0\xa1".to_vec()),
        (1usize..20_000)
            .prop_map(|n| format!("https://example.com/{}", "a".repeat(n)).into_bytes()),
    ]
}

/// `Content-Type` values.
fn content_type() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"application/json".to_vec()),
        Just(b"application/json; charset=utf-8".to_vec()),
        Just(b"application/json; charset=utf-16".to_vec()),
        Just(b"application/json;;; charset=\"".to_vec()),
        Just(b"application/json; boundary=; q=0".to_vec()),
        Just(b"application/problem+json".to_vec()),
        Just(b"multipart/form-data; boundary=xyz".to_vec()),
        Just(b"multipart/mixed".to_vec()),
        Just(b"text/html; charset=iso-8859-1".to_vec()),
        Just(b"application/octet-stream".to_vec()),
        garbage(),
    ]
}

/// A header line without its CRLF: the interesting headers, duplicates of them (the vector
/// may hold several), arbitrary names and bytes, a folded continuation, a line without colon.
fn header_line() -> impl Strategy<Value = Vec<u8>> {
    let line = |name: &'static [u8]| {
        move |value: Vec<u8>| {
            let mut line = name.to_vec();
            line.extend_from_slice(b": ");
            line.extend(value);
            line
        }
    };
    // Lines that break the header block's syntax: rare, for the same reason as `garbage`.
    let broken = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..60),
        Just(b" folded: continuation".to_vec()),
        Just(b"No-Colon-Here".to_vec()),
        Just(b": empty name".to_vec()),
        Just(b"Spaced Name: x".to_vec()),
    ];
    prop_oneof![
        8 => retry_after().prop_map(line(b"Retry-After")),
        2 => retry_after().prop_map(line(b"rEtRy-AfTeR")),
        4 => location().prop_map(line(b"Location")),
        4 => content_type().prop_map(line(b"Content-Type")),
        2 => garbage().prop_map(line(b"Content-Disposition")),
        1 => prop_oneof![
            Just(b"chunked".to_vec()),
            Just(b"gzip, chunked".to_vec()),
            Just(b"identity".to_vec()),
            garbage(),
        ]
        .prop_map(line(b"Transfer-Encoding")),
        2 => prop_oneof![
            Just(b"Connection: close".to_vec()),
            Just(b"Connection: upgrade".to_vec()),
            Just(b"Upgrade: websocket".to_vec()),
            Just(b"Content-Encoding: gzip".to_vec()),
            Just(b"Trailer: Retry-After".to_vec()),
            Just(b"Expect: 100-continue".to_vec()),
        ],
        3 => (text("[!#-'*+.0-9A-Z^-z|~-]{1,30}"), garbage()).prop_map(|(name, value)| {
            let mut line = name;
            line.extend_from_slice(b": ");
            line.extend(value);
            line
        }),
        1 => broken,
    ]
}

/// How the body is delimited.
#[derive(Clone, Debug)]
enum Framing {
    /// `Content-Length` of the body.
    Exact,
    /// No length: the body ends when the server closes.
    CloseDelimited,
    /// `Content-Length` this much shorter than the body.
    Shorter(usize),
    /// `Content-Length` this much longer than the body.
    Longer(u64),
    /// A `Content-Length` that is not a usable number.
    Bogus(&'static str),
    /// The body's length, then another one (equal when 0).
    Twice(u64),
    /// Chunked, cut at these points.
    Chunked(Vec<usize>),
    /// Chunked, then this bad size line.
    ChunkedGarbage(&'static str),
    /// Chunked without the last chunk.
    ChunkedUnfinished,
    /// Chunked and a `Content-Length` both.
    Both,
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        12 => Just(Framing::Exact),
        2 => Just(Framing::CloseDelimited),
        1 => (1usize..64).prop_map(Framing::Shorter),
        1 => prop_oneof![1u64..64, Just(u64::MAX - 2), Just(1 << 40)].prop_map(Framing::Longer),
        1 => prop::sample::select(vec![
            "18446744073709551616",
            "18446744073709551615",
            "18446744073709551613",
            "99999999999999999999999999",
            "-1",
            "+5",
            "1e3",
            "0x10",
            " ",
            "",
            "5, 6",
            "\u{ff}",
        ])
        .prop_map(Framing::Bogus),
        1 => (0u64..3).prop_map(Framing::Twice),
        2 => proptest::collection::vec(0usize..512, 0..4).prop_map(Framing::Chunked),
        1 => prop::sample::select(vec![
            "zz",
            "ffffffffffffffffffff",
            "10000000000000000",
            "-1",
            "",
            "5;ext=\"",
        ])
        .prop_map(Framing::ChunkedGarbage),
        1 => Just(Framing::ChunkedUnfinished),
        1 => Just(Framing::Both),
    ]
}

/// Status lines: documented and odd statuses, informational ones before the final one, and
/// lines that are not HTTP.
fn status_line() -> impl Strategy<Value = Vec<u8>> {
    let common = prop::sample::select(vec![
        200u16, 200, 200, 200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403,
        404, 405, 409, 413, 418, 422, 429, 429, 500, 501, 502, 503, 503, 504, 599,
    ]);
    prop_oneof![
        6 => Just(b"HTTP/1.1 200 OK\r\n".to_vec()),
        12 => common.clone().prop_map(|code| format!("HTTP/1.1 {code} Reason\r\n").into_bytes()),
        2 => (100u16..1000).prop_map(|code| format!("HTTP/1.1 {code} X\r\n").into_bytes()),
        1 => (prop::sample::select(vec![100u16, 102, 103, 199]), common).prop_map(
            |(info, code)| {
                format!("HTTP/1.1 {info} Info\r\nRetry-After: 1\r\n\r\nHTTP/1.1 {code} X\r\n")
                    .into_bytes()
            }
        ),
        1 => prop::sample::select(vec![
            "HTTP/1.1 101 Switching Protocols\r\n",
            "HTTP/1.1 100 Continue\r\n",
            "HTTP/1.1 abc X\r\n",
            "HTTP/1.1 1000 X\r\n",
            "HTTP/1.1 20 X\r\n",
            "HTTP/1.1 000 X\r\n",
            "HTTP/2 200\r\n",
            "HTTP/1.0 200 OK\r\n",
            "HTTP/1.1 200\r\n",
            "HTTP/1.1 200 \u{ff}\u{fe}\r\n",
            "ICY 200 OK\r\n",
            "HTTP/1.1 200 OK\n",
            "",
        ])
        .prop_map(|line| line.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(|mut line| {
            line.extend_from_slice(b"\r\n");
            line
        }),
    ]
}

/// JSON values of odd types for an envelope's code and message fields.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        proptest::collection::vec(any::<char>(), 0..20)
            .prop_map(|chars| json!(String::from_iter(chars))),
        Just(json!("")),
        Just(json!("18446744073709551616")),
        Just(json!(1e308)),
        Just(json!(-0.0)),
        Just(Value::Null),
        Just(json!(true)),
        Just(json!({"nested": [1]})),
        Just(json!([])),
    ]
}

/// Each API's error envelope, with odd field types, whole or truncated.
fn error_envelope() -> impl Strategy<Value = Vec<u8>> {
    let liveagent = (
        prop_oneof![Just(json!("ERROR")), Just(json!("OK")), odd_value()],
        odd_value(),
        odd_value(),
    )
        .prop_map(|(status, code, message)| {
            json!({"response": {"status": status, "statuscode": code, "errormessage": message}})
        });
    let contiple = (
        prop_oneof![Just(json!(false)), Just(json!(true)), odd_value()],
        odd_value(),
        odd_value(),
    )
        .prop_map(|(successful, code, message)| {
            json!({
                "header": {"isSuccessful": successful, "resultCode": code, "resultMessage": message},
                "result": null
            })
        });
    (
        prop_oneof![liveagent, contiple],
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(value, cut, truncate)| {
            let text = serde_json::to_vec(&value).expect("a JSON value");
            if truncate {
                text[..cut.index(text.len())].to_vec()
            } else {
                text
            }
        })
}

/// A body: the operation's docs body (index into the case's operation, whole or truncated),
/// an error envelope, HTML, nothing, random bytes, or a body over the 4 KiB cap.
#[derive(Clone, Debug)]
enum Body {
    /// The docs' body of the case's operation, cut at this index when `Some`.
    Docs(Option<prop::sample::Index>),
    /// These bytes.
    Bytes(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        3 => Just(Body::Docs(None)),
        1 => any::<prop::sample::Index>().prop_map(|cut| Body::Docs(Some(cut))),
        4 => error_envelope().prop_map(Body::Bytes),
        1 => Just(Body::Bytes(
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>".to_vec()
        )),
        1 => Just(Body::Bytes(Vec::new())),
        1 => proptest::collection::vec(any::<u8>(), 0..256).prop_map(Body::Bytes),
        1 => (4_000usize..9_000).prop_map(|n| Body::Bytes(
            format!("{{\"response\":{{\"pad\":\"{}\"}}}}", "x".repeat(n)).into_bytes()
        )),
    ]
}

/// One generated response.
#[derive(Clone, Debug)]
struct Hostile {
    status_line: Vec<u8>,
    headers: Vec<Vec<u8>>,
    framing: Framing,
    body: Body,
}

fn hostile() -> impl Strategy<Value = Hostile> {
    (
        status_line(),
        proptest::collection::vec(header_line(), 0..6),
        framing(),
        body(),
    )
        .prop_map(|(status_line, headers, framing, body)| Hostile {
            status_line,
            headers,
            framing,
            body,
        })
}

impl Hostile {
    /// The bytes on the wire; `docs` is the operation's docs body.
    fn render(&self, docs: &[u8]) -> Vec<u8> {
        let body = match &self.body {
            Body::Docs(None) => docs.to_vec(),
            Body::Docs(Some(cut)) => docs[..cut.index(docs.len().max(1)).min(docs.len())].to_vec(),
            Body::Bytes(bytes) => bytes.clone(),
        };
        let mut out = self.status_line.clone();
        for line in &self.headers {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
        let length = |out: &mut Vec<u8>, value: &str| {
            out.extend_from_slice(format!("Content-Length: {value}\r\n").as_bytes());
        };
        let len = body.len() as u64;
        let mut chunked = false;
        match &self.framing {
            Framing::Exact => length(&mut out, &len.to_string()),
            Framing::CloseDelimited => {}
            Framing::Shorter(by) => length(&mut out, &len.saturating_sub(*by as u64).to_string()),
            Framing::Longer(by) => length(&mut out, &len.saturating_add(*by).to_string()),
            Framing::Bogus(value) => length(&mut out, value),
            Framing::Twice(delta) => {
                length(&mut out, &len.to_string());
                length(&mut out, &(len + delta).to_string());
            }
            Framing::Chunked(_) | Framing::ChunkedGarbage(_) | Framing::ChunkedUnfinished => {
                chunked = true
            }
            Framing::Both => {
                length(&mut out, &len.to_string());
                chunked = true;
            }
        }
        if chunked {
            out.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !chunked {
            out.extend_from_slice(&body);
            return out;
        }
        let cuts = match &self.framing {
            Framing::Chunked(cuts) => cuts.clone(),
            _ => Vec::new(),
        };
        let mut start = 0;
        let mut points: Vec<usize> = cuts.iter().map(|cut| (*cut).min(body.len())).collect();
        points.sort_unstable();
        points.push(body.len());
        for end in points {
            if end > start {
                out.extend_from_slice(format!("{:x}\r\n", end - start).as_bytes());
                out.extend_from_slice(&body[start..end]);
                out.extend_from_slice(b"\r\n");
                start = end;
            }
        }
        match &self.framing {
            Framing::ChunkedGarbage(line) => {
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(b"\r\nabc\r\n0\r\n\r\n");
            }
            Framing::ChunkedUnfinished => {}
            _ => out.extend_from_slice(b"0\r\n\r\n"),
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/// An operation to call: the first request of a docs recording, and the docs' body.
struct Operation {
    name: String,
    request: RecordedRequest,
    docs_body: Vec<u8>,
}

fn operations(api: &str) -> Vec<Operation> {
    load_all(api)
        .expect("recordings load")
        .into_iter()
        .map(|rec| Operation {
            name: rec.operation_of(&rec.exchanges()[0]).to_owned(),
            request: rec.first_request(),
            docs_body: rec.last_response().body_bytes(),
        })
        .collect()
}

/// The four client settings: retries with 1-2 ms delays in a 10 ms budget, retries without
/// backoff delay (only a server's `Retry-After` waits), no retries; the default body cap or
/// 4 KiB. Every retrying client retries POST too. [`setting`] picks one.
fn settings() -> [(RetryPolicy, Option<usize>); 4] {
    let fast = RetryPolicy {
        max_attempts: 3,
        max_elapsed: Duration::from_millis(10),
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        retry_non_idempotent: true,
    };
    let immediate = RetryPolicy {
        min_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        ..fast.clone()
    };
    [
        (fast, None),
        (immediate, Some(4096)),
        (RetryPolicy::none(), None),
        (RetryPolicy::none(), Some(4096)),
    ]
}

/// An index into [`settings`]: the client that sleeps between attempts is the slowest, so it
/// gets one case in eight.
fn setting() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 3 => Just(1usize), 2 => Just(2usize), 2 => Just(3usize)]
}

/// A fresh connection per request: a hostile answer never leaves bytes for the next case.
fn no_pool() -> reqwest::ClientBuilder {
    reqwest::Client::builder().pool_max_idle_per_host(0)
}

/// The outcome must be a value or an error whose `Display` and `Debug` rendered; an error
/// about a response must carry the HTTP status and the body.
fn check(outcome: &Value) -> Result<(), TestCaseError> {
    if outcome.get("ok").is_some() {
        return Ok(());
    }
    let error = &outcome["error"];
    prop_assert!(
        error["display"].as_str().is_some_and(|d| !d.is_empty()),
        "no Display: {outcome}"
    );
    let variant = error["variant"].as_str().unwrap_or_default();
    prop_assert!(!variant.is_empty(), "no Debug: {outcome}");
    // An error about a response carries its status and (raw) body.
    if !matches!(variant, "Timeout" | "Transport" | "InvalidRequest") {
        prop_assert!(error["status"].is_u64(), "no status: {outcome}");
        prop_assert!(error["body"].is_string(), "no body: {outcome}");
    }
    Ok(())
}

/// The outcome's kind: `ok` or the error's variant.
fn kind(outcome: &Value) -> String {
    match outcome["error"]["variant"].as_str() {
        Some(variant) => variant.to_owned(),
        None => "ok".to_owned(),
    }
}

/// Runs [`CASES`] cases against one server, each calling an operation with one of the clients
/// `make_clients` builds for the server's base URL.
fn fuzz<C: CallOperation>(api: &Api, make_clients: impl FnOnce(&str) -> Vec<C>) {
    count_panics();
    let spec = SpecIndex::of(api).expect("spec loads");
    let operations = operations(api.name);
    let api = api.name;
    assert!(!operations.is_empty());
    let runtime = api_tests::replay::runtime();
    let reply = Arc::new(Mutex::new(Vec::new()));
    let served = reply.clone();
    let (base_url, requests) = runtime.block_on(serve_faulty(move |_| {
        Reply::Raw(served.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }));
    let clients = make_clients(&base_url);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 512,
        // ChaCha, the default, is most of the generation time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    });
    let cases = AtomicUsize::new(0);
    let kinds = Mutex::new(std::collections::BTreeMap::<String, usize>::new());
    let started = Instant::now();
    let strategy = (0..operations.len(), setting(), hostile());
    let result = runner.run(&strategy, |(which, setting, response)| {
        cases.fetch_add(1, Ordering::Relaxed);
        let operation = &operations[which];
        *reply.lock().unwrap_or_else(|e| e.into_inner()) = response.render(&operation.docs_body);
        let panics_before = panics();
        let outcome = runtime.block_on(async {
            let call = Call::new(spec, &operation.name, &operation.request);
            tokio::time::timeout(Duration::from_secs(60), clients[setting].call(&call)).await
        });
        prop_assert_eq!(
            panics(),
            panics_before,
            "a panic (see stderr) calling {}",
            operation.name
        );
        let outcome = outcome
            .map_err(|_| TestCaseError::fail(format!("{} hung for 60 s", operation.name)))?;
        check(&outcome)?;
        *kinds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(kind(&outcome))
            .or_default() += 1;
        Ok(())
    });
    eprintln!(
        "{api}: {} cases, {} requests, {:.1?}",
        cases.load(Ordering::Relaxed),
        requests.load(Ordering::Relaxed),
        started.elapsed()
    );
    let kinds = kinds.into_inner().unwrap_or_else(|e| e.into_inner());
    eprintln!("{api}: outcomes {kinds:?}");
    result.unwrap();
    // The generators reach every kind of outcome a response can give.
    for expected in [
        "ok",
        "Api",
        "Decode",
        "NotJson",
        "UnexpectedStatus",
        "BodyTooLarge",
        "Transport",
    ] {
        assert!(
            kinds.contains_key(expected),
            "no {expected} outcome: {kinds:?}"
        );
    }
}

/// A client that calls a recorded operation through the generated dispatcher.
trait CallOperation {
    /// Calls the operation and returns the dispatcher's outcome.
    async fn call(&self, call: &Call<'_>) -> Value;
}

impl CallOperation for liveagent::Client {
    async fn call(&self, call: &Call<'_>) -> Value {
        api_tests::dispatch::liveagent::call(self, call).await
    }
}

impl CallOperation for contiple::Client {
    async fn call(&self, call: &Call<'_>) -> Value {
        api_tests::dispatch::contiple::call(self, call).await
    }
}

#[test]
fn liveagent_survives_hostile_headers_and_framing() {
    fuzz::<liveagent::Client>(&api_tests::LIVEAGENT, |base_url| {
        settings()
            .into_iter()
            .map(|(retry, cap)| {
                let builder = liveagent::ClientBuilder::new(
                    base_url,
                    liveagent::ApiKey::new("hostile-headers-test-key"),
                )
                .retry(retry)
                .rate_limit(None)
                .timeout(Duration::from_secs(5))
                .reqwest_builder(no_pool());
                let builder = match cap {
                    Some(cap) => builder.max_body_bytes(cap),
                    None => builder,
                };
                builder.build().expect("client builds")
            })
            .collect()
    });
}

#[test]
fn contiple_survives_hostile_headers_and_framing() {
    let credentials = contiple_credentials();
    fuzz::<contiple::Client>(&api_tests::CONTIPLE, |base_url| {
        settings()
            .into_iter()
            .map(|(retry, cap)| {
                let builder =
                    contiple::ClientBuilder::new(base_url, credentials.client_credentials())
                        .retry(retry)
                        .rate_limit(None)
                        .timeout(Duration::from_secs(5))
                        .reqwest_builder(no_pool());
                let builder = match cap {
                    Some(cap) => builder.max_body_bytes(cap),
                    None => builder,
                };
                builder.build().expect("client builds")
            })
            .collect()
    });
}

/// The measured bug of issue 15, through the clients: a `503` with
/// `Retry-After: 18446744073709551615` (synthetic) arriving more than a second into the call,
/// for GET and POST, with retries and with `RetryPolicy::none()`, gives the 503 as a typed
/// error after one request.
#[test]
fn a_huge_retry_after_after_a_second() {
    count_panics();
    let runtime = api_tests::replay::runtime();
    let response = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 18446744073709551615\r\n\
                     Content-Length: 0\r\n\r\n";
    let (base_url, requests) = runtime.block_on(serve_faulty(move |_| {
        Reply::After(
            Duration::from_millis(1_100),
            Box::new(Reply::Raw(response.to_vec())),
        )
    }));
    let panics_before = panics();
    let credentials = contiple_credentials();
    let outcomes = runtime.block_on(async {
        let mut calls = Vec::new();
        for (retry, _) in settings().into_iter().step_by(2) {
            let liveagent =
                liveagent::ClientBuilder::new(&base_url, liveagent::ApiKey::new("hostile-key-1"))
                    .retry(retry.clone())
                    .rate_limit(None)
                    .build()
                    .expect("client builds");
            let contiple: contiple::Client =
                contiple::ClientBuilder::new(&base_url, credentials.client_credentials())
                    .retry(retry)
                    .rate_limit(None)
                    .build()
                    .expect("client builds");
            calls.push(async move {
                use liveagent::ResultExt as _;
                let get = liveagent.list_tags().send().await.payload().await;
                let post = liveagent
                    .create_tag()
                    .body_map(|b| b.name("x"))
                    .send()
                    .await
                    .payload()
                    .await;
                let contiple_get = contiple.get_service().send().await.payload().await;
                [
                    failure(get.map(drop)),
                    failure(post.map(drop)),
                    failure(contiple_get.map(drop)),
                ]
            });
        }
        futures::future::join_all(calls).await
    });
    assert_eq!(panics(), panics_before, "a panic (see stderr)");
    for (status, display, debug) in outcomes.into_iter().flatten() {
        assert_eq!(status, Some(503), "{display}");
        assert!(!display.is_empty() && !debug.is_empty());
    }
    // Six calls, one request each: the delay fits no budget.
    assert_eq!(requests.load(Ordering::SeqCst), 6);
}

/// A call that must fail: its error's status, `Display` and `Debug`.
fn failure<E: helpdesk_client_runtime::__private::Api>(
    result: Result<(), helpdesk_client_runtime::Error<E>>,
) -> (Option<u16>, String, String) {
    let err = result.expect_err("a 503 is an error");
    (
        err.status().map(|s| s.as_u16()),
        err.to_string(),
        format!("{err:?}"),
    )
}
