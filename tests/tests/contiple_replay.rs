//! Replays every Contiple recording against the generated client, one test per recording.
//!
//! The client signs with the fixed fake credentials and frozen clock of
//! `tests/recordings/contiple/credentials.json`, so every request, its `Authorization` header
//! included, must be byte-for-byte what the recording holds. Operations the spec does not
//! secure must carry no signature at all. As for LiveAgent, documented responses must
//! round-trip, and synthetic cases are snapshotted.

use api_tests::replay::{replay, runtime, trials};
use api_tests::{contiple_credentials, ClientCredentials as _, Recording, SpecIndex};
use client_runtime::RetryPolicy;
use contiple::{Client, ClientBuilder};
use recording::CONTIPLE as API;

fn replay_one(rec: &Recording) -> Result<(), String> {
    let spec = SpecIndex::of(&API).expect("spec loads");
    let credentials = contiple_credentials();
    let replayed = runtime().block_on(replay(&API, spec, rec, async |base_url, call| {
        // A recording is its exchanges: no retries, no rate limit.
        let client: Client = ClientBuilder::new(base_url, credentials.client_credentials())
            .retry(RetryPolicy::none())
            .rate_limit(None)
            .build()
            .expect("client builds");
        api_tests::dispatch::contiple::call(&client, call).await
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
