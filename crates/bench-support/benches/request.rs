//! Per-request overhead: the same `GET /tags/sh3j` (the docs' example response of `getTag`)
//! against a loopback hyper server, through the client (hooks, retries enabled but unused,
//! rate limiter off) and through a raw `reqwest` call of the same URL decoded into a
//! hand-written struct (the baseline), on a `reqwest::Client` with the client's timeouts and
//! redirect policy.
//!
//! - criterion group `request_get_tag`: `client` and `reqwest`, for `cargo bench`;
//! - then an interleaved run (client, raw, raw, client, …; [`bench_support::interleaved`]) of
//!   every call timed on its own, whose median and 99th percentile go to
//!   `target/bench/raw/request_get_tag.json` for `cargo xtask bench`: percentiles need each
//!   call's latency, which criterion does not keep. A third case, `exec_hook`, sends the
//!   baseline's request through the client's exec hook alone, to split what the client adds
//!   between the hook and the generated builder with the strict decode.

use std::hint::black_box;
use std::time::Duration;

use bench_support::Case;
use bytes::Bytes;
use criterion::Criterion;
use serde::Deserialize;

/// The docs' example response of `GET /tags/{tagid}`.
const GET_TAG: &str = r#"{"response":{"id":"sh3j","name":"VIP","is_archived":null,"color":"FFFFFF","bg_color":"0000FF"}}"#;

const KEY: &str = "bench-api-key";

/// The baseline's hand-written decoding target.
#[allow(dead_code)]
#[derive(Deserialize)]
struct RawTag {
    id: String,
    name: Option<String>,
    is_archived: Option<String>,
    color: Option<String>,
    bg_color: Option<String>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    response: RawTag,
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    /// The client's retry policy and body cap, without a limiter, for [`Setup::exec_hook_call`].
    state: helpdesk_client_runtime::__private::State<liveagent::ApiKey>,
    client: liveagent::Client,
    http: reqwest::Client,
    url: String,
}

impl Setup {
    fn new() -> Self {
        let addr = bench_support::serve(|_| Bytes::from_static(GET_TAG.as_bytes()));
        let base = format!("http://{addr}");
        let client = liveagent::ClientBuilder::new(base.clone(), liveagent::ApiKey::new(KEY))
            .rate_limit(None)
            .build()
            .unwrap();
        // The transport as the client configures it (timeouts, no redirects), so that the
        // ratio is what the client's own layer adds.
        let http = reqwest::Client::builder()
            .timeout(liveagent::ClientBuilder::DEFAULT_TIMEOUT)
            .connect_timeout(liveagent::ClientBuilder::DEFAULT_CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Setup {
            runtime,
            state: helpdesk_client_runtime::__private::State::new(
                liveagent::ApiKey::new(KEY),
                helpdesk_client_runtime::__private::Runtime::default(),
            ),
            client,
            http,
            url: format!("{base}/tags/sh3j"),
        }
    }

    fn client_call(&self) -> String {
        self.runtime.block_on(async {
            let tag = self
                .client
                .get_tag()
                .tagid("sh3j")
                .send()
                .await
                .unwrap()
                .into_inner();
            tag.response.id
        })
    }

    /// The baseline's request and decode, sent through the client's exec hook (retries,
    /// span, bounded read, inspection) on the client's own `reqwest::Client`: what the hook
    /// alone adds.
    fn exec_hook_call(&self) -> String {
        self.runtime.block_on(async {
            let http = progenitor_client::ClientInfo::client(&self.client);
            let request = http
                .get(&self.url)
                .query(&[("apikey", KEY)])
                .build()
                .unwrap();
            let info = progenitor_client::OperationInfo {
                operation_id: "get_tag",
            };
            let response =
                helpdesk_client_runtime::__private::exec::execute::<liveagent::LiveAgent>(
                    http,
                    &self.state,
                    request,
                    &info,
                    false,
                )
                .await
                .unwrap();
            let body = response.bytes().await.unwrap();
            serde_json::from_slice::<RawEnvelope>(&body)
                .unwrap()
                .response
                .id
        })
    }

    fn raw_call(&self) -> String {
        self.runtime.block_on(async {
            let response = self
                .http
                .get(&self.url)
                .query(&[("apikey", KEY)])
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let body = response.bytes().await.unwrap();
            serde_json::from_slice::<RawEnvelope>(&body)
                .unwrap()
                .response
                .id
        })
    }
}

fn main() {
    let setup = Setup::new();
    assert_eq!(setup.client_call(), "sh3j");
    assert_eq!(setup.raw_call(), "sh3j");

    let quick = bench_support::quick();
    let mut criterion = Criterion::default().configure_from_args();
    if quick {
        criterion = criterion
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1))
            .sample_size(10);
    }
    let mut group = criterion.benchmark_group("request_get_tag");
    group.bench_function("client", |b| b.iter(|| black_box(setup.client_call())));
    group.bench_function("reqwest", |b| b.iter(|| black_box(setup.raw_call())));
    group.finish();
    criterion.final_summary();

    let rounds = if quick { 300 } else { 5_000 };
    bench_support::interleaved(
        "request_get_tag",
        rounds,
        &mut [
            Case::new("client", || setup.client_call()),
            Case::new("reqwest", || setup.raw_call()),
            Case::new("exec_hook", || setup.exec_hook_call()),
        ],
    );
}
