//! Replaying one recording: serve it from the replay server (`mock-server`), call its operation
//! on the API's replay client through the generated dispatcher, compare what was sent with
//! what was recorded, check that documented responses decode without losing a field, and build
//! the snapshot of what is not the spec's (a synthetic case's result).
//!
//! The replay harness (`tests/tests/replay.rs`) turns every recording of every API of the
//! registry into its own test ([`trials`]), so one failure does not hide the rest, and asserts
//! the snapshot itself (insta finds snapshots beside the calling file).

use mock_server::ReplayServer;
use recording::Api;
use serde_json::{json, Value};

use crate::{sent, without_empty, Call, Recording, SentRequest, SpecIndex};

/// The API key of the replays (of an API with an `auth_query`): not a secret, so the tests can
/// compare it.
pub const TEST_API_KEY: &str = "test-api-key-not-a-secret";

/// The outcome of replaying one recording.
pub struct Replayed {
    /// The recording's name, `<operation>__<case>`.
    pub name: String,
    /// What to snapshot: the recording's provenance, what was sent, the result; `None` when
    /// every response is the spec's documented one (the round trip checked the result against
    /// the spec, and the requests against the recording: a snapshot would copy them).
    pub snapshot: Option<Value>,
    /// Mismatches between the recording and what happened.
    pub failures: Vec<String>,
}

/// Replays `rec`: for each exchange in order, the generated dispatcher builds the API's replay
/// client for the replay server, calls the exchange's operation with its recorded parameters
/// and returns the outcome JSON. The result is the one outcome, or the list of outcomes of a
/// multi-exchange case.
pub async fn replay(api: &'static Api, spec: &SpecIndex, rec: &Recording) -> Replayed {
    let name = rec.name();
    let mut failures = Vec::new();
    let exchanges = rec.exchanges();
    let server = ReplayServer::serving(api, std::slice::from_ref(rec))
        .await
        .expect("the replay server starts");
    let mut outcomes = Vec::new();
    for exchange in exchanges {
        let operation = rec.operation_of(exchange);
        let call = Call::new(spec, operation, &exchange.request);
        outcomes.push(crate::dispatch::call(api, &server.uri(), &call).await);
    }
    let keep: Vec<_> = exchanges.iter().map(|e| &e.request.headers).collect();
    let sent =
        sent(&server.received_requests().await, api.auth_query, &keep).expect("the requests parse");

    failures.extend(sent_mismatches(api, rec, &sent));

    for (exchange, result) in exchanges.iter().zip(&outcomes) {
        let operation = rec.operation_of(exchange);
        if rec.synthetic || spec.returns_file(operation) {
            continue;
        }
        let Some(recorded) = exchange.response.body.clone() else {
            failures.push(format!("{name}: a documented response without a JSON body"));
            continue;
        };
        let undeclared = spec.undeclared_fields(operation, &recorded);
        if !undeclared.is_empty() {
            failures.push(format!(
                "{name}: fields missing from the spec: {undeclared:?}"
            ));
        }
        match result.get("ok") {
            Some(decoded) if without_empty(decoded) == without_empty(&recorded) => {}
            Some(decoded) => failures.push(format!(
                "{name}: round trip changed the body:\n  recorded {}\n  re-encoded {}",
                without_empty(&recorded),
                without_empty(decoded)
            )),
            None => failures.push(format!("{name}: did not decode: {result}")),
        }
    }
    let result = if outcomes.len() == 1 {
        outcomes.remove(0)
    } else {
        Value::Array(outcomes)
    };

    let mut sent_json: Vec<Value> = sent
        .iter()
        .map(|s| {
            let mut value = serde_json::to_value(s).expect("serialisable");
            if api.auth_query.is_some() {
                value["apikey"] = json!("[redacted]");
            }
            // A multipart boundary is random.
            if let Some(kind) = s.content_type.as_deref() {
                if let Some((multipart, _)) = kind.split_once("boundary=") {
                    value["content_type"] = json!(format!("{multipart}boundary=[boundary]"));
                }
            }
            value
        })
        .collect();
    let sent_json = if sent_json.len() == 1 {
        sent_json.remove(0)
    } else {
        Value::Array(sent_json)
    };
    Replayed {
        name,
        snapshot: (!rec.is_documented()).then(|| {
            json!({
                "recording": { "synthetic": rec.synthetic, "source": rec.source },
                "sent": sent_json,
                "result": result,
            })
        }),
        failures,
    }
}

/// What differs between the requests the client sent and `rec`'s recorded requests: their
/// number, each request's method, path, query, body and recorded headers, the auth query
/// parameter (sent exactly once), signature headers (none on unsigned operations) and the
/// body's content type.
pub fn sent_mismatches(api: &Api, rec: &Recording, sent: &[SentRequest]) -> Vec<String> {
    let name = rec.name();
    let exchanges = rec.exchanges();
    let mut failures = Vec::new();
    if sent.len() != exchanges.len() {
        failures.push(format!(
            "{name}: {} request(s) sent, {} recorded",
            sent.len(),
            exchanges.len()
        ));
    }
    for (sent, exchange) in sent.iter().zip(exchanges) {
        if sent.request != exchange.request {
            failures.push(format!(
                "{name}: sent {:#?}\nrecorded {:#?}",
                sent.request, exchange.request
            ));
        }
        if let Some(param) = api.auth_query {
            if sent.apikey.as_deref() != Some(TEST_API_KEY) || sent.apikey_count != Some(1) {
                failures.push(format!(
                    "{name}: {param} sent {:?} time(s)",
                    sent.apikey_count
                ));
            }
        }
        let signed = api
            .signature_headers
            .iter()
            .any(|h| exchange.request.headers.contains_key(*h));
        for header in api.signature_headers {
            if !signed && sent.all_headers.contains_key(*header) {
                failures.push(format!("{name}: unsigned operation sent `{header}`"));
            }
        }
        if exchange.request.form.is_some()
            && sent.content_type.as_deref() != Some("application/x-www-form-urlencoded")
        {
            failures.push(format!("{name}: form sent as {:?}", sent.content_type));
        }
        if exchange.request.body_text.is_some()
            && !sent
                .content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("application/json"))
        {
            failures.push(format!("{name}: JSON body sent as {:?}", sent.content_type));
        }
    }
    failures
}

/// Runs `test` once per recording of each of `apis` as its own test (libtest-mimic), named
/// `<api>::<recording>`, with the usual test-binary command line (filters, `--list`, ...).
pub fn trials(
    apis: impl IntoIterator<Item = &'static Api>,
    test: fn(&'static Api, &Recording) -> Result<(), String>,
) -> ! {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials = Vec::new();
    for api in apis {
        let recordings = crate::load_all(api.name).expect("recordings load");
        trials.extend(recordings.into_iter().map(|rec| {
            libtest_mimic::Trial::test(format!("{}::{}", api.name, rec.name()), move || {
                test(api, &rec).map_err(Into::into)
            })
        }));
    }
    libtest_mimic::run(&args, trials).exit()
}

/// A current-thread tokio runtime for one trial.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}
