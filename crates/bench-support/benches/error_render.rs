//! The cost of an error among many tenants: rendering an error (`Display` and `Debug`), and a
//! call that fails and is rendered, with 1 client in the process and then with 10,000 clients
//! of distinct keys (the multi-tenant service of `tests/tests/multi_tenant.rs`).
//!
//! Errors are redacted when built, with the secrets of their own client, so neither figure
//! should depend on how many clients exist; `cargo xtask bench` reports the 10,000-client
//! median over the 1-client one. The two phases run one after the other (the number of live
//! clients is process state), each case interleaved with the other of its phase.
//!
//! The response is synthetic: LiveAgent's error envelope (sent with HTTP 200, as LiveAgent
//! does), echoing the key in a 64 KiB debug message.

use std::hint::black_box;
use std::time::Duration;

use bench_support::Case;
use bytes::Bytes;
use criterion::Criterion;
use helpdesk_client_runtime::__private::ClientInfo as _;
use liveagent::{ApiKey, Client, ClientBuilder, ResultExt as _};

const TENANTS: usize = 10_000;

fn key(tenant: usize) -> String {
    format!("tenant-{tenant:05}-secret-api-key-0123456789")
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    client: Client,
}

impl Setup {
    fn new() -> Self {
        let echo = key(0);
        let body = format!(
            r#"{{"response":{{"status":"ERROR","statuscode":401,"errormessage":"bad key {echo}","debugmessage":"{}{echo}"}}}}"#,
            "x".repeat(64 * 1024)
        );
        let addr = bench_support::serve(move |_| Bytes::from(body.clone()));
        let base = format!("http://{addr}");
        let client = ClientBuilder::new(base.clone(), ApiKey::new(key(0)))
            .rate_limit(None)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Setup {
            runtime,
            base,
            client,
        }
    }

    fn error(&self) -> liveagent::Error {
        self.runtime.block_on(async {
            self.client
                .list_tags()
                .send()
                .await
                .into_value()
                .await
                .unwrap_err()
        })
    }

    /// The other tenants' clients, sharing the first client's connection pool.
    fn tenants(&self) -> Vec<Client> {
        (1..TENANTS)
            .map(|tenant| {
                ClientBuilder::new(self.base.clone(), ApiKey::new(key(tenant)))
                    .reqwest_client(self.client.client().clone())
                    .build()
                    .unwrap()
            })
            .collect()
    }
}

fn render(err: &liveagent::Error) -> usize {
    format!("{err} {err:?}").len()
}

fn main() {
    let setup = Setup::new();
    let err = setup.error();
    assert!(!format!("{err:?}").contains(&key(0)));

    let quick = bench_support::quick();
    let mut criterion = Criterion::default().configure_from_args();
    if quick {
        criterion = criterion
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1))
            .sample_size(10);
    }
    let rounds = if quick { 50 } else { 1_000 };
    let phase = |clients: usize, criterion: &mut Criterion| {
        let group_name = format!("error_render_{clients}");
        let mut group = criterion.benchmark_group(&group_name);
        group.bench_function("render", |b| b.iter(|| black_box(render(&err))));
        group.bench_function("call_and_render", |b| {
            b.iter(|| black_box(render(&setup.error())))
        });
        group.finish();
        bench_support::interleaved(
            &group_name,
            rounds,
            &mut [
                Case::new("render", || render(&err)),
                Case::new("call_and_render", || render(&setup.error())),
            ],
        );
    };
    phase(1, &mut criterion);
    let tenants = setup.tenants();
    phase(TENANTS, &mut criterion);
    drop(tenants);
    criterion.final_summary();
}
