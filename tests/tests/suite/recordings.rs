//! The recordings of every API of the registry against their specs: every operation has a
//! recording, every recording names an operation of the spec, documented (non-synthetic) cases
//! are 200 responses, every `ok` case of a JSON operation is its operation's spec example (the
//! recording stores only the request; loading takes the response from the spec), and no
//! recording stores a spec example a second time.

use std::collections::BTreeMap;

use api_tests::{load_all, SpecIndex, APIS};

#[test]
fn every_operation_has_a_recording_and_every_recording_an_operation() {
    for api in APIS {
        let spec = SpecIndex::of(api).expect("spec loads");
        let operations = spec.operation_ids();
        assert!(
            !operations.is_empty(),
            "{}: the spec has no operation",
            api.name
        );
        let recordings = load_all(api.name).expect("recordings load");
        let mut by_operation: BTreeMap<String, usize> = BTreeMap::new();
        for rec in &recordings {
            for exchange in rec.exchanges() {
                *by_operation
                    .entry(rec.operation_of(exchange).to_owned())
                    .or_default() += 1;
            }
        }
        let unrecorded: Vec<_> = operations
            .iter()
            .filter(|op| !by_operation.contains_key(op.as_str()))
            .collect();
        let unknown: Vec<_> = by_operation
            .keys()
            .filter(|op| !operations.iter().any(|o| o == *op))
            .collect();
        assert!(
            unrecorded.is_empty(),
            "{}: operations without a recording: {unrecorded:?}",
            api.name
        );
        assert!(
            unknown.is_empty(),
            "{}: recordings of unknown operations: {unknown:?}",
            api.name
        );
        for rec in &recordings {
            assert!(
                rec.synthetic || rec.last_response().status == 200,
                "{}/{}: a non-synthetic recording must be a documented 200 example",
                api.name,
                rec.name()
            );
        }
        eprintln!(
            "{}: {} operations, {} recordings",
            api.name,
            operations.len(),
            recordings.len()
        );
    }
}

#[test]
fn every_ok_case_of_a_json_operation_is_its_spec_example() {
    for api in APIS {
        let spec = SpecIndex::of(api).expect("spec loads");
        let json_operations: Vec<String> = spec
            .operation_ids()
            .into_iter()
            .filter(|op| !spec.returns_file(op))
            .collect();
        let mut documented = Vec::new();
        for rec in load_all(api.name).expect("recordings load") {
            if rec.case != "ok" || spec.returns_file(&rec.operation) {
                continue;
            }
            assert!(
                rec.is_documented(),
                "{}/{}: the ok case must be the spec example, and so store no response",
                api.name,
                rec.operation
            );
            assert_eq!(
                Some(rec.last_response()),
                spec.documented_response(&rec.operation),
                "{}/{}",
                api.name,
                rec.operation
            );
            documented.push(rec.operation);
        }
        assert_eq!(
            documented, json_operations,
            "{}: one documented ok case per JSON operation",
            api.name
        );
    }
}

#[test]
fn no_recording_stores_a_spec_example_again() {
    for api in APIS {
        let spec = SpecIndex::of(api).expect("spec loads");
        for rec in load_all(api.name).expect("recordings load") {
            for (operation, response) in rec.stored_responses() {
                assert!(
                    spec.documented_response(operation).as_ref() != Some(response),
                    "{}/{}: a response that is {operation}'s spec example: leave it out, \
                     loading takes it from the spec",
                    api.name,
                    rec.name()
                );
            }
        }
    }
}
