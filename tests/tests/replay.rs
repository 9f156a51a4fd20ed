//! Replays every recording of every API of the registry (`recording::APIS`) against its
//! generated client, one test per recording, named `<api>::<operation>__<case>`.
//!
//! For each recording under `tests/recordings/<api>/`, the generated dispatcher builds the
//! API's replay client (the recordings' fixed fake credentials: LiveAgent's test `apikey`,
//! Contiple's keys and frozen clock of `tests/recordings/contiple/credentials.json`) and calls
//! the operation with the recorded parameters against the replay server serving the recorded
//! response (the spec's example, for a documented case). The test then checks that each
//! request sent is byte-for-byte the recorded one (method, path, query, body, signature
//! headers; the auth query parameter sent exactly once; operations the spec does not secure
//! unsigned), that documented responses decode and re-encode without losing a field, and
//! snapshots the sent requests and the decoded result of the synthetic cases with insta, as
//! `snapshots/<api>_replay__<operation>__<case>.snap`.

use api_tests::replay::{replay, runtime, trials};
use api_tests::{Api, Recording, SpecIndex, APIS};

fn replay_one(api: &'static Api, rec: &Recording) -> Result<(), String> {
    let spec = SpecIndex::of(api).expect("spec loads");
    let replayed = runtime().block_on(replay(api, spec, rec));
    if !replayed.failures.is_empty() {
        return Err(replayed.failures.join("\n\n"));
    }
    if let Some(snapshot) = replayed.snapshot {
        // One harness for all APIs: the snapshot's name carries the API.
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!(
                format!("{}_replay__{}", api.name, replayed.name),
                snapshot
            );
        });
    }
    Ok(())
}

fn main() {
    trials(APIS, replay_one)
}
