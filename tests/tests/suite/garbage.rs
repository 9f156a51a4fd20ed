//! Garbage in, typed errors out: at least 10,000 mutated or made-up bodies per API of the
//! registry (all synthetic) go through the decoding of every JSON response type, exactly as
//! the clients decode (`helpdesk_client_runtime::__private::exec::decode_bytes`, the generated
//! `dispatch::<api>::decode`).
//! Nothing may panic; each body gives a value or a typed error that carries the raw body.
//!
//! Mutations of the docs' examples: truncation, type flips, deleted and unknown keys, deep
//! nesting, invalid UTF-8, HTML pages, random bytes.

use api_tests::{Api, SpecIndex, APIS};
use bytes::Bytes;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The docs' response bodies of an API's JSON operations (the spec's examples), by operation.
fn seeds(api: &Api) -> Vec<(String, Value)> {
    let spec = SpecIndex::of(api).unwrap();
    spec.operation_ids()
        .into_iter()
        .filter(|operation| !spec.returns_file(operation))
        .filter_map(|operation| {
            let body = spec.documented_response(&operation)?.body?;
            Some((operation, body))
        })
        .collect()
}

/// Every path to a value inside `value` (object keys and array indexes).
fn paths(value: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(json!(key));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(json!(index));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |current, step| match step {
        Value::String(key) => &mut current[key.as_str()],
        Value::Number(index) => &mut current[index.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

/// One mutation of a docs example, chosen by `kind` and placed by `pick`.
fn mutate(seed: &Value, kind: u8, pick: usize, junk: &[u8]) -> Vec<u8> {
    let mut all = Vec::new();
    paths(seed, &mut Vec::new(), &mut all);
    let path = &all[pick % all.len()];
    let mut value = seed.clone();
    match kind % 10 {
        // Truncation of the text.
        0 => {
            let text = serde_json::to_vec(seed).unwrap();
            return text[..pick % text.len()].to_vec();
        }
        // Type flips.
        1 => *at(&mut value, path) = json!("ERROR"),
        2 => *at(&mut value, path) = json!(-1.5),
        3 => *at(&mut value, path) = json!([{"x": null}]),
        4 => *at(&mut value, path) = json!(null),
        // A deleted key, an unknown key.
        5 => {
            if let (Some(Value::String(key)), Some(parent)) = (path.last(), path.split_last()) {
                if let Some(map) = at(&mut value, parent.1).as_object_mut() {
                    map.remove(key);
                }
            }
        }
        6 => {
            if let Some(map) = at(&mut value, path).as_object_mut() {
                map.insert("unknownField".to_owned(), json!({"nested": [1, "two"]}));
            }
        }
        // Deep nesting.
        7 => {
            let depth = 100 + pick % 1000;
            let mut text = "[".repeat(depth);
            text.push_str(&"]".repeat(depth));
            return text.into_bytes();
        }
        // Invalid UTF-8 inside a string, an HTML page, random bytes.
        8 => {
            let mut text = serde_json::to_vec(seed).unwrap();
            let at = text.iter().position(|b| *b == b'"').unwrap_or(0);
            text.splice(at + 1..at + 1, [0xff, 0xfe, 0xc3]);
            return text;
        }
        _ => {
            if pick.is_multiple_of(2) {
                return format!("<html><body><h1>{}</h1></body></html>", pick).into_bytes();
            }
            return junk.to_vec();
        }
    }
    serde_json::to_vec(&value).unwrap()
}

fn check(outcome: &Value, body: &[u8]) -> Result<(), TestCaseError> {
    if outcome.get("ok").is_some() {
        return Ok(());
    }
    let error = &outcome["error"];
    prop_assert!(error.is_object(), "neither a value nor an error: {outcome}");
    let raw = String::from_utf8_lossy(body);
    prop_assert_eq!(
        error["body"].as_str(),
        Some(raw.as_ref()),
        "the error must carry the raw body: {}",
        outcome
    );
    Ok(())
}

fn fuzz(api: &Api) {
    let seeds = seeds(api);
    assert!(!seeds.is_empty(), "{}: no spec examples", api.name);
    let runtime = api_tests::replay::runtime();
    let mut runner = TestRunner::new(Config {
        cases: 10_000,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..seeds.len(),
        any::<u8>(),
        any::<usize>(),
        proptest::collection::vec(any::<u8>(), 0..64),
        prop_oneof![Just(200u16), Just(400u16), Just(503u16)],
    );
    runner
        .run(&strategy, |(which, kind, pick, junk, status)| {
            let (operation, seed) = &seeds[which];
            let body = mutate(seed, kind, pick, &junk);
            let status = StatusCode::from_u16(status).unwrap();
            let bytes = Bytes::from(body.clone());
            let outcome = runtime.block_on(api_tests::decode(api, operation, status, bytes));
            check(&outcome.expect("a JSON operation"), &body)
        })
        .unwrap();
}

/// Every API of the registry, each on its own thread (as separate tests would run).
#[test]
fn decoding_never_panics_and_keeps_the_body() {
    std::thread::scope(|scope| {
        for api in APIS {
            scope.spawn(|| fuzz(api));
        }
    });
}
