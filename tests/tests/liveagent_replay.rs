//! Replays every LiveAgent recording against the generated client, one test per recording.
//!
//! For each recording under `tests/recordings/liveagent/`, the generated dispatcher calls the
//! operation with the recorded parameters against the replay server serving the recorded
//! response (the spec's example, for a documented case). The test then checks that the
//! request sent matches the recording (method, path, query with `apikey`, form body), for
//! documented responses that decoding and re-encoding loses no field, and snapshots the sent
//! request and the decoded result of the synthetic cases with insta.

use api_tests::replay::{replay, runtime, trials, TEST_API_KEY as API_KEY};
use api_tests::{Recording, SpecIndex};
use client_runtime::RetryPolicy;
use liveagent::{ApiKey, ClientBuilder};
use recording::LIVEAGENT as API;

fn replay_one(rec: &Recording) -> Result<(), String> {
    let spec = SpecIndex::of(&API).expect("spec loads");
    let replayed = runtime().block_on(replay(&API, spec, rec, async |base_url, call| {
        // A recording is its exchanges: no retries, no rate limit.
        let client = ClientBuilder::new(base_url, ApiKey::new(API_KEY))
            .retry(RetryPolicy::none())
            .rate_limit(None)
            .build()
            .expect("client builds");
        api_tests::dispatch::liveagent::call(&client, call).await
    }));
    if !replayed.failures.is_empty() {
        return Err(replayed.failures.join("\n\n"));
    }
    if let Some(snapshot) = replayed.snapshot {
        insta::assert_json_snapshot!(replayed.name.clone(), snapshot);
    }
    Ok(())
}

fn main() {
    trials(&API, replay_one)
}
