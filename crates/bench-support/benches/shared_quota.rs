//! Per request with the shared quota (feature `redis`): the same loopback `GET /tags/sh3j` as
//! `request.rs`, through a client whose rate limit is kept in Redis (a `redis-server` of the
//! bench's own on loopback, like the tests'; Debian's `redis-server` package) and through one
//! with the in-process limiter, both with a limit too high to ever wait. A third case is the
//! shared limiter's acquisition alone: one Redis round trip (`EVALSHA` of the GCRA script).
//!
//! The interleaved medians go to `target/bench/raw/request_shared_quota.json` for `cargo xtask
//! bench`: µs added per request by Redis, and that against one round trip (the goal: at most
//! one round trip added).

use std::time::Duration;

use bench_support::Case;
use bytes::Bytes;
use helpdesk_client_runtime::__private::{Limiter, RedisServer};
use liveagent::{RateLimit, RedisQuota};

/// The docs' example response of `GET /tags/{tagid}`.
const GET_TAG: &str = r#"{"response":{"id":"sh3j","name":"VIP","is_archived":null,"color":"FFFFFF","bg_color":"0000FF"}}"#;

const KEY: &str = "bench-api-key";

/// Never waits: a billion requests a second.
const UNLIMITED: RateLimit = RateLimit {
    requests: 1_000_000_000,
    per: Duration::from_secs(1),
};

fn main() {
    let redis = RedisServer::start();
    let addr = bench_support::serve(|_| Bytes::from_static(GET_TAG.as_bytes()));
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let quota = || RedisQuota::new(&redis.url()).unwrap().namespace("bench");
    let local = liveagent::ClientBuilder::new(base.clone(), liveagent::ApiKey::new(KEY))
        .rate_limit(Some(UNLIMITED))
        .build()
        .unwrap();
    let shared = liveagent::ClientBuilder::new(base, liveagent::ApiKey::new(KEY))
        .shared_rate_limit(UNLIMITED.shared(quota()))
        .build()
        .unwrap();
    let limiter = Limiter::new(UNLIMITED).with_quota(quota(), &["bench-limiter-key"]);
    let call = |client: &liveagent::Client| {
        runtime.block_on(async {
            client
                .get_tag()
                .tagid("sh3j")
                .send()
                .await
                .unwrap()
                .into_inner()
                .response
                .id
        })
    };
    assert_eq!(call(&shared), "sh3j");
    assert_eq!(call(&local), "sh3j");
    runtime.block_on(limiter.acquire()).unwrap();

    let rounds = if bench_support::quick() { 300 } else { 5_000 };
    bench_support::interleaved(
        "request_shared_quota",
        rounds,
        &mut [
            Case::new("redis_quota", || call(&shared)),
            Case::new("in_process", || call(&local)),
            Case::new("redis_round_trip", || {
                runtime.block_on(limiter.acquire()).unwrap()
            }),
        ],
    );
}
