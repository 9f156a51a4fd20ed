//! The recordings of both APIs against their specs: every operation has a recording, every
//! recording names an operation of the spec, documented (non-synthetic) cases are 200
//! examples, and every `ok` recording's body is its operation's spec example, so fixtures and
//! spec cannot drift apart.

use std::collections::BTreeMap;

use api_tests::{load_all, SpecIndex};

/// (recordings directory, spec file, the number of operations the vendor documents)
const APIS: &[(&str, &str, usize)] = &[
    ("liveagent", "liveagent-v1.yaml", 45),
    ("contiple", "contiple.yaml", 33),
];

#[test]
fn every_operation_has_a_recording_and_every_recording_an_operation() {
    for &(api, spec_file, documented) in APIS {
        let spec = SpecIndex::load(spec_file).expect("spec loads");
        let operations = spec.operation_ids();
        assert_eq!(
            operations.len(),
            documented,
            "{api}: the docs document {documented} operations"
        );
        let recordings = load_all(api).expect("recordings load");
        let mut by_operation: BTreeMap<String, usize> = BTreeMap::new();
        for rec in &recordings {
            for exchange in &rec.exchanges() {
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
            "{api}: operations without a recording: {unrecorded:?}"
        );
        assert!(
            unknown.is_empty(),
            "{api}: recordings of unknown operations: {unknown:?}"
        );
        for rec in &recordings {
            assert!(
                rec.synthetic || rec.last_response().status == 200,
                "{api}/{}: a non-synthetic recording must be a documented 200 example",
                rec.name()
            );
        }
    }
}

#[test]
fn every_ok_recording_is_its_operations_spec_example() {
    let mut checked = 0;
    for &(api, spec_file, _) in APIS {
        let spec = SpecIndex::load(spec_file).expect("spec loads");
        for rec in load_all(api).expect("recordings load") {
            if rec.case != "ok" || spec.returns_file(&rec.operation) {
                continue;
            }
            let example = spec
                .success_example(&rec.operation)
                .unwrap_or_else(|| panic!("{api}/{}: the spec has no example", rec.operation));
            assert_eq!(
                rec.last_response().body.as_ref(),
                Some(example),
                "{api}/{}: the ok recording's body differs from the spec example",
                rec.operation
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 45 + 30, "ok recordings of JSON operations");
}
